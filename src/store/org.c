/* SPDX-License-Identifier: Apache-2.0 */
/* The organizations table (see org.h). */
#include "base/common.h"

#include "store/org.h"

#include "base/error.h"

#define ORG_COLS                                                                                   \
	"o.id, o.name, o.slug, o.default_role, o.self_serve_sso, o.max_memberships, "              \
	"o.public_metadata, o.private_metadata, o.created_at, o.updated_at, "                      \
	"(SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) "

static void read_row(struct db_stmt *s, struct org *o)
{
	xsnprintf(o->id, sizeof(o->id), "%s", db_text(s, 0));
	o->name = db_text_dup(s, 1);
	o->slug = db_text_dup(s, 2);
	o->default_role = db_text_dup(s, 3);
	o->self_serve_sso = db_int(s, 4) != 0;
	o->max_memberships = db_int(s, 5);
	o->public_metadata = db_text_dup(s, 6);
	o->private_metadata = db_text_dup(s, 7);
	o->created_at = db_int(s, 8);
	o->updated_at = db_int(s, 9);
	o->members_count = db_int(s, 10);
}

int store_org_get(struct db_conn *c, const char *key, struct org *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " ORG_COLS "FROM organizations o WHERE o.id = ? OR o.slug = ?",
	                  "tt", key, key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "organization_not_found", "no organization %.80s",
		                  key);
	return rc < 0 ? rc : 0;
}

int store_org_slug_taken(struct db_conn *c, const char *slug, const char *except_id)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM organizations WHERE slug = ? AND id <> ?", "tt",
	                  slug, except_id ? except_id : "");
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_org_insert(struct db_conn *c, const struct org *o)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO organizations (id, name, slug, default_role, self_serve_sso, "
	                "max_memberships, public_metadata, private_metadata, created_at, "
	                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                "ttttbittii", o->id, o->name, o->slug, o->default_role, o->self_serve_sso,
	                o->max_memberships, o->public_metadata, o->private_metadata, o->created_at,
	                o->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_org_update(struct db_conn *c, const struct org *o)
{
	int64_t n = db_exec(c,
	                    "UPDATE organizations SET name = ?, slug = ?, default_role = ?, "
	                    "self_serve_sso = ?, max_memberships = ?, public_metadata = ?, "
	                    "private_metadata = ?, updated_at = ? WHERE id = ?",
	                    "tttbittit", o->name, o->slug, o->default_role, o->self_serve_sso,
	                    o->max_memberships, o->public_metadata, o->private_metadata,
	                    o->updated_at, o->id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "organization_not_found", "no organization %s",
		                  o->id);
	return n < 0 ? (int)n : 0;
}

int store_org_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM organizations WHERE id = ?", "t", id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "organization_not_found", "no organization %s",
		                  id);
	return n < 0 ? (int)n : 0;
}

/* The LIKE pattern %query% with LIKE's own characters escaped; lowercased (ASCII). */
static char *like_pattern(const char *query)
{
	size_t n = strlen(query);
	char *p = xmalloc(2 * n + 3);
	size_t j = 0;
	p[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		char ch = query[i];
		if (ch == '%' || ch == '_' || ch == '\\')
			p[j++] = '\\';
		p[j++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	p[j++] = '%';
	p[j] = 0;
	return p;
}

#define ORG_MATCH "(LOWER(o.name) LIKE ? ESCAPE '\\' OR o.slug LIKE ? ESCAPE '\\' OR o.id = ?)"

static int count_orgs(struct db_conn *c, const char *pattern, const char *query, int64_t *total)
{
	struct db_stmt *s;
	int rc = pattern ? db_query(c, &s, "SELECT COUNT(*) FROM organizations o WHERE " ORG_MATCH,
	                            "ttt", pattern, pattern, query)
	                 : db_query(c, &s, "SELECT COUNT(*) FROM organizations", "");
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_org_list(struct db_conn *c, const char *starting_after, int64_t limit, struct org **items,
                   size_t *count, int64_t *total)
{
	return store_org_search(c, NULL, starting_after, limit, items, count, total);
}

int store_org_search(struct db_conn *c, const char *query, const char *starting_after,
                     int64_t limit, struct org **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	char *pattern = query && *query ? like_pattern(query) : NULL;
	const char *after = starting_after ? starting_after : "";
	int rc = count_orgs(c, pattern, query, total);
	if (rc == 0 && pattern)
		rc = db_query(c, &s,
		              "SELECT " ORG_COLS
		              "FROM organizations o WHERE o.id > ? AND " ORG_MATCH
		              " ORDER BY o.id LIMIT ?",
		              "tttti", after, pattern, pattern, query, limit);
	else if (rc == 0)
		rc = db_query(c, &s,
		              "SELECT " ORG_COLS
		              "FROM organizations o WHERE o.id > ? ORDER BY o.id LIMIT ?",
		              "ti", after, limit);
	free(pattern);
	if (rc)
		return rc;
	struct org *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_row(s, &v[n++]);
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			org_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}
