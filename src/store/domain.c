/* SPDX-License-Identifier: Apache-2.0 */
/* The domains table (see domain.h). */
#include "base/common.h"

#include "store/domain.h"

#include "base/error.h"

#define DOMAIN_COLS                                                                                \
	"id, org_id, name, status, txt_record_name, txt_record_value, last_checked_at, "           \
	"verified_at, failure, enrollment_mode, sso_enforced, created_at, updated_at "

static void read_row(struct db_stmt *s, struct domain *d)
{
	memset(d, 0, sizeof(*d));
	xsnprintf(d->id, sizeof(d->id), "%s", db_text(s, 0));
	xsnprintf(d->org_id, sizeof(d->org_id), "%s", db_text(s, 1));
	d->name = db_text_dup(s, 2);
	d->status = db_text_dup(s, 3);
	d->txt_record_name = db_text_dup(s, 4);
	d->txt_record_value = db_text_dup(s, 5);
	d->last_checked_at = db_int(s, 6);
	d->verified_at = db_int(s, 7);
	d->failure = db_text_dup(s, 8);
	d->enrollment_mode = db_text_dup(s, 9);
	d->sso_enforced = db_int(s, 10) != 0;
	d->created_at = db_int(s, 11);
	d->updated_at = db_int(s, 12);
}

static int not_found(const char *id)
{
	return error_setc(ERR_NOT_FOUND, "domain_not_found", "no domain %.80s in this organization",
	                  id);
}

int store_domain_get(struct db_conn *c, const char *org_id, const char *id, struct domain *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " DOMAIN_COLS
	                  "FROM domains WHERE org_id = ? AND (id = ? OR name = ?)",
	                  "ttt", org_id, id, id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return not_found(id);
	return rc < 0 ? rc : 0;
}

int store_domain_insert(struct db_conn *c, const struct domain *d)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO domains (id, org_id, name, status, txt_record_name, "
	                "txt_record_value, enrollment_mode, sso_enforced, created_at, updated_at) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                "tttttttbii", d->id, d->org_id, d->name, d->status, d->txt_record_name,
	                d->txt_record_value, d->enrollment_mode, d->sso_enforced, d->created_at,
	                d->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_domain_update(struct db_conn *c, const struct domain *d)
{
	int64_t n = db_exec(c,
	                    "UPDATE domains SET status = ?, last_checked_at = ?, verified_at = ?, "
	                    "failure = ?, enrollment_mode = ?, sso_enforced = ?, updated_at = ? "
	                    "WHERE id = ? AND org_id = ?",
	                    "tiittbitt", d->status, d->last_checked_at, d->verified_at, d->failure,
	                    d->enrollment_mode, d->sso_enforced, d->updated_at, d->id, d->org_id);
	if (n == 0)
		return not_found(d->id);
	return n < 0 ? (int)n : 0;
}

int store_domain_delete(struct db_conn *c, const char *org_id, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM domains WHERE org_id = ? AND id = ?", "tt", org_id, id);
	if (n == 0)
		return not_found(id);
	return n < 0 ? (int)n : 0;
}

int store_domain_exists_in_org(struct db_conn *c, const char *org_id, const char *name)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1 FROM domains WHERE org_id = ? AND name = ?", "tt",
	                  org_id, name);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_domain_claimed_elsewhere(struct db_conn *c, const char *org_id, const char *name,
                                   char owner_out[ID_MAX])
{
	struct db_stmt *s;
	owner_out[0] = '\0';
	int rc = db_query(c, &s,
	                  "SELECT org_id FROM domains WHERE status = 'verified' AND org_id <> ? "
	                  "AND (name = ? OR CAST(? AS TEXT) LIKE '%.' || name) LIMIT 1",
	                  "ttt", org_id, name, name);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(owner_out, ID_MAX, "%s", db_text(s, 0));
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_domain_list(struct db_conn *c, const char *org_id, const char *starting_after,
                      int64_t limit, struct domain **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM domains WHERE org_id = ?", "t", org_id);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s,
	              "SELECT " DOMAIN_COLS
	              "FROM domains WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?",
	              "tti", org_id, starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct domain *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_row(s, &v[n++]);
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_domain_due(struct db_conn *c, int64_t since, int64_t checked_before, int64_t limit,
                     char (**ids)[ID_MAX], char (**org_ids)[ID_MAX], size_t *count)
{
	struct db_stmt *s;
	*ids = NULL;
	*org_ids = NULL;
	*count = 0;
	int rc = db_query(
	        c, &s,
	        "SELECT id, org_id FROM domains WHERE status <> 'verified' AND created_at >= ? "
	        "AND COALESCE(last_checked_at, 0) < ? "
	        "ORDER BY COALESCE(last_checked_at, 0), id LIMIT ?",
	        "iii", since, checked_before, limit);
	if (rc)
		return rc;
	char(*v)[ID_MAX] = xcalloc((size_t)limit, ID_MAX);
	char(*o)[ID_MAX] = xcalloc((size_t)limit, ID_MAX);
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit) {
		xsnprintf(v[n], ID_MAX, "%s", db_text(s, 0));
		xsnprintf(o[n], ID_MAX, "%s", db_text(s, 1));
		n++;
	}
	db_done(s);
	*ids = v;
	*org_ids = o;
	*count = n;
	return rc < 0 ? rc : 0;
}
