/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenID Provider's state machine, in transactions: authorization
 * requests, sign-in completion (session + one-time code), the code and
 * refresh-token grants, userinfo, revocation and logout. Protocol syntax
 * (which parameters, PKCE transform, claim encoding) is oidc_op/'s; this is
 * what must be true in the database.
 *
 * Tokens are opaque (gh_at_ / gh_rt_ + 256 random bits) and stored as
 * SHA-256: every use reads the token row together with its session and user,
 * so revoking a session (or deactivating a user) kills its access and
 * refresh tokens at once, on every node.
 *
 * Grants: a code starts a grant (grant_id); every token issued from it, and
 * every refresh of those, carries the grant id. A code presented twice
 * revokes the grant's tokens (RFC 6749 4.1.2); a refresh token presented
 * after it was rotated revokes the grant and the session (OAuth 2.0 Security
 * BCP 4.14.2). Errors for the token endpoint are ERR_INVALID with stable
 * code invalid_grant; for bearer use ERR_UNAUTHENTICATED invalid_token.
 */
#ifndef GATEHOUSE_APP_OAUTH_H
#define GATEHOUSE_APP_OAUTH_H

#include "app/app.h"
#include "crypto/crypto.h"
#include "model/oauth.h"

#define APP_OAUTH_REQUEST_TTL_S  600              /* authorize → sign-in completed */
#define APP_OAUTH_CODE_TTL_S     60               /* code → token exchange */
#define APP_OAUTH_ACCESS_TTL_S   3600             /* access token */
#define APP_OAUTH_ID_TOKEN_TTL_S 3600             /* ID token exp */
#define APP_OAUTH_SESSION_TTL_S  (30 * 24 * 3600) /* session, and so every refresh token */

/* Stores a validated request: fills r->id (areq_...), created_at, expires_at. */
int app_oauth_request_create(struct app *a, struct auth_request *r);
/*
 * A request still waiting for its sign-in. ERR_NOT_FOUND
 * (auth_request_not_found), ERR_CONFLICT (auth_request_used), ERR_INVALID
 * (auth_request_expired).
 */
int app_oauth_request_pending(struct app *a, const char *id, struct auth_request *out);

/*
 * Completes a sign-in (SAML or OIDC sign-in call this once the person is
 * known and provisioned): creates the session (bound to the request's
 * client), issues a one-time code (stored hashed, APP_OAUTH_CODE_TTL_S,
 * bound to client, redirect_uri, PKCE challenge, nonce and session) and
 * returns in *redirect_out (caller frees) the client's redirect_uri with
 * code, state and iss (RFC 9207). org_id may be NULL (no organization).
 * Errors: those of app_oauth_request_pending; ERR_NOT_FOUND user_not_found;
 * ERR_FORBIDDEN user_deactivated; ERR_INVALID when the app or its redirect
 * URI was removed meanwhile.
 *
 * Login CSRF: the request must have been bound to a browser
 * (app_oauth_request_bind at /sso/start; ERR_FORBIDDEN browser_unbound), and
 * browser_hash, the hash of the binding cookie the finishing browser
 * presented, must be that one (ERR_FORBIDDEN browser_mismatch). browser_hash
 * NULL defers that comparison to the caller, which must then hand the code
 * only to a browser presenting the bound hash (the SAML ACS does, through
 * /sso/finish: routes/sso.h).
 */
int app_oauth_complete(struct app *a, const char *auth_request_id, const char *browser_hash,
                       const char *user_id, const char *org_id, char **redirect_out);

/*
 * The same inside the caller's transaction; issuer is the public URL (RFC 9207
 * iss); *bound_out receives the hash the request is bound to.
 */
int app_oauth_complete_tx(struct db_conn *c, const char *issuer, const char *auth_request_id,
                          const char *browser_hash, const char *user_id, const char *org_id,
                          char bound_out[CRYPTO_SHA256_HEX_LEN], char **redirect_out);
/*
 * Binds pending request id to the browser starting its sign-in: browser_hash
 * is the SHA-256 hex of its binding cookie. Once; the same hash again is fine
 * (a retry). ERR_CONFLICT browser_mismatch when another browser is bound or
 * the request is no longer pending.
 */
int app_oauth_request_bind(struct app *a, const char *id, const char *browser_hash);

/* What the token endpoint checks a code against (computed from the request by oidc_op/). */
struct app_oauth_code_check {
	const char *client_id;      /* the authenticated client */
	const char *redirect_uri;   /* as sent to the token endpoint */
	const char *pkce_challenge; /* BASE64URL(SHA256(code_verifier)) */
};

struct app_oauth_tokens {
	char *access_token, *refresh_token; /* plain, to hand over once */
	char *scope, *nonce;                /* nonce: only from the code grant */
	char *client_id;
	char session_id[ID_MAX];
	int64_t auth_time, expires_in;
	struct oauth_identity who;
};
void app_oauth_tokens_release(struct app_oauth_tokens *t);

/* authorization_code grant (RFC 6749 4.1.3, RFC 7636 4.6). */
int app_oauth_exchange_code(struct app *a, const char *code, const struct app_oauth_code_check *chk,
                            struct app_oauth_tokens *out);
/* refresh_token grant with rotation and reuse detection (RFC 6749 6). */
int app_oauth_refresh(struct app *a, const char *client_id, const char *refresh_token,
                      struct app_oauth_tokens *out);
/* A bearer access token's identity; ERR_UNAUTHENTICATED (invalid_token). *scope_out: caller frees.
 */
int app_oauth_userinfo(struct app *a, const char *access_token, struct oauth_identity *out,
                       char **scope_out);
/*
 * RFC 7009: revokes an access token, or a refresh token and its whole grant.
 * Unknown tokens and other clients' tokens are ignored (still 0).
 */
int app_oauth_revoke(struct app *a, const char *client_id, const char *token);
/* RP-initiated logout: revokes the session if it is active and was started by client_id. */
int app_oauth_logout(struct app *a, const char *client_id, const char *session_id);

#endif
