/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/users: create, list (filters email, external_id, status), read, update, delete. */
#include "base/common.h"

#include "app/user.h"
#include "routes/routes.h"

static int reply_user(struct route_ctx *ctx, int status, struct user *u)
{
	json_t *j = user_to_json(u);
	user_release(u);
	return route_json(ctx, status, j);
}

/* The user's JSON as its event recorded it: the same object, encoded once. */
static int reply_text(struct route_ctx *ctx, int status, struct user *u, char *json)
{
	user_release(u);
	return route_json_text(ctx, status, json);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct user_input in = { 0 };
	struct user u;
	char *json = NULL;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = user_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_user_create(ctx->app, &ctx->actor, &in, &u, &json);
	user_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_text(ctx, 201, &u, json);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct user_filter f = { 0 };
	struct user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = user_filter_parse(&f, http_request_query(ctx->req, "email"),
		                       http_request_query(ctx->req, "external_id"),
		                       http_request_query(ctx->req, "status"));
	if (rc == 0)
		rc = app_user_list(ctx->app, &f, &p, &items, &n, &total);
	user_filter_release(&f);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, user_to_json(&items[i]));
		user_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct user u;
	int rc = app_user_get(ctx->app, route_param(ctx, "user"), &u);
	return rc ? rc : reply_user(ctx, 200, &u);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct user_input in = { 0 };
	struct user u;
	char *json = NULL;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = user_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_user_update(ctx->app, &ctx->actor, route_param(ctx, "user"), &in, &u,
		                     &json);
	user_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_text(ctx, 200, &u, json);
}

static int destroy(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "user");
	int rc = app_user_delete(ctx->app, &ctx->actor, id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("user"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

const struct route routes_users[] = {
	{ "POST", "/v1/users", create, AUTH_SECRET_KEY, BODY_SMALL, "users.create" },
	{ "GET", "/v1/users", list, AUTH_SECRET_KEY, BODY_NONE, "users.list" },
	{ "GET", "/v1/users/{user}", get, AUTH_SECRET_KEY, BODY_NONE, "users.get" },
	{ "PATCH", "/v1/users/{user}", update, AUTH_SECRET_KEY, BODY_SMALL, "users.update" },
	{ "DELETE", "/v1/users/{user}", destroy, AUTH_SECRET_KEY, BODY_NONE, "users.delete" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
