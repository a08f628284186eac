/* SPDX-License-Identifier: Apache-2.0 */
/* The sessions table (see session.h). */
#include "base/common.h"

#include "store/session.h"

#include "base/error.h"

/* "expired" is derived: an active row past expires_at. */
#define SESSION_COLS                                                                               \
	"id, user_id, org_id, client_id, CASE WHEN status = 'active' AND expires_at <= ? "         \
	"THEN 'expired' ELSE status END, created_at, last_active_at, expires_at, revoked_at "

#define SESSION_STATUS_FILTER                                                                      \
	"(? = 0 OR (? = 1 AND status = 'active' AND expires_at > ?) OR "                           \
	"(? = 2 AND status = 'active' AND expires_at <= ?) OR (? = 3 AND status = 'revoked')) "
/* The same parameters; with a user the user_id term stands alone so that it can use the
 * index (inside "? = '' OR ..." it cannot, and every session would be read). */
#define SESSION_FILTER         "(? = '' OR user_id = ?) AND " SESSION_STATUS_FILTER
#define SESSION_FILTER_BY_USER "? <> '' AND user_id = ? AND " SESSION_STATUS_FILTER

void session_release(struct session *s)
{
	free(s->org_id);
	free(s->client_id);
	free(s->status);
	memset(s, 0, sizeof(*s));
}

static void read_row(struct db_stmt *st, struct session *s)
{
	memset(s, 0, sizeof(*s));
	xsnprintf(s->id, sizeof(s->id), "%s", db_text(st, 0));
	xsnprintf(s->user_id, sizeof(s->user_id), "%s", db_text(st, 1));
	s->org_id = db_text_dup(st, 2);
	s->client_id = db_text_dup(st, 3);
	s->status = db_text_dup(st, 4);
	s->created_at = db_int(st, 5);
	s->last_active_at = db_int(st, 6);
	s->expires_at = db_int(st, 7);
	s->revoked_at = db_int(st, 8);
}

int store_session_get(struct db_conn *c, const char *id, int64_t now, struct session *out)
{
	struct db_stmt *s;
	int rc =
	        db_query(c, &s, "SELECT " SESSION_COLS "FROM sessions WHERE id = ?", "it", now, id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "session_not_found", "no session %.80s", id);
	return rc < 0 ? rc : 0;
}

static int64_t status_mode(const char *status)
{
	if (!status)
		return 0;
	if (!strcmp(status, "active"))
		return 1;
	if (!strcmp(status, "expired"))
		return 2;
	if (!strcmp(status, "revoked"))
		return 3;
	return -1;
}

int store_session_list(struct db_conn *c, const char *user_id, const char *status,
                       const char *starting_after, int64_t limit, int64_t now,
                       struct session **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	const char *uid = user_id ? user_id : "";
	int64_t mode = status_mode(status);
	*items = NULL;
	*count = 0;
	if (mode < 0) {
		error_setc(ERR_INVALID, "invalid_query",
		           "status must be active, expired or revoked");
		error_set_status(422);
		error_add_field("status", "invalid");
		return ERR_INVALID;
	}
	bool by_user = *uid != '\0';
	int rc = db_query(c, &s,
	                  by_user ? "SELECT COUNT(*) FROM sessions WHERE " SESSION_FILTER_BY_USER
	                          : "SELECT COUNT(*) FROM sessions WHERE " SESSION_FILTER,
	                  "ttiiiiii", uid, uid, mode, mode, now, mode, now, mode);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s,
	              by_user ? "SELECT " SESSION_COLS "FROM sessions WHERE " SESSION_FILTER_BY_USER
	                        "AND id > ? ORDER BY id LIMIT ?"
	                      : "SELECT " SESSION_COLS "FROM sessions WHERE " SESSION_FILTER
	                        "AND id > ? ORDER BY id LIMIT ?",
	              "ittiiiiiiti", now, uid, uid, mode, mode, now, mode, now, mode,
	              starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct session *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_row(s, &v[n++]);
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_session_revoke(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE sessions SET status = 'revoked', revoked_at = ? "
	                    "WHERE id = ? AND status = 'active'",
	                    "it", now, id);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return error_setc(ERR_CONFLICT, "session_not_active",
		                  "session %.80s is already revoked", id);
	return 0;
}

int store_session_active_ids(struct db_conn *c, const char *user_id, int64_t now,
                             char (**ids)[ID_MAX], size_t *count)
{
	struct db_stmt *s;
	*ids = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT id FROM sessions WHERE user_id = ? AND status = 'active' "
	                  "AND expires_at > ? ORDER BY id",
	                  "ti", user_id, now);
	if (rc)
		return rc;
	size_t cap = 8, n = 0;
	char(*v)[ID_MAX] = xcalloc(cap, ID_MAX);
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * ID_MAX);
		}
		xsnprintf(v[n++], ID_MAX, "%s", db_text(s, 0));
	}
	db_done(s);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*ids = v;
	*count = n;
	return 0;
}
