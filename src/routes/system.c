/* SPDX-License-Identifier: Apache-2.0 */
/* /healthz, /metrics, /v1/openapi.json. */
#include "base/common.h"

#include "app/webhook.h"
#include "base/assets.h"
#include "base/error.h"
#include "routes/routes.h"

struct health_op {
	int ok;
};

static int ping_tx(struct db_conn *c, void *payload)
{
	struct health_op *op = payload;
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT 1", "");
	if (rc)
		return rc;
	op->ok = db_step(s) == DB_ROW;
	db_done(s);
	return 0;
}

static int healthz(struct route_ctx *ctx)
{
	struct health_op op = { 0 };
	int rc = app_read(ctx->app, ping_tx, &op);
	json_t *j = json_object();
	json_object_set_new(j, "status", json_string(rc == 0 && op.ok ? "ok" : "unavailable"));
	json_object_set_new(
	        j, "database",
	        json_string(db_kind(ctx->app->db) == DB_SQLITE ? "sqlite" : "postgres"));
	if (rc)
		json_object_set_new(j, "detail", json_string(error_get()->detail));
	return route_json(ctx, rc == 0 && op.ok ? 200 : 503, j);
}

static int metrics(struct route_ctx *ctx)
{
	struct http_response *res = ctx->res;
	buf_reset(&res->body);
	routes_metrics_write(&res->body, ctx->app->db);
	int64_t pending = app_webhook_pending(ctx->app);
	buf_appendf(
	        &res->body,
	        "# HELP gatehouse_webhook_queue_depth Webhook deliveries waiting (due or backing off).\n"
	        "# TYPE gatehouse_webhook_queue_depth gauge\n"
	        "gatehouse_webhook_queue_depth %lld\n",
	        (long long)(pending < 0 ? 0 : pending));
	res->status = 200;
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

static int openapi(struct route_ctx *ctx)
{
	const struct asset *a = assets_find("docs/openapi.json");
	if (!a)
		return error_set(ERR_INTERNAL, "openapi document not embedded");
	http_response_text(ctx->res, 200, "application/json", (const char *)a->data);
	return 0;
}

const struct route routes_system[] = {
	{ "GET", "/healthz", healthz, AUTH_NONE, BODY_NONE, "healthz" },
	{ "GET", "/metrics", metrics, AUTH_NONE, BODY_NONE, "metrics" },
	{ "GET", "/v1/openapi.json", openapi, AUTH_NONE, BODY_NONE, "openapi" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
