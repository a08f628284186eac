/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of OIDC sign-ins in flight toward a connection's IdP, kept in the
 * database so that any node can finish a sign-in another node started: the
 * random state (stored only as its SHA-256), the nonce and the PKCE verifier,
 * and what the sign-in is for (an OAuth authorization request of the app, or
 * a test sign-in). A state lives OIDC_SIGNIN_STATE_TTL_S and is used once.
 *
 * The protocol work (discovery, URLs, token exchange, ID token rules) is in
 * oidc_rp/ and its HTTP calls in routes/oidc_rp*.c; this file only owns the
 * rows and the connection's sealed client secret.
 */
#ifndef GATEHOUSE_APP_OIDC_SIGNIN_H
#define GATEHOUSE_APP_OIDC_SIGNIN_H

#include "app/app.h"
#include "store/signin.h"

#define OIDC_SIGNIN_STATE_TTL_S 600

/* The random values of a new sign-in (43 base64url characters each, 256 bits). */
struct oidc_signin_start {
	char *state; /* goes to the IdP and comes back; only its hash is stored */
	char *nonce;
	char *code_verifier;
};
void oidc_signin_start_release(struct oidc_signin_start *s);

/*
 * Makes and stores the state of a new sign-in through conn_id for an OAuth
 * authorization request (auth_request_id) or a test sign-in (test_id); one of
 * them is set. ERR_NOT_FOUND (connection_not_found) when the connection is gone.
 */
int app_oidc_signin_start(struct app *a, const char *conn_id, const char *auth_request_id,
                          const char *test_id, struct oidc_signin_start *out);
/*
 * Takes (deletes) the sign-in whose state this is, for conn_id. ERR_NOT_FOUND
 * (state_unknown) when there is none: never issued, expired, already used, or
 * issued for another connection. Release *out with oidc_state_row_release.
 */
int app_oidc_signin_take(struct app *a, const char *conn_id, const char *state,
                         struct oidc_state_row *out);
/*
 * The connection's OIDC client secret, unsealed. ERR_CONFLICT
 * (connection_incomplete) when none is set. Caller wipes and frees *out.
 */
int app_oidc_client_secret(struct app *a, const char *conn_id, char **out);

#endif
