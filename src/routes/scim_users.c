/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /scim/v2/{conn}/Users (RFC 7644 §3.3-§3.6): create, read, list with the
 * full filter grammar (userName, externalId and id lookups use an index),
 * replace, patch (atomic: every operation applies to a copy inside the
 * write transaction, or none does) and delete.
 */
#include "base/common.h"

#include "app/directory_user.h"
#include "base/error.h"
#include "routes/scim.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "scim/schema.h"

#include <strings.h>

/* What the codec callbacks read: the request body, or the patch, and the resource id. */
struct user_codec_ctx {
	json_t *body;
	struct scim_patch *patch;
	const char *id;
	json_t *decoded; /* POST: the resource scim_user_decode() left (the stored profile) */
};

/* POST and PUT: the body is the new resource. */
static int from_body(struct directory_user_input *out, const char *current, void *payload)
{
	struct user_codec_ctx *x = payload;
	(void)current;
	json_t *res = json_deep_copy(x->body);
	int rc = scim_user_decode(out, res);
	json_decref(x->decoded);
	x->decoded = NULL;
	if (rc == 0 && !x->id)
		x->decoded = json_incref(res); /* the reply to a create is built from it */
	json_decref(res);
	return rc;
}

/* PATCH: the operations applied to the stored resource (RFC 7644 §3.5.2). */
static int from_patch(struct directory_user_input *out, const char *current, void *payload)
{
	struct user_codec_ctx *x = payload;
	json_t *res = json_loads(current ? current : "{}", 0, NULL);
	if (!json_is_object(res)) {
		json_decref(res);
		res = json_object();
	}
	json_object_set_new(res, "id", json_string(x->id));
	int rc = scim_patch_apply(res, x->patch, SCIM_URN_USER);
	if (rc == 0)
		rc = scim_user_decode(out, res);
	json_decref(res);
	return rc;
}

/* profile: the decoded resource that is u->profile, taken (NULL: parse u->profile) */
static int reply_user_from(struct route_ctx *ctx, int status, struct directory_user *u,
                           json_t *profile)
{
	char *base = route_scim_base(ctx);
	json_t *j = profile ? scim_user_encode_from(u, profile, base) : scim_user_encode(u, base);
	if (status == 201) {
		char *loc = xasprintf("%s/Users/%s", base, u->id);
		http_response_header(ctx->res, "Location", loc);
		free(loc);
	}
	free(base);
	directory_user_release(u);
	int rc = scim_project(j, http_request_query(ctx->req, "attributes"),
	                      http_request_query(ctx->req, "excludedAttributes"), SCIM_URN_USER);
	if (rc) {
		json_decref(j);
		return rc;
	}
	return route_scim_json(ctx, status, j);
}

static int reply_user(struct route_ctx *ctx, int status, struct directory_user *u)
{
	return reply_user_from(ctx, status, u, NULL);
}

static int create(struct route_ctx *ctx)
{
	struct user_codec_ctx x = { 0 };
	struct directory_user_codec codec = { from_body, route_scim_values, &x, false };
	struct directory_user u;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	if (rc == 0)
		rc = app_directory_user_create(ctx->app, &ctx->scim, &codec, &u, &fx);
	json_decref(x.body);
	if (rc) {
		json_decref(x.decoded);
		return rc;
	}
	route_scim_changes(ctx, "created user", u.id, &fx);
	return reply_user_from(ctx, 201, &u, x.decoded);
}

static int get(struct route_ctx *ctx)
{
	struct directory_user u;
	int rc = app_directory_user_get(ctx->app, &ctx->scim, route_param(ctx, "id"), &u);
	if (rc)
		return rc;
	if (route_scim_not_modified(ctx, u.version)) {
		int64_t v = u.version;
		directory_user_release(&u);
		return route_scim_304(ctx, v);
	}
	return reply_user(ctx, 200, &u);
}

static int replace(struct route_ctx *ctx)
{
	struct user_codec_ctx x = { .id = route_param(ctx, "id") };
	struct directory_user_codec codec = { from_body, route_scim_values, &x, true };
	struct directory_user u;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	if (rc == 0)
		rc = app_directory_user_update(ctx->app, &ctx->scim, x.id, route_scim_if_match(ctx),
		                               &codec, &u, &fx);
	json_decref(x.body);
	if (rc)
		return rc;
	route_scim_changes(ctx, "replaced user", u.id, &fx);
	return reply_user(ctx, 200, &u);
}

static int patch(struct route_ctx *ctx)
{
	struct scim_patch p = { 0 };
	struct user_codec_ctx x = { .id = route_param(ctx, "id"), .patch = &p };
	struct directory_user_codec codec = { from_patch, route_scim_values, &x, false };
	struct directory_user u;
	struct scim_effects fx = { 0 };
	int rc = route_scim_body(ctx, &x.body);
	if (rc == 0)
		rc = scim_patch_parse(&p, x.body);
	if (rc == 0)
		rc = app_directory_user_update(ctx->app, &ctx->scim, x.id, route_scim_if_match(ctx),
		                               &codec, &u, &fx);
	scim_patch_release(&p);
	json_decref(x.body);
	if (rc)
		return rc;
	route_scim_changes(ctx, "patched user", u.id, &fx);
	return reply_user(ctx, 200, &u);
}

static int destroy(struct route_ctx *ctx)
{
	struct scim_effects fx = { 0 };
	const char *id = route_param(ctx, "id");
	int rc = app_directory_user_delete(ctx->app, &ctx->scim, id, route_scim_if_match(ctx), &fx);
	if (rc)
		return rc;
	route_scim_changes(ctx, "deleted user", id, &fx);
	return route_no_content(ctx);
}

struct match_ctx {
	const struct scim_filter *filter;
	const char *base;
};

static bool match_user(const struct directory_user *u, void *payload)
{
	struct match_ctx *m = payload;
	json_t *j = scim_user_encode(u, m->base);
	bool hit = scim_filter_match(m->filter, j, SCIM_URN_USER);
	json_decref(j);
	return hit;
}

/* The index a filter allows, and whether the index alone answers it. */
static void plan_query(const struct scim_filter *f, struct directory_user_query *q)
{
	static const struct {
		const char *attr;
		enum directory_user_key key;
	} keys[] = { { "userName", DIRUSER_USER_NAME },
		     { "externalId", DIRUSER_EXTERNAL_ID },
		     { "id", DIRUSER_ID } };
	q->key = DIRUSER_ALL;
	for (size_t i = 0; f && i < ARRAY_SIZE(keys) && q->key == DIRUSER_ALL; i++) {
		q->value = scim_filter_eq_value(f, keys[i].attr);
		if (q->value)
			q->key = keys[i].key;
	}
	bool exact = !f || (f->kind == SCIM_NODE_CMP && q->key != DIRUSER_ALL);
	if (exact)
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
	struct directory_user_query q = {
		.match = match_user, .payload = &m, .start_index = lq.start_index, .count = lq.count
	};
	plan_query(lq.filter, &q);
	struct directory_user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	rc = app_directory_user_list(ctx->app, &ctx->scim, &q, &items, &n, &total);
	json_t *resources = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = scim_user_encode(&items[i], base);
		if (rc == 0)
			rc = scim_project(j, lq.attributes, lq.excluded_attributes, SCIM_URN_USER);
		json_array_append_new(resources, j);
		directory_user_release(&items[i]);
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

/* RFC 7644 §3.4.3: the same query in a POST body. */
static int search(struct route_ctx *ctx)
{
	json_t *body = NULL;
	int rc = route_scim_body(ctx, &body);
	if (rc == 0)
		rc = list_with(ctx, body);
	json_decref(body);
	return rc;
}

const struct route routes_scim_users[] = {
	{ "POST", "/scim/v2/{conn}/Users", create, AUTH_SCIM, BODY_SCIM, "scim.users.create" },
	{ "GET", "/scim/v2/{conn}/Users", list, AUTH_SCIM, BODY_NONE, "scim.users.list" },
	{ "POST", "/scim/v2/{conn}/Users/.search", search, AUTH_SCIM, BODY_SCIM,
	  "scim.users.search" },
	{ "GET", "/scim/v2/{conn}/Users/{id}", get, AUTH_SCIM, BODY_NONE, "scim.users.get" },
	{ "PUT", "/scim/v2/{conn}/Users/{id}", replace, AUTH_SCIM, BODY_SCIM,
	  "scim.users.replace" },
	{ "PATCH", "/scim/v2/{conn}/Users/{id}", patch, AUTH_SCIM, BODY_SCIM, "scim.users.patch" },
	{ "DELETE", "/scim/v2/{conn}/Users/{id}", destroy, AUTH_SCIM, BODY_NONE,
	  "scim.users.delete" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
