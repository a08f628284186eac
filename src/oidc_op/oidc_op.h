/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse as OpenID Provider: protocol rules with no I/O. Structs in,
 * results out: routes/oidc_op.c reads the request, asks app/ for stored
 * state, and calls these to decide and to encode. Nothing here includes
 * http/, store/ or app/ (STYLE.md section 3).
 *
 *   discovery  the OpenID Provider Metadata document (OIDC Discovery 3)
 *   authorize  /oauth2/authorize checks, in the order open-redirect safety
 *              needs (client and redirect_uri first: if either is bad, an
 *              error page, never a redirect)
 *   pkce       RFC 7636 S256 only
 *   token      client authentication parsing, token request checks, the
 *              token response
 *   claims     ID token and userinfo claims
 *   logout     RP-initiated logout checks
 *
 * OAuth errors carry the RFC 6749 / OIDC error code in the error slot's
 * stable code (invalid_request, invalid_client, invalid_grant,
 * unsupported_grant_type, unsupported_response_type, invalid_scope, ...).
 */
#ifndef GATEHOUSE_OIDC_OP_OIDC_OP_H
#define GATEHOUSE_OIDC_OP_OIDC_OP_H

#include "base/url.h"
#include "jose/jwt.h"
#include "model/oauth.h"

/* --- discovery --- */

/* The metadata document for issuer (no trailing slash). Caller frees. */
char *oidc_op_discovery_json(const char *issuer);

/* --- pkce --- */

/* RFC 7636 4.2: BASE64URL(SHA256(verifier)), 43 characters. Caller frees. */
char *oidc_op_pkce_s256(const char *verifier);
/* 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1). */
bool oidc_op_pkce_verifier_is_valid(const char *verifier);
/* An S256 challenge: exactly 43 base64url characters. */
bool oidc_op_pkce_challenge_is_valid(const char *challenge);

/* --- authorize --- */

enum oidc_op_authorize_verdict {
	OIDC_OP_AUTHORIZE_OK = 1,
	OIDC_OP_AUTHORIZE_ERROR_PAGE = 2,     /* show error/description; never redirect */
	OIDC_OP_AUTHORIZE_ERROR_REDIRECT = 3, /* send the error to redirect */
};

struct oidc_op_authorize_result {
	enum oidc_op_authorize_verdict verdict;
	char error[48];        /* OAuth error code */
	char description[256]; /* plain words */
	char *redirect; /* ERROR_REDIRECT: redirect_uri?error=...&state=...&iss=... (owned) */
	struct auth_request req; /* OK: every field but id, created_at, expires_at (owned) */
};
void oidc_op_authorize_result_release(struct oidc_op_authorize_result *r);

/*
 * Checks an authorization request (the decoded query) for client (the app
 * whose client_id the query names, or NULL when there is none). Order (RFC
 * 6749 3.1.2.4 and 4.1.2.1): client_id, redirect_uri exact match, then -
 * errors now redirected - duplicates, request objects, response_type=code,
 * response_mode, scope with openid, PKCE S256, lengths, prompt=none.
 * Always returns 0; the verdict says what to do.
 */
int oidc_op_authorize_check(const struct url_params *query, const struct oauth_app *client,
                            const char *issuer, struct oidc_op_authorize_result *out);

/* --- token endpoint --- */

struct oidc_op_client_credentials {
	char *client_id, *client_secret; /* owned */
	const char *method;              /* "client_secret_basic" | "client_secret_post" */
};
void oidc_op_client_credentials_release(struct oidc_op_client_credentials *c);
/*
 * RFC 6749 2.3.1: credentials from "Authorization: Basic" (each part
 * form-urlencoded) or from client_id + client_secret in the form; both at
 * once is invalid_request, neither is invalid_client (ERR_UNAUTHENTICATED).
 */
int oidc_op_client_auth_parse(struct oidc_op_client_credentials *out, const char *authorization,
                              const struct url_params *form);

enum oidc_op_grant { OIDC_OP_GRANT_CODE = 1, OIDC_OP_GRANT_REFRESH = 2 };

struct oidc_op_token_request {
	enum oidc_op_grant grant;
	const char *code, *redirect_uri, *code_verifier,
	        *refresh_token; /* borrowed from the form */
};
/*
 * Checks a token request form: no duplicates, a known grant_type
 * (unsupported_grant_type), its required parameters (invalid_request), a
 * well-formed code_verifier. ERR_INVALID with the OAuth code.
 */
int oidc_op_token_request_parse(struct oidc_op_token_request *out, const struct url_params *form);

/* The token response (RFC 6749 5.1 + OIDC Core 3.1.3.3). id_token, refresh_token may be NULL. */
char *oidc_op_token_response(const char *access_token, int64_t expires_in,
                             const char *refresh_token, const char *id_token, const char *scope);
/* {"error":..., "error_description":...}. Caller frees. */
char *oidc_op_error_json(const char *error, const char *description);

/* --- claims --- */

struct oidc_op_id_token_in {
	const char *issuer, *client_id;
	const char *nonce;        /* NULL on refresh (OIDC Core 12.2) */
	const char *sid;          /* session id */
	const char *access_token; /* for at_hash; may be NULL */
	int64_t auth_time, now, ttl_s;
	const struct oauth_identity *who;
};
/* The ID token claims as JSON text (caller frees). */
char *oidc_op_id_token_claims(const struct oidc_op_id_token_in *in);
/* The userinfo response (OIDC Core 5.3.2). Caller frees. */
char *oidc_op_userinfo_json(const struct oauth_identity *who);

/* --- logout --- */

/*
 * An id_token_hint already verified with our keys (expiry is not checked:
 * OIDC RP-Initiated Logout 1.0 section 2 allows expired hints): iss must be
 * ours, it must name one audience, and client_id (if sent) must be that
 * audience; it must carry sid. *client_out and *sid_out are borrowed from c.
 */
int oidc_op_logout_check_hint(const struct jose_claims *c, const char *issuer,
                              const char *client_id, const char **client_out, const char **sid_out);

#endif
