/* SPDX-License-Identifier: Apache-2.0 */
/* Portal links and page sessions (see ui.h). */
#include "base/common.h"

#include "app/ui.h"

#include "app/audit.h"
#include "app/key.h"
#include "app/operator.h"
#include "base/clock.h"
#include "base/error.h"
#include "model/membership.h"
#include "model/org.h"
#include "model/user.h"
#include "store/membership.h"
#include "store/org.h"
#include "store/user.h"

/* A portal session's last_seen_at is written at most this often. */
#define TOUCH_EVERY_S 60
#define SWEEP_BATCH   500

struct ui_op {
	struct app *a;
	const struct actor *who;
	const char *org_key, *user_id, *return_url, *hash, *kind;
	struct portal_link link;
	struct ui_session *session;
	const char *session_hash, *session_id;
	int64_t now;
	int64_t swept;
};

/* The rules a portal session must still meet; c is the caller's transaction. */
static int portal_allowed(struct db_conn *c, const char *org_id, const char *user_id)
{
	struct org o = { 0 };
	int rc = store_org_get(c, org_id, &o);
	if (rc)
		return rc == ERR_NOT_FOUND ? error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                                        "the organization no longer exists")
		                           : rc;
	bool on = o.self_serve_sso;
	org_release(&o);
	if (!on)
		return error_setc(ERR_FORBIDDEN, "self_serve_sso_disabled",
		                  "self-serve SSO is turned off for this organization; ask the "
		                  "application's team to turn it on");
	struct user u = { 0 };
	rc = store_user_get(c, user_id, &u);
	if (rc)
		return rc == ERR_NOT_FOUND ? error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                                        "the user no longer exists")
		                           : rc;
	bool active = u.status == USER_ACTIVE;
	user_release(&u);
	if (!active)
		return error_setc(ERR_FORBIDDEN, "user_deactivated", "this user is deactivated");
	struct membership m = { 0 };
	rc = store_membership_get(c, org_id, user_id, &m);
	if (rc)
		return rc == ERR_NOT_FOUND
		               ? error_setc(ERR_FORBIDDEN, "not_a_member",
		                            "this user is not a member of the organization")
		               : rc;
	bool allowed = false;
	for (size_t i = 0; i < m.npermissions; i++)
		allowed = allowed || strcmp(m.permissions[i], APP_UI_PERMISSION) == 0;
	membership_release(&m);
	if (!allowed)
		return error_setc(ERR_FORBIDDEN, "missing_permission",
		                  "setting up SSO needs the permission " APP_UI_PERMISSION
		                  " (held by admins of the organization); ask an admin of your "
		                  "organization to set it up, or to give you that role");
	return 0;
}

static bool is_http_url(const char *u)
{
	size_t n = strlen(u);
	if (n > 2048)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f || u[i] == '"' || u[i] == '<' ||
		    u[i] == '>' || u[i] == '\\')
			return false;
	const char *host = !strncmp(u, "https://", 8)  ? u + 8
	                   : !strncmp(u, "http://", 7) ? u + 7
	                                               : NULL;
	return host && *host && *host != '/';
}

static int link_create_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	struct org o = { 0 };
	int rc = store_org_get(c, op->org_key, &o);
	if (rc)
		return rc;
	xsnprintf(op->link.org_id, sizeof(op->link.org_id), "%s", o.id);
	bool on = o.self_serve_sso;
	org_release(&o);
	if (!on)
		return error_setc(ERR_CONFLICT, "self_serve_sso_disabled",
		                  "turn self_serve_sso on for this organization first "
		                  "(PATCH /v1/organizations/{org} {\"self_serve_sso\": true})");
	struct user u = { 0 };
	rc = store_user_get(c, op->user_id, &u);
	if (rc)
		return rc;
	user_release(&u);
	rc = store_membership_exists(c, op->link.org_id, op->user_id);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		error_setc(ERR_INVALID, "not_a_member",
		           "the user is not a member of this organization");
		error_set_status(422);
		error_add_field("user_id", "not_a_member");
		return ERR_INVALID;
	}
	/* expired links and sessions go as new ones come (a bounded batch) */
	int64_t swept = store_ui_session_sweep(c, op->link.created_at, SWEEP_BATCH);
	if (swept < 0)
		return (int)swept;
	rc = store_ui_link_insert(c, &op->link, op->hash);
	if (rc)
		return rc;
	char *data = xasprintf("{\"id\":\"%s\",\"user_id\":\"%s\",\"expires_at\":%lld}",
	                       op->link.id, op->link.user_id, (long long)op->link.expires_at);
	struct change ch = { op->who,     "portal_link.created", "portal_link",
		             op->link.id, op->link.org_id,       data,
		             NULL };
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

int app_ui_portal_link_create(struct app *a, const struct actor *who, const char *org,
                              const char *user_id, const char *return_url, char **url_out,
                              int64_t *expires_at_out)
{
	if (!user_id || !*user_id) {
		error_setc(ERR_INVALID, "missing_field", "user_id is required");
		error_set_status(422);
		error_add_field("user_id", "required");
		return ERR_INVALID;
	}
	if (return_url && *return_url && !is_http_url(return_url)) {
		error_setc(ERR_INVALID, "invalid_return_url",
		           "return_url must be an absolute http:// or https:// URL");
		error_set_status(422);
		error_add_field("return_url", "invalid");
		return ERR_INVALID;
	}
	char *token = crypto_token_new("pl_");
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, token, strlen(token));
	struct ui_op op = { .a = a, .who = who, .org_key = org, .user_id = user_id, .hash = hash };
	id_new(op.link.id, "plink");
	xsnprintf(op.link.user_id, sizeof(op.link.user_id), "%s", user_id);
	op.link.return_url = return_url && *return_url ? xstrdup(return_url) : NULL;
	op.link.created_at = clock_now();
	op.link.expires_at = op.link.created_at + APP_PORTAL_LINK_TTL_S;
	int rc = app_write(a, link_create_tx, &op);
	if (rc == 0) {
		*url_out = xasprintf("%s/portal/open?token=%s", a->cfg->public_url, token);
		*expires_at_out = op.link.expires_at;
	}
	memset(token, 0, strlen(token));
	free(token);
	portal_link_release(&op.link);
	return rc;
}

static void new_session(struct app *a, struct ui_session *s, const char *kind, char **cookie,
                        char hash[CRYPTO_SHA256_HEX_LEN])
{
	int64_t now = clock_now();
	id_new(s->id, "uis");
	xsnprintf(s->kind, sizeof(s->kind), "%s", kind);
	char *csrf = crypto_token_new("");
	xsnprintf(s->csrf, sizeof(s->csrf), "%s", csrf);
	free(csrf);
	s->created_at = s->last_seen_at = now;
	s->expires_at = now + a->cfg->ui_session_lifetime_s;
	*cookie = crypto_token_new(strcmp(kind, APP_UI_KIND_PORTAL) == 0 ? "ghp_" : "ghd_");
	crypto_sha256_hex(hash, *cookie, strlen(*cookie));
}

static int open_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	portal_link_release(&op->link);
	int rc = store_ui_link_find(c, op->hash, &op->link);
	if (rc)
		return rc == ERR_NOT_FOUND ? error_setc(ERR_UNAUTHENTICATED, "portal_link_invalid",
		                                        "this link is not valid")
		                           : rc;
	if (op->link.used_at)
		return error_setc(ERR_UNAUTHENTICATED, "portal_link_used",
		                  "this link was already used; links work once");
	if (op->link.expires_at <= op->now)
		return error_setc(ERR_UNAUTHENTICATED, "portal_link_expired",
		                  "this link has expired; links work for %d minutes",
		                  APP_PORTAL_LINK_TTL_S / 60);
	rc = store_ui_link_use(c, op->link.id, op->now);
	if (rc)
		return rc == ERR_CONFLICT
		               ? error_setc(ERR_UNAUTHENTICATED, "portal_link_used",
		                            "this link was already used; links work once")
		               : rc;
	rc = portal_allowed(c, op->link.org_id, op->link.user_id);
	if (rc)
		return rc;
	struct ui_session *s = op->session;
	xsnprintf(s->org_id, sizeof(s->org_id), "%s", op->link.org_id);
	xsnprintf(s->user_id, sizeof(s->user_id), "%s", op->link.user_id);
	xsnprintf(s->principal_type, sizeof(s->principal_type), "user");
	xsnprintf(s->principal_id, sizeof(s->principal_id), "%s", op->link.user_id);
	free(s->return_url);
	s->return_url = op->link.return_url ? xstrdup(op->link.return_url) : NULL;
	rc = store_ui_session_insert(c, s, op->session_hash);
	if (rc)
		return rc;
	struct actor who = { "user", op->link.user_id };
	char *data = xasprintf("{\"id\":\"%s\",\"portal_link_id\":\"%s\"}", s->id, op->link.id);
	struct change ch = { &who,  "portal_session.opened", "portal_session",
		             s->id, op->link.org_id,         data,
		             NULL };
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

int app_ui_portal_open(struct app *a, const char *token, struct ui_session *out, char **cookie_out)
{
	memset(out, 0, sizeof(*out));
	*cookie_out = NULL;
	if (!token || strncmp(token, "pl_", 3) != 0 || strlen(token) > 128)
		return error_setc(ERR_UNAUTHENTICATED, "portal_link_invalid",
		                  "this link is not valid");
	char hash[CRYPTO_SHA256_HEX_LEN], shash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, token, strlen(token));
	char *cookie;
	new_session(a, out, APP_UI_KIND_PORTAL, &cookie, shash);
	struct ui_op op = {
		.a = a, .hash = hash, .session = out, .session_hash = shash, .now = clock_now()
	};
	int rc = app_write(a, open_tx, &op);
	portal_link_release(&op.link);
	if (rc) {
		free(cookie);
		ui_session_release(out);
		return rc;
	}
	*cookie_out = cookie;
	return 0;
}

static int peek_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	portal_link_release(&op->link);
	return store_ui_link_find(c, op->hash, &op->link);
}

int app_ui_portal_link_peek(struct app *a, const char *token, char org_id[ID_MAX],
                            char user_id[ID_MAX])
{
	if (!token || strncmp(token, "pl_", 3) != 0 || strlen(token) > 128)
		return error_setc(ERR_UNAUTHENTICATED, "portal_link_invalid",
		                  "this link is not valid");
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, token, strlen(token));
	struct ui_op op = { .a = a, .hash = hash };
	int rc = app_read(a, peek_tx, &op);
	if (rc == 0) {
		xsnprintf(org_id, ID_MAX, "%s", op.link.org_id);
		xsnprintf(user_id, ID_MAX, "%s", op.link.user_id);
	}
	portal_link_release(&op.link);
	return rc == ERR_NOT_FOUND ? error_setc(ERR_UNAUTHENTICATED, "portal_link_invalid",
	                                        "this link is not valid")
	                           : rc;
}

/*
 * "config_" + 16 hex digits of an HMAC of the configured key under this
 * installation's sealing key: stable across restarts, changes with the key,
 * and tells nothing about the key to whoever reads the audit log.
 */
static void config_principal(const struct app *a, const char *key, char out[ID_MAX])
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	crypto_hmac_sha256(mac, a->seal_key, sizeof(a->seal_key), key, strlen(key));
	xsnprintf(out, ID_MAX, "config_%02x%02x%02x%02x%02x%02x%02x%02x", mac[0], mac[1], mac[2],
	          mac[3], mac[4], mac[5], mac[6], mac[7]);
}

static int authenticate_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	ui_session_release(op->session);
	int rc = store_ui_session_find(c, op->kind, op->hash, op->now, op->session);
	if (rc)
		return rc;
	struct ui_session *s = op->session;
	if (s->last_seen_at + op->a->cfg->ui_session_idle_s <= op->now)
		return error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                  "the session ended after %lld minutes without activity; sign in "
		                  "again",
		                  (long long)op->a->cfg->ui_session_idle_s / 60);
	if (!strcmp(s->principal_type, "user"))
		return portal_allowed(c, s->org_id, s->user_id);
	if (!strncmp(s->principal_id, "config_", 7)) {
		const char *k = op->a->cfg->secret_key;
		char now_id[ID_MAX] = "";
		if (k && *k)
			config_principal(op->a, k, now_id);
		if (!k || !*k || strcmp(now_id, s->principal_id) != 0)
			return error_setc(
			        ERR_UNAUTHENTICATED, "session_expired",
			        "the secret key this session was opened with is no longer "
			        "configured");
		return 0;
	}
	if (!s->principal_name)
		return error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                  "the operator or key this session was opened with is gone");
	return 0;
}

static int touch_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	return store_ui_session_touch(c, op->session->id, op->now);
}

int app_ui_authenticate(struct app *a, const char *kind, const char *cookie_token,
                        struct ui_session *out)
{
	memset(out, 0, sizeof(*out));
	if (!cookie_token || strlen(cookie_token) > 128 || strlen(cookie_token) < 16)
		return error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                  "no session; open the page again");
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, cookie_token, strlen(cookie_token));
	struct ui_op op = {
		.a = a, .kind = kind, .hash = hash, .session = out, .now = clock_now()
	};
	int rc = app_read(a, authenticate_tx, &op);
	if (rc) {
		ui_session_release(out);
		return rc;
	}
	if (out->last_seen_at + TOUCH_EVERY_S <= op.now) {
		rc = app_write(a, touch_tx, &op);
		if (rc)
			ui_session_release(out);
	}
	return rc;
}

static int end_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	return store_ui_session_revoke(c, op->session_id, op->now);
}

int app_ui_end(struct app *a, const struct ui_session *s)
{
	struct ui_op op = { .a = a, .session_id = s->id, .now = clock_now() };
	return app_write(a, end_tx, &op);
}

static int dashboard_insert_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	struct ui_session *s = op->session;
	int64_t swept = store_ui_session_sweep(c, s->created_at, SWEEP_BATCH);
	if (swept < 0)
		return (int)swept;
	int rc = store_ui_session_insert(c, s, op->session_hash);
	if (rc)
		return rc;
	struct actor who = { s->principal_type, s->principal_id };
	char *data = xasprintf("{\"id\":\"%s\"}", s->id);
	struct change ch = {
		&who, "dashboard_session.opened", "dashboard_session", s->id, NULL, data, NULL
	};
	rc = app_audit_change(c, &ch);
	free(data);
	if (rc)
		return rc;
	/* read back, with the principal's name (an operator's username, a key's name) */
	struct ui_session back;
	rc = store_ui_session_find(c, APP_UI_KIND_DASHBOARD, op->session_hash, s->created_at,
	                           &back);
	if (rc == 0) {
		free(s->principal_name);
		s->principal_name = back.principal_name ? back.principal_name
		                                        : xstrdup("configured secret key");
		back.principal_name = NULL;
		ui_session_release(&back);
	}
	return rc;
}

static int dashboard_open(struct app *a, const char *type, const char *id, struct ui_session *out,
                          char **cookie_out)
{
	char hash[CRYPTO_SHA256_HEX_LEN];
	char *cookie;
	new_session(a, out, APP_UI_KIND_DASHBOARD, &cookie, hash);
	xsnprintf(out->principal_type, sizeof(out->principal_type), "%s", type);
	xsnprintf(out->principal_id, sizeof(out->principal_id), "%s", id);
	struct ui_op op = { .a = a, .session = out, .session_hash = hash };
	int rc = app_write(a, dashboard_insert_tx, &op);
	if (rc) {
		free(cookie);
		ui_session_release(out);
		return rc;
	}
	*cookie_out = cookie;
	return 0;
}

int app_ui_dashboard_login_password(struct app *a, const char *username, const char *password,
                                    const char *remote_ip, struct ui_session *out,
                                    char **cookie_out)
{
	memset(out, 0, sizeof(*out));
	*cookie_out = NULL;
	struct operator_account o;
	int rc = app_operator_verify(a, username, password, remote_ip, &o);
	if (rc)
		return rc;
	rc = dashboard_open(a, "operator", o.id, out, cookie_out);
	operator_account_release(&o);
	return rc;
}

int app_ui_dashboard_login_key(struct app *a, const char *secret_key, struct ui_session *out,
                               char **cookie_out)
{
	memset(out, 0, sizeof(*out));
	*cookie_out = NULL;
	char id[ID_MAX];
	int rc = app_key_authenticate(a, secret_key, id);
	if (rc)
		return rc;
	if (!strcmp(id, "config"))
		config_principal(a, secret_key, id);
	return dashboard_open(a, "secret_key", id, out, cookie_out);
}

static int sweep_tx(struct db_conn *c, void *payload)
{
	struct ui_op *op = payload;
	op->swept = store_ui_session_sweep(c, op->now, SWEEP_BATCH);
	return op->swept < 0 ? (int)op->swept : 0;
}

int64_t app_ui_sweep(struct app *a)
{
	struct ui_op op = { .a = a, .now = clock_now() };
	int rc = app_write(a, sweep_tx, &op);
	return rc ? rc : op.swept;
}
