/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of SAML sign-ins, kept in the database so that any node finishes
 * what another started: the IDs of the AuthnRequests sent (each bound to the
 * OAuth authorization request or the test sign-in it serves, 10 minutes, taken
 * once), the replay cache of consumed assertion IDs, and the connection's SP key
 * pairs (private keys sealed with the instance key).
 *
 * The protocol work (metadata, AuthnRequest, response validation) is in saml/
 * and is driven by routes/saml*.c; this file only owns rows and secrets.
 */
#ifndef GATEHOUSE_APP_SAML_SIGNIN_H
#define GATEHOUSE_APP_SAML_SIGNIN_H

#include "app/app.h"
#include "base/id.h"

#define SAML_SIGNIN_REQUEST_TTL_S 600

/*
 * Stores the ID of an AuthnRequest sent through conn_id for an authorization
 * request (auth_request_id) or a test sign-in (test_id); one of them is set.
 * ERR_NOT_FOUND (connection_not_found) when the connection is gone.
 */
int app_saml_request_save(struct app *a, const char *conn_id, const char *request_id,
                          const char *auth_request_id, const char *test_id);
/*
 * Takes (deletes) the live AuthnRequest request_id of conn_id and copies out
 * what it was for ("" when not set). ERR_NOT_FOUND (request_unknown) when there
 * is none: never sent, expired, already answered, or sent for another connection.
 */
int app_saml_request_take(struct app *a, const char *conn_id, const char *request_id,
                          char auth_request_out[ID_MAX], char test_out[ID_MAX]);
/*
 * Remembers a consumed assertion until expires_at. ERR_CONFLICT
 * (assertion_replayed) when this connection has seen it before.
 */
int app_saml_assertion_remember(struct app *a, const char *conn_id, const char *assertion_id,
                                int64_t expires_at);

/* A connection's SP key pairs; the private keys are secrets (wipe before freeing). */
struct saml_sp_keys {
	char *signing_key_pem, *signing_cert_pem;
	char *encryption_key_pem, *encryption_cert_pem;
};
void saml_sp_keys_release(struct saml_sp_keys *k);

/*
 * The connection's SP keys, unsealed. ERR_CONFLICT (sp_keys_missing) when the
 * connection has none yet; ERR_INTERNAL when they cannot be unsealed.
 */
int app_saml_sp_keys_get(struct app *a, const char *conn_id, struct saml_sp_keys *out);
/*
 * Stores fresh key pairs (sealing the private keys) unless the connection
 * already has some: the first writer wins, so two nodes generating at once
 * agree. Then returns the stored keys in *out, as app_saml_sp_keys_get.
 */
int app_saml_sp_keys_ensure(struct app *a, const struct actor *who, const char *conn_id,
                            const struct saml_sp_keys *fresh, struct saml_sp_keys *out);

#endif
