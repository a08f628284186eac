/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /sso/test/{id}: where the admin's browser starts a test sign-in (the
 * url of POST /v1/enterprise_connections/{conn}/test_sign_ins). Public: the
 * unguessable id is the capability, and a test never provisions anyone. The
 * browser is sent to the connection's IdP; its answer comes back to the
 * protocol's callback, which records the outcome.
 */
#include "base/common.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "base/error.h"
#include "routes/html.h"
#include "routes/oidc_rp.h"

static int message(struct route_ctx *ctx, int status, const char *title, const char *text)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, "<p>");
	routes_html_escape(&b, text);
	buf_appends(&b, "</p>");
	int rc = routes_html_page(ctx, status, title, b.data);
	buf_release(&b);
	return rc;
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
	ctx->res->status = 302;
	http_response_header(ctx->res, "Location", url);
	http_response_header(ctx->res, "Cache-Control", "no-store");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	free(url);
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
	else if (rc == 0)
		rc = message(ctx, 501, "Not available",
		             "Test sign-ins for this protocol are not available in this build.");
	connection_release(&conn);
	test_sign_in_release(&t);
	return rc;
}

/* clang-format off */
const struct route routes_sso[] = {
	{ "GET", "/sso/test/{id}", test_start, AUTH_NONE, BODY_NONE, "sso.test_start" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
