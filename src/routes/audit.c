/* SPDX-License-Identifier: Apache-2.0 */
/* GET /v1/audit_events: who changed what, when. */
#include "base/common.h"

#include "model/model.h"
#include "routes/routes.h"
#include "store/event.h"

struct audit_op {
	struct audit_filter filter;
	const struct page *page;
	struct audit_event *items;
	size_t count;
	int64_t total;
};

static int list_tx(struct db_conn *c, void *payload)
{
	struct audit_op *op = payload;
	return store_audit_list(c, &op->filter, op->page->starting_after, op->page->limit,
	                        &op->items, &op->count, &op->total);
}

static json_t *event_json(const struct audit_event *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("audit_event"));
	json_object_set_new(j, "id", json_string(e->id));
	json_t *actor = json_object();
	json_object_set_new(actor, "type", json_string(e->actor_type));
	model_json_str(actor, "id", e->actor_id);
	json_object_set_new(j, "actor", actor);
	json_object_set_new(j, "action", json_string(e->action));
	json_t *target = json_object();
	json_object_set_new(target, "type", json_string(e->target_type));
	model_json_str(target, "id", e->target_id);
	json_object_set_new(j, "target", target);
	model_json_str(j, "organization_id", e->org_id);
	model_json_raw(j, "data", e->data_json);
	model_json_time(j, "created_at", e->created_at);
	return j;
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	int rc = route_page(ctx, &p);
	if (rc)
		return rc;
	struct audit_op op = {
		.filter = { http_request_query(ctx->req, "organization_id"),
		            http_request_query(ctx->req, "target_id"),
		            http_request_query(ctx->req, "action"),
		            http_request_query(ctx->req, "actor_type") },
		.page = &p,
	};
	/* routes/ may not hold SQL; this read-only query goes through the store like any other */
	rc = app_read(ctx->app, list_tx, &op);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < op.count; i++) {
		json_array_append_new(data, event_json(&op.items[i]));
		audit_event_release(&op.items[i]);
	}
	free(op.items);
	return route_list(ctx, data, op.total, &p);
}

const struct route routes_audit[] = {
	{ "GET", "/v1/audit_events", list, AUTH_SECRET_KEY, BODY_NONE, "audit.list" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
