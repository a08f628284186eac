/* SPDX-License-Identifier: Apache-2.0 */
/* Directory groups, members and role mappings (see directory_group.h). */
#include "base/common.h"

#include "store/directory_group.h"

#include "base/error.h"

#define DG_COLS                                                                                    \
	"g.id, g.connection_id, g.display_name, g.external_id, g.profile, g.member_count, "        \
	"g.version, g.created_at, g.updated_at "

static void read_group(struct db_stmt *s, struct directory_group *g)
{
	memset(g, 0, sizeof(*g));
	xsnprintf(g->id, sizeof(g->id), "%s", db_text(s, 0));
	xsnprintf(g->connection_id, sizeof(g->connection_id), "%s", db_text(s, 1));
	g->display_name = db_text_dup(s, 2);
	g->external_id = db_text_dup(s, 3);
	g->profile = db_text_dup(s, 4);
	g->member_count = db_int(s, 5);
	g->version = db_int(s, 6);
	g->created_at = db_int(s, 7);
	g->updated_at = db_int(s, 8);
}

static char *fold(const char *s)
{
	char *out = xstrdup(s ? s : "");
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

int store_directory_group_get(struct db_conn *c, const char *conn_id, const char *id,
                              struct directory_group *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " DG_COLS "FROM directory_groups g WHERE g.id = ? AND "
	                  "g.connection_id = ?",
	                  "tt", id, conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_group(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "Group %.80s not found", id);
	return rc < 0 ? rc : 0;
}

int store_directory_group_insert(struct db_conn *c, const struct directory_group *g)
{
	char *norm = fold(g->display_name);
	int64_t n = db_exec(c,
	                    "INSERT INTO directory_groups (id, connection_id, display_name, "
	                    "display_name_norm, external_id, profile, member_count, version, "
	                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
	                    "ttttttiii", g->id, g->connection_id, g->display_name, norm,
	                    g->external_id, g->profile, g->version, g->created_at, g->updated_at);
	free(norm);
	return n < 0 ? (int)n : 0;
}

int store_directory_group_update(struct db_conn *c, struct directory_group *g)
{
	char *norm = fold(g->display_name);
	int64_t n = db_exec(c,
	                    "UPDATE directory_groups SET display_name = ?, display_name_norm = ?, "
	                    "external_id = ?, profile = ?, version = version + 1, updated_at = ? "
	                    "WHERE id = ? AND connection_id = ?",
	                    "ttttitt", g->display_name, norm, g->external_id, g->profile,
	                    g->updated_at, g->id, g->connection_id);
	free(norm);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "Group %.80s not found", g->id);
	if (n > 0)
		g->version++;
	return n < 0 ? (int)n : 0;
}

int store_directory_group_delete(struct db_conn *c, const char *conn_id, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM directory_groups WHERE id = ? AND connection_id = ?",
	                    "tt", id, conn_id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "Group %.80s not found", id);
	return n < 0 ? (int)n : 0;
}

#define W_ALL  "(CAST(? AS TEXT) IS NULL OR 1 = 1)"
#define W_ID   "g.id = ?"
#define W_NAME "g.display_name_norm = ?"
#define W_EXT  "g.external_id = ?"
#define G_SCAN(w)                                                                                  \
	"SELECT " DG_COLS "FROM directory_groups g WHERE g.connection_id = ? AND " w               \
	" AND g.id > ? ORDER BY g.id LIMIT ?"
#define G_PAGE(w)                                                                                  \
	"SELECT " DG_COLS "FROM directory_groups g WHERE g.connection_id = ? AND " w               \
	" ORDER BY g.id LIMIT ? OFFSET ?"
#define G_COUNT(w) "SELECT COUNT(*) FROM directory_groups g WHERE g.connection_id = ? AND " w

/* Statements are cached by their text pointer: one static string per key. */
enum { Q_SCAN, Q_PAGE, Q_COUNT };
static const char *group_sql(int q, enum directory_group_key key)
{
	static const char *const sql[3][4] = {
		{ G_SCAN(W_ALL), G_SCAN(W_ID), G_SCAN(W_NAME), G_SCAN(W_EXT) },
		{ G_PAGE(W_ALL), G_PAGE(W_ID), G_PAGE(W_NAME), G_PAGE(W_EXT) },
		{ G_COUNT(W_ALL), G_COUNT(W_ID), G_COUNT(W_NAME), G_COUNT(W_EXT) },
	};
	return sql[q][key];
}

static char *key_value(enum directory_group_key key, const char *value)
{
	return key == DIRGROUP_DISPLAY_NAME ? fold(value) : xstrdup(value ? value : "");
}

static int collect(struct db_stmt *s, int64_t limit, struct directory_group **items, size_t *count)
{
	struct directory_group *v = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof(*v));
	size_t n = 0;
	int rc = DB_DONE;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW)
		read_group(s, &v[n++]);
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			directory_group_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_directory_group_scan(struct db_conn *c, const char *conn_id, enum directory_group_key key,
                               const char *value, const char *after, int64_t limit,
                               struct directory_group **items, size_t *count)
{
	struct db_stmt *s;
	char *v = key_value(key, value);
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, group_sql(Q_SCAN, key), "ttti", conn_id, v, after ? after : "",
	                  limit);
	free(v);
	return rc ? rc : collect(s, limit, items, count);
}

int store_directory_group_page(struct db_conn *c, const char *conn_id, enum directory_group_key key,
                               const char *value, int64_t offset, int64_t limit,
                               struct directory_group **items, size_t *count)
{
	struct db_stmt *s;
	char *v = key_value(key, value);
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, group_sql(Q_PAGE, key), "ttii", conn_id, v, limit, offset);
	free(v);
	return rc ? rc : collect(s, limit, items, count);
}

int64_t store_directory_group_count(struct db_conn *c, const char *conn_id,
                                    enum directory_group_key key, const char *value)
{
	struct db_stmt *s;
	char *v = key_value(key, value);
	int rc = db_query(c, &s, group_sql(Q_COUNT, key), "tt", conn_id, v);
	free(v);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t n = rc == DB_ROW ? db_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? rc : n;
}

int store_directory_group_list(struct db_conn *c, const char *conn_id, const char *after,
                               int64_t limit, struct directory_group **items, size_t *count,
                               int64_t *total)
{
	*total = store_directory_group_count(c, conn_id, DIRGROUP_ALL, NULL);
	if (*total < 0)
		return (int)*total;
	return store_directory_group_scan(c, conn_id, DIRGROUP_ALL, NULL, after, limit, items,
	                                  count);
}

/* --- members --- */

int store_directory_member_add(struct db_conn *c, const char *conn_id, const char *group_id,
                               const char *member_id)
{
	/* the SELECT keeps members inside the group's own directory */
	int64_t n = db_exec(c,
	                    "INSERT INTO directory_group_members (group_id, member_id) "
	                    "SELECT ?, u.id FROM directory_users u WHERE u.id = ? AND "
	                    "u.connection_id = ? ON CONFLICT (group_id, member_id) DO NOTHING",
	                    "ttt", group_id, member_id, conn_id);
	if (n != 0)
		return n < 0 ? (int)n : 1;
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM directory_users WHERE id = ? AND connection_id = ?",
	                  "tt", member_id, conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_INVALID, "invalidValue",
		                  "member %.100s is not a user of this directory (create it under "
		                  "/Users first)",
		                  member_id);
	return rc < 0 ? rc : 0;
}

int store_directory_member_remove(struct db_conn *c, const char *group_id, const char *member_id)
{
	int64_t n = db_exec(
	        c, "DELETE FROM directory_group_members WHERE group_id = ? AND member_id = ?", "tt",
	        group_id, member_id);
	return n < 0 ? (int)n : n > 0;
}

int store_directory_group_adjust(struct db_conn *c, const char *group_id, int64_t delta)
{
	int64_t n = db_exec(
	        c, "UPDATE directory_groups SET member_count = member_count + ? WHERE id = ?", "it",
	        delta, group_id);
	return n < 0 ? (int)n : 0;
}

int store_directory_member_forget(struct db_conn *c, const char *member_id)
{
	int64_t n = db_exec(c,
	                    "UPDATE directory_groups SET member_count = member_count - 1, "
	                    "version = version + 1 WHERE id IN (SELECT group_id FROM "
	                    "directory_group_members WHERE member_id = ?)",
	                    "t", member_id);
	return n < 0 ? (int)n : 0;
}

int64_t store_directory_member_remove_all(struct db_conn *c, const char *group_id)
{
	return db_exec(c, "DELETE FROM directory_group_members WHERE group_id = ?", "t", group_id);
}

void directory_members_free(struct directory_member *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].user_name);
	free(v);
}

int store_directory_members(struct db_conn *c, const char *group_id,
                            struct directory_member **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT m.member_id, u.user_name FROM directory_group_members m JOIN "
	                  "directory_users u ON u.id = m.member_id WHERE m.group_id = ? ORDER BY "
	                  "m.member_id",
	                  "t", group_id);
	if (rc)
		return rc;
	struct directory_member *v = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		xsnprintf(v[n].id, sizeof(v[n].id), "%s", db_text(s, 0));
		v[n++].user_name = db_text_dup(s, 1);
	}
	db_done(s);
	if (rc < 0) {
		directory_members_free(v, n);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_directory_member_ids(struct db_conn *c, const char *group_id, const char *after,
                               int64_t limit, char (**ids)[ID_MAX], size_t *count)
{
	struct db_stmt *s;
	*ids = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT member_id FROM directory_group_members WHERE group_id = ? AND "
	                  "member_id > ? ORDER BY member_id LIMIT ?",
	                  "tti", group_id, after ? after : "", limit);
	if (rc)
		return rc;
	char(*v)[ID_MAX] = xcalloc((size_t)(limit > 0 ? limit : 1), ID_MAX);
	size_t n = 0;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW)
		xsnprintf(v[n++], ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*ids = v;
	*count = n;
	return 0;
}

/* --- role mappings --- */

int store_directory_mapped_role(struct db_conn *c, const char *conn_id, const char *member_id,
                                char role_out[65])
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT r.role FROM directory_role_mappings r JOIN directory_group_members m "
	        "ON m.group_id = r.group_id WHERE r.connection_id = ? AND m.member_id = ? "
	        "ORDER BY r.position LIMIT 1",
	        "tt", conn_id, member_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(role_out, 65, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_directory_group_is_mapped(struct db_conn *c, const char *group_id)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM directory_role_mappings WHERE group_id = ? LIMIT 1",
	                  "t", group_id);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_directory_mappings(struct db_conn *c, const char *conn_id, struct role_mapping **items,
                             size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc =
	        db_query(c, &s,
	                 "SELECT r.group_id, r.role, g.display_name FROM directory_role_mappings r "
	                 "JOIN directory_groups g ON g.id = r.group_id WHERE r.connection_id = ? "
	                 "ORDER BY r.position",
	                 "t", conn_id);
	if (rc)
		return rc;
	struct role_mapping *v = xcalloc(DIRECTORY_MAX_MAPPINGS + 1, sizeof(*v));
	size_t n = 0;
	while (n < DIRECTORY_MAX_MAPPINGS && (rc = db_step(s)) == DB_ROW) {
		xsnprintf(v[n].group_id, sizeof(v[n].group_id), "%s", db_text(s, 0));
		v[n].role = db_text_dup(s, 1);
		v[n++].group_display_name = db_text_dup(s, 2);
	}
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			role_mapping_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_directory_mappings_set(struct db_conn *c, const char *conn_id,
                                 const struct role_mapping *m, size_t n)
{
	int64_t r = db_exec(c, "DELETE FROM directory_role_mappings WHERE connection_id = ?", "t",
	                    conn_id);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = db_exec(
		        c,
		        "INSERT INTO directory_role_mappings (connection_id, position, group_id, "
		        "role) VALUES (?, ?, ?, ?)",
		        "titt", conn_id, (int64_t)i, m[i].group_id, m[i].role);
	return r < 0 ? (int)r : 0;
}

int store_directory_mappings_drop_role(struct db_conn *c, const char *role,
                                       char (**conn_ids)[ID_MAX], size_t *count)
{
	struct db_stmt *s;
	*conn_ids = NULL;
	*count = 0;
	int rc = db_query(
	        c, &s,
	        "SELECT DISTINCT connection_id FROM directory_role_mappings WHERE role = ? "
	        "ORDER BY connection_id",
	        "t", role);
	if (rc)
		return rc;
	char(*v)[ID_MAX] = NULL;
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		v = xrealloc(v, (n + 1) * ID_MAX);
		xsnprintf(v[n++], ID_MAX, "%s", db_text(s, 0));
	}
	db_done(s);
	int64_t d = rc < 0 ? rc
	                   : db_exec(c, "DELETE FROM directory_role_mappings WHERE role = ?", "t",
	                             role);
	if (d < 0) {
		free(v);
		return (int)d;
	}
	*conn_ids = v;
	*count = n;
	return 0;
}
