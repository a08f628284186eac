/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM 2.0 service provider endpoints under /scim/v2/{conn} (RFC 7644 §4):
 * ServiceProviderConfig, Schemas, ResourceTypes; the helpers the Users and
 * Groups files share; and the request log entry of every authenticated
 * SCIM request.
 */
#include "base/common.h"

#include "routes/scim.h"

#include "base/clock.h"
#include "base/json_field.h"
#include "model/model.h"
#include "scim/error.h"
#include "scim/filter.h"
#include "scim/resource.h"
#include "scim/schema.h"

#include <strings.h>

#define LOG_BODY_MAX 4096

char *route_scim_base(struct route_ctx *ctx)
{
	return xasprintf("%s/scim/v2/%s", ctx->app->cfg->public_url, route_param(ctx, "conn"));
}

int route_scim_json(struct route_ctx *ctx, int status, json_t *obj)
{
	json_t *version = json_object_get(json_object_get(obj, "meta"), "version");
	if (json_is_string(version) && status < 300)
		http_response_header(ctx->res, "ETag", json_string_value(version));
	char *text = model_json_text(obj);
	json_decref(obj);
	ctx->res->status = status;
	ctx->res->content_type = "application/scim+json";
	buf_reset(&ctx->res->body);
	int rc = buf_appends(&ctx->res->body, text);
	free(text);
	return rc;
}

int route_scim_body(struct route_ctx *ctx, json_t **out)
{
	int rc = json_field_parse_object(out, ctx->req->body.data ? ctx->req->body.data : "",
	                                 ctx->req->body.len);
	if (rc == 0 && !ctx->scim_body)
		ctx->scim_body = json_incref(*out); /* the request log reads it (logged_body) */
	if (rc) {
		char detail[sizeof(error_get()->detail)];
		xsnprintf(detail, sizeof(detail), "%s", error_get()->detail);
		error_clear();
		error_setc(ERR_INVALID, "invalidSyntax", "the body is not a JSON object: %s",
		           detail);
	}
	return rc;
}

/* W/"7", "7" or 7 → 7; anything else (and "*") → 0. */
static int64_t version_of(const char *h)
{
	if (!h)
		return 0;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	char *end = NULL;
	long long v = strtoll(h, &end, 10);
	return end && end != h && (*end == '"' || *end == '\0') && v > 0 ? v : 0;
}

int64_t route_scim_if_match(struct route_ctx *ctx)
{
	return version_of(http_request_header(ctx->req, "If-Match"));
}

bool route_scim_not_modified(struct route_ctx *ctx, int64_t version)
{
	int64_t v = version_of(http_request_header(ctx->req, "If-None-Match"));
	return v > 0 && v == version;
}

int route_scim_304(struct route_ctx *ctx, int64_t version)
{
	char etag[32];
	scim_etag(etag, version);
	http_response_header(ctx->res, "ETag", etag);
	ctx->res->status = 304;
	ctx->res->content_type = NULL;
	buf_reset(&ctx->res->body);
	return 0;
}

/* A member of a .search body as text: "startIndex": 1 is a number, attributes may be a list. */
static const char *search_param(json_t *body, const char *name, char *buf, size_t size)
{
	json_t *v = scim_json_get(body, name);
	if (json_is_string(v))
		return json_string_value(v);
	if (!buf || !size)
		return NULL;
	if (json_is_integer(v)) {
		xsnprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (!json_is_array(v))
		return NULL;
	size_t n = 0, i;
	json_t *e;
	buf[0] = '\0';
	json_array_foreach(v, i, e) if (json_is_string(e) && n < size) n +=
	        (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", json_string_value(e));
	return buf;
}

int route_scim_list_query(struct route_ctx *ctx, json_t *search, struct scim_list_query *q)
{
	if (search) {
		char si[24], ct[24], at[1024], ex[1024];
		return scim_list_query_parse(
		        q, search_param(search, "filter", NULL, 0),
		        search_param(search, "startIndex", si, sizeof(si)),
		        search_param(search, "count", ct, sizeof(ct)),
		        search_param(search, "attributes", at, sizeof(at)),
		        search_param(search, "excludedAttributes", ex, sizeof(ex)));
	}
	struct http_request *r = ctx->req;
	return scim_list_query_parse(
	        q, http_request_query(r, "filter"), http_request_query(r, "startIndex"),
	        http_request_query(r, "count"), http_request_query(r, "attributes"),
	        http_request_query(r, "excludedAttributes"));
}

/* Values at path (an attribute path or a value path such as emails[type eq "work"].value). */
char *route_scim_values(const char *profile, const char *path, void *payload)
{
	struct scim_path *p = NULL;
	(void)payload;
	json_t *res = json_loads(profile ? profile : "{}", 0, NULL);
	json_t *out = json_array();
	if (res && scim_path_parse(&p, path, strlen(path)) == 0) {
		if (!p->filter) {
			scim_path_collect(out, res, &p->attr, SCIM_URN_USER, true);
		} else {
			json_t *items = json_array();
			struct scim_attr_path whole = { p->attr.urn, p->attr.name, NULL };
			scim_path_collect(items, res, &whole, SCIM_URN_USER, false);
			size_t i;
			json_t *e;
			json_array_foreach(items, i, e)
			{
				if (!json_is_object(e) ||
				    !scim_filter_match(p->filter, e, SCIM_URN_USER))
					continue;
				json_t *v = p->filter_sub ? scim_json_get(e, p->filter_sub) : e;
				if (v && !json_is_null(v))
					json_array_append(out, v);
			}
			json_decref(items);
		}
	}
	error_clear(); /* a mapping whose path does not parse yields nothing */
	scim_path_free(p);
	json_decref(res);
	char *text = json_array_size(out) ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	return text;
}

void route_scim_changes(struct route_ctx *ctx, const char *what, const char *id,
                        const struct scim_effects *fx)
{
	char effects[400] = "";
	if (fx)
		scim_effects_describe(fx, effects, sizeof(effects));
	xsnprintf(ctx->scim_changes, sizeof(ctx->scim_changes), "%s %s%s%s", what, id ? id : "",
	          effects[0] ? ": " : "", effects);
}

/* --- discovery (RFC 7644 §4) --- */

static int service_provider_config(struct route_ctx *ctx)
{
	char *base = route_scim_base(ctx);
	char *doc = xasprintf("%s/v1/openapi.json", ctx->app->cfg->public_url);
	json_t *j = scim_service_provider_config_json(base, doc);
	free(base);
	free(doc);
	return route_scim_json(ctx, 200, j);
}

static int schemas(struct route_ctx *ctx)
{
	char *base = route_scim_base(ctx);
	json_t *j = scim_schema_list_json(base);
	free(base);
	return route_scim_json(ctx, 200, j);
}

static int schema(struct route_ctx *ctx)
{
	char *base = route_scim_base(ctx);
	json_t *j = scim_schema_json(route_param(ctx, "id"), base);
	free(base);
	if (!j)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "no schema %.200s",
		                  route_param(ctx, "id"));
	return route_scim_json(ctx, 200, j);
}

static int resource_types(struct route_ctx *ctx)
{
	char *base = route_scim_base(ctx);
	json_t *j = scim_resource_types_json(base);
	free(base);
	return route_scim_json(ctx, 200, j);
}

static int resource_type(struct route_ctx *ctx)
{
	char *base = route_scim_base(ctx);
	json_t *j = scim_resource_type_json(route_param(ctx, "id"), base);
	free(base);
	if (!j)
		return error_setc(ERR_NOT_FOUND, "scim_not_found", "no resource type %.200s",
		                  route_param(ctx, "id"));
	return route_scim_json(ctx, 200, j);
}

/* --- the request log --- */

/* Secrets never reach the log: password values, at any depth, and PATCHes of password. */
static void redact(json_t *v, int depth)
{
	if (depth > 16)
		return;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) redact(e, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	json_t *path = scim_json_get(v, "path");
	bool password_op =
	        json_is_string(path) && strcasecmp(json_string_value(path), "password") == 0;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (strcasecmp(k, "password") == 0 || (password_op && strcasecmp(k, "value") == 0))
			json_object_set_new(v, k, json_string("[redacted]"));
		else
			redact(x, depth + 1);
	}
}

/*
 * A body with nothing to redact, from a POST, PUT or PATCH that succeeded
 * (every such handler parsed it as JSON): no "password" in any letter case, and no
 * \u escape that could spell one. It is logged as it came, without parsing
 * and re-encoding it (a tenth of a SCIM create's work).
 */
static bool nothing_to_redact(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (body[i] == '\\' && i + 1 < len && body[i + 1] == 'u')
			return false;
		if ((body[i] == 'p' || body[i] == 'P') && len - i >= 8 &&
		    strncasecmp(body + i, "password", 8) == 0)
			return false;
	}
	return true;
}

/* At most LOG_BODY_MAX bytes, ending in "..." when cut. */
static char *log_cut(const char *text, size_t len)
{
	if (len <= LOG_BODY_MAX)
		return xstrndup(text, len);
	char *out = xstrndup(text, LOG_BODY_MAX);
	memcpy(out + LOG_BODY_MAX - 4, "...", 4);
	return out;
}

static char *logged_body(struct route_ctx *ctx, int status)
{
	const char *data = ctx->req->body.data;
	size_t len = ctx->req->body.len;
	if (!len)
		return NULL;
	const char *m = ctx->req->method;
	bool parsed =
	        status < 400 && (!strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH"));
	if (parsed && !memchr(data, 0, len) && nothing_to_redact(data, len))
		return log_cut(data, len);
	/* The handler's parse, when it made one, instead of parsing again. redact()
	 * changes it in place when this is the last reference (the handler is done). */
	json_t *j = NULL;
	if (ctx->scim_body && ctx->scim_body->refcount == 1)
		j = json_incref(ctx->scim_body);
	else if (ctx->scim_body)
		j = json_deep_copy(ctx->scim_body);
	else
		j = json_loadb(data, len, 0, NULL);
	if (!j)
		return xstrdup("(not JSON)");
	redact(j, 0);
	char *text = model_json_text(j);
	json_decref(j);
	char *out = log_cut(text, strlen(text));
	free(text);
	return out;
}

static char *logged_path(struct route_ctx *ctx)
{
	const char *filter = http_request_query(ctx->req, "filter");
	const char *start = http_request_query(ctx->req, "startIndex");
	const char *count = http_request_query(ctx->req, "count");
	return xasprintf("%s%s%s%s%s%s%s", ctx->req->path, filter ? "?filter=" : "",
	                 filter ? filter : "",
	                 start ? (filter ? "&startIndex=" : "?startIndex=") : "",
	                 start ? start : "", count ? "&count=" : "", count ? count : "");
}

void routes_scim_log(struct route_ctx *ctx, int status)
{
	struct scim_request r = { 0 };
	const struct error_state *e = error_get();
	id_new(r.id, "sreq");
	xsnprintf(r.connection_id, sizeof(r.connection_id), "%s", route_param(ctx, "conn"));
	r.method = xstrdup(ctx->req->method);
	r.path = logged_path(ctx);
	r.status = status;
	if (status >= 400) {
		struct scim_error se;
		scim_error_from_state(&se, e);
		r.scim_type = se.scim_type ? xstrdup(se.scim_type) : NULL;
		r.detail = xstrdup(e->detail);
	}
	r.changes = ctx->scim_changes[0] && status < 400 ? xstrdup(ctx->scim_changes) : NULL;
	r.request_body = logged_body(ctx, status);
	r.duration_us = clock_mono_us() - ctx->req->started_us;
	r.created_at = clock_now();
	app_scim_request_log(ctx->app, &r);
}

const struct route routes_scim[] = {
	{ "GET", "/scim/v2/{conn}/ServiceProviderConfig", service_provider_config, AUTH_SCIM,
	  BODY_NONE, "scim.config" },
	{ "GET", "/scim/v2/{conn}/Schemas", schemas, AUTH_SCIM, BODY_NONE, "scim.schemas" },
	{ "GET", "/scim/v2/{conn}/Schemas/{id}", schema, AUTH_SCIM, BODY_NONE, "scim.schema" },
	{ "GET", "/scim/v2/{conn}/ResourceTypes", resource_types, AUTH_SCIM, BODY_NONE,
	  "scim.resource_types" },
	{ "GET", "/scim/v2/{conn}/ResourceTypes/{id}", resource_type, AUTH_SCIM, BODY_NONE,
	  "scim.resource_type" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
