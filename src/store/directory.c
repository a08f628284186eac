/* SPDX-License-Identifier: Apache-2.0 */
/* The directories and directory_users tables (see directory.h). */
#include "base/common.h"

#include "store/directory.h"

#include "base/error.h"

int store_directory_get(struct db_conn *c, const char *conn_id, struct directory *out)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT d.connection_id, e.org_id, d.enabled, d.token_hint, "
	        "d.token_created_at, d.previous_token_expires_at, d.enabled_at, "
	        "d.disabled_at, d.created_at, d.updated_at, "
	        "(SELECT COUNT(*) FROM directory_users u WHERE u.connection_id = d.connection_id), "
	        "(SELECT COUNT(*) FROM directory_groups g WHERE g.connection_id = d.connection_id) "
	        "FROM directories d JOIN enterprise_connections e ON e.id = d.connection_id "
	        "WHERE d.connection_id = ?",
	        "t", conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", db_text(s, 0));
		xsnprintf(out->org_id, sizeof(out->org_id), "%s", db_text(s, 1));
		out->enabled = db_int(s, 2) != 0;
		out->token_hint = db_text_dup(s, 3);
		out->token_created_at = db_int(s, 4);
		out->previous_token_expires_at = db_int(s, 5);
		out->enabled_at = db_int(s, 6);
		out->disabled_at = db_int(s, 7);
		out->created_at = db_int(s, 8);
		out->updated_at = db_int(s, 9);
		out->users_count = db_int(s, 10);
		out->groups_count = db_int(s, 11);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "directory_not_found",
		                  "Directory Sync was never turned on for connection %.80s",
		                  conn_id);
	return rc < 0 ? rc : 0;
}

/* sql selects enabled, the token hashes, the previous one's expiry and an org id. */
static int secret_read(struct db_conn *c, const char *sql, const char *conn_id,
                       struct directory_secret *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, sql, "t", conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *prev = db_text(s, 2);
		out->enabled = db_int(s, 0) != 0;
		xsnprintf(out->token_hash, sizeof(out->token_hash), "%s", db_text(s, 1));
		xsnprintf(out->previous_hash, sizeof(out->previous_hash), "%s", prev ? prev : "");
		out->previous_expires_at = db_int(s, 3);
		xsnprintf(out->org_id, sizeof(out->org_id), "%s", db_text(s, 4));
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "directory_not_found",
		                  "Directory Sync is not on for connection %.80s", conn_id);
	return rc < 0 ? rc : 0;
}

int store_directory_secret(struct db_conn *c, const char *conn_id, struct directory_secret *out)
{
	return secret_read(c,
	                   "SELECT enabled, token_hash, previous_token_hash, "
	                   "previous_token_expires_at, '' FROM directories WHERE connection_id = ?",
	                   conn_id, out);
}

int store_directory_secret_org(struct db_conn *c, const char *conn_id, struct directory_secret *out)
{
	return secret_read(c,
	                   "SELECT d.enabled, d.token_hash, d.previous_token_hash, "
	                   "d.previous_token_expires_at, c.org_id FROM directories d "
	                   "JOIN enterprise_connections c ON c.id = d.connection_id "
	                   "WHERE d.connection_id = ?",
	                   conn_id, out);
}

int store_directory_enable(struct db_conn *c, const char *conn_id, const char *token_hash,
                           const char *hint, int64_t now)
{
	int64_t n = db_exec(
	        c,
	        "INSERT INTO directories (connection_id, enabled, token_hash, token_hint, "
	        "token_created_at, previous_token_hash, previous_token_expires_at, "
	        "enabled_at, created_at, updated_at) VALUES (?, 1, ?, ?, ?, NULL, NULL, ?, ?, ?) "
	        "ON CONFLICT (connection_id) DO UPDATE SET enabled = 1, "
	        "token_hash = excluded.token_hash, token_hint = excluded.token_hint, "
	        "token_created_at = excluded.token_created_at, previous_token_hash = NULL, "
	        "previous_token_expires_at = NULL, enabled_at = excluded.enabled_at, "
	        "updated_at = excluded.updated_at",
	        "tttiiii", conn_id, token_hash, hint, now, now, now, now);
	return n < 0 ? (int)n : 0;
}

int store_directory_disable(struct db_conn *c, const char *conn_id, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE directories SET enabled = 0, previous_token_hash = NULL, "
	                    "previous_token_expires_at = NULL, disabled_at = ?, updated_at = ? "
	                    "WHERE connection_id = ?",
	                    "iit", now, now, conn_id);
	return n < 0 ? (int)n : 0;
}

int store_directory_rotate(struct db_conn *c, const char *conn_id, const char *token_hash,
                           const char *hint, int64_t now, int64_t previous_expires_at)
{
	int64_t n = db_exec(c,
	                    "UPDATE directories SET previous_token_hash = token_hash, "
	                    "previous_token_expires_at = ?, token_hash = ?, token_hint = ?, "
	                    "token_created_at = ?, updated_at = ? WHERE connection_id = ?",
	                    "ittiit", previous_expires_at, token_hash, hint, now, now, conn_id);
	return n < 0 ? (int)n : 0;
}

int store_directory_org(struct db_conn *c, const char *conn_id, char org_out[ID_MAX],
                        char **default_role_out)
{
	struct db_stmt *s;
	*default_role_out = NULL;
	int rc = db_query(c, &s,
	                  "SELECT e.org_id, o.default_role FROM enterprise_connections e JOIN "
	                  "organizations o ON o.id = e.org_id WHERE e.id = ?",
	                  "t", conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(org_out, ID_MAX, "%s", db_text(s, 0));
		*default_role_out = db_text_dup(s, 1);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "connection_not_found", "no connection %.80s",
		                  conn_id);
	return rc < 0 ? rc : 0;
}

int store_directory_mapped_memberships(struct db_conn *c, const char *conn_id, const char *org_id,
                                       char (**ids)[ID_MAX], size_t *count)
{
	struct db_stmt *s;
	*ids = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT m.id FROM memberships m WHERE m.org_id = ? AND "
	                  "m.role_source = 'mapping' AND m.user_id IN (SELECT u.user_id FROM "
	                  "directory_users u WHERE u.connection_id = ?) ORDER BY m.id",
	                  "tt", org_id, conn_id);
	if (rc)
		return rc;
	char(*v)[ID_MAX] = NULL;
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		v = xrealloc(v, (n + 1) * ID_MAX);
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

void directory_seats_release(struct directory_seats *s)
{
	free(s->default_role);
	free(s->role_permissions);
	free(s->org_name);
	free(s->org_slug);
	memset(s, 0, sizeof(*s));
}

int store_directory_org_seats(struct db_conn *c, const char *org_id, const char *user_id,
                              struct directory_seats *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(
	        c, &s,
	        "SELECT o.default_role, o.max_memberships, o.name, o.slug, r.permissions, "
	        "CASE WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = o.id "
	        "AND m.user_id = ?) THEN 1 ELSE 0 END FROM organizations o LEFT JOIN roles r ON "
	        "r.key = o.default_role WHERE o.id = ?",
	        "tt", user_id, org_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->default_role = db_text_dup(s, 0);
		out->max = db_int(s, 1);
		out->org_name = db_text_dup(s, 2);
		out->org_slug = db_text_dup(s, 3);
		out->role_permissions = db_text_dup(s, 4);
		out->is_member = db_int(s, 5) != 0;
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "organization_not_found", "no organization %.80s",
		                  org_id);
	if (rc < 0 || out->max <= 0 || out->is_member)
		return rc < 0 ? rc : 0;
	rc = db_query(c, &s, "SELECT COUNT(*) FROM memberships WHERE org_id = ?", "t", org_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		out->members = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_directory_email_owner(struct db_conn *c, const char *norm, char user_out[ID_MAX])
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT user_id FROM user_emails WHERE email_norm = ?", "t", norm);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(user_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

/* --- directory users --- */

#define DU_COLS                                                                                    \
	"u.id, u.connection_id, u.user_id, u.user_name, u.external_id, u.active, u.profile, "      \
	"u.version, u.last_synced_at, u.created_at, u.updated_at, "                                \
	"(SELECT e.email FROM user_emails e WHERE e.user_id = u.user_id AND e.is_primary = 1 "     \
	"ORDER BY e.position LIMIT 1) "

static void read_user(struct db_stmt *s, struct directory_user *u)
{
	memset(u, 0, sizeof(*u));
	xsnprintf(u->id, sizeof(u->id), "%s", db_text(s, 0));
	xsnprintf(u->connection_id, sizeof(u->connection_id), "%s", db_text(s, 1));
	xsnprintf(u->user_id, sizeof(u->user_id), "%s", db_text(s, 2));
	u->user_name = db_text_dup(s, 3);
	u->external_id = db_text_dup(s, 4);
	u->active = db_int(s, 5) != 0;
	u->profile = db_text_dup(s, 6);
	u->version = db_int(s, 7);
	u->last_synced_at = db_int(s, 8);
	u->created_at = db_int(s, 9);
	u->updated_at = db_int(s, 10);
	u->primary_email = db_text_dup(s, 11);
}

/* 1 and the row into out, 0 when there is none, or an error. */
static int read_one(struct db_stmt *s, struct directory_user *out)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		read_user(s, out);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_directory_user_get(struct db_conn *c, const char *conn_id, const char *id,
                             struct directory_user *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " DU_COLS
	                  "FROM directory_users u WHERE u.id = ? AND u.connection_id = ?",
	                  "tt", id, conn_id);
	if (rc == 0)
		rc = read_one(s, out);
	if (rc == 0)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "User %.80s not found", id);
	return rc < 0 ? rc : 0;
}

int store_directory_user_by_name(struct db_conn *c, const char *conn_id, const char *name_norm,
                                 struct directory_user *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
	                  "u.user_name_norm = ?",
	                  "tt", conn_id, name_norm);
	return rc ? rc : read_one(s, out);
}

int store_directory_user_id_by_name(struct db_conn *c, const char *conn_id, const char *name_norm,
                                    char id_out[ID_MAX])
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT id FROM directory_users WHERE connection_id = ? AND "
	                  "user_name_norm = ?",
	                  "tt", conn_id, name_norm);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(id_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_directory_user_by_user(struct db_conn *c, const char *conn_id, const char *user_id,
                                 struct directory_user *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
	                  "u.user_id = ?",
	                  "tt", conn_id, user_id);
	return rc ? rc : read_one(s, out);
}

int store_directory_user_managed(struct db_conn *c, const char *user_id, char conn_out[ID_MAX])
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT u.connection_id FROM directory_users u JOIN directories d ON "
	                  "d.connection_id = u.connection_id WHERE u.user_id = ? AND d.enabled = 1 "
	                  "ORDER BY u.id LIMIT 1",
	                  "t", user_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(conn_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

static char *fold(const char *s)
{
	char *out = xstrdup(s ? s : "");
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

int store_directory_user_insert(struct db_conn *c, const struct directory_user *u)
{
	char *norm = fold(u->user_name);
	int64_t n =
	        db_exec(c,
	                "INSERT INTO directory_users (id, connection_id, user_id, user_name, "
	                "user_name_norm, external_id, active, profile, version, last_synced_at, "
	                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                "ttttttbtiiii", u->id, u->connection_id, u->user_id, u->user_name, norm,
	                u->external_id, u->active, u->profile, u->version, u->last_synced_at,
	                u->created_at, u->updated_at);
	free(norm);
	if (n == ERR_CONFLICT)
		return error_setc(ERR_CONFLICT, "user_name_taken",
		                  "userName %.200s is already provisioned in this directory",
		                  u->user_name);
	return n < 0 ? (int)n : 0;
}

int store_directory_user_update(struct db_conn *c, struct directory_user *u)
{
	char *norm = fold(u->user_name);
	int64_t n = db_exec(
	        c,
	        "UPDATE directory_users SET user_id = ?, user_name = ?, user_name_norm = ?, "
	        "external_id = ?, active = ?, profile = ?, version = version + 1, "
	        "last_synced_at = ?, updated_at = ? WHERE id = ? AND connection_id = ?",
	        "ttttbtiitt", u->user_id, u->user_name, norm, u->external_id, u->active, u->profile,
	        u->last_synced_at, u->updated_at, u->id, u->connection_id);
	free(norm);
	if (n == ERR_CONFLICT)
		return error_setc(ERR_CONFLICT, "user_name_taken",
		                  "userName %.200s is already provisioned in this directory",
		                  u->user_name);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "User %.80s not found", u->id);
	if (n > 0)
		u->version++;
	return n < 0 ? (int)n : 0;
}

int store_directory_user_delete(struct db_conn *c, const char *conn_id, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM directory_users WHERE id = ? AND connection_id = ?",
	                    "tt", id, conn_id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "User %.80s not found", id);
	return n < 0 ? (int)n : 0;
}

/* Statements are cached by their text pointer: one static string per key. */
static const char *scan_sql(enum directory_user_key key)
{
	switch (key) {
	case DIRUSER_ID:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.id = ? AND u.id > ? ORDER BY u.id LIMIT ?";
	case DIRUSER_USER_NAME:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.user_name_norm = ? AND u.id > ? ORDER BY u.id LIMIT ?";
	case DIRUSER_EXTERNAL_ID:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.external_id = ? AND u.id > ? ORDER BY u.id LIMIT ?";
	default:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "(CAST(? AS TEXT) IS NULL OR 1 = 1) AND u.id > ? ORDER BY u.id LIMIT ?";
	}
}

static const char *page_sql(enum directory_user_key key)
{
	switch (key) {
	case DIRUSER_ID:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.id = ? ORDER BY u.id LIMIT ? OFFSET ?";
	case DIRUSER_USER_NAME:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.user_name_norm = ? ORDER BY u.id LIMIT ? OFFSET ?";
	case DIRUSER_EXTERNAL_ID:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.external_id = ? ORDER BY u.id LIMIT ? OFFSET ?";
	default:
		return "SELECT " DU_COLS "FROM directory_users u WHERE u.connection_id = ? AND "
		       "(CAST(? AS TEXT) IS NULL OR 1 = 1) ORDER BY u.id LIMIT ? OFFSET ?";
	}
}

static const char *count_sql(enum directory_user_key key)
{
	switch (key) {
	case DIRUSER_ID:
		return "SELECT COUNT(*) FROM directory_users u WHERE u.connection_id = ? AND u.id = ?";
	case DIRUSER_USER_NAME:
		return "SELECT COUNT(*) FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.user_name_norm = ?";
	case DIRUSER_EXTERNAL_ID:
		return "SELECT COUNT(*) FROM directory_users u WHERE u.connection_id = ? AND "
		       "u.external_id = ?";
	default:
		return "SELECT COUNT(*) FROM directory_users u WHERE u.connection_id = ? AND "
		       "(CAST(? AS TEXT) IS NULL OR 1 = 1)";
	}
}

static int collect(struct db_stmt *s, int64_t limit, struct directory_user **items, size_t *count)
{
	struct directory_user *v = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof(*v));
	size_t n = 0;
	int rc = DB_DONE;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW)
		read_user(s, &v[n++]);
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			directory_user_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_directory_user_scan(struct db_conn *c, const char *conn_id, enum directory_user_key key,
                              const char *value, const char *after, int64_t limit,
                              struct directory_user **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, scan_sql(key), "ttti", conn_id, value, after ? after : "", limit);
	return rc ? rc : collect(s, limit, items, count);
}

int64_t store_directory_user_count(struct db_conn *c, const char *conn_id,
                                   enum directory_user_key key, const char *value)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, count_sql(key), "tt", conn_id, value);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t n = rc == DB_ROW ? db_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? rc : n;
}

int store_directory_user_page(struct db_conn *c, const char *conn_id, enum directory_user_key key,
                              const char *value, int64_t offset, int64_t limit,
                              struct directory_user **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, page_sql(key), "ttii", conn_id, value, limit, offset);
	return rc ? rc : collect(s, limit, items, count);
}
