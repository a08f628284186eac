/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/webhook_endpoints: subscriptions, the delivery log, manual retry. */
#include "base/common.h"

#include "app/webhook.h"
#include "http/client.h"
#include "routes/routes.h"

static json_t *endpoint_json(const struct webhook_endpoint *e, const char *secret)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("webhook_endpoint"));
	json_object_set_new(j, "id", json_string(e->id));
	json_object_set_new(j, "url", json_string(e->url));
	json_object_set_new(j, "description", json_string(e->description ? e->description : ""));
	json_t *ev = json_loads(e->events ? e->events : "[]", 0, NULL);
	json_object_set_new(j, "events", ev ? ev : json_array());
	json_object_set_new(j, "enabled", json_boolean(e->enabled));
	if (secret)
		json_object_set_new(j, "secret", json_string(secret));
	model_json_time(j, "created_at", e->created_at);
	model_json_time(j, "updated_at", e->updated_at);
	return j;
}

static int decode(struct route_ctx *ctx, struct webhook_input *in, json_t **body, bool create)
{
	int rc = route_body(ctx, body);
	if (rc == 0)
		rc = webhook_input_from_json(in, *body, create);
	if (rc == 0 && in->has_url)
		rc = http_client_check_url(in->url);
	if (rc == ERR_INVALID && in->has_url) { /* not when libcurl is missing (503) */
		error_set_status(422);
		error_add_field("url", "invalid_url");
	}
	return rc;
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct webhook_input in = { 0 };
	struct webhook_endpoint e;
	char *secret = NULL;
	int rc = decode(ctx, &in, &body, true);
	if (rc == 0)
		rc = app_webhook_create(ctx->app, &ctx->actor, &in, &e, &secret);
	webhook_input_release(&in);
	json_decref(body);
	if (rc)
		return rc;
	json_t *j = endpoint_json(&e, secret);
	memset(secret, 0, strlen(secret));
	free(secret);
	webhook_endpoint_release(&e);
	return route_json(ctx, 201, j);
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct webhook_endpoint *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_webhook_list(ctx->app, &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, endpoint_json(&items[i], NULL));
		webhook_endpoint_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int get(struct route_ctx *ctx)
{
	struct webhook_endpoint e;
	int rc = app_webhook_get(ctx->app, route_param(ctx, "whe"), &e);
	if (rc)
		return rc;
	json_t *j = endpoint_json(&e, NULL);
	webhook_endpoint_release(&e);
	return route_json(ctx, 200, j);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct webhook_input in = { 0 };
	struct webhook_endpoint e;
	int rc = decode(ctx, &in, &body, false);
	if (rc == 0)
		rc = app_webhook_update(ctx->app, &ctx->actor, route_param(ctx, "whe"), &in, &e);
	webhook_input_release(&in);
	json_decref(body);
	if (rc)
		return rc;
	json_t *j = endpoint_json(&e, NULL);
	webhook_endpoint_release(&e);
	return route_json(ctx, 200, j);
}

static int destroy(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "whe");
	int rc = app_webhook_delete(ctx->app, &ctx->actor, id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("webhook_endpoint"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

static json_t *delivery_json(struct app *a, const struct webhook_delivery *d)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("webhook_delivery"));
	json_object_set_new(j, "id", json_string(d->event_id));
	json_object_set_new(j, "event_id", json_string(d->event_id));
	json_object_set_new(j, "event_type", json_string(d->event_type));
	json_object_set_new(j, "endpoint_id", json_string(d->endpoint_id));
	json_object_set_new(j, "status", json_string(d->status));
	json_object_set_new(j, "attempts_count", json_integer(d->attempts));
	json_object_set_new(j, "last_status_code",
	                    d->last_status_code ? json_integer(d->last_status_code) : json_null());
	model_json_str(j, "last_error", d->last_error);
	model_json_time(j, "next_attempt_at",
	                strcmp(d->status, "pending") == 0 ? d->next_attempt_at : 0);
	model_json_time(j, "created_at", d->created_at);
	model_json_time(j, "updated_at", d->updated_at);
	struct webhook_attempt *at = NULL;
	size_t n = 0;
	json_t *attempts = json_array();
	if (app_webhook_attempts(a, d->id, &at, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "id", json_string(at[i].id));
			model_json_time(x, "attempted_at", at[i].attempted_at);
			json_object_set_new(x, "status_code",
			                    at[i].status_code ? json_integer(at[i].status_code)
			                                      : json_null());
			json_object_set_new(x, "duration_ms", json_integer(at[i].duration_ms));
			model_json_str(x, "error", at[i].error);
			json_array_append_new(attempts, x);
			free(at[i].error);
		}
		free(at);
	}
	json_object_set_new(j, "attempts", attempts);
	return j;
}

static int deliveries(struct route_ctx *ctx)
{
	struct page p;
	struct webhook_delivery *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_webhook_deliveries(ctx->app, route_param(ctx, "whe"), &p, &items, &n,
		                            &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, delivery_json(ctx->app, &items[i]));
		webhook_delivery_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int retry(struct route_ctx *ctx)
{
	const char *whe = route_param(ctx, "whe"), *evt = route_param(ctx, "evt");
	int rc = app_webhook_retry(ctx->app, &ctx->actor, whe, evt);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("webhook_delivery"));
	json_object_set_new(j, "id", json_string(evt));
	json_object_set_new(j, "endpoint_id", json_string(whe));
	json_object_set_new(j, "status", json_string("pending"));
	return route_json(ctx, 202, j);
}

const struct route routes_webhooks[] = {
	{ "POST", "/v1/webhook_endpoints", create, AUTH_SECRET_KEY, BODY_SMALL, "webhooks.create" },
	{ "GET", "/v1/webhook_endpoints", list, AUTH_SECRET_KEY, BODY_NONE, "webhooks.list" },
	{ "GET", "/v1/webhook_endpoints/{whe}", get, AUTH_SECRET_KEY, BODY_NONE, "webhooks.get" },
	{ "PATCH", "/v1/webhook_endpoints/{whe}", update, AUTH_SECRET_KEY, BODY_SMALL,
	  "webhooks.update" },
	{ "DELETE", "/v1/webhook_endpoints/{whe}", destroy, AUTH_SECRET_KEY, BODY_NONE,
	  "webhooks.delete" },
	{ "GET", "/v1/webhook_endpoints/{whe}/deliveries", deliveries, AUTH_SECRET_KEY, BODY_NONE,
	  "webhooks.deliveries" },
	{ "POST", "/v1/webhook_endpoints/{whe}/deliveries/{evt}/retry", retry, AUTH_SECRET_KEY,
	  BODY_SMALL, "webhooks.retry" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
