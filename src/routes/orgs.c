/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/organizations: create, list, read, update, delete. */
#include "base/common.h"

#include "app/org.h"
#include "routes/routes.h"

static int reply_org(struct route_ctx *ctx, int status, struct org *o)
{
	json_t *j = org_to_json(o);
	org_release(o);
	return route_json(ctx, status, j);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct org_input in = { 0 };
	struct org o;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = org_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_org_create(ctx->app, &ctx->actor, &in, &o);
	org_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_org(ctx, 201, &o);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct org *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_org_search(ctx->app, &p, http_request_query(ctx->req, "query"), &items, &n,
		                    &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, org_to_json(&items[i]));
		org_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct org o;
	int rc = app_org_get(ctx->app, route_param(ctx, "org"), &o);
	return rc ? rc : reply_org(ctx, 200, &o);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct org_input in = { 0 };
	struct org o;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = org_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_org_update(ctx->app, &ctx->actor, route_param(ctx, "org"), &in, &o);
	org_input_release(&in);
	json_decref(body);
	return rc ? rc : reply_org(ctx, 200, &o);
}

static int destroy(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "org");
	int rc = app_org_delete(ctx->app, &ctx->actor, id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

const struct route routes_orgs[] = {
	{ "POST", "/v1/organizations", create, AUTH_SECRET_KEY, BODY_SMALL, "orgs.create" },
	{ "GET", "/v1/organizations", list, AUTH_SECRET_KEY, BODY_NONE, "orgs.list" },
	{ "GET", "/v1/organizations/{org}", get, AUTH_SECRET_KEY, BODY_NONE, "orgs.get" },
	{ "PATCH", "/v1/organizations/{org}", update, AUTH_SECRET_KEY, BODY_SMALL, "orgs.update" },
	{ "DELETE", "/v1/organizations/{org}", destroy, AUTH_SECRET_KEY, BODY_NONE, "orgs.delete" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
