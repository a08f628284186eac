/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-off to enterprise sign-in (see signin.h). */
#include "base/common.h"

#include "app/signin.h"

#include "app/connection.h"
#include "app/oauth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/url.h"
#include "store/signin.h"

void signin_next_release(struct signin_next *n)
{
	free(n->url);
	free(n->message);
	memset(n, 0, sizeof(*n));
}

static int page(struct signin_next *out, int status, const char *code, char *message)
{
	memset(out, 0, sizeof(*out));
	out->kind = SIGNIN_NEXT_PAGE;
	out->status = status;
	xsnprintf(out->code, sizeof(out->code), "%s", code);
	out->message = message;
	return 0;
}

/* The first active connection of an organization (id or slug); "" when it has none. */
static int org_active_connection(struct app *a, const char *org, char out[ID_MAX])
{
	char after[ID_MAX] = "";
	out[0] = '\0';
	for (;;) {
		struct page p = { 100, after[0] ? after : NULL };
		struct connection *items = NULL;
		size_t n = 0;
		int64_t total = 0;
		int rc = app_connection_list(a, org, &p, &items, &n, &total);
		for (size_t i = 0; i < n; i++) {
			if (rc == 0 && !out[0] && !strcmp(items[i].status, "active"))
				xsnprintf(out, ID_MAX, "%s", items[i].id);
			xsnprintf(after, sizeof(after), "%s", items[i].id);
			connection_release(&items[i]);
		}
		free(items);
		if (rc || out[0] || n < 100)
			return rc;
	}
}

/* The route to the connection's start page, which sends the browser on to its IdP. */
static int start_at(struct app *a, const struct auth_request *req, const char *conn_id,
                    struct signin_next *out)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, a->cfg->public_url);
	buf_appends(&b, "/sso/start/");
	buf_appends(&b, conn_id);
	url_append_param(&b, '?', "request", req->id);
	memset(out, 0, sizeof(*out));
	out->kind = SIGNIN_NEXT_REDIRECT;
	out->url = buf_detach(&b, NULL);
	return 0;
}

int app_signin_route(struct app *a, const struct auth_request *req, const char *email,
                     const char *organization, const char *connection, struct signin_next *out)
{
	char conn_id[ID_MAX] = "";
	int rc = 0;
	if (email) {
		struct sso_route r;
		rc = app_sso_lookup(a, email, &r);
		if (rc == 0 && !r.connection_id[0])
			return page(
			        out, 404, "no_connection",
			        xasprintf(
			                "No enterprise connection covers %s. Ask your administrator "
			                "to set up single sign-on for this domain.",
			                r.domain));
		if (rc == 0)
			xsnprintf(conn_id, sizeof(conn_id), "%s", r.connection_id);
	} else if (connection) {
		struct connection c;
		rc = app_connection_get(a, connection, &c);
		if (rc == 0 && strcmp(c.status, "active") == 0)
			xsnprintf(conn_id, sizeof(conn_id), "%s", c.id);
		if (rc == 0)
			connection_release(&c);
	} else if (organization) {
		rc = org_active_connection(a, organization, conn_id);
	}
	if (rc == ERR_NOT_FOUND || (rc == 0 && !conn_id[0])) {
		error_clear();
		return page(out, 404, "no_connection",
		            xasprintf("%s %s has no active enterprise connection.",
		                      connection ? "The connection" : "The organization",
		                      connection     ? connection
		                      : organization ? organization
		                                     : "?"));
	}
	return rc ? rc : start_at(a, req, conn_id, out);
}

int app_signin_email(struct app *a, const struct auth_request *req, const char *email,
                     struct signin_next *out)
{
	char *norm = NULL;
	if (model_email_normalize(&norm, email))
		return page(out, 400, "invalid_email",
		            xstrdup("That is not an email address. Type your work email, like "
		                    "name@company.com."));
	int rc = app_signin_route(a, req, norm, NULL, NULL, out);
	free(norm);
	return rc;
}

int app_signin_begin(struct app *a, const struct auth_request *req, struct signin_next *out)
{
	memset(out, 0, sizeof(*out));
	if (req->login_hint)
		return app_signin_email(a, req, req->login_hint, out);
	if (req->organization || req->connection)
		return app_signin_route(a, req, NULL, req->organization, req->connection, out);
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, a->cfg->public_url);
	buf_appends(&b, "/sign-in");
	url_append_param(&b, '?', "request", req->id);
	out->kind = SIGNIN_NEXT_REDIRECT;
	out->url = buf_detach(&b, NULL);
	return 0;
}

/* --- the end of a sign-in ------------------------------------------------------------- */

struct finish_op {
	const struct connection *conn;
	const struct sso_identity *id;
	const struct signin_assertion *assertion;
	const char *auth_request_id, *issuer, *browser_hash;
	struct signin_finished *out;
};

void signin_finished_release(struct signin_finished *f)
{
	free(f->redirect);
	memset(f, 0, sizeof(*f));
}

static int finish_tx(struct db_conn *c, void *payload)
{
	struct finish_op *op = payload;
	struct sso_provisioned who;
	int rc = 0;
	signin_finished_release(op->out);
	if (op->assertion) {
		rc = store_saml_assertion_remember(c, op->conn->id, op->assertion->assertion_id,
		                                   op->assertion->expires_at, clock_now());
		if (rc == ERR_CONFLICT)
			rc = error_setc(ERR_CONFLICT, "assertion_replayed",
			                "assertion %.80s was already used to sign in: a replayed "
			                "response",
			                op->assertion->assertion_id);
	}
	if (rc == 0)
		rc = app_provision_sso_tx(c, op->conn, op->id, &who);
	if (rc == 0)
		rc = app_oauth_complete_tx(c, op->issuer, op->auth_request_id, op->browser_hash,
		                           who.user_id, who.org_id, op->out->browser_hash,
		                           &op->out->redirect);
	return rc;
}

/* The advisory key that queues sign-ins into one organization (FNV-1a, tagged). */
static uint64_t org_key(const char *org_id)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = "gatehouse signin org\n"; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = org_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

int app_signin_finish(struct app *a, const struct connection *conn, const struct sso_identity *id,
                      const struct signin_assertion *assertion, const char *auth_request_id,
                      const char *browser_hash, struct signin_finished *out)
{
	struct finish_op op = { conn,         id, assertion, auth_request_id, a->cfg->public_url,
		                browser_hash, out };
	memset(out, 0, sizeof(*out));
	/*
	 * A returning member writes no membership: run in parallel with the others.
	 * A first sign-in into the organization is queued behind its other first
	 * sign-ins (an advisory lock on PostgreSQL; SQLite has one writer anyway):
	 * under SERIALIZABLE they collide otherwise (each reads the members, then
	 * adds one) until the retries run out. A returning member that collides
	 * anyway (the membership was removed meanwhile) queues the same way. On
	 * SQLite the key changes nothing, so the membership is not read first.
	 */
	int rc = db_kind(a->db) == DB_SQLITE || app_provision_is_member(a, conn, id->email)
	                 ? app_write(a, finish_tx, &op)
	                 : ERR_RETRY;
	if (rc == ERR_RETRY ||
	    (rc == ERR_CONFLICT && !strcmp(error_get()->stable, "concurrent_update"))) {
		error_clear();
		rc = app_write_keyed(a, org_key(conn->org_id), finish_tx, &op);
	}
	if (rc)
		signin_finished_release(out);
	return rc;
}
