/* SPDX-License-Identifier: Apache-2.0 */
/* SAML sign-in state and the SP keys (see saml_signin.h). */
#include "base/common.h"

#include "app/saml_signin.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "crypto/crypto.h"
#include "model/connection.h"
#include "store/connection.h"
#include "store/signin.h"

struct saml_op {
	const struct actor *who;
	const char *conn_id, *request_id, *auth_request_id, *test_id, *assertion_id;
	int64_t expires_at;
	char *auth_out, *test_out;
	int taken;
	const struct saml_sp_keys *fresh;
	char *sealed_signing, *sealed_encryption;
	struct connection_secrets *secrets;
	struct connection *conn;
};

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void saml_sp_keys_release(struct saml_sp_keys *k)
{
	wipe_free(k->signing_key_pem);
	wipe_free(k->encryption_key_pem);
	free(k->signing_cert_pem);
	free(k->encryption_cert_pem);
	memset(k, 0, sizeof(*k));
}

static int save_tx(struct db_conn *c, void *payload)
{
	struct saml_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->conn_id, &x);
	connection_release(&x);
	if (rc)
		return rc;
	int64_t now = clock_now();
	return store_saml_request_insert(c, op->request_id, op->conn_id, op->auth_request_id,
	                                 op->test_id, now, now + SAML_SIGNIN_REQUEST_TTL_S);
}

int app_saml_request_save(struct app *a, const char *conn_id, const char *request_id,
                          const char *auth_request_id, const char *test_id)
{
	struct saml_op op = { .conn_id = conn_id,
		              .request_id = request_id,
		              .auth_request_id =
		                      auth_request_id && *auth_request_id ? auth_request_id : NULL,
		              .test_id = test_id && *test_id ? test_id : NULL };
	return app_write(a, save_tx, &op); /* expired rows: app/sweep.c */
}

static int take_tx(struct db_conn *c, void *payload)
{
	struct saml_op *op = payload;
	op->auth_out[0] = op->test_out[0] = '\0';
	op->taken = store_saml_request_take(c, op->request_id, op->conn_id, clock_now(),
	                                    op->auth_out, op->test_out);
	return op->taken < 0 ? op->taken : 0;
}

int app_saml_request_take(struct app *a, const char *conn_id, const char *request_id,
                          char auth_request_out[ID_MAX], char test_out[ID_MAX])
{
	struct saml_op op = { .conn_id = conn_id,
		              .request_id = request_id,
		              .auth_out = auth_request_out,
		              .test_out = test_out };
	int rc = app_write(a, take_tx, &op);
	if (rc == 0 && op.taken == 0)
		rc = error_setc(
		        ERR_NOT_FOUND, "request_unknown",
		        "the response answers AuthnRequest \"%.80s\", which is unknown, "
		        "expired or already answered (a replayed response, one meant for "
		        "another connection, or a sign-in that took longer than %d minutes)",
		        request_id, SAML_SIGNIN_REQUEST_TTL_S / 60);
	return rc;
}

static int remember_tx(struct db_conn *c, void *payload)
{
	struct saml_op *op = payload;
	return store_saml_assertion_remember(c, op->conn_id, op->assertion_id, op->expires_at,
	                                     clock_now());
}

int app_saml_assertion_remember(struct app *a, const char *conn_id, const char *assertion_id,
                                int64_t expires_at)
{
	struct saml_op op = { .conn_id = conn_id,
		              .assertion_id = assertion_id,
		              .expires_at = expires_at };
	int rc = app_write(a, remember_tx, &op);
	if (rc == ERR_CONFLICT)
		error_setc(ERR_CONFLICT, "assertion_replayed",
		           "assertion %.80s was already used to sign in: a replayed response",
		           assertion_id);
	return rc;
}

static int secrets_tx(struct db_conn *c, void *payload)
{
	struct saml_op *op = payload;
	connection_secrets_release(op->secrets);
	connection_release(op->conn);
	int rc = store_connection_get(c, op->conn_id, op->conn);
	return rc ? rc : store_connection_secrets_get(c, op->conn_id, op->secrets);
}

static int unseal(struct app *a, const struct connection *x, const struct connection_secrets *s,
                  struct saml_sp_keys *out)
{
	memset(out, 0, sizeof(*out));
	if (!s->sp_signing_key || !x->saml_sp_signing_cert)
		return error_setc(ERR_CONFLICT, "sp_keys_missing",
		                  "connection %s has no SP key pair yet", x->id);
	if (crypto_open(&out->signing_key_pem, a->seal_key, s->sp_signing_key) ||
	    (s->sp_encryption_key &&
	     crypto_open(&out->encryption_key_pem, a->seal_key, s->sp_encryption_key))) {
		saml_sp_keys_release(out);
		return error_set(ERR_INTERNAL, "the connection's SP keys cannot be unsealed "
		                               "(another encryption key?)");
	}
	out->signing_cert_pem = xstrdup(x->saml_sp_signing_cert);
	if (out->encryption_key_pem && x->saml_sp_encryption_cert) {
		out->encryption_cert_pem = xstrdup(x->saml_sp_encryption_cert);
	} else { /* a key without its certificate cannot be announced: not used */
		wipe_free(out->encryption_key_pem);
		out->encryption_key_pem = NULL;
	}
	return 0;
}

int app_saml_sp_keys_get(struct app *a, const char *conn_id, struct saml_sp_keys *out)
{
	struct connection_secrets s = { 0 };
	struct connection x = { 0 };
	struct saml_op op = { .conn_id = conn_id, .secrets = &s, .conn = &x };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, secrets_tx, &op);
	if (rc == 0)
		rc = unseal(a, &x, &s, out);
	connection_secrets_release(&s);
	connection_release(&x);
	return rc;
}

static int ensure_tx(struct db_conn *c, void *payload)
{
	struct saml_op *op = payload;
	int rc = secrets_tx(c, payload);
	if (rc || (op->secrets->sp_signing_key && op->conn->saml_sp_signing_cert))
		return rc; /* already there: the first writer won */
	struct connection *x = op->conn;
	free(x->saml_sp_signing_cert);
	free(x->saml_sp_encryption_cert);
	x->saml_sp_signing_cert = xstrdup(op->fresh->signing_cert_pem);
	x->saml_sp_encryption_cert = xstrdup(op->fresh->encryption_cert_pem);
	x->updated_at = clock_now();
	struct connection_secrets sec = { .sp_signing_key = op->sealed_signing,
		                          .sp_encryption_key = op->sealed_encryption };
	rc = store_connection_update(c, x, &sec);
	if (rc)
		return rc;
	struct change ch = { op->who,
		             "enterprise_connection.sp_keys_created",
		             "enterprise_connection",
		             x->id,
		             x->org_id,
		             NULL,
		             NULL };
	rc = app_audit_change(c, &ch);
	connection_secrets_release(op->secrets);
	op->secrets->sp_signing_key = xstrdup(op->sealed_signing);
	op->secrets->sp_encryption_key = xstrdup(op->sealed_encryption);
	return rc;
}

int app_saml_sp_keys_ensure(struct app *a, const struct actor *who, const char *conn_id,
                            const struct saml_sp_keys *fresh, struct saml_sp_keys *out)
{
	struct connection_secrets s = { 0 };
	struct connection x = { 0 };
	struct saml_op op = { .who = who,
		              .conn_id = conn_id,
		              .fresh = fresh,
		              .secrets = &s,
		              .conn = &x,
		              .sealed_signing = crypto_seal(a->seal_key, fresh->signing_key_pem),
		              .sealed_encryption =
		                      crypto_seal(a->seal_key, fresh->encryption_key_pem) };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, ensure_tx, &op);
	if (rc == 0)
		rc = unseal(a, &x, &s, out);
	free(op.sealed_signing);
	free(op.sealed_encryption);
	connection_secrets_release(&s);
	connection_release(&x);
	return rc;
}
