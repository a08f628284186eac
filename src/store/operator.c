/* SPDX-License-Identifier: Apache-2.0 */
/* The operators table (see operator.h). */
#include "base/common.h"

#include "store/operator.h"

#include "base/error.h"

#define OPERATOR_COLS "id, username, password_hash, last_sign_in_at, created_at, updated_at "

void operator_account_release(struct operator_account *o)
{
	free(o->username);
	if (o->password_hash)
		memset(o->password_hash, 0, strlen(o->password_hash));
	free(o->password_hash);
	memset(o, 0, sizeof(*o));
}

static void read_row(struct db_stmt *s, struct operator_account *o, bool with_hash)
{
	memset(o, 0, sizeof(*o));
	xsnprintf(o->id, sizeof(o->id), "%s", db_text(s, 0));
	o->username = db_text_dup(s, 1);
	if (with_hash)
		o->password_hash = db_text_dup(s, 2);
	o->last_sign_in_at = db_int(s, 3);
	o->created_at = db_int(s, 4);
	o->updated_at = db_int(s, 5);
}

int store_operator_insert(struct db_conn *c, const struct operator_account *o)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO operators (id, username, password_hash, created_at, "
	                    "updated_at) VALUES (?, ?, ?, ?, ?)",
	                    "tttii", o->id, o->username, o->password_hash, o->created_at,
	                    o->updated_at);
	if (n == ERR_CONFLICT)
		return error_setc(ERR_CONFLICT, "operator_exists",
		                  "an operator named %.80s already exists", o->username);
	return n < 0 ? (int)n : 0;
}

int store_operator_find(struct db_conn *c, const char *key, struct operator_account *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " OPERATOR_COLS "FROM operators WHERE id = ? OR username = ?",
	                  "tt", key, key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out, true);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "operator_not_found", "no operator %.80s", key);
	return rc < 0 ? rc : 0;
}

int store_operator_list(struct db_conn *c, struct operator_account **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT " OPERATOR_COLS "FROM operators ORDER BY username", "");
	if (rc)
		return rc;
	size_t cap = 4, n = 0;
	struct operator_account *v = xcalloc(cap, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		read_row(s, &v[n++], false);
	}
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			operator_account_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_operator_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM operators WHERE id = ?", "t", id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "operator_not_found", "no operator %.80s", id);
	return n < 0 ? (int)n : 0;
}

int store_operator_set_password(struct db_conn *c, const char *id, const char *hash, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?",
	                "tit", hash, now, id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "operator_not_found", "no operator %.80s", id);
	return n < 0 ? (int)n : 0;
}

int store_operator_signed_in(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE operators SET last_sign_in_at = ? WHERE id = ?", "it", now, id);
	return n < 0 ? (int)n : 0;
}

int store_operator_throttle_get(struct db_conn *c, const char *key, struct login_throttle *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT failures, locked_until, last_failure_at FROM login_throttle "
	                  "WHERE key = ?",
	                  "t", key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->failures = db_int(s, 0);
		out->locked_until = db_int(s, 1);
		out->last_failure_at = db_int(s, 2);
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_operator_throttle_put(struct db_conn *c, const char *key, const char *subject,
                                const struct login_throttle *t)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO login_throttle (key, subject, failures, locked_until, "
	                "last_failure_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE "
	                "SET failures = excluded.failures, locked_until = "
	                "excluded.locked_until, last_failure_at = excluded.last_failure_at",
	                "ttiii", key, subject, t->failures, t->locked_until, t->last_failure_at);
	return n < 0 ? (int)n : 0;
}

int store_operator_throttle_clear(struct db_conn *c, const char *subject)
{
	int64_t n = db_exec(c, "DELETE FROM login_throttle WHERE subject = ?", "t", subject);
	return n < 0 ? (int)n : 0;
}

int64_t store_operator_throttle_sweep(struct db_conn *c, int64_t now, int64_t forget_before,
                                      int64_t limit)
{
	return db_exec(c,
	               "DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle "
	               "WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until <= ?) "
	               "LIMIT ?)",
	               "iii", forget_before, now, limit);
}
