/* SPDX-License-Identifier: Apache-2.0 */
/* Token request and response (see token.h). */
#include "base/common.h"

#include "oidc_rp/token.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/url.h"
#include "crypto/crypto.h"
#include "jose/jws.h"

#include <jansson.h>

#define IDP_TEXT_MAX 200

char *oidc_rp_token_request_body(const char *code, const char *redirect_uri,
                                 const char *code_verifier)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	int rc = url_append_param(&b, 0, "grant_type", "authorization_code");
	if (rc == 0)
		rc = url_append_param(&b, '&', "code", code);
	if (rc == 0)
		rc = url_append_param(&b, '&', "redirect_uri", redirect_uri);
	if (rc == 0)
		rc = url_append_param(&b, '&', "code_verifier", code_verifier);
	if (rc)
		die("token request body over 64 KiB"); /* inputs are bounded by their callers */
	return buf_detach(&b, NULL);
}

char *oidc_rp_client_secret_basic(const char *client_id, const char *client_secret)
{
	char *id = url_encode(client_id), *secret = url_encode(client_secret);
	char *pair = xasprintf("%s:%s", id, secret);
	char *b64 = crypto_b64_encode(pair, strlen(pair));
	char *out = xasprintf("Basic %s", b64);
	explicit_bzero(secret, strlen(secret));
	explicit_bzero(pair, strlen(pair));
	explicit_bzero(b64, strlen(b64));
	free(id);
	free(secret);
	free(pair);
	free(b64);
	return out;
}

/* RFC 6749 5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E; keep only those. */
static void clean(char *out, size_t size, const char *s)
{
	size_t o = 0;
	for (; s && *s && o + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

int oidc_rp_idp_error(const char *error, const char *description)
{
	char e[IDP_TEXT_MAX + 1], d[IDP_TEXT_MAX + 1];
	clean(e, sizeof(e), error);
	clean(d, sizeof(d), description);
	if (d[0])
		return error_setc(ERR_PEER, "idp_error", "the IdP answered with the error %s: %s",
		                  e[0] ? e : "(unnamed)", d);
	return error_setc(ERR_PEER, "idp_error", "the IdP answered with the error %s",
	                  e[0] ? e : "(unnamed)");
}

void oidc_rp_token_response_release(struct oidc_rp_token_response *r)
{
	free(r->id_token);
	memset(r, 0, sizeof(*r));
}

static int from_json(struct oidc_rp_token_response *out, int status, const json_t *j)
{
	const json_t *err = json_object_get(j, "error");
	if (err)
		return oidc_rp_idp_error(json_string_value(err), json_string_value(json_object_get(
		                                                         j, "error_description")));
	if (status != 200)
		return error_setc(ERR_PEER, "token_request_failed",
		                  "the IdP's token endpoint answered HTTP %d", status);
	const json_t *t = json_object_get(j, "id_token");
	if (!json_is_string(t) || json_string_length(t) == 0)
		return error_setc(ERR_PEER, "missing_id_token",
		                  "the IdP's token response has no id_token (was the openid scope "
		                  "granted?)");
	if (json_string_length(t) > JOSE_JWS_MAX_BYTES)
		return error_setc(ERR_PEER, "token_response_invalid",
		                  "the IdP's ID token is longer than %d bytes", JOSE_JWS_MAX_BYTES);
	out->id_token = xstrdup(json_string_value(t));
	return 0;
}

int oidc_rp_token_response_parse(struct oidc_rp_token_response *out, int status, const char *body,
                                 size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len > OIDC_RP_TOKEN_RESPONSE_MAX_BYTES)
		return error_setc(ERR_TOO_LARGE, "token_response_too_large",
		                  "the IdP's token response is larger than %d bytes",
		                  OIDC_RP_TOKEN_RESPONSE_MAX_BYTES);
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	int rc;
	if (json_is_object(j))
		rc = from_json(out, status, j);
	else if (status != 200)
		rc = error_setc(ERR_PEER, "token_request_failed",
		                "the IdP's token endpoint answered HTTP %d", status);
	else
		rc = error_setc(ERR_PEER, "token_response_invalid",
		                "the IdP's token response is not one JSON object without duplicate "
		                "members");
	json_decref(j);
	if (rc)
		oidc_rp_token_response_release(out);
	return rc;
}
