/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Browser pages of enterprise sign-in that need more than route_html(): the
 * outcome of a test sign-in (a list of problems), and the generic failure
 * page end users see. Escaped, no scripts, not cached, not framed, no Referer
 * (callback URLs carry codes and states).
 */
#ifndef GATEHOUSE_ROUTES_SSO_H
#define GATEHOUSE_ROUTES_SSO_H

#include "app/signin.h"
#include "crypto/crypto.h"
#include "routes/routes.h"

/* Replies with a page: title (escaped here) and body_html (already escaped by the caller). */
int routes_sso_page(struct route_ctx *ctx, int status, const char *title, const char *body_html);
/*
 * The page an end user sees when a sign-in fails: generic words and the
 * request id to quote to their administrator, never the cause.
 */
int routes_sso_sign_in_failed(struct route_ctx *ctx, int status);

/*
 * Login CSRF binding (sso_binding.c). A real sign-in is bound at /sso/start to
 * the browser starting it (a random value in an HttpOnly SameSite=Lax cookie,
 * __Host-gh_sso on https, gh_sso on http; its SHA-256 on the authorization
 * request), and its code is handed only to a browser presenting that cookie.
 */
/* Sets the binding cookie (reusing the browser's) and binds the request: app_oauth_request_bind. */
int routes_sso_bind(struct route_ctx *ctx, const char *auth_request_id);
/* SHA-256 hex of the binding cookie this request carries; false when there is none. */
bool routes_sso_browser_hash(const struct route_ctx *ctx, char out[CRYPTO_SHA256_HEX_LEN]);
/*
 * Replies 303 to GET /sso/finish/{auth_request_id}?h=SEALED: what a SAML ACS
 * (a cross-site POST, which brings no Lax cookie) answers once the sign-in
 * completed with the comparison deferred (app_signin_finish, browser_hash NULL).
 */
int routes_sso_handoff(struct route_ctx *ctx, const char *auth_request_id, const char *conn_id,
                       const struct signin_finished *done);
/* GET /sso/finish/{request}: opens the hand-off and redirects to the app if the cookie matches. */
int routes_sso_finish(struct route_ctx *ctx);

/*
 * Rate limits (sso_limit.c), per node, one-minute windows; a setting of 0
 * turns one off: sign-in starts per client IP (sso_start_limit_per_ip) and per
 * connection (sso_start_limit_per_connection), failed ACS posts, callbacks and
 * hand-offs per client IP (sso_failure_limit_per_ip; once reached, the IP's
 * posts are refused before any parsing or signature work).
 */
enum sso_limit { SSO_LIMIT_START_IP, SSO_LIMIT_START_CONN, SSO_LIMIT_FAIL_IP };
/* Counts one event of key; true when that makes it exceed the limit. */
bool routes_sso_limit_take(const struct route_ctx *ctx, enum sso_limit kind, const char *key);
/* True when key already used up its limit this minute (counts nothing). */
bool routes_sso_limit_reached(const struct route_ctx *ctx, enum sso_limit kind, const char *key);
/* Replies 429 with Retry-After and a plain page. */
int routes_sso_limited(struct route_ctx *ctx);

#endif
