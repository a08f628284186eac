/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/sessions: list (by user, by status), read, revoke. */
#include "base/common.h"

#include "app/session.h"
#include "routes/routes.h"

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct session *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_session_list(ctx->app, http_request_query(ctx->req, "user_id"),
		                      http_request_query(ctx->req, "status"), &p, &items, &n,
		                      &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, app_session_to_json(&items[i]));
		session_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct session s;
	int rc = app_session_get(ctx->app, route_param(ctx, "sess"), &s);
	if (rc)
		return rc;
	json_t *j = app_session_to_json(&s);
	session_release(&s);
	return route_json(ctx, 200, j);
}

static int revoke(struct route_ctx *ctx)
{
	struct session s;
	int rc = app_session_revoke(ctx->app, &ctx->actor, route_param(ctx, "sess"), &s);
	if (rc)
		return rc;
	json_t *j = app_session_to_json(&s);
	session_release(&s);
	return route_json(ctx, 200, j);
}

const struct route routes_sessions[] = {
	{ "GET", "/v1/sessions", list, AUTH_SECRET_KEY, BODY_NONE, "sessions.list" },
	{ "GET", "/v1/sessions/{sess}", get, AUTH_SECRET_KEY, BODY_NONE, "sessions.get" },
	{ "POST", "/v1/sessions/{sess}/revoke", revoke, AUTH_SECRET_KEY, BODY_SMALL,
	  "sessions.revoke" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
