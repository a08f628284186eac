/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The authorization request (OIDC Core 3.1.2.1) that sends a browser to the
 * customer's IdP: response_type=code, client_id, redirect_uri, scope, state,
 * nonce, PKCE (RFC 7636) with S256, and the optional login_hint and, for
 * Google Workspace (EASIE), hd. The random values (state, nonce, verifier) are
 * made and stored by the caller; this module only derives and encodes.
 */
#ifndef GATEHOUSE_OIDC_RP_AUTH_REQUEST_H
#define GATEHOUSE_OIDC_RP_AUTH_REQUEST_H

#define OIDC_RP_PKCE_CHALLENGE_LEN 43 /* base64url of a SHA-256 digest */
#define OIDC_RP_DEFAULT_SCOPE      "openid email profile"

struct oidc_rp_auth_request {
	const char *authorization_endpoint; /* may carry a query of its own */
	const char *client_id, *redirect_uri, *state, *nonce, *code_verifier;
	const char *scope;      /* NULL: OIDC_RP_DEFAULT_SCOPE */
	const char *login_hint; /* may be NULL */
	const char *hd;         /* Google's hosted-domain hint; may be NULL */
};

/* BASE64URL(SHA256(verifier)) (RFC 7636 4.2). */
void oidc_rp_pkce_challenge(char out[OIDC_RP_PKCE_CHALLENGE_LEN + 1], const char *verifier);
/* True for 43..128 characters of ALPHA DIGIT - . _ ~ (RFC 7636 4.1). */
bool oidc_rp_pkce_verifier_is_valid(const char *verifier);
/*
 * The URL to redirect the browser to. ERR_INVALID (auth_request_invalid) when
 * a required member is missing, the verifier is not valid, or the scope lacks
 * "openid". Caller frees *out.
 */
int oidc_rp_auth_url(char **out, const struct oidc_rp_auth_request *r);

#endif
