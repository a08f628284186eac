/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hand-off between the OpenID Provider and enterprise sign-in.
 *
 *   /oauth2/authorize ──► app_signin_begin() ──► where the browser goes next
 *   /sign-in (email)  ──► app_signin_email() ──► where the browser goes next
 *   SAML ACS / OIDC callback, once the person is known and provisioned
 *                     ──► app_oauth_complete() (app/oauth.h) ──► back to the app
 *
 * What exists now: a request that names nothing goes to the email-first
 * page; an email (typed there, or sent as login_hint) goes to the SSO router,
 * organization= and connection= to their connection. The router and the
 * connections are the SSO capability's: until it lands, every route ends on
 * a clear page ("no enterprise connection covers this email"), which is the
 * truth while no connection exists. THE LEAD WIRES: app_signin_route() in
 * signin.c (the only function to replace), which must return a redirect to
 * the IdP (SAML AuthnRequest / OIDC authorization URL) carrying the
 * auth_request id in its RelayState/state, and whose ACS/callback ends with
 * app_oauth_complete(a, auth_request_id, user_id, org_id, &redirect).
 */
#ifndef GATEHOUSE_APP_SIGNIN_H
#define GATEHOUSE_APP_SIGNIN_H

#include "app/app.h"
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
 * connection and start sign-in there. Today: no connection exists, so it
 * answers a page (no_connection). Replaced by the SSO capability.
 */
int app_signin_route(struct app *a, const struct auth_request *req, const char *email,
                     const char *organization, const char *connection, struct signin_next *out);

#endif
