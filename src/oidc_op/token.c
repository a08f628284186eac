/* SPDX-License-Identifier: Apache-2.0 */
/* The token endpoint's protocol rules (see oidc_op.h). */
#include "base/common.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "oidc_op/oidc_op.h"

#include <jansson.h>
#include <strings.h>

static int invalid_request(const char *detail)
{
	return error_setc(ERR_INVALID, "invalid_request", "%s", detail);
}

void oidc_op_client_credentials_release(struct oidc_op_client_credentials *c)
{
	if (c->client_secret)
		memset(c->client_secret, 0, strlen(c->client_secret));
	free(c->client_id);
	free(c->client_secret);
	memset(c, 0, sizeof(*c));
}

/* "Basic base64(urlencode(id):urlencode(secret))" (RFC 6749 2.3.1, RFC 7617). */
static int parse_basic(struct oidc_op_client_credentials *out, const char *h)
{
	unsigned char *raw = NULL;
	size_t n = 0;
	h += 6;
	h += strspn(h, " ");
	if (strlen(h) > 4096 || crypto_b64_decode(&raw, &n, h) || !memchr(raw, ':', n) ||
	    memchr(raw, '\0', n)) {
		free(raw);
		return error_setc(ERR_UNAUTHENTICATED, "invalid_client",
		                  "malformed Basic client credentials");
	}
	const char *colon = memchr(raw, ':', n);
	size_t idlen = (size_t)(colon - (const char *)raw);
	/* each part is form-urlencoded: decode both through the form parser */
	char *pair = xasprintf("i=%.*s&s=%.*s", (int)idlen, (const char *)raw, (int)(n - idlen - 1),
	                       colon + 1);
	memset(raw, 0, n);
	free(raw);
	struct url_params p;
	int rc = url_params_parse(&p, pair, strlen(pair));
	memset(pair, 0, strlen(pair));
	free(pair);
	if (rc || !url_params_get(&p, "i") || !url_params_get(&p, "s") || p.duplicate[0]) {
		if (!rc)
			url_params_release(&p);
		return error_setc(ERR_UNAUTHENTICATED, "invalid_client",
		                  "malformed Basic client credentials");
	}
	out->client_id = xstrdup(url_params_get(&p, "i"));
	out->client_secret = xstrdup(url_params_get(&p, "s"));
	out->method = "client_secret_basic";
	url_params_release(&p);
	return 0;
}

int oidc_op_client_auth_parse(struct oidc_op_client_credentials *out, const char *authorization,
                              const struct url_params *form)
{
	memset(out, 0, sizeof(*out));
	const char *fid = url_params_get(form, "client_id");
	const char *fsecret = url_params_get(form, "client_secret");
	bool basic = authorization && !strncasecmp(authorization, "Basic ", 6);
	if (basic && fsecret)
		return invalid_request("use one client authentication method, not two");
	if (basic) {
		int rc = parse_basic(out, authorization);
		if (!rc && fid && strcmp(fid, out->client_id) != 0) {
			oidc_op_client_credentials_release(out);
			return invalid_request("client_id differs from the authenticated client");
		}
		return rc;
	}
	if (!fid || !fsecret)
		return error_setc(ERR_UNAUTHENTICATED, "invalid_client",
		                  "client authentication is required (client_secret_basic or "
		                  "client_secret_post)");
	out->client_id = xstrdup(fid);
	out->client_secret = xstrdup(fsecret);
	out->method = "client_secret_post";
	return 0;
}

int oidc_op_token_request_parse(struct oidc_op_token_request *out, const struct url_params *form)
{
	memset(out, 0, sizeof(*out));
	const char *gt = url_params_get(form, "grant_type");
	if (form->duplicate[0])
		return invalid_request("a parameter is repeated (RFC 6749 3.2)");
	if (!gt || !*gt)
		return invalid_request("grant_type is required");
	if (!strcmp(gt, "authorization_code")) {
		out->grant = OIDC_OP_GRANT_CODE;
		out->code = url_params_get(form, "code");
		out->redirect_uri = url_params_get(form, "redirect_uri");
		out->code_verifier = url_params_get(form, "code_verifier");
		if (!out->code || !*out->code)
			return invalid_request("code is required");
		if (!out->redirect_uri)
			return invalid_request("redirect_uri is required");
		if (!out->code_verifier)
			return invalid_request("code_verifier is required (PKCE)");
		if (!oidc_op_pkce_verifier_is_valid(out->code_verifier))
			return invalid_request(
			        "code_verifier must be 43-128 unreserved characters");
		return 0;
	}
	if (!strcmp(gt, "refresh_token")) {
		out->grant = OIDC_OP_GRANT_REFRESH;
		out->refresh_token = url_params_get(form, "refresh_token");
		if (!out->refresh_token || !*out->refresh_token)
			return invalid_request("refresh_token is required");
		return 0;
	}
	return error_setc(ERR_INVALID, "unsupported_grant_type",
	                  "grant_type %.60s is not supported", gt);
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		die("json_dumps failed");
	return s;
}

char *oidc_op_token_response(const char *access_token, int64_t expires_in,
                             const char *refresh_token, const char *id_token, const char *scope)
{
	json_t *j = json_object();
	json_object_set_new(j, "access_token", json_string(access_token));
	json_object_set_new(j, "token_type", json_string("Bearer"));
	json_object_set_new(j, "expires_in", json_integer(expires_in));
	if (refresh_token)
		json_object_set_new(j, "refresh_token", json_string(refresh_token));
	if (id_token)
		json_object_set_new(j, "id_token", json_string(id_token));
	if (scope)
		json_object_set_new(j, "scope", json_string(scope));
	return dump(j);
}

char *oidc_op_error_json(const char *error, const char *description)
{
	json_t *j = json_object();
	json_object_set_new(j, "error", json_string(error));
	if (description && *description)
		json_object_set_new(j, "error_description", json_string(description));
	return dump(j);
}
