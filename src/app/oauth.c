/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenID Provider's state machine (see oauth.h). */
#include "base/common.h"

#include "app/oauth.h"

#include "app/audit.h"
#include "app/session.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/url.h"
#include "store/oauth.h"
#include "store/oauth_app.h"

#define ACCESS_PREFIX  "gh_at_"
#define REFRESH_PREFIX "gh_rt_"

static int invalid_grant(const char *detail)
{
	return error_setc(ERR_INVALID, "invalid_grant", "%s", detail);
}

static int invalid_token(const char *detail)
{
	return error_setc(ERR_UNAUTHENTICATED, "invalid_token", "%s", detail);
}

/* --- authorization requests ------------------------------------------------------ */

static int request_insert_tx(struct db_conn *c, void *payload)
{
	return store_oauth_request_insert(c, payload);
}

int app_oauth_request_create(struct app *a, struct auth_request *r)
{
	id_new(r->id, "areq");
	r->created_at = clock_now();
	r->expires_at = r->created_at + APP_OAUTH_REQUEST_TTL_S;
	return app_write(a, request_insert_tx, r);
}

static int check_pending(const struct auth_request *r, int64_t now)
{
	if (strcmp(r->status, "pending") != 0)
		return error_setc(ERR_CONFLICT, "auth_request_used",
		                  "this sign-in was already completed; start again from the app");
	if (r->expires_at <= now)
		return error_setc(ERR_INVALID, "auth_request_expired",
		                  "this sign-in took too long; start again from the app");
	return 0;
}

struct req_op {
	const char *id;
	struct auth_request *out;
};

static int pending_tx(struct db_conn *c, void *payload)
{
	struct req_op *op = payload;
	auth_request_release(op->out);
	int rc = store_oauth_request_get(c, op->id, op->out);
	return rc ? rc : check_pending(op->out, clock_now());
}

int app_oauth_request_pending(struct app *a, const char *id, struct auth_request *out)
{
	struct req_op op = { id, out };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, pending_tx, &op);
	if (rc)
		auth_request_release(out);
	return rc;
}

/* --- completion ------------------------------------------------------------------ */

struct complete_op {
	const char *request_id, *user_id, *org_id, *issuer;
	const char *browser_hash; /* presented by the browser; NULL: checked by the caller later */
	char *redirect;
	char bound[CRYPTO_SHA256_HEX_LEN]; /* the hash the request is bound to */
};

/* Login CSRF: only the browser that started the sign-in may finish it (routes/sso.c). */
static int check_browser(const struct auth_request *r, const char *presented)
{
	if (!r->browser_hash || !*r->browser_hash)
		return error_setc(ERR_FORBIDDEN, "browser_unbound",
		                  "sign-in %s was never started by a browser (/sso/start)", r->id);
	if (presented && !crypto_equal_str(r->browser_hash, presented))
		return error_setc(ERR_FORBIDDEN, "browser_mismatch",
		                  "sign-in %s is finishing in another browser than the one that "
		                  "started it (a login CSRF attempt, or cookies were cleared)",
		                  r->id);
	return 0;
}

static int bind_tx(struct db_conn *c, void *payload)
{
	struct complete_op *op = payload;
	return store_oauth_request_bind(c, op->request_id, op->browser_hash, clock_now());
}

int app_oauth_request_bind(struct app *a, const char *id, const char *browser_hash)
{
	struct complete_op op = { .request_id = id, .browser_hash = browser_hash };
	return app_write(a, bind_tx, &op);
}

/* The client's redirect_uri with code, state and iss (RFC 6749 4.1.2, RFC 9207). */
static char *client_redirect(const struct auth_request *r, const char *code, const char *issuer)
{
	struct buf b;
	buf_init(&b, 16 * 1024);
	buf_appends(&b, r->redirect_uri);
	url_append_param(&b, url_query_sep(r->redirect_uri), "code", code);
	if (r->state)
		url_append_param(&b, '&', "state", r->state);
	url_append_param(&b, '&', "iss", issuer);
	return buf_detach(&b, NULL);
}

static int record_session(struct db_conn *c, const char *session_id, const char *user_id,
                          const char *org_id, const char *client_id)
{
	struct actor who = { "user", user_id };
	char *data = xasprintf("{\"id\":\"%s\",\"user_id\":\"%s\",\"client_id\":\"%s\"}",
	                       session_id, user_id, client_id);
	struct change ch = { &who, "session.created", "session", session_id, org_id, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static int complete_tx(struct db_conn *c, void *payload)
{
	struct complete_op *op = payload;
	struct auth_request r = { 0 };
	struct oauth_identity who = { 0 };
	struct oauth_app client = { 0 };
	int64_t now = clock_now();
	char *code = NULL;
	free(op->redirect);
	op->redirect = NULL;
	int rc = store_oauth_request_get(c, op->request_id, &r);
	if (!rc)
		rc = check_pending(&r, now);
	if (!rc)
		rc = check_browser(&r, op->browser_hash);
	if (!rc)
		xsnprintf(op->bound, sizeof(op->bound), "%s", r.browser_hash);
	if (!rc)
		rc = store_oauth_identity(c, op->user_id, NULL, &who);
	if (!rc && strcmp(who.status, "active") != 0)
		rc = error_setc(ERR_FORBIDDEN, "user_deactivated", "the user is deactivated");
	if (!rc)
		rc = store_oauth_app_get(c, r.client_id, &client);
	if (!rc && !oauth_uri_listed(client.redirect_uris, r.redirect_uri))
		rc = error_setc(ERR_INVALID, "invalid_redirect_uri",
		                "the app no longer lists this redirect URI");
	char session_id[ID_MAX], grant_id[ID_MAX];
	id_new(session_id, "sess");
	id_new(grant_id, "grt");
	if (!rc) {
		struct oauth_session_new s = { session_id,
			                       op->user_id,
			                       op->org_id,
			                       r.client_id,
			                       r.id,
			                       now,
			                       now + APP_OAUTH_SESSION_TTL_S };
		rc = store_oauth_session_insert(c, &s);
	}
	if (!rc)
		rc = store_oauth_request_complete(c, r.id, session_id, now);
	char hash[CRYPTO_SHA256_HEX_LEN];
	if (!rc) {
		code = crypto_token_new("");
		crypto_sha256_hex(hash, code, strlen(code));
		struct oauth_code_row row = {
			.code_hash = hash,
			.grant_id = grant_id,
			.auth_request_id = r.id,
			.client_id = r.client_id,
			.redirect_uri = r.redirect_uri,
			.code_challenge = r.code_challenge,
			.nonce = r.nonce,
			.scope = r.scope,
			.session_id = session_id,
			.user_id = (char *)(uintptr_t)op->user_id,
			.org_id = (char *)(uintptr_t)op->org_id,
			.auth_time = now,
			.created_at = now,
			.expires_at = now + APP_OAUTH_CODE_TTL_S,
		};
		rc = store_oauth_code_insert(c, &row);
	}
	if (!rc)
		rc = store_oauth_user_signed_in(c, op->user_id, now);
	if (!rc)
		rc = record_session(c, session_id, op->user_id, op->org_id, r.client_id);
	if (!rc)
		op->redirect = client_redirect(&r, code, op->issuer);
	if (code) {
		memset(code, 0, strlen(code));
		free(code);
	}
	auth_request_release(&r);
	oauth_identity_release(&who);
	oauth_app_release(&client);
	return rc;
}

int app_oauth_complete(struct app *a, const char *auth_request_id, const char *browser_hash,
                       const char *user_id, const char *org_id, char **redirect_out)
{
	struct complete_op op = { .request_id = auth_request_id,
		                  .user_id = user_id,
		                  .org_id = org_id,
		                  .issuer = a->cfg->public_url,
		                  .browser_hash = browser_hash };
	*redirect_out = NULL;
	int rc = app_write(a, complete_tx, &op);
	if (rc) {
		free(op.redirect);
		return rc;
	}
	*redirect_out = op.redirect;
	return 0;
}

int app_oauth_complete_tx(struct db_conn *c, const char *issuer, const char *auth_request_id,
                          const char *browser_hash, const char *user_id, const char *org_id,
                          char bound_out[CRYPTO_SHA256_HEX_LEN], char **redirect_out)
{
	struct complete_op op = { .request_id = auth_request_id,
		                  .user_id = user_id,
		                  .org_id = org_id,
		                  .issuer = issuer,
		                  .browser_hash = browser_hash };
	*redirect_out = NULL;
	int rc = complete_tx(c, &op);
	if (rc) {
		free(op.redirect);
		return rc;
	}
	xsnprintf(bound_out, CRYPTO_SHA256_HEX_LEN, "%s", op.bound);
	*redirect_out = op.redirect;
	return 0;
}

/* --- tokens -------------------------------------------------------------------------- */

void app_oauth_tokens_release(struct app_oauth_tokens *t)
{
	if (t->access_token)
		memset(t->access_token, 0, strlen(t->access_token));
	if (t->refresh_token)
		memset(t->refresh_token, 0, strlen(t->refresh_token));
	free(t->access_token);
	free(t->refresh_token);
	free(t->scope);
	free(t->nonce);
	free(t->client_id);
	oauth_identity_release(&t->who);
	memset(t, 0, sizeof(*t));
}

struct grant {
	const char *grant_id, *client_id, *session_id, *user_id, *org_id, *scope;
	int64_t auth_time;
};

static int insert_token(struct db_conn *c, const struct grant *g, const char *kind,
                        const char *token, int64_t now, int64_t expires_at)
{
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, token, strlen(token));
	struct oauth_token_row row = {
		.token_hash = hash,
		.kind = (char *)(uintptr_t)kind,
		.grant_id = (char *)(uintptr_t)g->grant_id,
		.client_id = (char *)(uintptr_t)g->client_id,
		.session_id = (char *)(uintptr_t)g->session_id,
		.user_id = (char *)(uintptr_t)g->user_id,
		.org_id = (char *)(uintptr_t)g->org_id,
		.scope = (char *)(uintptr_t)g->scope,
		.auth_time = g->auth_time,
		.created_at = now,
		.expires_at = expires_at,
	};
	return store_oauth_token_insert(c, &row);
}

/* A new access + refresh token pair of the grant, and the identity they speak for. */
static int issue(struct db_conn *c, const struct grant *g, int64_t session_expires_at,
                 struct app_oauth_tokens *out)
{
	int64_t now = clock_now();
	app_oauth_tokens_release(out);
	out->access_token = crypto_token_new(ACCESS_PREFIX);
	out->refresh_token = crypto_token_new(REFRESH_PREFIX);
	out->scope = xstrdup(g->scope);
	out->client_id = xstrdup(g->client_id);
	xsnprintf(out->session_id, sizeof(out->session_id), "%s", g->session_id);
	out->auth_time = g->auth_time;
	int64_t access_exp = now + APP_OAUTH_ACCESS_TTL_S;
	if (access_exp > session_expires_at)
		access_exp = session_expires_at;
	out->expires_in = access_exp - now;
	int rc = insert_token(c, g, "access", out->access_token, now, access_exp);
	if (!rc)
		rc = insert_token(c, g, "refresh", out->refresh_token, now, session_expires_at);
	if (!rc)
		rc = store_oauth_identity(c, g->user_id, g->org_id, &out->who);
	return rc;
}

/* The session must be active and the user active, else the grant is dead. */
static int session_live(struct db_conn *c, const char *session_id, int64_t now, int64_t *expires_at)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
	                  "WHERE s.id = ? AND s.status = 'active' AND s.expires_at > ? "
	                  "AND u.status = 'active'",
	                  "ti", session_id, now);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		*expires_at = db_int(s, 0);
	db_done(s);
	if (rc == DB_DONE)
		return invalid_grant("the session has ended");
	return rc < 0 ? rc : 0;
}

enum outcome { OUTCOME_OK, OUTCOME_REUSED };

struct token_op {
	const char *client_id, *secret; /* secret: the code or refresh token */
	const struct app_oauth_code_check *chk;
	struct app_oauth_tokens *out;
	enum outcome outcome;
};

static int exchange_tx(struct db_conn *c, void *payload)
{
	struct token_op *op = payload;
	struct oauth_code_row row = { 0 };
	char hash[CRYPTO_SHA256_HEX_LEN];
	int64_t now = clock_now(), session_exp = 0;
	op->outcome = OUTCOME_OK;
	crypto_sha256_hex(hash, op->secret, strlen(op->secret));
	int rc = store_oauth_code_get(c, hash, &row);
	if (rc == ERR_NOT_FOUND)
		return invalid_grant("the authorization code is not valid");
	if (rc)
		return rc;
	if (row.used_at) {
		/* RFC 6749 4.1.2: a second use revokes what the first one obtained. */
		int64_t n = store_oauth_grant_revoke(c, row.grant_id, now);
		op->outcome = OUTCOME_REUSED;
		oauth_code_row_release(&row);
		return n < 0 ? (int)n : 0;
	}
	if (row.expires_at <= now)
		rc = invalid_grant("the authorization code has expired");
	else if (strcmp(row.client_id, op->chk->client_id) != 0)
		rc = invalid_grant("the authorization code was issued to another client");
	else if (!op->chk->redirect_uri || strcmp(row.redirect_uri, op->chk->redirect_uri) != 0)
		rc = invalid_grant("redirect_uri differs from the authorization request's");
	else if (!op->chk->pkce_challenge ||
	         !crypto_equal_str(row.code_challenge, op->chk->pkce_challenge))
		rc = invalid_grant("PKCE verification failed (code_verifier)");
	if (!rc)
		rc = session_live(c, row.session_id, now, &session_exp);
	if (!rc)
		rc = store_oauth_code_use(c, hash, now);
	if (!rc) {
		struct grant g = { row.grant_id, row.client_id, row.session_id, row.user_id,
			           row.org_id,   row.scope,     row.auth_time };
		rc = issue(c, &g, session_exp, op->out);
	}
	if (!rc && row.nonce)
		op->out->nonce = xstrdup(row.nonce);
	oauth_code_row_release(&row);
	return rc;
}

int app_oauth_exchange_code(struct app *a, const char *code, const struct app_oauth_code_check *chk,
                            struct app_oauth_tokens *out)
{
	struct token_op op = {
		.client_id = chk->client_id, .secret = code, .chk = chk, .out = out
	};
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, exchange_tx, &op);
	if (rc == 0 && op.outcome == OUTCOME_REUSED)
		rc = invalid_grant("the authorization code was already used; the tokens issued "
		                   "from it are revoked");
	if (rc)
		app_oauth_tokens_release(out);
	return rc;
}

static int reuse_detected(struct db_conn *c, const struct oauth_token_row *t, int64_t now)
{
	int64_t n = store_oauth_grant_revoke(c, t->grant_id, now);
	if (n < 0)
		return (int)n;
	struct actor system = { "system", "refresh_token_reuse" };
	struct session s = { 0 };
	int rc = app_session_revoke_tx(c, &system, t->session_id, APP_SESSION_REVOKED_TOKEN_REUSE,
	                               &s);
	session_release(&s);
	return rc == ERR_CONFLICT ? 0 : rc; /* already revoked: nothing more to end */
}

static int refresh_tx(struct db_conn *c, void *payload)
{
	struct token_op *op = payload;
	struct oauth_token_row t = { 0 };
	char hash[CRYPTO_SHA256_HEX_LEN];
	int64_t now = clock_now(), session_exp = 0;
	op->outcome = OUTCOME_OK;
	crypto_sha256_hex(hash, op->secret, strlen(op->secret));
	int rc = store_oauth_token_get(c, hash, now, &t);
	if (rc == ERR_NOT_FOUND || (!rc && strcmp(t.kind, "refresh") != 0))
		rc = invalid_grant("the refresh token is not valid");
	else if (!rc && strcmp(t.client_id, op->client_id) != 0)
		rc = invalid_grant("the refresh token was issued to another client");
	else if (!rc && !strcmp(t.status, "rotated")) {
		/* Security BCP 4.14.2: an old refresh token again means one of two holders is not
		 * legitimate. */
		rc = reuse_detected(c, &t, now);
		op->outcome = OUTCOME_REUSED;
	} else if (!rc && strcmp(t.status, "active") != 0)
		rc = invalid_grant("the refresh token was revoked");
	else if (!rc && t.expires_at <= now)
		rc = invalid_grant("the refresh token has expired");
	if (!rc && op->outcome == OUTCOME_OK)
		rc = session_live(c, t.session_id, now, &session_exp);
	if (!rc && op->outcome == OUTCOME_OK)
		rc = store_oauth_token_rotate(c, hash, now);
	if (!rc && op->outcome == OUTCOME_OK) {
		struct grant g = { t.grant_id, t.client_id, t.session_id, t.user_id,
			           t.org_id,   t.scope,     t.auth_time };
		rc = issue(c, &g, session_exp, op->out);
	}
	oauth_token_row_release(&t);
	return rc;
}

int app_oauth_refresh(struct app *a, const char *client_id, const char *refresh_token,
                      struct app_oauth_tokens *out)
{
	struct token_op op = { .client_id = client_id, .secret = refresh_token, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, refresh_tx, &op);
	if (rc == 0 && op.outcome == OUTCOME_REUSED)
		rc = invalid_grant("the refresh token was already used; the session is revoked");
	if (rc)
		app_oauth_tokens_release(out);
	return rc;
}

struct info_op {
	const char *token;
	struct oauth_identity *out;
	char *scope;
};

static int userinfo_tx(struct db_conn *c, void *payload)
{
	struct info_op *op = payload;
	struct oauth_token_row t = { 0 };
	char hash[CRYPTO_SHA256_HEX_LEN];
	int64_t now = clock_now();
	crypto_sha256_hex(hash, op->token, strlen(op->token));
	int rc = store_oauth_token_get(c, hash, now, &t);
	if (rc == ERR_NOT_FOUND || (!rc && strcmp(t.kind, "access") != 0))
		rc = invalid_token("the access token is not valid");
	else if (!rc && (strcmp(t.status, "active") != 0 || t.expires_at <= now))
		rc = invalid_token("the access token has expired or was revoked");
	else if (!rc &&
	         (strcmp(t.session_status, "active") != 0 || strcmp(t.user_status, "active") != 0))
		rc = invalid_token("the session of this access token has ended");
	if (!rc) {
		oauth_identity_release(op->out);
		rc = store_oauth_identity(c, t.user_id, t.org_id, op->out);
	}
	if (!rc) {
		free(op->scope);
		op->scope = xstrdup(t.scope);
	}
	oauth_token_row_release(&t);
	return rc;
}

int app_oauth_userinfo(struct app *a, const char *access_token, struct oauth_identity *out,
                       char **scope_out)
{
	struct info_op op = { access_token, out, NULL };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, userinfo_tx, &op);
	if (rc) {
		oauth_identity_release(out);
		free(op.scope);
		return rc;
	}
	*scope_out = op.scope;
	return 0;
}

static int revoke_tx(struct db_conn *c, void *payload)
{
	struct token_op *op = payload;
	struct oauth_token_row t = { 0 };
	char hash[CRYPTO_SHA256_HEX_LEN];
	int64_t now = clock_now();
	crypto_sha256_hex(hash, op->secret, strlen(op->secret));
	int rc = store_oauth_token_get(c, hash, now, &t);
	if (rc == ERR_NOT_FOUND)
		return 0; /* RFC 7009 2.2: an unknown token is not an error */
	if (!rc && strcmp(t.client_id, op->client_id) == 0) {
		/* RFC 7009 2.1: revoking a refresh token also ends the access tokens of its grant
		 */
		if (!strcmp(t.kind, "refresh")) {
			int64_t n = store_oauth_grant_revoke(c, t.grant_id, now);
			rc = n < 0 ? (int)n : 0;
		} else {
			rc = store_oauth_token_revoke(c, hash, now);
		}
	}
	oauth_token_row_release(&t);
	return rc;
}

int app_oauth_revoke(struct app *a, const char *client_id, const char *token)
{
	struct token_op op = { .client_id = client_id, .secret = token };
	return app_write(a, revoke_tx, &op);
}

struct logout_op {
	const char *client_id, *session_id;
};

static int logout_tx(struct db_conn *c, void *payload)
{
	struct logout_op *op = payload;
	struct session s = { 0 };
	int rc = store_session_get(c, op->session_id, clock_now(), &s);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (!rc && !strcmp(s.status, "active") && s.client_id &&
	    !strcmp(s.client_id, op->client_id)) {
		struct actor who = { "user", s.user_id };
		struct session done = { 0 };
		rc = app_session_revoke_tx(c, &who, s.id, APP_SESSION_REVOKED_SIGN_OUT, &done);
		session_release(&done);
	}
	session_release(&s);
	return rc;
}

int app_oauth_logout(struct app *a, const char *client_id, const char *session_id)
{
	struct logout_op op = { client_id, session_id };
	return app_write(a, logout_tx, &op);
}
