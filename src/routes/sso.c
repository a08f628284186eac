/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a browser starts enterprise sign-in, whatever the protocol:
 *
 *  GET /sso/test/{id}    a test sign-in (the url of POST .../test_sign_ins).
 *                        Public: the unguessable id is the capability, and a
 *                        test never provisions anyone.
 *  GET /sso/start/{conn}?request=areq_...
 *                        a real sign-in for the app's pending authorization
 *                        request, through the connection the SSO router chose;
 *                        binds it to this browser (sso_binding.c).
 *  GET /sso/finish/{request}?h=...
 *                        where a SAML sign-in hands its code to the browser
 *                        that started it (sso_binding.c).
 *
 * The browser is sent to the connection's IdP; its answer comes back to the
 * protocol's callback. Also the pages these flows show (see sso.h).
 */
#include "base/common.h"

#include "routes/sso.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "app/oauth.h"
#include "app/org.h"
#include "base/error.h"
#include "routes/oidc_rp.h"
#include "routes/saml.h"

int routes_sso_page(struct route_ctx *ctx, int status, const char *title, const char *body_html)
{
	struct http_response *res = ctx->res;
	buf_reset(&res->body);
	buf_appends(&res->body, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                        "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	route_html_escape(&res->body, title);
	buf_appends(
	        &res->body,
	        "</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;"
	        "margin:3em auto;padding:0 1em;color:#222}code{background:#f3f3f3;padding:0 .2em}"
	        "li{margin:.4em 0}.passed{color:#176f2c}.failed{color:#a4161a}</style></head>"
	        "<body><h1>");
	route_html_escape(&res->body, title);
	buf_appends(&res->body, "</h1>\n");
	buf_appends(&res->body, body_html);
	buf_appends(&res->body, "\n</body></html>\n");
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	http_response_header(res, "Cache-Control", "no-store");
	http_response_header(
	        res, "Content-Security-Policy",
	        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
	        "base-uri 'none'");
	http_response_header(res, "X-Frame-Options", "DENY");
	http_response_header(res, "Referrer-Policy", "no-referrer");
	http_response_header(res, "X-Content-Type-Options", "nosniff");
	return 0;
}

int routes_sso_sign_in_failed(struct route_ctx *ctx, int status)
{
	char msg[256];
	xsnprintf(msg, sizeof(msg),
	          "We could not sign you in. Please try again; if it keeps failing, contact your "
	          "administrator and give them this reference: %s",
	          ctx->req->id);
	return route_html(ctx, status, "Sign-in failed", msg, NULL);
}

static int message(struct route_ctx *ctx, int status, const char *title, const char *text)
{
	return route_html(ctx, status, title, text, NULL);
}

/* The start failed before the IdP was reached (settings, discovery, keys): that is the outcome. */
static int start_failed(struct route_ctx *ctx, const struct test_sign_in *t)
{
	struct oidc_rp_problems p = { 0 };
	oidc_rp_problems_take(&p, error_get()->code ? error_get()->code : ERR_INTERNAL,
	                      "sign_in_start_failed");
	error_clear();
	return routes_oidc_rp_test_record(ctx, t->id, t->connection_id, NULL, &p);
}

static int start_oidc(struct route_ctx *ctx, const struct test_sign_in *t,
                      const struct connection *conn)
{
	char *url = NULL;
	if (routes_oidc_rp_begin(ctx, conn, NULL, t->id, NULL, &url))
		return start_failed(ctx, t);
	int rc = route_redirect(ctx, url);
	free(url);
	return rc;
}

static int start_saml(struct route_ctx *ctx, const struct test_sign_in *t,
                      const struct connection *conn)
{
	if (routes_saml_begin(ctx, conn, NULL, t->id, NULL))
		return start_failed(ctx, t);
	return 0;
}

static int test_start(struct route_ctx *ctx)
{
	struct test_sign_in t;
	struct connection conn = { 0 };
	int rc = app_test_sign_in_get(ctx->app, NULL, route_param(ctx, "id"), &t);
	if (rc == ERR_NOT_FOUND)
		return message(ctx, 404, "Unknown test sign-in",
		               "This test sign-in does not exist. Start a new one from the "
		               "connection's settings.");
	if (rc)
		return rc;
	if (strcmp(t.status, "pending") != 0) {
		rc = message(
		        ctx, 409, "Test sign-in already used",
		        !strcmp(t.status, "expired")
		                ? "This test sign-in has expired. Start a new one."
		                : "This test sign-in already has its outcome. Start a new one.");
		test_sign_in_release(&t);
		return rc;
	}
	rc = app_connection_get(ctx->app, t.connection_id, &conn);
	if (rc == 0 && (!strcmp(conn.protocol, "oidc") || !strcmp(conn.protocol, "easie")))
		rc = start_oidc(ctx, &t, &conn);
	else if (rc == 0 && !strcmp(conn.protocol, "saml"))
		rc = start_saml(ctx, &t, &conn);
	else if (rc == 0)
		rc = message(ctx, 501, "Not available",
		             "Test sign-ins for this protocol are not available in this build.");
	connection_release(&conn);
	test_sign_in_release(&t);
	return rc;
}

/* --- real sign-ins ------------------------------------------------------------------- */

/* What the app asked for (organization=, connection=) binds the connection it may use. */
static int request_allows(struct route_ctx *ctx, const struct auth_request *r,
                          const struct connection *conn)
{
	if (r->connection && strcmp(r->connection, conn->id) != 0)
		return error_setc(ERR_FORBIDDEN, "connection_not_requested",
		                  "the app asked for connection %.80s, not %s", r->connection,
		                  conn->id);
	if (!r->organization)
		return 0;
	struct org o = { 0 };
	int rc = app_org_get(ctx->app, r->organization, &o);
	if (rc == 0 && strcmp(o.id, conn->org_id) != 0)
		rc = error_setc(
		        ERR_FORBIDDEN, "connection_not_requested",
		        "the app asked for organization %.80s; connection %s belongs to another",
		        r->organization, conn->id);
	org_release(&o);
	return rc;
}

static int begin_real(struct route_ctx *ctx, const struct auth_request *r,
                      const struct connection *conn)
{
	char *url = NULL;
	int rc = request_allows(ctx, r, conn);
	if (rc == 0)
		rc = routes_sso_bind(ctx, r->id); /* login CSRF: see sso_binding.c */
	if (rc == 0 && !strcmp(conn->protocol, "saml"))
		return routes_saml_begin(ctx, conn, r->id, NULL, r->login_hint);
	if (rc == 0)
		rc = routes_oidc_rp_begin(ctx, conn, r->id, NULL, r->login_hint, &url);
	if (rc == 0)
		rc = route_redirect(ctx, url);
	free(url);
	return rc;
}

static int real_start(struct route_ctx *ctx)
{
	const char *id = http_request_query(ctx->req, "request");
	struct auth_request r = { 0 };
	struct connection conn = { 0 };
	if (!id || !*id || strlen(id) >= ID_MAX)
		return message(ctx, 400, "Start from your application",
		               "This page is reached from an application's sign-in button.");
	if (routes_sso_limit_take(ctx, SSO_LIMIT_START_IP, ctx->req->remote_ip) ||
	    routes_sso_limit_take(ctx, SSO_LIMIT_START_CONN, route_param(ctx, "conn")))
		return routes_sso_limited(ctx);
	int rc = app_oauth_request_pending(ctx->app, id, &r);
	if (rc)
		return message(ctx,
		               rc == ERR_NOT_FOUND  ? 404
		               : rc == ERR_CONFLICT ? 409
		                                    : 400,
		               "This sign-in link is no longer valid", error_get()->detail);
	rc = app_connection_get(ctx->app, route_param(ctx, "conn"), &conn);
	if (rc == 0)
		rc = begin_real(ctx, &r, &conn);
	if (rc) {
		const struct error_state *e = error_get();
		app_sign_in_failure_record(
		        ctx->app, conn.id[0] ? conn.id : NULL, conn.id[0] ? conn.org_id : NULL,
		        e->stable[0] ? e->stable : "sign_in_start_failed", e->detail, ctx->req->id);
		error_clear();
		rc = routes_sso_sign_in_failed(ctx, 400);
	}
	connection_release(&conn);
	auth_request_release(&r);
	return rc;
}

/* clang-format off */
const struct route routes_sso[] = {
	{ "GET", "/sso/test/{id}", test_start, AUTH_NONE, BODY_NONE, "sso.test_start" },
	{ "GET", "/sso/start/{conn}", real_start, AUTH_NONE, BODY_NONE, "sso.start" },
	{ "GET", "/sso/finish/{request}", routes_sso_finish, AUTH_NONE, BODY_NONE, "sso.finish" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
