/* SPDX-License-Identifier: Apache-2.0 */
/* /oauth2/authorize checks, in open-redirect-safe order (see oidc_op.h). */
#include "base/common.h"

#include "base/buf.h"
#include "oidc_op/oidc_op.h"

#define STATE_MAX 1024
#define NONCE_MAX 512
#define HINT_MAX  320

void oidc_op_authorize_result_release(struct oidc_op_authorize_result *r)
{
	free(r->redirect);
	auth_request_release(&r->req);
	memset(r, 0, sizeof(*r));
}

static int page(struct oidc_op_authorize_result *out, const char *error, const char *description)
{
	out->verdict = OIDC_OP_AUTHORIZE_ERROR_PAGE;
	xsnprintf(out->error, sizeof(out->error), "%s", error);
	xsnprintf(out->description, sizeof(out->description), "%s", description);
	return 0;
}

/* RFC 6749 4.1.2.1: error, error_description, state; RFC 9207: iss. */
static int redirect(struct oidc_op_authorize_result *out, const struct url_params *q,
                    const char *issuer, const char *error, const char *description)
{
	const char *ru = url_params_get(q, "redirect_uri"), *state = url_params_get(q, "state");
	struct buf b;
	buf_init(&b, 16 * 1024);
	buf_appends(&b, ru);
	url_append_param(&b, url_query_sep(ru), "error", error);
	url_append_param(&b, '&', "error_description", description);
	if (state && strlen(state) <= STATE_MAX)
		url_append_param(&b, '&', "state", state);
	url_append_param(&b, '&', "iss", issuer);
	out->verdict = OIDC_OP_AUTHORIZE_ERROR_REDIRECT;
	xsnprintf(out->error, sizeof(out->error), "%s", error);
	xsnprintf(out->description, sizeof(out->description), "%s", description);
	out->redirect = buf_detach(&b, NULL);
	return 0;
}

/* True when the space-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && !strncmp(p, word, n))
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* The scopes we grant: the known ones requested, in a fixed order (RFC 6749 3.3). */
static char *granted_scope(const char *requested)
{
	static const char *const known[] = { "openid", "email", "profile", "offline_access", NULL };
	struct buf b;
	buf_init(&b, 256);
	for (const char *const *k = known; *k; k++)
		if (has_word(requested, *k))
			buf_appendf(&b, "%s%s", b.len ? " " : "", *k);
	return buf_detach(&b, NULL);
}

static bool too_long(const char *v, size_t max)
{
	return v && strlen(v) > max;
}

static char *dup_or_null(const char *v)
{
	return v && *v ? xstrdup(v) : NULL;
}

/* Everything after the client and redirect_uri are known to be good. */
static int check_rest(const struct url_params *q, const char *issuer,
                      struct oidc_op_authorize_result *out)
{
	const char *rt = url_params_get(q, "response_type"), *scope = url_params_get(q, "scope");
	const char *cc = url_params_get(q, "code_challenge");
	const char *ccm = url_params_get(q, "code_challenge_method");
	const char *mode = url_params_get(q, "response_mode"),
	           *prompt = url_params_get(q, "prompt");
	const char *state = url_params_get(q, "state"), *nonce = url_params_get(q, "nonce");
	const char *hint = url_params_get(q, "login_hint"),
	           *org = url_params_get(q, "organization");
	const char *conn = url_params_get(q, "connection");
	if (q->duplicate[0])
		return redirect(out, q, issuer, "invalid_request", "a parameter is repeated");
	if (url_params_get(q, "request"))
		return redirect(out, q, issuer, "request_not_supported",
		                "request objects are not supported");
	if (url_params_get(q, "request_uri"))
		return redirect(out, q, issuer, "request_uri_not_supported",
		                "request_uri is not supported");
	if (!rt || !*rt)
		return redirect(out, q, issuer, "invalid_request", "response_type is required");
	if (strcmp(rt, "code") != 0)
		return redirect(out, q, issuer, "unsupported_response_type",
		                "only response_type=code is supported");
	if (mode && strcmp(mode, "query") != 0)
		return redirect(out, q, issuer, "invalid_request",
		                "only response_mode=query is supported");
	if (!scope || !has_word(scope, "openid"))
		return redirect(out, q, issuer, "invalid_scope", "scope must include openid");
	if (!cc || !*cc)
		return redirect(
		        out, q, issuer, "invalid_request",
		        "PKCE is required: send code_challenge with code_challenge_method=S256");
	if (!ccm || strcmp(ccm, "S256") != 0)
		return redirect(out, q, issuer, "invalid_request",
		                "code_challenge_method must be S256");
	if (!oidc_op_pkce_challenge_is_valid(cc))
		return redirect(out, q, issuer, "invalid_request",
		                "code_challenge must be 43 base64url characters");
	if (too_long(state, STATE_MAX) || too_long(nonce, NONCE_MAX) || too_long(hint, HINT_MAX) ||
	    too_long(org, 128) || too_long(conn, 128) || too_long(scope, 1024))
		return redirect(out, q, issuer, "invalid_request", "a parameter is too long");
	/* no session of our own to reuse silently (OIDC Core 3.1.2.1) */
	if (prompt && has_word(prompt, "none"))
		return redirect(out, q, issuer, "login_required", "sign-in needs the user");
	struct auth_request *r = &out->req;
	r->client_id = xstrdup(url_params_get(q, "client_id"));
	r->redirect_uri = xstrdup(url_params_get(q, "redirect_uri"));
	r->state = dup_or_null(state);
	r->nonce = dup_or_null(nonce);
	r->code_challenge = xstrdup(cc);
	r->scope = granted_scope(scope);
	r->login_hint = dup_or_null(hint);
	r->organization = dup_or_null(org);
	r->connection = dup_or_null(conn);
	r->status = xstrdup("pending");
	out->verdict = OIDC_OP_AUTHORIZE_OK;
	return 0;
}

int oidc_op_authorize_check(const struct url_params *q, const struct oauth_app *client,
                            const char *issuer, struct oidc_op_authorize_result *out)
{
	memset(out, 0, sizeof(*out));
	const char *cid = url_params_get(q, "client_id"), *ru = url_params_get(q, "redirect_uri");
	/* RFC 6749 4.1.2.1: with a bad client or redirect URI, tell the user, never redirect. */
	if (!cid || !*cid)
		return page(out, "invalid_request", "The sign-in link has no client_id.");
	if (!strcmp(q->duplicate, "client_id") || !strcmp(q->duplicate, "redirect_uri"))
		return page(out, "invalid_request",
		            "The sign-in link repeats client_id or redirect_uri.");
	if (!client || strcmp(client->client_id, cid) != 0)
		return page(out, "invalid_client",
		            "The sign-in link names an application gatehouse does not know.");
	if (!ru || !*ru)
		return page(out, "invalid_request", "The sign-in link has no redirect_uri.");
	if (!oauth_uri_listed(client->redirect_uris, ru))
		return page(
		        out, "invalid_request",
		        "The sign-in link's redirect_uri is not registered for this application.");
	return check_rest(q, issuer, out);
}
