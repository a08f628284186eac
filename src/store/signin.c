/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-in state, replay cache, test sign-ins, failures (see signin.h). */
#include "base/common.h"

#include "store/signin.h"

#include "base/error.h"

void test_sign_in_release(struct test_sign_in *t)
{
	free(t->status);
	free(t->name_id);
	free(t->email);
	free(t->attributes);
	free(t->problems);
	memset(t, 0, sizeof(*t));
}

int store_test_sign_in_insert(struct db_conn *c, const struct test_sign_in *t)
{
	int64_t n = db_exec(
	        c,
	        "INSERT INTO test_sign_ins (id, connection_id, status, created_at, expires_at) "
	        "VALUES (?, ?, 'pending', ?, ?)",
	        "ttii", t->id, t->connection_id, t->created_at, t->expires_at);
	return n < 0 ? (int)n : 0;
}

#define TEST_COLS                                                                                  \
	"id, connection_id, CASE WHEN status = 'pending' AND expires_at <= ? "                     \
	"THEN 'expired' ELSE status END, name_id, email, attributes, problems, "                   \
	"created_at, completed_at, expires_at "

static void read_test(struct db_stmt *s, struct test_sign_in *out)
{
	memset(out, 0, sizeof(*out));
	xsnprintf(out->id, sizeof(out->id), "%s", db_text(s, 0));
	xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", db_text(s, 1));
	out->status = db_text_dup(s, 2);
	out->name_id = db_text_dup(s, 3);
	out->email = db_text_dup(s, 4);
	out->attributes = db_text_dup(s, 5);
	out->problems = db_text_dup(s, 6);
	out->created_at = db_int(s, 7);
	out->completed_at = db_int(s, 8);
	out->expires_at = db_int(s, 9);
}

int store_test_sign_in_get(struct db_conn *c, const char *conn_id, const char *id, int64_t now,
                           struct test_sign_in *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " TEST_COLS
	                  "FROM test_sign_ins WHERE id = ? AND (? = '' OR connection_id = ?)",
	                  "itt"
	                  "t",
	                  now, id, conn_id ? conn_id : "", conn_id ? conn_id : "");
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_test(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "test_sign_in_not_found", "no test sign-in %.80s",
		                  id);
	return rc < 0 ? rc : 0;
}

int store_test_sign_in_list(struct db_conn *c, const char *conn_id, int64_t now,
                            const char *starting_after, int64_t limit, struct test_sign_in **items,
                            size_t *count, int64_t *total)
{
	struct db_stmt *s;
	const char *after = starting_after ? starting_after : "";
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM test_sign_ins WHERE connection_id = ?", "t",
	                  conn_id);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s,
	              "SELECT " TEST_COLS "FROM test_sign_ins WHERE connection_id = ? "
	              "AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
	              "ittti", now, conn_id, after, after, limit);
	if (rc)
		return rc;
	struct test_sign_in *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_test(s, &v[n++]);
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			test_sign_in_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_test_sign_in_complete(struct db_conn *c, const struct test_sign_in *t)
{
	int64_t n = db_exec(
	        c,
	        "UPDATE test_sign_ins SET status = ?, name_id = ?, email = ?, attributes = ?, "
	        "problems = ?, completed_at = ? WHERE id = ? AND status = 'pending'",
	        "tttttit", t->status, t->name_id, t->email, t->attributes ? t->attributes : "{}",
	        t->problems ? t->problems : "[]", t->completed_at, t->id);
	if (n == 0)
		return error_setc(ERR_CONFLICT, "test_already_completed",
		                  "test sign-in %s already has its outcome; start a new one",
		                  t->id);
	return n < 0 ? (int)n : 0;
}

void sign_in_failure_release(struct sign_in_failure *f)
{
	free(f->connection_id);
	free(f->org_id);
	free(f->code);
	free(f->detail);
	free(f->request_id);
	memset(f, 0, sizeof(*f));
}

int store_sign_in_failure_insert(struct db_conn *c, const char *id, const char *conn_id,
                                 const char *org_id, const char *code, const char *detail,
                                 const char *request_id, int64_t now)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO sign_in_failures (id, connection_id, org_id, code, detail, "
	                "request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                "tttttti", id, conn_id, org_id, code, detail, request_id, now);
	return n < 0 ? (int)n : 0;
}

int store_sign_in_failure_list(struct db_conn *c, const char *conn_id, const char *org_id,
                               const char *starting_after, int64_t limit,
                               struct sign_in_failure **items, size_t *count, int64_t *total)
{
	const char *cid = conn_id ? conn_id : "", *oid = org_id ? org_id : "";
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	/* One connection's list has its own statement, where its term can use
	 * sign_in_failures_connection (inside "? = '' OR ..." no index can). */
	bool by_conn = *cid != '\0';
	int rc = db_query(c, &s,
	                  by_conn ? "SELECT COUNT(*) FROM sign_in_failures WHERE ? <> '' AND "
	                            "connection_id = ? AND (? = '' OR org_id = ?)"
	                          : "SELECT COUNT(*) FROM sign_in_failures WHERE (? = '' OR "
	                            "connection_id = ?) AND (? = '' OR org_id = ?)",
	                  "tttt", cid, cid, oid, oid);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(
	        c, &s,
	        by_conn ? "SELECT id, connection_id, org_id, code, detail, request_id, "
	                  "created_at FROM sign_in_failures WHERE ? <> '' AND connection_id = ? "
	                  "AND (? = '' OR org_id = ?) AND id > ? ORDER BY id LIMIT ?"
	                : "SELECT id, connection_id, org_id, code, detail, request_id, "
	                  "created_at FROM sign_in_failures WHERE (? = '' OR connection_id = ?) "
	                  "AND (? = '' OR org_id = ?) AND id > ? ORDER BY id LIMIT ?",
	        "ttttti", cid, cid, oid, oid, starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct sign_in_failure *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit) {
		struct sign_in_failure *f = &v[n++];
		xsnprintf(f->id, sizeof(f->id), "%s", db_text(s, 0));
		f->connection_id = db_text_dup(s, 1);
		f->org_id = db_text_dup(s, 2);
		f->code = db_text_dup(s, 3);
		f->detail = db_text_dup(s, 4);
		f->request_id = db_text_dup(s, 5);
		f->created_at = db_int(s, 6);
	}
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_saml_request_insert(struct db_conn *c, const char *id, const char *conn_id,
                              const char *auth_request_id, const char *test_id, int64_t now,
                              int64_t expires_at)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO saml_requests (id, connection_id, auth_request_id, "
	                    "test_sign_in_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	                    "ttttii", id, conn_id, auth_request_id, test_id, now, expires_at);
	return n < 0 ? (int)n : 0;
}

int store_saml_request_take(struct db_conn *c, const char *id, const char *conn_id, int64_t now,
                            char auth_request_out[ID_MAX], char test_out[ID_MAX])
{
	struct db_stmt *s;
	auth_request_out[0] = test_out[0] = '\0';
	int rc = db_query(
	        c, &s,
	        "DELETE FROM saml_requests WHERE id = ? AND connection_id = ? AND expires_at > ? "
	        "RETURNING COALESCE(auth_request_id, ''), COALESCE(test_sign_in_id, '')",
	        "tti", id, conn_id, now);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(auth_request_out, ID_MAX, "%s", db_text(s, 0));
		xsnprintf(test_out, ID_MAX, "%s", db_text(s, 1));
	}
	db_done(s);
	return rc < 0 ? rc : (rc == DB_ROW ? 1 : 0);
}

int store_saml_assertion_remember(struct db_conn *c, const char *conn_id, const char *assertion_id,
                                  int64_t expires_at, int64_t now)
{
	/* an expired entry for the same id may be replaced: the assertion is dead anyway */
	int64_t n = db_exec(
	        c,
	        "DELETE FROM saml_assertions_seen WHERE connection_id = ? AND assertion_id = ? "
	        "AND expires_at <= ?",
	        "tti", conn_id, assertion_id, now);
	if (n < 0)
		return (int)n;
	n = db_exec(c,
	            "INSERT INTO saml_assertions_seen (assertion_id, connection_id, expires_at) "
	            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	            "tti", assertion_id, conn_id, expires_at);
	if (n == 0)
		return error_setc(ERR_CONFLICT, "assertion_replayed",
		                  "this assertion was already used (replay)");
	return n < 0 ? (int)n : 0;
}

void oidc_state_row_release(struct oidc_state_row *r)
{
	free(r->nonce);
	free(r->code_verifier);
	memset(r, 0, sizeof(*r));
}

int store_oidc_state_insert(struct db_conn *c, const char *state_hash, const char *conn_id,
                            const char *nonce, const char *code_verifier,
                            const char *auth_request_id, const char *test_id, int64_t now,
                            int64_t expires_at)
{
	int64_t n = db_exec(
	        c,
	        "INSERT INTO oidc_rp_states (state_hash, connection_id, nonce, code_verifier, "
	        "auth_request_id, test_sign_in_id, created_at, expires_at) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	        "ttttttii", state_hash, conn_id, nonce, code_verifier, auth_request_id, test_id,
	        now, expires_at);
	return n < 0 ? (int)n : 0;
}

int store_oidc_state_take(struct db_conn *c, const char *state_hash, const char *conn_id,
                          int64_t now, struct oidc_state_row *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(
	        c, &s,
	        "DELETE FROM oidc_rp_states WHERE state_hash = ? AND connection_id = ? "
	        "AND expires_at > ? RETURNING connection_id, COALESCE(auth_request_id, ''), "
	        "COALESCE(test_sign_in_id, ''), nonce, code_verifier",
	        "tti", state_hash, conn_id, now);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", db_text(s, 0));
		xsnprintf(out->auth_request_id, sizeof(out->auth_request_id), "%s", db_text(s, 1));
		xsnprintf(out->test_sign_in_id, sizeof(out->test_sign_in_id), "%s", db_text(s, 2));
		out->nonce = db_text_dup(s, 3);
		out->code_verifier = db_text_dup(s, 4);
	}
	db_done(s);
	return rc < 0 ? rc : (rc == DB_ROW ? 1 : 0);
}

const char *const store_sweep_kind_names[STORE_SWEEP_KINDS] = {
	"auth_requests", "oauth_codes",    "oauth_tokens",         "oauth_tokens_revoked",
	"saml_requests", "oidc_rp_states", "saml_assertions_seen",
};

int64_t store_signin_sweep(struct db_conn *c, int64_t now, int64_t codes_before, int64_t limit,
                           int64_t removed[STORE_SWEEP_KINDS])
{
	/* Portable bounded deletes: the key of at most limit rows, found through an index. */
	static const char *const sql[STORE_SWEEP_KINDS] = {
		"DELETE FROM auth_requests WHERE id IN (SELECT id FROM auth_requests "
		"WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
		"DELETE FROM oauth_codes WHERE code_hash IN (SELECT code_hash FROM oauth_codes "
		"WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
		"DELETE FROM oauth_tokens WHERE token_hash IN (SELECT token_hash FROM oauth_tokens "
		"WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
		"DELETE FROM oauth_tokens WHERE token_hash IN (SELECT token_hash FROM oauth_tokens "
		"WHERE status = 'revoked' AND revoked_at <= ? ORDER BY revoked_at LIMIT ?)",
		"DELETE FROM saml_requests WHERE id IN (SELECT id FROM saml_requests "
		"WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
		"DELETE FROM oidc_rp_states WHERE state_hash IN (SELECT state_hash FROM "
		"oidc_rp_states WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
		"DELETE FROM saml_assertions_seen WHERE (connection_id, assertion_id) IN (SELECT "
		"connection_id, assertion_id FROM saml_assertions_seen WHERE expires_at <= ? "
		"ORDER BY expires_at LIMIT ?)",
	};
	int64_t total = 0;
	for (size_t i = 0; i < STORE_SWEEP_KINDS; i++) {
		int64_t n = db_exec(c, sql[i], "ii", i == 1 ? codes_before : now, limit);
		if (n < 0)
			return n;
		if (removed)
			removed[i] = n;
		total += n;
	}
	return total;
}
