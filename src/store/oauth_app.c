/* SPDX-License-Identifier: Apache-2.0 */
/* The oauth_applications table (see oauth_app.h). */
#include "base/common.h"

#include "store/oauth_app.h"

#include "base/error.h"

#define APP_COLS                                                                                   \
	"id, name, client_id, secret_hint, redirect_uris, post_logout_redirect_uris, "             \
	"created_at, updated_at "

static int read_row(struct db_stmt *s, struct oauth_app *a)
{
	memset(a, 0, sizeof(*a));
	xsnprintf(a->id, sizeof(a->id), "%s", db_text(s, 0));
	a->name = db_text_dup(s, 1);
	a->client_id = db_text_dup(s, 2);
	a->secret_hint = db_text_dup(s, 3);
	a->created_at = db_int(s, 6);
	a->updated_at = db_int(s, 7);
	int rc = oauth_uris_parse(&a->redirect_uris, &a->nredirect_uris, db_text(s, 4));
	if (!rc)
		rc = oauth_uris_parse(&a->post_logout_redirect_uris, &a->npost_logout_redirect_uris,
		                      db_text(s, 5));
	return rc;
}

static int not_found(const char *key)
{
	return error_setc(ERR_NOT_FOUND, "oauth_application_not_found",
	                  "no OAuth application %.80s", key);
}

int store_oauth_app_insert(struct db_conn *c, const struct oauth_app *a, const char *secret_hash)
{
	char *r = oauth_uris_text((const char *const *)a->redirect_uris, a->nredirect_uris);
	char *p = oauth_uris_text((const char *const *)a->post_logout_redirect_uris,
	                          a->npost_logout_redirect_uris);
	int64_t n = db_exec(c,
	                    "INSERT INTO oauth_applications (id, name, client_id, secret_hash, "
	                    "secret_hint, redirect_uris, post_logout_redirect_uris, created_at, "
	                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                    "tttttttii", a->id, a->name, a->client_id, secret_hash, a->secret_hint,
	                    r, p, a->created_at, a->updated_at);
	free(r);
	free(p);
	return n < 0 ? (int)n : 0;
}

int store_oauth_app_get(struct db_conn *c, const char *key, struct oauth_app *out)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s, "SELECT " APP_COLS "FROM oauth_applications WHERE id = ? OR client_id = ?",
	        "tt", key, key);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = read_row(s, out) ? ERR_INTERNAL : DB_ROW;
	db_done(s);
	if (rc == DB_DONE)
		return not_found(key);
	return rc < 0 ? rc : 0;
}

int store_oauth_app_secret_hash(struct db_conn *c, const char *client_id, char **hash_out)
{
	struct db_stmt *s;
	*hash_out = NULL;
	int rc = db_query(c, &s, "SELECT secret_hash FROM oauth_applications WHERE client_id = ?",
	                  "t", client_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		*hash_out = db_text_dup(s, 0);
	db_done(s);
	if (rc == DB_DONE)
		return not_found(client_id);
	return rc < 0 ? rc : 0;
}

int store_oauth_app_update(struct db_conn *c, const struct oauth_app *a)
{
	char *r = oauth_uris_text((const char *const *)a->redirect_uris, a->nredirect_uris);
	char *p = oauth_uris_text((const char *const *)a->post_logout_redirect_uris,
	                          a->npost_logout_redirect_uris);
	int64_t n = db_exec(c,
	                    "UPDATE oauth_applications SET name = ?, redirect_uris = ?, "
	                    "post_logout_redirect_uris = ?, updated_at = ? WHERE id = ?",
	                    "tttit", a->name, r, p, a->updated_at, a->id);
	free(r);
	free(p);
	if (n == 0)
		return not_found(a->id);
	return n < 0 ? (int)n : 0;
}

int store_oauth_app_set_secret(struct db_conn *c, const char *id, const char *secret_hash,
                               const char *hint, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE oauth_applications SET secret_hash = ?, secret_hint = ?, "
	                    "updated_at = ? WHERE id = ?",
	                    "ttit", secret_hash, hint, now, id);
	if (n == 0)
		return not_found(id);
	return n < 0 ? (int)n : 0;
}

int store_oauth_app_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM oauth_applications WHERE id = ?", "t", id);
	if (n == 0)
		return not_found(id);
	return n < 0 ? (int)n : 0;
}

int store_oauth_app_list(struct db_conn *c, const char *starting_after, int64_t limit,
                         struct oauth_app **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM oauth_applications", "");
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s,
	              "SELECT " APP_COLS "FROM oauth_applications WHERE id > ? ORDER BY id LIMIT ?",
	              "ti", starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct oauth_app *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		if (read_row(s, &v[n++]))
			rc = ERR_INTERNAL;
	db_done(s);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			oauth_app_release(&v[i]);
		free(v);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}
