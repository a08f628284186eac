/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hand-over from an enterprise sign-in (SAML or OIDC toward the customer's
 * IdP) back to gatehouse's own OpenID Provider: once the IdP vouched for the
 * user and JIT provisioning made them a member, the app's pending OAuth
 * authorization request is completed (session, authorization code) and the
 * browser is sent back to the app.
 *
 * Owned by the OpenID Provider side; signin.c holds a placeholder until that
 * lands.
 */
#ifndef GATEHOUSE_APP_SIGNIN_H
#define GATEHOUSE_APP_SIGNIN_H

#include "app/app.h"
#include "app/provisioning.h"

/*
 * Completes the OAuth authorization request auth_request_id for who (user and
 * organization) and returns the URL to redirect the browser to
 * (redirect_uri?code=...&state=...). Caller frees *redirect_out.
 * Expected errors: ERR_NOT_FOUND (the request is unknown or expired),
 * ERR_UNAVAILABLE (no OpenID Provider in this build).
 */
int app_signin_finish(struct app *a, const char *auth_request_id, const struct sso_provisioned *who,
                      char **redirect_out);

#endif
