/* SPDX-License-Identifier: Apache-2.0 */
/* The sessions table (see session.h). */
#include "base/common.h"

#include "store/session.h"

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int store_session_revoke_user(struct db_conn *c, const char *user_id, int64_t now, char ***ids_out,
                              size_t *count)
{
	struct db_stmt *s = NULL;
	char **ids = xcalloc(1, sizeof(char *));
	size_t n = 0;
	*ids_out = NULL;
	*count = 0;
	/* The write transaction is serialised, so the rows read are the rows updated. */
	int rc = db_query(c, &s,
	                  "SELECT id FROM sessions WHERE user_id = ? AND status = 'active' "
	                  "ORDER BY id",
	                  "t", user_id);
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		ids = xrealloc(ids, (n + 2) * sizeof(char *));
		ids[n++] = xstrdup(db_text(s, 0));
		ids[n] = NULL;
		rc = 0;
	}
	db_done(s);
	if (rc == 0 && n > 0) {
		int64_t changed = db_exec(c,
		                          "UPDATE sessions SET status = 'revoked', revoked_at = ? "
		                          "WHERE user_id = ? AND status = 'active'",
		                          "it", now, user_id);
		rc = changed < 0 ? (int)changed : 0;
	}
	if (rc < 0) {
		free_ids(ids, n);
		return rc;
	}
	*ids_out = ids;
	*count = n;
	return 0;
}
