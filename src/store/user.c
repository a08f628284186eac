/* SPDX-License-Identifier: Apache-2.0 */
/* The users and user_emails tables (see user.h). */
#include "base/common.h"

#include "store/user.h"

#include "base/error.h"

#define USER_COLS                                                                                  \
	"u.id, u.first_name, u.last_name, u.username, u.external_id, u.public_metadata, "          \
	"u.private_metadata, u.status, u.last_sign_in_at, u.created_at, u.updated_at "

/*
 * Optional filters in static statements (statements are cached by their
 * text pointer, so SQL is never built at run time). The CAST gives
 * PostgreSQL a type for a parameter that is only tested for NULL. Every
 * variant takes the same six parameters in the same order. A term inside
 * "? IS NULL OR ..." cannot pick an index, so a filter by email or by
 * external id has its own statement where that term stands alone: otherwise
 * looking up one user (each SSO sign-in does) walks every user in id order.
 */
#define USER_FILTER_BY_EMAIL                                                                       \
	"CAST(? AS TEXT) IS NOT NULL AND u.id IN (SELECT e.user_id FROM user_emails e "            \
	"WHERE e.email_norm = ?) AND (CAST(? AS TEXT) IS NULL OR u.external_id = ?) "              \
	"AND (CAST(? AS TEXT) IS NULL OR u.status = ?) "
#define USER_FILTER_BY_EXTERNAL_ID                                                                 \
	"(CAST(? AS TEXT) IS NULL OR u.id IN (SELECT e.user_id FROM user_emails e "                \
	"WHERE e.email_norm = ?)) AND CAST(? AS TEXT) IS NOT NULL AND u.external_id = ? "          \
	"AND (CAST(? AS TEXT) IS NULL OR u.status = ?) "
#define USER_FILTER                                                                                \
	"(CAST(? AS TEXT) IS NULL OR u.id IN (SELECT e.user_id FROM user_emails e "                \
	"WHERE e.email_norm = ?)) AND (CAST(? AS TEXT) IS NULL OR u.external_id = ?) "             \
	"AND (CAST(? AS TEXT) IS NULL OR u.status = ?) "

static void read_row(struct db_stmt *s, struct user *u)
{
	xsnprintf(u->id, sizeof(u->id), "%s", db_text(s, 0));
	u->first_name = db_text_dup(s, 1);
	u->last_name = db_text_dup(s, 2);
	u->username = db_text_dup(s, 3);
	u->external_id = db_text_dup(s, 4);
	u->public_metadata = db_text_dup(s, 5);
	u->private_metadata = db_text_dup(s, 6);
	if (!user_status_parse(&u->status, db_text(s, 7)))
		u->status = USER_ACTIVE;
	u->last_sign_in_at = db_int(s, 8);
	u->created_at = db_int(s, 9);
	u->updated_at = db_int(s, 10);
}

static int load_emails(struct db_conn *c, struct user *u)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT email, email_norm, is_primary FROM user_emails WHERE user_id = ? "
	                  "ORDER BY position, email_norm",
	                  "t", u->id);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		user_add_email(u, db_text(s, 0), db_text(s, 1), db_int(s, 2) != 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_user_get(struct db_conn *c, const char *id, struct user *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " USER_COLS "FROM users u WHERE u.id = ?", "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "user_not_found", "no user %.80s", id);
	if (rc < 0)
		return rc;
	return load_emails(c, out);
}

static int insert_emails(struct db_conn *c, const struct user *u)
{
	for (size_t i = 0; i < u->nemails; i++) {
		int64_t n =
		        db_exec(c,
		                "INSERT INTO user_emails (email_norm, email, user_id, is_primary, "
		                "position, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		                "tttbii", u->emails[i].norm, u->emails[i].address, u->id,
		                u->emails[i].primary, (int64_t)i, u->updated_at);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int store_user_insert(struct db_conn *c, const struct user *u)
{
	char *uname = user_username_norm(u->username);
	int64_t n = db_exec(
	        c,
	        "INSERT INTO users (id, first_name, last_name, username, username_norm, "
	        "external_id, public_metadata, private_metadata, status, "
	        "last_sign_in_at, created_at, updated_at) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "ttttttttttii", u->id, u->first_name, u->last_name, u->username, uname,
	        u->external_id, u->public_metadata, u->private_metadata,
	        user_status_name(u->status), (const char *)NULL, u->created_at, u->updated_at);
	free(uname);
	if (n < 0)
		return (int)n;
	return insert_emails(c, u);
}

int store_user_update(struct db_conn *c, const struct user *u, bool emails_changed)
{
	char *uname = user_username_norm(u->username);
	int64_t n = db_exec(c,
	                    "UPDATE users SET first_name = ?, last_name = ?, username = ?, "
	                    "username_norm = ?, external_id = ?, public_metadata = ?, "
	                    "private_metadata = ?, status = ?, updated_at = ? WHERE id = ?",
	                    "ttttttttit", u->first_name, u->last_name, u->username, uname,
	                    u->external_id, u->public_metadata, u->private_metadata,
	                    user_status_name(u->status), u->updated_at, u->id);
	free(uname);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "user_not_found", "no user %s", u->id);
	if (n < 0 || !emails_changed)
		return n < 0 ? (int)n : 0;
	n = db_exec(c, "DELETE FROM user_emails WHERE user_id = ?", "t", u->id);
	if (n < 0)
		return (int)n;
	return insert_emails(c, u);
}

int store_user_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM users WHERE id = ?", "t", id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "user_not_found", "no user %s", id);
	return n < 0 ? (int)n : 0;
}

/* Runs a one-parameter-pair existence query: 1 found, 0 not, or a store error. */
static int exists(struct db_conn *c, const char *sql, const char *value, const char *except_id)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, sql, "tt", value, except_id ? except_id : "");
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int store_user_check_email(struct db_conn *c, const char *norm, const char *except_id)
{
	int rc = exists(c, "SELECT 1 FROM user_emails WHERE email_norm = ? AND user_id <> ?", norm,
	                except_id);
	if (rc != 1)
		return rc;
	error_setc(ERR_CONFLICT, "email_taken", "the email address %.320s belongs to another user",
	           norm);
	error_add_field("email_addresses", "email_taken");
	return ERR_CONFLICT;
}

int store_user_check_username(struct db_conn *c, const char *norm, const char *except_id)
{
	int rc = exists(c, "SELECT 1 FROM users WHERE username_norm = ? AND id <> ?", norm,
	                except_id);
	if (rc != 1)
		return rc;
	error_setc(ERR_CONFLICT, "username_taken", "the username %.64s belongs to another user",
	           norm);
	error_add_field("username", "username_taken");
	return ERR_CONFLICT;
}

/* Which of the three statements (see USER_FILTER_BY_EMAIL). */
static size_t filter_variant(const struct user_filter *f)
{
	return f->email_norm ? 0 : f->external_id ? 1 : 2;
}

static int count_matches(struct db_conn *c, const struct user_filter *f, int64_t *total)
{
	struct db_stmt *s;
	static const char *const sql[] = {
		"SELECT COUNT(*) FROM users u WHERE " USER_FILTER_BY_EMAIL,
		"SELECT COUNT(*) FROM users u WHERE " USER_FILTER_BY_EXTERNAL_ID,
		"SELECT COUNT(*) FROM users u WHERE " USER_FILTER,
	};
	int rc = db_query(c, &s, sql[filter_variant(f)], "tttttt", f->email_norm, f->email_norm,
	                  f->external_id, f->external_id, f->status, f->status);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

static void free_users(struct user *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		user_release(&v[i]);
	free(v);
}

int store_user_list(struct db_conn *c, const struct user_filter *f, const char *starting_after,
                    int64_t limit, struct user **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = total ? count_matches(c, f, total) : 0;
	if (rc)
		return rc;
	static const char *const sql[] = {
		"SELECT " USER_COLS "FROM users u WHERE " USER_FILTER_BY_EMAIL
		"AND u.id > ? ORDER BY u.id LIMIT ?",
		"SELECT " USER_COLS "FROM users u WHERE " USER_FILTER_BY_EXTERNAL_ID
		"AND u.id > ? ORDER BY u.id LIMIT ?",
		"SELECT " USER_COLS "FROM users u WHERE " USER_FILTER
		"AND u.id > ? ORDER BY u.id LIMIT ?",
	};
	rc = db_query(c, &s, sql[filter_variant(f)], "ttttttti", f->email_norm, f->email_norm,
	              f->external_id, f->external_id, f->status, f->status,
	              starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct user *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while (n < (size_t)limit && (rc = db_step(s)) == DB_ROW)
		read_row(s, &v[n++]);
	db_done(s);
	/* the addresses come after the page query: one statement active at a time */
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = load_emails(c, &v[i]);
	if (rc < 0) {
		free_users(v, n);
		return rc;
	}
	*items = v;
	*count = n;
	return 0;
}

int store_user_touch_sign_in(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n = db_exec(c, "UPDATE users SET last_sign_in_at = ? WHERE id = ?", "it", now, id);
	return n < 0 ? (int)n : 0;
}
