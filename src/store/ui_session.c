/* SPDX-License-Identifier: Apache-2.0 */
/* Portal links and page sessions (see ui_session.h). */
#include "base/common.h"

#include "store/ui_session.h"

#include "base/error.h"

void portal_link_release(struct portal_link *l)
{
	free(l->return_url);
	memset(l, 0, sizeof(*l));
}

void ui_session_release(struct ui_session *s)
{
	free(s->principal_name);
	free(s->return_url);
	memset(s, 0, sizeof(*s));
}

int store_ui_link_insert(struct db_conn *c, const struct portal_link *l, const char *token_hash)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO portal_links (id, token_hash, org_id, user_id, return_url, "
	                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                "tttttii", l->id, token_hash, l->org_id, l->user_id, l->return_url,
	                l->created_at, l->expires_at);
	return n < 0 ? (int)n : 0;
}

int store_ui_link_find(struct db_conn *c, const char *token_hash, struct portal_link *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT id, org_id, user_id, return_url, created_at, expires_at, used_at "
	                  "FROM portal_links WHERE token_hash = ?",
	                  "t", token_hash);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		xsnprintf(out->id, sizeof(out->id), "%s", db_text(s, 0));
		xsnprintf(out->org_id, sizeof(out->org_id), "%s", db_text(s, 1));
		xsnprintf(out->user_id, sizeof(out->user_id), "%s", db_text(s, 2));
		out->return_url = db_text_dup(s, 3);
		out->created_at = db_int(s, 4);
		out->expires_at = db_int(s, 5);
		out->used_at = db_int(s, 6);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "portal_link_invalid", "no such portal link");
	return rc < 0 ? rc : 0;
}

int store_ui_link_use(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE portal_links SET used_at = ? WHERE id = ? AND used_at IS NULL",
	                "it", now, id);
	if (n == 0)
		return error_setc(ERR_CONFLICT, "portal_link_used",
		                  "the portal link was already used");
	return n < 0 ? (int)n : 0;
}

int store_ui_session_insert(struct db_conn *c, const struct ui_session *s, const char *token_hash)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO ui_sessions (id, kind, token_hash, csrf_token, org_id, "
	                    "user_id, principal_type, principal_id, return_url, created_at, "
	                    "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                    "tttttttttiii", s->id, s->kind, token_hash, s->csrf,
	                    s->org_id[0] ? s->org_id : NULL, s->user_id[0] ? s->user_id : NULL,
	                    s->principal_type, s->principal_id, s->return_url, s->created_at,
	                    s->last_seen_at, s->expires_at);
	return n < 0 ? (int)n : 0;
}

/*
 * principal_name is NULL when the principal is gone: a deleted operator, a
 * revoked key. The configured key ("config_...") is checked by app/.
 */
int store_ui_session_find(struct db_conn *c, const char *kind, const char *token_hash, int64_t now,
                          struct ui_session *out)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT s.id, s.kind, s.csrf_token, s.org_id, s.user_id, s.principal_type, "
	        "s.principal_id, s.return_url, s.created_at, s.last_seen_at, s.expires_at, "
	        "CASE s.principal_type "
	        "WHEN 'operator' THEN (SELECT o.username FROM operators o WHERE o.id = "
	        "s.principal_id) "
	        "WHEN 'secret_key' THEN (SELECT k.name FROM api_keys k WHERE k.id = s.principal_id "
	        "AND k.revoked_at IS NULL) "
	        "WHEN 'user' THEN (SELECT e.email FROM user_emails e WHERE e.user_id = "
	        "s.principal_id AND e.is_primary = 1) END "
	        "FROM ui_sessions s WHERE s.token_hash = ? AND s.kind = ? AND s.revoked_at IS NULL "
	        "AND s.expires_at > ?",
	        "tti", token_hash, kind, now);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		xsnprintf(out->id, sizeof(out->id), "%s", db_text(s, 0));
		xsnprintf(out->kind, sizeof(out->kind), "%s", db_text(s, 1));
		xsnprintf(out->csrf, sizeof(out->csrf), "%s", db_text(s, 2));
		xsnprintf(out->org_id, sizeof(out->org_id), "%s",
		          db_text(s, 3) ? db_text(s, 3) : "");
		xsnprintf(out->user_id, sizeof(out->user_id), "%s",
		          db_text(s, 4) ? db_text(s, 4) : "");
		xsnprintf(out->principal_type, sizeof(out->principal_type), "%s", db_text(s, 5));
		xsnprintf(out->principal_id, sizeof(out->principal_id), "%s", db_text(s, 6));
		out->return_url = db_text_dup(s, 7);
		out->created_at = db_int(s, 8);
		out->last_seen_at = db_int(s, 9);
		out->expires_at = db_int(s, 10);
		out->principal_name = db_text_dup(s, 11);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                  "the session has ended; sign in again");
	return rc < 0 ? rc : 0;
}

int store_ui_session_touch(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE ui_sessions SET last_seen_at = ? WHERE id = ?", "it", now, id);
	return n < 0 ? (int)n : 0;
}

int store_ui_session_revoke(struct db_conn *c, const char *id, int64_t now)
{
	int64_t n = db_exec(
	        c, "UPDATE ui_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
	        "it", now, id);
	return n < 0 ? (int)n : 0;
}

int64_t store_ui_session_revoke_principal(struct db_conn *c, const char *principal_id, int64_t now)
{
	return db_exec(c,
	               "UPDATE ui_sessions SET revoked_at = ? WHERE principal_id = ? AND "
	               "revoked_at IS NULL",
	               "it", now, principal_id);
}

int64_t store_ui_session_sweep(struct db_conn *c, int64_t now, int64_t limit)
{
	int64_t a = db_exec(c,
	                    "DELETE FROM portal_links WHERE id IN (SELECT id FROM portal_links "
	                    "WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
	                    "ii", now, limit);
	if (a < 0)
		return a;
	int64_t b = db_exec(c,
	                    "DELETE FROM ui_sessions WHERE id IN (SELECT id FROM ui_sessions "
	                    "WHERE expires_at <= ? OR revoked_at IS NOT NULL ORDER BY expires_at "
	                    "LIMIT ?)",
	                    "ii", now, limit);
	return b < 0 ? b : a + b;
}
