/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /v1/roles (built-in and custom roles) and /v1/permissions. {key} is a role
 * key such as org:billing (':' is an ordinary character inside a path
 * segment) or a role id.
 */
#include "base/common.h"

#include "app/role.h"
#include "routes/routes.h"

static int reply_role(struct route_ctx *ctx, int status, struct role *r)
{
	json_t *j = role_to_json(r);
	role_release(r);
	return route_json(ctx, status, j);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct role_input in = { 0 };
	struct role r;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = role_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_role_create(ctx->app, &ctx->actor, &in, &r);
	role_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_role(ctx, 201, &r);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct role *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_role_list(ctx->app, &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, role_to_json(&items[i]));
		role_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct role r;
	int rc = app_role_get(ctx->app, route_param(ctx, "key"), &r);
	return rc ? rc : reply_role(ctx, 200, &r);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct role_input in = { 0 };
	struct role r;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = role_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_role_update(ctx->app, &ctx->actor, route_param(ctx, "key"), &in, &r);
	role_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_role(ctx, 200, &r);
}

static int destroy(struct route_ctx *ctx)
{
	struct role r;
	int64_t reassigned = 0;
	int rc = app_role_delete(ctx->app, &ctx->actor, route_param(ctx, "key"), &r, &reassigned);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("role"));
	json_object_set_new(j, "id", json_string(r.id));
	json_object_set_new(j, "key", json_string(r.key));
	role_release(&r);
	json_object_set_new(j, "deleted", json_true());
	json_object_set_new(j, "reassigned_memberships", json_integer(reassigned));
	return route_json(ctx, 200, j);
}

static int permissions(struct route_ctx *ctx)
{
	struct permission *items = NULL;
	size_t n = 0;
	int rc = app_role_permissions(ctx->app, &items, &n);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, permission_to_json(&items[i]));
		permission_release(&items[i]);
	}
	free(items);
	/* one page holds them all */
	struct page all = { .limit = (int64_t)n + 1 };
	return route_list(ctx, data, (int64_t)n, &all);
}

const struct route routes_roles[] = {
	{ "POST", "/v1/roles", create, AUTH_SECRET_KEY, BODY_SMALL, "roles.create" },
	{ "GET", "/v1/roles", list, AUTH_SECRET_KEY, BODY_NONE, "roles.list" },
	{ "GET", "/v1/roles/{key}", get, AUTH_SECRET_KEY, BODY_NONE, "roles.get" },
	{ "PATCH", "/v1/roles/{key}", update, AUTH_SECRET_KEY, BODY_SMALL, "roles.update" },
	{ "DELETE", "/v1/roles/{key}", destroy, AUTH_SECRET_KEY, BODY_NONE, "roles.delete" },
	{ "GET", "/v1/permissions", permissions, AUTH_SECRET_KEY, BODY_NONE, "permissions.list" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
