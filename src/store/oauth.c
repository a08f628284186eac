/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenID Provider's tables (see oauth.h). */
#include "base/common.h"

#include "store/oauth.h"

#include "base/error.h"
#include "model/role.h"

static int changed(int64_t n, int code, const char *stable, const char *detail)
{
	if (n < 0)
		return (int)n;
	if (n == 0)
		return error_setc(code, stable, "%s", detail);
	return 0;
}

int store_oauth_request_insert(struct db_conn *c, const struct auth_request *r)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO auth_requests (id, client_id, redirect_uri, state, nonce, "
	                "code_challenge, scope, login_hint, organization, connection, status, "
	                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', "
	                "?, ?)",
	                "ttttttttttii", r->id, r->client_id, r->redirect_uri, r->state, r->nonce,
	                r->code_challenge, r->scope, r->login_hint, r->organization, r->connection,
	                r->created_at, r->expires_at);
	return n < 0 ? (int)n : 0;
}

int store_oauth_request_get(struct db_conn *c, const char *id, struct auth_request *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc =
	        db_query(c, &s,
	                 "SELECT id, client_id, redirect_uri, state, nonce, code_challenge, scope, "
	                 "login_hint, organization, connection, status, created_at, expires_at, "
	                 "browser_hash FROM auth_requests WHERE id = ?",
	                 "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(out->id, sizeof(out->id), "%s", db_text(s, 0));
		out->client_id = db_text_dup(s, 1);
		out->redirect_uri = db_text_dup(s, 2);
		out->state = db_text_dup(s, 3);
		out->nonce = db_text_dup(s, 4);
		out->code_challenge = db_text_dup(s, 5);
		out->scope = db_text_dup(s, 6);
		out->login_hint = db_text_dup(s, 7);
		out->organization = db_text_dup(s, 8);
		out->connection = db_text_dup(s, 9);
		out->status = db_text_dup(s, 10);
		out->created_at = db_int(s, 11);
		out->expires_at = db_int(s, 12);
		out->browser_hash = db_text_dup(s, 13);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "auth_request_not_found",
		                  "no sign-in request %.80s", id);
	return rc < 0 ? rc : 0;
}

int store_oauth_request_bind(struct db_conn *c, const char *id, const char *browser_hash,
                             int64_t now)
{
	/* once: a retry from the same browser matches, any other browser does not */
	int64_t n = db_exec(c,
	                    "UPDATE auth_requests SET browser_hash = ? WHERE id = ? AND "
	                    "status = 'pending' AND expires_at > ? AND "
	                    "(browser_hash IS NULL OR browser_hash = ?)",
	                    "ttit", browser_hash, id, now, browser_hash);
	return changed(n, ERR_CONFLICT, "browser_mismatch",
	               "this sign-in was started in another browser, or is no longer pending");
}

int store_oauth_request_complete(struct db_conn *c, const char *id, const char *session_id,
                                 int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE auth_requests SET status = 'completed', session_id = ? "
	                    "WHERE id = ? AND status = 'pending' AND expires_at > ?",
	                    "tti", session_id, id, now);
	return changed(n, ERR_CONFLICT, "auth_request_used",
	               "this sign-in request was already completed or has expired");
}

int store_oauth_session_insert(struct db_conn *c, const struct oauth_session_new *s)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO sessions (id, user_id, org_id, status, client_id, created_at, "
	                "last_active_at, expires_at, auth_request_id, auth_time) "
	                "VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)",
	                "ttttiiiti", s->id, s->user_id, s->org_id, s->client_id, s->created_at,
	                s->created_at, s->expires_at, s->auth_request_id, s->created_at);
	return n < 0 ? (int)n : 0;
}

int store_oauth_session_status(struct db_conn *c, const char *id, int64_t now, char **status_out,
                               char **user_id_out)
{
	struct db_stmt *s;
	*status_out = NULL;
	if (user_id_out)
		*user_id_out = NULL;
	int rc = db_query(c, &s,
	                  "SELECT CASE WHEN status = 'active' AND expires_at <= ? THEN 'expired' "
	                  "ELSE status END, user_id FROM sessions WHERE id = ?",
	                  "it", now, id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*status_out = db_text_dup(s, 0);
		if (user_id_out)
			*user_id_out = db_text_dup(s, 1);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "session_not_found", "no session %.80s", id);
	return rc < 0 ? rc : 0;
}

void oauth_code_row_release(struct oauth_code_row *r)
{
	free(r->code_hash);
	free(r->grant_id);
	free(r->auth_request_id);
	free(r->client_id);
	free(r->redirect_uri);
	free(r->code_challenge);
	free(r->nonce);
	free(r->scope);
	free(r->session_id);
	free(r->user_id);
	free(r->org_id);
	memset(r, 0, sizeof(*r));
}

int store_oauth_code_insert(struct db_conn *c, const struct oauth_code_row *r)
{
	int64_t n = db_exec(
	        c,
	        "INSERT INTO oauth_codes (code_hash, grant_id, auth_request_id, client_id, "
	        "redirect_uri, code_challenge, nonce, scope, session_id, user_id, org_id, "
	        "auth_time, created_at, expires_at) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "tttttttttttiii", r->code_hash, r->grant_id, r->auth_request_id, r->client_id,
	        r->redirect_uri, r->code_challenge, r->nonce, r->scope, r->session_id, r->user_id,
	        r->org_id, r->auth_time, r->created_at, r->expires_at);
	return n < 0 ? (int)n : 0;
}

int store_oauth_code_get(struct db_conn *c, const char *code_hash, struct oauth_code_row *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(c, &s,
	                  "SELECT code_hash, grant_id, auth_request_id, client_id, redirect_uri, "
	                  "code_challenge, nonce, scope, session_id, user_id, org_id, auth_time, "
	                  "created_at, expires_at, used_at FROM oauth_codes WHERE code_hash = ?",
	                  "t", code_hash);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		char **f[] = { &out->code_hash, &out->grant_id,     &out->auth_request_id,
			       &out->client_id, &out->redirect_uri, &out->code_challenge,
			       &out->nonce,     &out->scope,        &out->session_id,
			       &out->user_id,   &out->org_id };
		for (int i = 0; i < (int)ARRAY_SIZE(f); i++)
			*f[i] = db_text_dup(s, i);
		out->auth_time = db_int(s, 11);
		out->created_at = db_int(s, 12);
		out->expires_at = db_int(s, 13);
		out->used_at = db_int(s, 14);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "code_not_found", "unknown authorization code");
	return rc < 0 ? rc : 0;
}

int store_oauth_code_use(struct db_conn *c, const char *code_hash, int64_t now)
{
	int64_t n = db_exec(
	        c, "UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
	        "it", now, code_hash);
	return changed(n, ERR_CONFLICT, "code_used", "the authorization code was already used");
}

void oauth_token_row_release(struct oauth_token_row *r)
{
	free(r->token_hash);
	free(r->kind);
	free(r->grant_id);
	free(r->client_id);
	free(r->session_id);
	free(r->user_id);
	free(r->org_id);
	free(r->scope);
	free(r->status);
	free(r->session_status);
	free(r->user_status);
	memset(r, 0, sizeof(*r));
}

int store_oauth_token_insert(struct db_conn *c, const struct oauth_token_row *r)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO oauth_tokens (token_hash, kind, grant_id, client_id, "
	                    "session_id, user_id, org_id, scope, auth_time, status, created_at, "
	                    "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
	                    "ttttttttiii", r->token_hash, r->kind, r->grant_id, r->client_id,
	                    r->session_id, r->user_id, r->org_id, r->scope, r->auth_time,
	                    r->created_at, r->expires_at);
	return n < 0 ? (int)n : 0;
}

int store_oauth_token_get(struct db_conn *c, const char *token_hash, int64_t now,
                          struct oauth_token_row *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(c, &s,
	                  "SELECT t.token_hash, t.kind, t.grant_id, t.client_id, t.session_id, "
	                  "t.user_id, t.org_id, t.scope, t.status, t.auth_time, t.created_at, "
	                  "t.expires_at, t.used_at, t.revoked_at, "
	                  "CASE WHEN s.status = 'active' AND s.expires_at <= ? THEN 'expired' "
	                  "ELSE s.status END, u.status "
	                  "FROM oauth_tokens t JOIN sessions s ON s.id = t.session_id "
	                  "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
	                  "it", now, token_hash);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		char **f[] = { &out->token_hash, &out->kind,       &out->grant_id,
			       &out->client_id,  &out->session_id, &out->user_id,
			       &out->org_id,     &out->scope,      &out->status };
		for (int i = 0; i < (int)ARRAY_SIZE(f); i++)
			*f[i] = db_text_dup(s, i);
		out->auth_time = db_int(s, 9);
		out->created_at = db_int(s, 10);
		out->expires_at = db_int(s, 11);
		out->used_at = db_int(s, 12);
		out->revoked_at = db_int(s, 13);
		out->session_status = db_text_dup(s, 14);
		out->user_status = db_text_dup(s, 15);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "token_not_found", "unknown token");
	return rc < 0 ? rc : 0;
}

int store_oauth_token_rotate(struct db_conn *c, const char *token_hash, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE oauth_tokens SET status = 'rotated', used_at = ? "
	                    "WHERE token_hash = ? AND status = 'active'",
	                    "it", now, token_hash);
	return changed(n, ERR_CONFLICT, "token_reused", "the refresh token was already used");
}

int store_oauth_token_revoke(struct db_conn *c, const char *token_hash, int64_t now)
{
	int64_t n = db_exec(c,
	                    "UPDATE oauth_tokens SET status = 'revoked', revoked_at = ? "
	                    "WHERE token_hash = ? AND status <> 'revoked'",
	                    "it", now, token_hash);
	return n < 0 ? (int)n : 0;
}

int64_t store_oauth_grant_revoke(struct db_conn *c, const char *grant_id, int64_t now)
{
	return db_exec(c,
	               "UPDATE oauth_tokens SET status = 'revoked', revoked_at = ? "
	               "WHERE grant_id = ? AND status <> 'revoked'",
	               "it", now, grant_id);
}

static int read_org(struct db_conn *c, const char *user_id, const char *org_id,
                    struct oauth_identity *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT o.id, o.slug, m.role FROM memberships m JOIN organizations o "
	                  "ON o.id = m.org_id WHERE m.user_id = ? AND m.org_id = ?",
	                  "tt", user_id, org_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->org_id = db_text_dup(s, 0);
		out->org_slug = db_text_dup(s, 1);
		out->org_role = db_text_dup(s, 2);
	}
	db_done(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0; /* not a member (any more): no organization claims */
	const char *const *builtin = role_builtin_permissions(out->org_role);
	struct role r = { 0 };
	if (!builtin) {
		rc = db_query(c, &s, "SELECT permissions FROM roles WHERE key = ?", "t",
		              out->org_role);
		if (rc)
			return rc;
		if ((rc = db_step(s)) == DB_ROW)
			rc = role_permissions_parse(&r, db_text(s, 0)) ? ERR_INTERNAL : DB_ROW;
		db_done(s);
		if (rc < 0)
			return rc;
		builtin = (const char *const *)r.permissions;
	}
	size_t n = 0;
	while (builtin && builtin[n])
		n++;
	out->org_permissions = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out->org_permissions[i] = xstrdup(builtin[i]);
	out->norg_permissions = n;
	role_release(&r);
	return 0;
}

int store_oauth_identity(struct db_conn *c, const char *user_id, const char *org_id,
                         struct oauth_identity *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(c, &s,
	                  "SELECT u.id, u.first_name, u.last_name, u.public_metadata, u.status, "
	                  "(SELECT e.email FROM user_emails e WHERE e.user_id = u.id "
	                  "ORDER BY e.is_primary DESC, e.position, e.email LIMIT 1) "
	                  "FROM users u WHERE u.id = ?",
	                  "t", user_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(out->user_id, sizeof(out->user_id), "%s", db_text(s, 0));
		out->first_name = db_text_dup(s, 1);
		out->last_name = db_text_dup(s, 2);
		out->public_metadata = db_text_dup(s, 3);
		out->status = db_text_dup(s, 4);
		out->email = db_text_dup(s, 5);
	}
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "user_not_found", "no user %.80s", user_id);
	if (rc < 0)
		return rc;
	rc = org_id ? read_org(c, user_id, org_id, out) : 0;
	if (rc)
		oauth_identity_release(out);
	return rc;
}

int store_oauth_user_signed_in(struct db_conn *c, const char *user_id, int64_t now)
{
	int64_t n =
	        db_exec(c, "UPDATE users SET last_sign_in_at = ? WHERE id = ?", "it", now, user_id);
	return n < 0 ? (int)n : 0;
}
