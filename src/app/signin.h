/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hand-off between the OpenID Provider and enterprise sign-in.
 *
 *   /oauth2/authorize ──► app_signin_begin() ──► where the browser goes next
 *   /sign-in (email)  ──► app_signin_email() ──► where the browser goes next
 *   SAML ACS / OIDC callback, once the person is known and provisioned
 *                     ──► app_oauth_complete() (app/oauth.h) ──► back to the app
 *
 * Routing: login_hint or the typed email goes to the active connection that
 * covers its verified domain (app_sso_lookup); organization= to that
 * organization's active connection; connection= to that connection if it is
 * active. The browser is sent to /sso/start/{conn}?request=ID, which checks the
 * request still allows that connection and redirects to the IdP (OIDC/EASIE in
 * routes/sso.c, SAML likewise); the ACS/callback provisions the person
 * (app/provisioning.h) and ends with app_oauth_complete(). Nothing covering
 * the email or organization ends on a page saying so (no_connection).
 */
#ifndef GATEHOUSE_APP_SIGNIN_H
#define GATEHOUSE_APP_SIGNIN_H

#include "app/app.h"
#include "app/provisioning.h"
#include "crypto/crypto.h"
#include "model/oauth.h"

enum signin_next_kind {
	SIGNIN_NEXT_REDIRECT = 1, /* 302 to url */
	SIGNIN_NEXT_PAGE = 2,     /* show a page: status, code, message */
};

struct signin_next {
	enum signin_next_kind kind;
	char *url;     /* REDIRECT: absolute URL or a path on this server (owned) */
	int status;    /* PAGE: HTTP status */
	char code[48]; /* PAGE: stable code, e.g. "no_connection" */
	char *message; /* PAGE: plain words for the person (owned, not HTML) */
};
void signin_next_release(struct signin_next *n);

/* Where a stored, pending authorization request goes first. */
int app_signin_begin(struct app *a, const struct auth_request *req, struct signin_next *out);
/* Where an email typed on the email-first page (or sent as login_hint) goes. */
int app_signin_email(struct app *a, const struct auth_request *req, const char *email,
                     struct signin_next *out);

/*
 * The SSO router: given a request and what it names (an email address, an
 * organization id/slug or a connection id; the others NULL), choose the
 * active connection and send the browser to its start page; a page
 * (no_connection) when none is active.
 */
int app_signin_route(struct app *a, const struct auth_request *req, const char *email,
                     const char *organization, const char *connection, struct signin_next *out);

/* The replay-cache entry of the assertion a SAML sign-in consumed. */
struct signin_assertion {
	const char *assertion_id;
	int64_t expires_at; /* until when a replay must be refused */
};
/*
 * The last step of a real enterprise sign-in, in one transaction: the
 * assertion's replay-cache entry (SAML; NULL for OIDC, whose state is taken
 * once), JIT provisioning (app/provisioning.h) and the completion of the
 * authorization request with a code (app_oauth_complete, whose browser_hash
 * rule applies: NULL defers the comparison to the caller). All or nothing, one
 * commit instead of three. Errors are those of each step: ERR_CONFLICT
 * assertion_replayed, ERR_FORBIDDEN email_domain_not_covered /
 * user_deactivated / membership_limit_reached / browser_mismatch /
 * browser_unbound, ERR_CONFLICT auth_request_used. Release *out with
 * signin_finished_release.
 */
struct signin_finished {
	char *redirect;                           /* the app's redirect_uri with the code (owned) */
	char browser_hash[CRYPTO_SHA256_HEX_LEN]; /* the browser the request is bound to */
};
void signin_finished_release(struct signin_finished *f);
int app_signin_finish(struct app *a, const struct connection *conn, const struct sso_identity *id,
                      const struct signin_assertion *assertion, const char *auth_request_id,
                      const char *browser_hash, struct signin_finished *out);

#endif
