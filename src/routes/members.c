/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /v1/organizations/{org}/memberships: add, list, change role, remove; and
 * /v1/users/{user}/memberships: a user's organizations. {user} in the
 * organization's paths is a user id (or the membership id).
 */
#include "base/common.h"

#include "app/membership.h"
#include "routes/routes.h"

static int reply_membership(struct route_ctx *ctx, int status, struct membership *m)
{
	json_t *j = membership_to_json(m);
	membership_release(m);
	return route_json(ctx, status, j);
}

static int reply_list(struct route_ctx *ctx, struct membership *items, size_t n, int64_t total,
                      const struct page *p)
{
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, membership_to_json(&items[i]));
		membership_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, p);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct membership_input in = { 0 };
	struct membership m;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = membership_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_membership_create(ctx->app, &ctx->actor, route_param(ctx, "org"), &in, &m);
	json_decref(body);
	return rc ? rc : reply_membership(ctx, 201, &m);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_membership_list(ctx->app, route_param(ctx, "org"),
		                         http_request_query(ctx->req, "role"), &p, &items, &n,
		                         &total);
	return rc ? rc : reply_list(ctx, items, n, total, &p);
}

static int list_user(struct route_ctx *ctx)
{
	struct page p;
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_membership_list_user(ctx->app, route_param(ctx, "user"), &p, &items, &n,
		                              &total);
	return rc ? rc : reply_list(ctx, items, n, total, &p);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct membership_input in = { 0 };
	struct membership m;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = membership_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_membership_update(ctx->app, &ctx->actor, route_param(ctx, "org"),
		                           route_param(ctx, "user"), &in, &m);
	json_decref(body);
	return rc ? rc : reply_membership(ctx, 200, &m);
}

static int destroy(struct route_ctx *ctx)
{
	struct membership m;
	int rc = app_membership_delete(ctx->app, &ctx->actor, route_param(ctx, "org"),
	                               route_param(ctx, "user"), &m);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization_membership"));
	json_object_set_new(j, "id", json_string(m.id));
	json_object_set_new(j, "organization_id", json_string(m.org_id));
	json_object_set_new(j, "user_id", json_string(m.user_id));
	json_object_set_new(j, "deleted", json_true());
	membership_release(&m);
	return route_json(ctx, 200, j);
}

const struct route routes_members[] = {
	{ "POST", "/v1/organizations/{org}/memberships", create, AUTH_SECRET_KEY, BODY_SMALL,
	  "members.create" },
	{ "GET", "/v1/organizations/{org}/memberships", list, AUTH_SECRET_KEY, BODY_NONE,
	  "members.list" },
	{ "PATCH", "/v1/organizations/{org}/memberships/{user}", update, AUTH_SECRET_KEY,
	  BODY_SMALL, "members.update" },
	{ "DELETE", "/v1/organizations/{org}/memberships/{user}", destroy, AUTH_SECRET_KEY,
	  BODY_NONE, "members.delete" },
	{ "GET", "/v1/users/{user}/memberships", list_user, AUTH_SECRET_KEY, BODY_NONE,
	  "members.list_user" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
