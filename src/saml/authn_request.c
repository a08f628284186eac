/* SPDX-License-Identifier: Apache-2.0 */
/* AuthnRequest through lasso (see authn_request.h). SAML Core 3.4.1, Bindings 3.4-3.5. */
#include "base/common.h"

#include "saml/authn_request.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/url.h"
#include "saml/internal.h"

#define NAMEID_UNSPECIFIED "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
#define BINDING_POST       "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"

/* Fills the request lasso initialised: what we ask for, and our own clock. */
static void shape_request(LassoSamlp2AuthnRequest *req, const struct saml_sp_config *sp,
                          int64_t now)
{
	char instant[32];
	LassoSamlp2NameIDPolicy *policy = req->NameIDPolicy;
	if (policy) {
		g_free(policy->Format);
		policy->Format = g_strdup(sp->authn_nameid_format ? sp->authn_nameid_format
		                                                  : NAMEID_UNSPECIFIED);
		g_free(policy->SPNameQualifier);
		policy->SPNameQualifier = NULL;
		policy->AllowCreate = TRUE;
	}
	g_free(req->ProtocolBinding);
	req->ProtocolBinding = g_strdup(BINDING_POST);
	g_free(req->AssertionConsumerServiceURL);
	req->AssertionConsumerServiceURL = g_strdup(sp->acs_url);
	req->AssertionConsumerServiceIndex = -1;
	clock_format_rfc3339(instant, sizeof(instant), now);
	g_free(req->parent.IssueInstant);
	req->parent.IssueInstant = g_strdup(instant);
}

/* Only a plausible address is passed on: it is the app's input, echoed to the IdP. */
static const char *usable_hint(const struct saml_login_hint *hint)
{
	const char *e = hint && hint->style != SAML_HINT_NONE ? hint->email : NULL;
	if (!e || strlen(e) > 254 || !strchr(e, '@') || strpbrk(e, " \t\r\n<>\"&"))
		return NULL;
	return e;
}

/* SAML Core 3.4.1: the requested subject; lasso escapes the value. */
static void add_subject(LassoSamlp2AuthnRequest *req, const char *email)
{
	LassoSaml2Subject *subject = LASSO_SAML2_SUBJECT(lasso_saml2_subject_new());
	subject->NameID =
	        LASSO_SAML2_NAME_ID(lasso_saml2_name_id_new_with_string((char *)(uintptr_t)email));
	if (req->Subject)
		g_object_unref(req->Subject);
	req->Subject = subject;
}

static int copy_out(struct saml_authn_request *out, LassoLogin *login,
                    const LassoSamlp2AuthnRequest *req, enum saml_binding binding)
{
	const LassoProfile *p = LASSO_PROFILE(login);
	if (!p->msg_url || (binding == SAML_BINDING_POST && !p->msg_body) || !req->parent.ID)
		return error_setc(ERR_INTERNAL, "authn_request_failed",
		                  "lasso built no request URL");
	out->binding = binding;
	out->url = xstrdup(p->msg_url);
	out->post_body = binding == SAML_BINDING_POST ? xstrdup(p->msg_body) : NULL;
	out->request_id = xstrdup(req->parent.ID);
	return 0;
}

int saml_authn_request_build(struct saml_authn_request *out, struct saml_sp_ctx *ctx,
                             const char *relay_state, int64_t now)
{
	return saml_authn_request_build_hinted(out, ctx, relay_state, NULL, now);
}

int saml_authn_request_build_hinted(struct saml_authn_request *out, struct saml_sp_ctx *ctx,
                                    const char *relay_state, const struct saml_login_hint *hint,
                                    int64_t now)
{
	const char *email = usable_hint(hint);
	const struct saml_sp_config *sp = saml_sp_ctx_sp(ctx);
	const struct saml_idp *idp = saml_sp_ctx_idp(ctx);
	enum saml_binding binding = idp->sso_binding;
	int rc = 0, lrc;

	memset(out, 0, sizeof(*out));
	if (relay_state && strlen(relay_state) > SAML_RELAY_STATE_MAX)
		return error_setc(ERR_INVALID, "relay_state_too_long",
		                  "RelayState is limited to %d bytes", SAML_RELAY_STATE_MAX);
	LassoLogin *login = lasso_login_new(saml_sp_ctx_server(ctx));
	if (!login)
		return error_setc(ERR_INTERNAL, "authn_request_failed", "lasso_login_new failed");
	lasso_profile_set_signature_hint(LASSO_PROFILE(login),
	                                 sp->sign_authn_requests
	                                         ? LASSO_PROFILE_SIGNATURE_HINT_FORCE
	                                         : LASSO_PROFILE_SIGNATURE_HINT_FORBID);
	lrc = lasso_login_init_authn_request(
	        login, idp->entity_id,
	        binding == SAML_BINDING_POST ? LASSO_HTTP_METHOD_POST : LASSO_HTTP_METHOD_REDIRECT);
	LassoNode *node = LASSO_PROFILE(login)->request;
	if (lrc != 0 || !LASSO_IS_SAMLP2_AUTHN_REQUEST(node)) {
		rc = error_setc(ERR_INTERNAL, "authn_request_failed", "lasso: %s",
		                lasso_strerror(lrc));
		goto cleanup;
	}
	LassoSamlp2AuthnRequest *req = LASSO_SAMLP2_AUTHN_REQUEST(node);
	shape_request(req, sp, now);
	if (email && hint->style == SAML_HINT_SUBJECT)
		add_subject(req, email);
	if (relay_state)
		LASSO_PROFILE(login)->msg_relayState = g_strdup(relay_state);
	lrc = lasso_login_build_authn_request_msg(login);
	if (lrc != 0) {
		rc = error_setc(ERR_INTERNAL, "authn_request_failed", "lasso: %s",
		                lasso_strerror(lrc));
		goto cleanup;
	}
	rc = copy_out(out, login, req, binding);
	if (rc == 0 && email && hint->style == SAML_HINT_QUERY) {
		struct buf b;
		buf_init(&b, 64 * 1024);
		buf_appends(&b, out->url);
		url_append_param(&b, url_query_sep(out->url), "login_hint", email);
		free(out->url);
		out->url = buf_detach(&b, NULL);
	}
	out->relay_state = relay_state ? xstrdup(relay_state) : NULL;
	out->issued_at = now;
cleanup:
	g_object_unref(login);
	if (rc != 0)
		saml_authn_request_release(out);
	return rc;
}

void saml_authn_request_release(struct saml_authn_request *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->post_body);
	free(r->request_id);
	free(r->relay_state);
	memset(r, 0, sizeof(*r));
}
