/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /scim/v2/{conn}/Groups (RFC 7644 §3.3-§3.6). Members change by id (a
 * PATCH adding a thousand members never loads the member list);
 * excludedAttributes=members (what Entra ID asks for) skips reading them.
 * A PATCH answers 204 (§3.5.2 allows it; Entra ID expects it) unless the
 * request asks for attributes, then 200 with the group.
 */
#include "base/common.h"

#include "app/directory_group.h"
#include "base/error.h"
#include "routes/scim.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "scim/schema.h"

struct group_codec_ctx {
	json_t *body;
	struct scim_patch *patch;
	const char *id;
};

static int from_body(struct directory_group_input *out, const char *current, void *payload)
{
	struct group_codec_ctx *x = payload;
	(void)current;
	json_t *res = json_deep_copy(x->body);
	int rc = scim_group_decode(out, res);
	json_decref(res);
	return rc;
}

static int from_patch(struct directory_group_input *out, const char *current, void *payload)
{
	struct group_codec_ctx *x = payload;
	json_t *res = json_loads(current ? current : "{}", 0, NULL);
	if (!json_is_object(res)) {
		json_decref(res);
		res = json_object();
	}
	json_object_set_new(res, "id", json_string(x->id));
	int rc = scim_patch_apply(res, x->patch, SCIM_URN_GROUP);
	if (rc == 0)
		rc = scim_group_decode(out, res);
	json_decref(res);
	return rc;
}

static bool members_wanted(struct route_ctx *ctx)
{
	return !scim_projection_excludes(http_request_query(ctx->req, "attributes"),
	                                 http_request_query(ctx->req, "excludedAttributes"),
	                                 "members");
}

/* Reads the group back (with members unless excluded) and replies with it. */
static int reply_group(struct route_ctx *ctx, int status, const char *id)
{
	struct directory_group_item it;
	bool with = members_wanted(ctx);
	int rc = app_directory_group_get(ctx->app, &ctx->scim, id, with, &it);
	if (rc)
		return rc;
	if (status == 200 && route_scim_not_modified(ctx, it.group.version)) {
		int64_t v = it.group.version;
		directory_group_item_release(&it);
		return route_scim_304(ctx, v);
	}
	char *base = route_scim_base(ctx);
	json_t *j = scim_group_encode(&it.group, it.members, it.nmembers, !with, base);
	if (status == 201) {
		char *loc = xasprintf("%s/Groups/%s", base, id);
		http_response_header(ctx->res, "Location", loc);
		free(loc);
	}
	free(base);
	directory_group_item_release(&it);
	rc = scim_project(j, http_request_query(ctx->req, "attributes"),
	                  http_request_query(ctx->req, "excludedAttributes"), SCIM_URN_GROUP);
	if (rc) {
		json_decref(j);
		return rc;
	}
	return route_scim_json(ctx, status, j);
}

static int create(struct route_ctx *ctx)
{
	struct group_codec_ctx x = { 0 };
	struct directory_group_codec codec = { from_body, &x };
	struct directory_member_ops members = { 0 };
	struct directory_group g;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	if (rc == 0)
		rc = scim_members_from_value(&members, scim_json_get(x.body, "members"));
	if (rc == 0)
		rc = app_directory_group_create(ctx->app, &ctx->scim, &codec, &members, &g, &fx);
	directory_member_ops_release(&members);
	json_decref(x.body);
	if (rc)
		return rc;
	char id[ID_MAX];
	xsnprintf(id, sizeof(id), "%s", g.id);
	directory_group_release(&g);
	route_scim_changes(ctx, "created group", id, &fx);
	return reply_group(ctx, 201, id);
}

static int get(struct route_ctx *ctx)
{
	return reply_group(ctx, 200, route_param(ctx, "id"));
}

/* PUT replaces name and profile; members are replaced when the body lists them (even []). */
static int replace(struct route_ctx *ctx)
{
	struct group_codec_ctx x = { .id = route_param(ctx, "id") };
	struct directory_group_codec codec = { from_body, &x };
	struct directory_member_ops members = { 0 };
	struct directory_group g;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	json_t *listed = rc ? NULL : scim_json_get(x.body, "members");
	if (rc == 0 && listed) {
		members.ops = xcalloc(1, sizeof(*members.ops));
		members.ops[0].kind = DIRECTORY_MEMBERS_REMOVE_ALL;
		members.nops = 1;
		rc = scim_members_from_value(&members, listed);
	}
	if (rc == 0)
		rc = app_directory_group_update(ctx->app, &ctx->scim, x.id,
		                                route_scim_if_match(ctx), &codec, &members, &g,
		                                &fx);
	directory_member_ops_release(&members);
	json_decref(x.body);
	if (rc)
		return rc;
	directory_group_release(&g);
	route_scim_changes(ctx, "replaced group", x.id, &fx);
	return reply_group(ctx, 200, x.id);
}

static int patch(struct route_ctx *ctx)
{
	struct scim_patch p = { 0 };
	struct group_codec_ctx x = { .id = route_param(ctx, "id"), .patch = &p };
	struct directory_group_codec codec = { from_patch, &x };
	struct directory_member_ops members = { 0 };
	struct directory_group g;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	if (rc == 0)
		rc = scim_patch_parse(&p, x.body);
	if (rc == 0)
		rc = scim_patch_take_members(&p, &members);
	if (rc == 0)
		rc = app_directory_group_update(ctx->app, &ctx->scim, x.id,
		                                route_scim_if_match(ctx), p.nops ? &codec : NULL,
		                                &members, &g, &fx);
	directory_member_ops_release(&members);
	scim_patch_release(&p);
	json_decref(x.body);
	if (rc)
		return rc;
	directory_group_release(&g);
	route_scim_changes(ctx, "patched group", x.id, &fx);
	if (http_request_query(ctx->req, "attributes") ||
	    http_request_query(ctx->req, "excludedAttributes"))
		return reply_group(ctx, 200, x.id);
	return route_no_content(ctx);
}

static int destroy(struct route_ctx *ctx)
{
	struct scim_effects fx = { 0 };
	const char *id = route_param(ctx, "id");
	int rc =
	        app_directory_group_delete(ctx->app, &ctx->scim, id, route_scim_if_match(ctx), &fx);
	if (rc)
		return rc;
	route_scim_changes(ctx, "deleted group", id, &fx);
	return route_no_content(ctx);
}

struct match_ctx {
	const struct scim_filter *filter;
	const char *base;
};

static bool match_group(const struct directory_group_item *it, void *payload)
{
	struct match_ctx *m = payload;
	json_t *j = scim_group_encode(&it->group, it->members, it->nmembers, false, m->base);
	bool hit = scim_filter_match(m->filter, j, SCIM_URN_GROUP);
	json_decref(j);
	return hit;
}

static void plan_query(const struct scim_filter *f, struct directory_group_query *q)
{
	static const struct {
		const char *attr;
		enum directory_group_key key;
	} keys[] = { { "displayName", DIRGROUP_DISPLAY_NAME },
		     { "externalId", DIRGROUP_EXTERNAL_ID },
		     { "id", DIRGROUP_ID } };
	q->key = DIRGROUP_ALL;
	for (size_t i = 0; f && i < ARRAY_SIZE(keys) && q->key == DIRGROUP_ALL; i++) {
		q->value = scim_filter_eq_value(f, keys[i].attr);
		if (q->value)
			q->key = keys[i].key;
	}
	if (!f || (f->kind == SCIM_NODE_CMP && q->key != DIRGROUP_ALL))
		q->match = NULL;
}

static int list_with(struct route_ctx *ctx, json_t *search)
{
	struct scim_list_query lq;
	int rc = route_scim_list_query(ctx, search, &lq);
	if (rc)
		return rc;
	char *base = route_scim_base(ctx);
	struct match_ctx m = { lq.filter, base };
	bool with = !scim_projection_excludes(lq.attributes, lq.excluded_attributes, "members");
	struct directory_group_query q = { .match = match_group,
		                           .payload = &m,
		                           .with_members = with,
		                           .start_index = lq.start_index,
		                           .count = lq.count };
	plan_query(lq.filter, &q);
	struct directory_group_item *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	rc = app_directory_group_list(ctx->app, &ctx->scim, &q, &items, &n, &total);
	json_t *resources = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = scim_group_encode(&items[i].group, items[i].members, items[i].nmembers,
		                              !with, base);
		if (rc == 0)
			rc = scim_project(j, lq.attributes, lq.excluded_attributes, SCIM_URN_GROUP);
		json_array_append_new(resources, j);
		directory_group_item_release(&items[i]);
	}
	free(items);
	free(base);
	int64_t start = lq.start_index;
	scim_list_query_release(&lq);
	if (rc) {
		json_decref(resources);
		return rc;
	}
	return route_scim_json(ctx, 200, scim_list_response(resources, total, start));
}

static int list(struct route_ctx *ctx)
{
	return list_with(ctx, NULL);
}

static int search(struct route_ctx *ctx)
{
	json_t *body = NULL;
	int rc = route_scim_body(ctx, &body);
	if (rc == 0)
		rc = list_with(ctx, body);
	json_decref(body);
	return rc;
}

const struct route routes_scim_groups[] = {
	{ "POST", "/scim/v2/{conn}/Groups", create, AUTH_SCIM, BODY_SCIM, "scim.groups.create" },
	{ "GET", "/scim/v2/{conn}/Groups", list, AUTH_SCIM, BODY_NONE, "scim.groups.list" },
	{ "POST", "/scim/v2/{conn}/Groups/.search", search, AUTH_SCIM, BODY_SCIM,
	  "scim.groups.search" },
	{ "GET", "/scim/v2/{conn}/Groups/{id}", get, AUTH_SCIM, BODY_NONE, "scim.groups.get" },
	{ "PUT", "/scim/v2/{conn}/Groups/{id}", replace, AUTH_SCIM, BODY_SCIM,
	  "scim.groups.replace" },
	{ "PATCH", "/scim/v2/{conn}/Groups/{id}", patch, AUTH_SCIM, BODY_SCIM,
	  "scim.groups.patch" },
	{ "DELETE", "/scim/v2/{conn}/Groups/{id}", destroy, AUTH_SCIM, BODY_NONE,
	  "scim.groups.delete" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
