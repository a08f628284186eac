/* SPDX-License-Identifier: Apache-2.0 */
/* The signing_keys table (see signing_key.h). */
#include "base/common.h"

#include "store/signing_key.h"

#include "base/error.h"

void signing_key_release(struct signing_key *k)
{
	free(k->kid);
	free(k->alg);
	free(k->private_sealed);
	free(k->public_jwk);
	free(k->status);
	memset(k, 0, sizeof(*k));
}

int store_signing_key_insert(struct db_conn *c, const struct signing_key *k)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, status, "
	                "created_at) VALUES (?, ?, ?, ?, 'active', ?)",
	                "tttti", k->kid, k->alg, k->private_sealed, k->public_jwk, k->created_at);
	return n < 0 ? (int)n : 0;
}

int store_signing_key_retire_active(struct db_conn *c, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE signing_keys SET status = 'retired', retired_at = ? "
	                    "WHERE status = 'active'",
	                    "i", now);
	return n < 0 ? (int)n : 0;
}

int store_signing_key_list(struct db_conn *c, int64_t retired_after, struct signing_key **items,
                           size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(
	        c, &s,
	        "SELECT kid, alg, private_sealed, public_jwk, status, created_at, "
	        "retired_at FROM signing_keys WHERE status = 'active' OR retired_at > ? "
	        "ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, created_at DESC, kid "
	        "LIMIT 16",
	        "i", retired_after);
	if (rc)
		return rc;
	struct signing_key *v = xcalloc(16, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < 16) {
		struct signing_key *k = &v[n++];
		k->kid = db_text_dup(s, 0);
		k->alg = db_text_dup(s, 1);
		k->private_sealed = db_text_dup(s, 2);
		k->public_jwk = db_text_dup(s, 3);
		k->status = db_text_dup(s, 4);
		k->created_at = db_int(s, 5);
		k->retired_at = db_int(s, 6);
	}
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			signing_key_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}
