/* SPDX-License-Identifier: Apache-2.0 */
/* The custom roles table (see role.h). */
#include "base/common.h"

#include "store/role.h"

#include "base/error.h"

#define ROLE_COLS "id, key, name, description, permissions, created_at, updated_at "

static int read_row(struct db_stmt *s, struct role *r)
{
	memset(r, 0, sizeof(*r));
	xsnprintf(r->id, sizeof(r->id), "%s", db_text(s, 0));
	r->key = db_text_dup(s, 1);
	r->name = db_text_dup(s, 2);
	r->description = db_text_dup(s, 3);
	r->created_at = db_int(s, 5);
	r->updated_at = db_int(s, 6);
	return role_permissions_parse(r, db_text(s, 4));
}

int store_role_exists(struct db_conn *c, const char *key)
{
	if (role_is_builtin(key))
		return 1;
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM roles WHERE key = ?", "t", key);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_role_get(struct db_conn *c, const char *key, struct role *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " ROLE_COLS "FROM roles WHERE key = ? OR id = ?", "tt",
	                  key, key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = read_row(s, out);
	else if (rc == DB_DONE)
		rc = error_setc(ERR_NOT_FOUND, "role_not_found", "no role %.80s", key);
	db_done(s);
	return rc;
}

int store_role_insert(struct db_conn *c, const struct role *r)
{
	char *perms = role_permissions_text((const char *const *)r->permissions, r->npermissions);
	int64_t n =
	        db_exec(c,
	                "INSERT INTO roles (id, key, name, description, permissions, created_at, "
	                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                "tttttii", r->id, r->key, r->name, r->description ? r->description : "",
	                perms, r->created_at, r->updated_at);
	free(perms);
	return n < 0 ? (int)n : 0;
}

int store_role_update(struct db_conn *c, const struct role *r)
{
	char *perms = role_permissions_text((const char *const *)r->permissions, r->npermissions);
	int64_t n = db_exec(c,
	                    "UPDATE roles SET name = ?, description = ?, permissions = ?, "
	                    "updated_at = ? WHERE key = ?",
	                    "tttit", r->name, r->description ? r->description : "", perms,
	                    r->updated_at, r->key);
	free(perms);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "role_not_found", "no role %s", r->key);
	return n < 0 ? (int)n : 0;
}

int store_role_delete(struct db_conn *c, const char *key)
{
	int64_t n = db_exec(c, "DELETE FROM roles WHERE key = ?", "t", key);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "role_not_found", "no role %s", key);
	return n < 0 ? (int)n : 0;
}

int store_role_default_of_org(struct db_conn *c, const char *key, char org_id_out[ID_MAX])
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT id FROM organizations WHERE default_role = ? ORDER BY id LIMIT 1",
	                  "t", key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(org_id_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_role_list(struct db_conn *c, struct role **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT " ROLE_COLS "FROM roles ORDER BY key", "");
	if (rc)
		return rc;
	size_t cap = 16, n = 0;
	struct role *v = xcalloc(cap, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		rc = read_row(s, &v[n++]);
		if (rc)
			break;
	}
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			role_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}
