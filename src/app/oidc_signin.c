/* SPDX-License-Identifier: Apache-2.0 */
/* OIDC sign-in state and the client secret (see oidc_signin.h). */
#include "base/common.h"

#include "app/oidc_signin.h"

#include "base/clock.h"
#include "base/error.h"
#include "crypto/crypto.h"
#include "model/connection.h"
#include "store/connection.h"

struct rp_op {
	const char *conn_id, *state_hash, *auth_request_id, *test_id;
	const struct oidc_signin_start *start;
	struct oidc_state_row *row;
	struct connection_secrets *secrets;
	int taken;
};

void oidc_signin_start_release(struct oidc_signin_start *s)
{
	free(s->state);
	free(s->nonce);
	free(s->code_verifier);
	memset(s, 0, sizeof(*s));
}

static int start_tx(struct db_conn *c, void *payload)
{
	struct rp_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->conn_id, &x);
	connection_release(&x);
	if (rc)
		return rc;
	int64_t now = clock_now();
	return store_oidc_state_insert(c, op->state_hash, op->conn_id, op->start->nonce,
	                               op->start->code_verifier, op->auth_request_id, op->test_id,
	                               now, now + OIDC_SIGNIN_STATE_TTL_S);
}

int app_oidc_signin_start(struct app *a, const char *conn_id, const char *auth_request_id,
                          const char *test_id, struct oidc_signin_start *out)
{
	char hash[CRYPTO_SHA256_HEX_LEN];
	out->state = crypto_token_new("");
	out->nonce = crypto_token_new("");
	out->code_verifier = crypto_token_new("");
	crypto_sha256_hex(hash, out->state, strlen(out->state));
	struct rp_op op = { .conn_id = conn_id,
		            .state_hash = hash,
		            .auth_request_id =
		                    auth_request_id && *auth_request_id ? auth_request_id : NULL,
		            .test_id = test_id && *test_id ? test_id : NULL,
		            .start = out };
	int rc = app_write(a, start_tx, &op);
	if (rc)
		oidc_signin_start_release(out);
	return rc;
}

static int take_tx(struct db_conn *c, void *payload)
{
	struct rp_op *op = payload;
	oidc_state_row_release(op->row);
	op->taken = store_oidc_state_take(c, op->state_hash, op->conn_id, clock_now(), op->row);
	return op->taken < 0 ? op->taken : 0;
}

int app_oidc_signin_take(struct app *a, const char *conn_id, const char *state,
                         struct oidc_state_row *out)
{
	char hash[CRYPTO_SHA256_HEX_LEN];
	memset(out, 0, sizeof(*out));
	crypto_sha256_hex(hash, state, strlen(state));
	struct rp_op op = { .conn_id = conn_id, .state_hash = hash, .row = out };
	int rc = app_write(a, take_tx, &op);
	if (rc == 0 && op.taken == 0)
		rc = error_setc(
		        ERR_NOT_FOUND, "state_unknown",
		        "the sign-in state is unknown, expired or already used (a replayed or "
		        "forged callback, or a sign-in that took longer than %d minutes)",
		        OIDC_SIGNIN_STATE_TTL_S / 60);
	if (rc)
		oidc_state_row_release(out);
	return rc;
}

static int secret_tx(struct db_conn *c, void *payload)
{
	struct rp_op *op = payload;
	connection_secrets_release(op->secrets);
	return store_connection_secrets_get(c, op->conn_id, op->secrets);
}

int app_oidc_client_secret(struct app *a, const char *conn_id, char **out)
{
	struct connection_secrets s = { 0 };
	struct rp_op op = { .conn_id = conn_id, .secrets = &s };
	*out = NULL;
	int rc = app_read(a, secret_tx, &op);
	if (rc == 0 && !s.oidc_client_secret)
		rc = error_setc(ERR_CONFLICT, "connection_incomplete",
		                "the connection has no OIDC client secret (oidc.client_secret)");
	if (rc == 0 && crypto_open(out, a->seal_key, s.oidc_client_secret))
		rc = error_set(ERR_INTERNAL, "the connection's client secret cannot be unsealed "
		                             "(another encryption key?)");
	connection_secrets_release(&s);
	return rc;
}
