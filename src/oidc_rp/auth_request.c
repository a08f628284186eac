/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization request URLs with PKCE S256 (see auth_request.h). */
#include "base/common.h"

#include "oidc_rp/auth_request.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/url.h"
#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "oidc_rp/discovery.h"

void oidc_rp_pkce_challenge(char out[OIDC_RP_PKCE_CHALLENGE_LEN + 1], const char *verifier)
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(d, verifier, strlen(verifier));
	char *b = jose_b64url_encode(d, sizeof(d));
	xsnprintf(out, OIDC_RP_PKCE_CHALLENGE_LEN + 1, "%s", b);
	free(b);
}

bool oidc_rp_pkce_verifier_is_valid(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 43 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		if (!ok)
			return false;
	}
	return true;
}

/* "openid" as a whole word of the space-separated scope (OIDC Core 3.1.2.1). */
static bool has_openid(const char *scope)
{
	for (const char *p = scope; (p = strstr(p, "openid")) != NULL; p += 6) {
		bool start = p == scope || p[-1] == ' ', end = p[6] == '\0' || p[6] == ' ';
		if (start && end)
			return true;
	}
	return false;
}

static int check(const struct oidc_rp_auth_request *r, const char *scope)
{
	if (!r->authorization_endpoint || !r->client_id || !*r->client_id || !r->redirect_uri ||
	    !r->state || !*r->state || !r->nonce || !*r->nonce)
		return error_setc(ERR_INVALID, "auth_request_invalid",
		                  "the authorization request lacks a required value");
	if (!oidc_rp_pkce_verifier_is_valid(r->code_verifier))
		return error_setc(ERR_INVALID, "auth_request_invalid",
		                  "the PKCE code verifier is not 43-128 unreserved characters");
	if (!has_openid(scope))
		return error_setc(ERR_INVALID, "auth_request_invalid",
		                  "the scope \"%.100s\" does not include openid", scope);
	return 0;
}

int oidc_rp_auth_url(char **out, const struct oidc_rp_auth_request *r)
{
	*out = NULL;
	const char *scope = r->scope && *r->scope ? r->scope : OIDC_RP_DEFAULT_SCOPE;
	int rc = check(r, scope);
	if (rc)
		return rc;
	char challenge[OIDC_RP_PKCE_CHALLENGE_LEN + 1];
	oidc_rp_pkce_challenge(challenge, r->code_verifier);
	struct buf b;
	buf_init(&b, OIDC_RP_URL_MAX + 8192);
	buf_appends(&b, r->authorization_endpoint);
	char sep = strchr(r->authorization_endpoint, '?') ? '&' : '?';
	rc = url_append_param(&b, sep, "response_type", "code");
	if (rc == 0)
		rc = url_append_param(&b, '&', "client_id", r->client_id);
	if (rc == 0)
		rc = url_append_param(&b, '&', "redirect_uri", r->redirect_uri);
	if (rc == 0)
		rc = url_append_param(&b, '&', "scope", scope);
	if (rc == 0)
		rc = url_append_param(&b, '&', "state", r->state);
	if (rc == 0)
		rc = url_append_param(&b, '&', "nonce", r->nonce);
	if (rc == 0)
		rc = url_append_param(&b, '&', "code_challenge", challenge);
	if (rc == 0)
		rc = url_append_param(&b, '&', "code_challenge_method", "S256");
	if (rc == 0 && r->login_hint && *r->login_hint)
		rc = url_append_param(&b, '&', "login_hint", r->login_hint);
	if (rc == 0 && r->hd && *r->hd)
		rc = url_append_param(&b, '&', "hd", r->hd);
	if (rc) {
		buf_release(&b);
		return error_setc(ERR_INVALID, "auth_request_invalid",
		                  "the authorization request is too long");
	}
	*out = buf_detach(&b, NULL);
	return 0;
}
