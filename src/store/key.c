/* SPDX-License-Identifier: Apache-2.0 */
/* The secret keys table (see key.h). */
#include "base/common.h"

#include "store/key.h"

#include "base/error.h"

void api_key_release(struct api_key *k)
{
	free(k->name);
	free(k->key_hint);
	memset(k, 0, sizeof(*k));
}

int store_key_insert(struct db_conn *c, const struct api_key *k, const char *key_hash)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO api_keys (id, name, key_hash, key_hint, created_at) "
	                    "VALUES (?, ?, ?, ?, ?)",
	                    "tttti", k->id, k->name, key_hash, k->key_hint, k->created_at);
	return n < 0 ? (int)n : 0;
}

int store_key_find_active(struct db_conn *c, const char *key_hash, char id_out[ID_MAX])
{
	struct db_stmt *s;
	int rc =
	        db_query(c, &s, "SELECT id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
	                 "t", key_hash);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(id_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_UNAUTHENTICATED, "invalid_api_key",
		                  "the secret key is not valid or was revoked");
	return rc < 0 ? rc : 0;
}

int store_key_touch(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n = db_exec(c, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", "it", now, id);
	return n < 0 ? (int)n : 0;
}

int store_key_revoke(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
	                "it", now, id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "api_key_not_found", "no active secret key %.80s",
		                  id);
	return n < 0 ? (int)n : 0;
}

int store_key_list(struct db_conn *c, struct api_key **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT id, name, key_hint, created_at, last_used_at, revoked_at "
	                  "FROM api_keys ORDER BY id",
	                  "");
	if (rc)
		return rc;
	size_t cap = 8, n = 0;
	struct api_key *v = xcalloc(cap, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		struct api_key *k = &v[n++];
		memset(k, 0, sizeof(*k));
		xsnprintf(k->id, sizeof(k->id), "%s", db_text(s, 0));
		k->name = db_text_dup(s, 1);
		k->key_hint = db_text_dup(s, 2);
		k->created_at = db_int(s, 3);
		k->last_used_at = db_int(s, 4);
		k->revoked_at = db_int(s, 5);
	}
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			api_key_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int64_t store_key_count_active(struct db_conn *c)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL", "");
	if (rc)
		return rc;
	int64_t n = db_step(s) == DB_ROW ? db_int(s, 0) : 0;
	db_done(s);
	return n;
}
