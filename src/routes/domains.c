/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/organizations/{org}/domains: add, list, read, update, remove, verify (real DNS). */
#include "base/common.h"

#include "app/domain.h"
#include "dns/verify.h"
#include "routes/routes.h"

int routes_domain_reply(struct route_ctx *ctx, int status, struct domain *d)
{
	json_t *j = domain_to_json(d);
	domain_release(d);
	return route_json(ctx, status, j);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct domain_input in;
	struct domain d;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = domain_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_domain_create(ctx->app, &ctx->actor, route_param(ctx, "org"), &in, &d);
	json_decref(body);
	return rc ? rc : routes_domain_reply(ctx, 201, &d);
}

int routes_domain_list_in(struct route_ctx *ctx, const char *org_id)
{
	struct page p;
	struct domain *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_domain_list(ctx->app, org_id, &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, domain_to_json(&items[i]));
		domain_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

int routes_domain_get_in(struct route_ctx *ctx, const char *org_id)
{
	struct domain d;
	int rc = app_domain_get(ctx->app, org_id, route_param(ctx, "dom"), &d);
	return rc ? rc : routes_domain_reply(ctx, 200, &d);
}

int routes_domain_delete_in(struct route_ctx *ctx, const char *org_id)
{
	const char *id = route_param(ctx, "dom");
	int rc = app_domain_delete(ctx->app, &ctx->actor, org_id, id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization_domain"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

int routes_domain_verify_in(struct route_ctx *ctx, const char *org_id)
{
	struct domain d;
	int rc = dns_verify_domain(ctx->app, &ctx->actor, org_id, route_param(ctx, "dom"), &d);
	return rc ? rc : routes_domain_reply(ctx, 200, &d);
}

static int list(struct route_ctx *ctx)
{
	return routes_domain_list_in(ctx, route_param(ctx, "org"));
}

static int get(struct route_ctx *ctx)
{
	return routes_domain_get_in(ctx, route_param(ctx, "org"));
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct domain_input in;
	struct domain d;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = domain_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_domain_update(ctx->app, &ctx->actor, route_param(ctx, "org"),
		                       route_param(ctx, "dom"), &in, &d);
	json_decref(body);
	return rc ? rc : routes_domain_reply(ctx, 200, &d);
}

static int destroy(struct route_ctx *ctx)
{
	return routes_domain_delete_in(ctx, route_param(ctx, "org"));
}

static int verify(struct route_ctx *ctx)
{
	return routes_domain_verify_in(ctx, route_param(ctx, "org"));
}

const struct route routes_domains[] = {
	{ "POST", "/v1/organizations/{org}/domains", create, AUTH_SECRET_KEY, BODY_SMALL,
	  "domains.create" },
	{ "GET", "/v1/organizations/{org}/domains", list, AUTH_SECRET_KEY, BODY_NONE,
	  "domains.list" },
	{ "GET", "/v1/organizations/{org}/domains/{dom}", get, AUTH_SECRET_KEY, BODY_NONE,
	  "domains.get" },
	{ "PATCH", "/v1/organizations/{org}/domains/{dom}", update, AUTH_SECRET_KEY, BODY_SMALL,
	  "domains.update" },
	{ "DELETE", "/v1/organizations/{org}/domains/{dom}", destroy, AUTH_SECRET_KEY, BODY_NONE,
	  "domains.delete" },
	{ "POST", "/v1/organizations/{org}/domains/{dom}/verify", verify, AUTH_SECRET_KEY,
	  BODY_SMALL, "domains.verify" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
