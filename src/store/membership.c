/* SPDX-License-Identifier: Apache-2.0 */
/* The memberships table (see membership.h). */
#include "base/common.h"

#include "store/membership.h"

#include "base/error.h"

/* ORDER BY ... LIMIT 1 keeps the scalar subquery one row even if data were ever off. */
#define MEM_COLS                                                                                   \
	"m.id, m.org_id, m.user_id, m.role, m.role_source, m.created_at, m.updated_at, "           \
	"r.permissions, o.name, o.slug, u.first_name, u.last_name, "                               \
	"(SELECT e.email FROM user_emails e WHERE e.user_id = m.user_id AND "                      \
	"e.is_primary = 1 ORDER BY e.position LIMIT 1) "
#define MEM_FROM                                                                                   \
	"FROM memberships m JOIN organizations o ON o.id = m.org_id "                              \
	"JOIN users u ON u.id = m.user_id LEFT JOIN roles r ON r.key = m.role "

static void read_row(struct db_stmt *s, struct membership *m)
{
	memset(m, 0, sizeof(*m));
	xsnprintf(m->id, sizeof(m->id), "%s", db_text(s, 0));
	xsnprintf(m->org_id, sizeof(m->org_id), "%s", db_text(s, 1));
	xsnprintf(m->user_id, sizeof(m->user_id), "%s", db_text(s, 2));
	m->role = db_text_dup(s, 3);
	m->role_source = db_text_dup(s, 4);
	m->created_at = db_int(s, 5);
	m->updated_at = db_int(s, 6);
	membership_set_permissions(m, db_text(s, 7));
	m->org_name = db_text_dup(s, 8);
	m->org_slug = db_text_dup(s, 9);
	m->user_first_name = db_text_dup(s, 10);
	m->user_last_name = db_text_dup(s, 11);
	m->user_email = db_text_dup(s, 12);
}

/* Reads one row of a prepared query into out; ERR_NOT_FOUND when there is none. */
static int read_one(struct db_stmt *s, struct membership *out, const char *key)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "membership_not_found", "no membership %.80s",
		                  key);
	return rc < 0 ? rc : 0;
}

int store_membership_get(struct db_conn *c, const char *org_id, const char *key,
                         struct membership *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " MEM_COLS MEM_FROM
	                  "WHERE m.org_id = ? AND (m.user_id = ? OR m.id = ?)",
	                  "ttt", org_id, key, key);
	return rc ? rc : read_one(s, out, key);
}

int store_membership_get_by_id(struct db_conn *c, const char *id, struct membership *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " MEM_COLS MEM_FROM "WHERE m.id = ?", "t", id);
	return rc ? rc : read_one(s, out, id);
}

int store_membership_exists(struct db_conn *c, const char *org_id, const char *user_id)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?", "tt",
	                  org_id, user_id);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_membership_insert(struct db_conn *c, const struct membership *m)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO memberships (id, org_id, user_id, role, role_source, "
	                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                    "tttttii", m->id, m->org_id, m->user_id, m->role, m->role_source,
	                    m->created_at, m->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_membership_update_role(struct db_conn *c, const char *id, const char *role,
                                 const char *role_source, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE memberships SET role = ?, role_source = ?, updated_at = ? "
	                    "WHERE id = ?",
	                    "ttit", role, role_source, now, id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "membership_not_found", "no membership %s", id);
	return n < 0 ? (int)n : 0;
}

int store_membership_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM memberships WHERE id = ?", "t", id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "membership_not_found", "no membership %s", id);
	return n < 0 ? (int)n : 0;
}

int64_t store_membership_reset_role(struct db_conn *c, const char *role, int64_t now)
{
	return db_exec(c,
	               "UPDATE memberships SET role = (SELECT o.default_role FROM organizations o "
	               "WHERE o.id = memberships.org_id), role_source = 'default', updated_at = ? "
	               "WHERE role = ?",
	               "it", now, role);
}

static void free_all(struct membership *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		membership_release(&v[i]);
	free(v);
}

/* Reads every row of a prepared query into a growing array. */
static int collect(struct db_stmt *s, struct membership **items, size_t *count)
{
	struct membership *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	*items = NULL;
	*count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		read_row(s, &v[n++]);
	}
	db_done(s);
	if (rc < 0) {
		free_all(v, n);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

static int read_count(struct db_stmt *s, int64_t *total)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_membership_list_org(struct db_conn *c, const char *org_id, const char *role,
                              const char *starting_after, int64_t limit, struct membership **items,
                              size_t *count, int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT COUNT(*) FROM memberships m WHERE m.org_id = ? AND "
	                  "(CAST(? AS TEXT) IS NULL OR m.role = ?)",
	                  "ttt", org_id, role, role);
	if (!rc)
		rc = read_count(s, total);
	if (!rc)
		rc = db_query(c, &s,
		              "SELECT " MEM_COLS MEM_FROM
		              "WHERE m.org_id = ? AND (CAST(? AS TEXT) IS NULL OR m.role = ?) "
		              "AND m.id > ? ORDER BY m.id LIMIT ?",
		              "tttti", org_id, role, role, starting_after ? starting_after : "",
		              limit);
	return rc ? rc : collect(s, items, count);
}

int store_membership_list_user(struct db_conn *c, const char *user_id, const char *starting_after,
                               int64_t limit, struct membership **items, size_t *count,
                               int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM memberships m WHERE m.user_id = ?", "t",
	                  user_id);
	if (!rc)
		rc = read_count(s, total);
	if (!rc)
		rc = db_query(c, &s,
		              "SELECT " MEM_COLS MEM_FROM
		              "WHERE m.user_id = ? AND m.id > ? ORDER BY m.id LIMIT ?",
		              "tti", user_id, starting_after ? starting_after : "", limit);
	return rc ? rc : collect(s, items, count);
}

int store_membership_all_of_user(struct db_conn *c, const char *user_id, struct membership **items,
                                 size_t *count)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " MEM_COLS MEM_FROM "WHERE m.user_id = ? ORDER BY m.id",
	                  "t", user_id);
	return rc ? rc : collect(s, items, count);
}

int store_membership_all_with_role(struct db_conn *c, const char *role, struct membership **items,
                                   size_t *count)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " MEM_COLS MEM_FROM "WHERE m.role = ? ORDER BY m.id", "t",
	                  role);
	return rc ? rc : collect(s, items, count);
}
