/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/oauth_applications: the operator's apps as OIDC clients (secret shown once). */
#include "base/common.h"

#include "app/oauth_app.h"
#include "routes/routes.h"

static int reply(struct route_ctx *ctx, int status, struct oauth_app *a, char *secret)
{
	json_t *j = oauth_app_to_json(a, secret);
	oauth_app_release(a);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	return route_json(ctx, status, j);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct oauth_app_input in = { 0 };
	struct oauth_app a;
	char *secret = NULL;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = oauth_app_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_oauth_app_create(ctx->app, &ctx->actor, &in, &a, &secret);
	oauth_app_input_release(&in);
	json_decref(body);
	return rc ? rc : reply(ctx, 201, &a, secret);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct oauth_app *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_oauth_app_list(ctx->app, &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, oauth_app_to_json(&items[i], NULL));
		oauth_app_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct oauth_app a;
	int rc = app_oauth_app_get(ctx->app, route_param(ctx, "app"), &a);
	return rc ? rc : reply(ctx, 200, &a, NULL);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct oauth_app_input in = { 0 };
	struct oauth_app a;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = oauth_app_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_oauth_app_update(ctx->app, &ctx->actor, route_param(ctx, "app"), &in, &a);
	oauth_app_input_release(&in);
	json_decref(body);
	return rc ? rc : reply(ctx, 200, &a, NULL);
}

static int destroy(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "app");
	int rc = app_oauth_app_delete(ctx->app, &ctx->actor, id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("oauth_application"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

static int rotate_secret(struct route_ctx *ctx)
{
	struct oauth_app a;
	char *secret = NULL;
	int rc = app_oauth_app_rotate_secret(ctx->app, &ctx->actor, route_param(ctx, "app"), &a,
	                                     &secret);
	return rc ? rc : reply(ctx, 200, &a, secret);
}

const struct route routes_oauth_apps[] = {
	{ "POST", "/v1/oauth_applications", create, AUTH_SECRET_KEY, BODY_SMALL,
	  "oauth_apps.create" },
	{ "GET", "/v1/oauth_applications", list, AUTH_SECRET_KEY, BODY_NONE, "oauth_apps.list" },
	{ "GET", "/v1/oauth_applications/{app}", get, AUTH_SECRET_KEY, BODY_NONE,
	  "oauth_apps.get" },
	{ "PATCH", "/v1/oauth_applications/{app}", update, AUTH_SECRET_KEY, BODY_SMALL,
	  "oauth_apps.update" },
	{ "DELETE", "/v1/oauth_applications/{app}", destroy, AUTH_SECRET_KEY, BODY_NONE,
	  "oauth_apps.delete" },
	{ "POST", "/v1/oauth_applications/{app}/rotate_secret", rotate_secret, AUTH_SECRET_KEY,
	  BODY_SMALL, "oauth_apps.rotate_secret" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
