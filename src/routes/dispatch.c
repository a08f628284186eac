/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request dispatch: route matching, authentication, the handler call, the
 * mapping of error codes to problem documents, and one log line per request.
 */
#include "base/common.h"

#include "app/key.h"
#include "app/oauth_app.h"
#include "app/ui.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/json_field.h"
#include "base/log.h"
#include "crypto/crypto.h"
#include "http/cookie.h"
#include "model/model.h"
#include "oidc_op/oidc_op.h"
#include "routes/routes.h"
#include "scim/error.h"

#include <strings.h>

static bool segment_eq(const char *seg, size_t len, const char *pat, size_t plen)
{
	return len == plen && memcmp(seg, pat, len) == 0;
}

/* Matches path against pattern, capturing {params} into req when capture is set. */
static bool match_pattern(const char *pattern, const char *path, struct http_request *req,
                          bool capture)
{
	const char *p = pattern, *s = path;
	int nparams = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t slen = se ? (size_t)(se - s) : strlen(s);
		if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || slen > 200 || nparams >= HTTP_MAX_PARAMS)
				return false;
			if (capture) {
				static _Thread_local char names[HTTP_MAX_PARAMS][32];
				xsnprintf(names[nparams], sizeof(names[nparams]), "%.*s",
				          (int)(plen - 2), p + 1);
				req->param_names[nparams] = names[nparams];
				req->param_values[nparams] = xstrndup(s, slen);
			}
			nparams++;
		} else if (!segment_eq(s, slen, p, plen)) {
			return false;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return false;
	if (capture)
		req->nparams = nparams;
	return true;
}

/* The path routes are matched against: without one trailing slash. */
static const char *match_path(const char *path, char trimmed[1024])
{
	size_t n = strlen(path);
	if (n > 1 && path[n - 1] == '/' && n < 1024) {
		memcpy(trimmed, path, n - 1);
		trimmed[n - 1] = '\0';
		return trimmed;
	}
	return path;
}

const struct route *routes_match(struct http_request *req, bool *path_exists)
{
	*path_exists = false;
	char trimmed[1024];
	const char *path = match_path(req->path, trimmed);
	for (const struct route *const *t = routes_all; *t; t++) {
		for (const struct route *r = *t; r->method; r++) {
			if (!match_pattern(r->pattern, path, req, false))
				continue;
			*path_exists = true;
			if (strcmp(r->method, req->method) == 0 ||
			    (strcmp(req->method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
				match_pattern(r->pattern, path, req, true);
				return r;
			}
		}
	}
	return NULL;
}

/* The Allow header of a 405: every method served on req's path ("GET, HEAD, PATCH"). */
static void allowed_methods(struct http_request *req, struct buf *out)
{
	char trimmed[1024];
	const char *path = match_path(req->path, trimmed);
	for (const struct route *const *t = routes_all; *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (match_pattern(r->pattern, path, req, false))
				buf_appendf(out, "%s%s%s", out->len ? ", " : "", r->method,
				            strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
}

size_t routes_begin(struct http_request *req, void *payload)
{
	bool exists;
	(void)payload;
	const struct route *r = routes_match(req, &exists);
	req->route = r;
	return r ? r->body_max_bytes : BODY_SMALL;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

void routes_problem(struct http_response *res, const struct error_state *e)
{
	int status = error_http_status(e);
	json_t *j = json_object();
	const char *code = e->stable[0] ? e->stable : error_code_name(e->code);
	char type[160];
	xsnprintf(type, sizeof(type), "https://gatehouse.dev/errors/%s", code);
	json_object_set_new(j, "type", json_string(type));
	json_object_set_new(j, "title", json_string(status_title(status)));
	json_object_set_new(j, "status", json_integer(status));
	/* 500s carry no internal detail: the log has it, under the request id. */
	json_object_set_new(
	        j, "detail",
	        json_string(
	                status >= 500 && status != 502 && status != 503
	                        ? "an internal error occurred; the request id is in the X-Request-Id header"
	                        : e->detail));
	json_object_set_new(j, "code", json_string(code));
	if (e->nfields) {
		json_t *errs = json_array();
		for (size_t i = 0; i < e->nfields; i++) {
			json_t *f = json_object();
			json_object_set_new(f, "field", json_string(e->fields[i].field));
			json_object_set_new(f, "code", json_string(e->fields[i].code));
			json_array_append_new(errs, f);
		}
		json_object_set_new(j, "errors", errs);
	}
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	http_response_text(res, status, "application/problem+json", text ? text : "{}");
	free(text);
	if (status == 401)
		http_response_header(res, "WWW-Authenticate", "Bearer realm=\"gatehouse\"");
}

/* RFC 7644 §2: the connection's own bearer token; one connection's token opens no other. */
static int authenticate_scim(struct route_ctx *ctx)
{
	const char *h = http_request_header(ctx->req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return error_setc(
		        ERR_UNAUTHENTICATED, "invalid_scim_token",
		        "send the connection's Directory Sync token: Authorization: Bearer scim_...");
	int rc = app_scim_authenticate(ctx->app, route_param(ctx, "conn"), h + 7, &ctx->scim);
	/* a valid token for a turned-off directory still identifies the connection */
	ctx->scim_authenticated = rc == 0 || rc == ERR_FORBIDDEN;
	if (rc == 0) {
		ctx->actor.type = "scim";
		ctx->actor.id = ctx->scim.connection_id;
	}
	return rc;
}

/* AUTH_CLIENT: the form body, then client_secret_basic or client_secret_post. */
static int authenticate_client(struct route_ctx *ctx)
{
	const char *ct = http_request_header(ctx->req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return error_setc(ERR_INVALID, "invalid_request",
		                  "send the parameters as application/x-www-form-urlencoded");
	int rc = url_params_parse(&ctx->form, ctx->req->body.data ? ctx->req->body.data : "",
	                          ctx->req->body.len);
	if (rc)
		return rc;
	struct oidc_op_client_credentials cred;
	rc = oidc_op_client_auth_parse(&cred, http_request_header(ctx->req, "Authorization"),
	                               &ctx->form);
	if (rc)
		return rc;
	rc = app_oauth_app_authenticate(ctx->app, cred.client_id, cred.client_secret, &ctx->client);
	oidc_op_client_credentials_release(&cred);
	if (rc)
		return rc;
	ctx->actor.type = "oauth_client";
	ctx->actor.id = ctx->client.id;
	return 0;
}

/*
 * A page session from its cookie. Browsers say where a request comes from
 * (Sec-Fetch-Site): anything but this origin or a typed address is refused,
 * and csrf (writes; every /v1 call) needs the session's token in
 * X-CSRF-Token, compared in constant time.
 */
static int authenticate_ui(struct route_ctx *ctx, const char *kind, bool csrf)
{
	const char *site = http_request_header(ctx->req, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return error_setc(ERR_FORBIDDEN, "cross_site_request",
		                  "this request came from another site (Sec-Fetch-Site: %.20s)",
		                  site);
	bool portal = strcmp(kind, APP_UI_KIND_PORTAL) == 0;
	char token[160];
	if (!http_cookie_get(ctx->req, routes_ui_cookie_name(ctx, kind), token, sizeof(token)))
		return error_setc(ERR_UNAUTHENTICATED, "session_expired",
		                  portal ? "no Security page session: open the page again from the "
		                           "application"
		                         : "sign in to the dashboard first");
	int rc = app_ui_authenticate(ctx->app, kind, token, &ctx->ui);
	if (rc)
		return rc;
	if (csrf) {
		const char *sent = http_request_header(ctx->req, ROUTES_CSRF_HEADER);
		if (!sent || !crypto_equal_str(sent, ctx->ui.csrf))
			return error_setc(ERR_FORBIDDEN, "csrf_token_invalid",
			                  "send the session's CSRF token in the " ROUTES_CSRF_HEADER
			                  " header (reload the page)");
	}
	ctx->actor.type = ctx->ui.principal_type;
	ctx->actor.id = ctx->ui.principal_id;
	/* answers to a browser session (CSRF tokens, data) are never stored by caches */
	http_response_header(ctx->res, "Cache-Control", "no-store");
	return 0;
}

static bool is_read(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static int authenticate(struct route_ctx *ctx, const struct route *r)
{
	if (r->auth == AUTH_PORTAL)
		return authenticate_ui(ctx, APP_UI_KIND_PORTAL, !is_read(ctx->req->method));
	if (r->auth == AUTH_DASHBOARD)
		return authenticate_ui(ctx, APP_UI_KIND_DASHBOARD, !is_read(ctx->req->method));
	if (r->auth == AUTH_NONE)
		return 0;
	if (r->auth == AUTH_SCIM)
		return authenticate_scim(ctx);
	if (r->auth == AUTH_CLIENT)
		return authenticate_client(ctx);
	const char *h = http_request_header(ctx->req, "Authorization");
	if (r->auth == AUTH_BEARER) {
		if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7])
			return error_setc(ERR_UNAUTHENTICATED, "missing_token",
			                  "send an access token: Authorization: Bearer ...");
		ctx->bearer = h + 7;
		return 0;
	}
	/* the dashboard is a client of /v1: its cookie, with the CSRF header on every call */
	const char *cookies = h ? NULL : http_request_header(ctx->req, "Cookie");
	if (cookies && strstr(cookies, ROUTES_COOKIE_DASHBOARD "="))
		return authenticate_ui(ctx, APP_UI_KIND_DASHBOARD, true);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return error_setc(ERR_UNAUTHENTICATED, "missing_api_key",
		                  "send a secret key: Authorization: Bearer sk_...");
	int rc = app_key_authenticate(ctx->app, h + 7, ctx->actor_id);
	if (rc)
		return rc;
	ctx->actor.type = "secret_key";
	ctx->actor.id = ctx->actor_id;
	return 0;
}

void routes_scim_error(struct http_response *res, const struct error_state *e)
{
	struct scim_error se;
	scim_error_from_state(&se, e);
	json_t *j = scim_error_json(&se);
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	http_response_text(res, se.status, "application/scim+json", text ? text : "{}");
	free(text);
	if (se.status == 401)
		http_response_header(res, "WWW-Authenticate", "Bearer realm=\"gatehouse-scim\"");
}

void routes_too_large(struct http_request *req, struct http_response *res, void *payload)
{
	const struct route *r = req->route;
	(void)payload;
	error_clear();
	error_setc(ERR_TOO_LARGE, "payload_too_large",
	           "the request body is larger than this endpoint accepts (%zu bytes)",
	           req->body_max_bytes);
	if (r && r->auth == AUTH_SCIM)
		routes_scim_error(res, error_get());
	else
		routes_problem(res, error_get());
	error_clear();
}

/*
 * OAuth endpoints answer errors as RFC 6749 5.2 / RFC 6750 3 JSON, the
 * stable code being the OAuth error; 5xx become server_error without detail.
 */
static void oauth_problem(struct http_response *res, const struct error_state *e,
                          enum route_auth auth)
{
	int status = error_http_status(e);
	const char *code = e->stable[0] ? e->stable : "invalid_request";
	const char *detail = e->detail;
	if (status >= 500) {
		code = status == 503 ? "temporarily_unavailable" : "server_error";
		detail = "the request id is in the X-Request-Id header";
	} else if (!strcmp(code, "invalid_client") || !strcmp(code, "invalid_token") ||
	           !strcmp(code, "missing_token")) {
		status = 401;
	} else {
		status = 400; /* RFC 6749 5.2 */
	}
	if (!strcmp(code, "missing_token"))
		code = "invalid_token";
	char *text = oidc_op_error_json(code, detail);
	http_response_text(res, status, "application/json", text);
	free(text);
	http_response_header(res, "Cache-Control", "no-store");
	if (status != 401)
		return;
	if (auth == AUTH_CLIENT) {
		http_response_header(res, "WWW-Authenticate", "Basic realm=\"gatehouse\"");
	} else if (!strcmp(e->stable, "missing_token")) {
		http_response_header(res, "WWW-Authenticate", "Bearer realm=\"gatehouse\"");
	} else {
		http_response_header(res, "WWW-Authenticate",
		                     "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
	}
}

static bool has_body_method(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PATCH") == 0 || strcmp(m, "PUT") == 0;
}

void routes_handle(struct http_request *req, struct http_response *res, void *payload)
{
	struct route_ctx ctx = { .app = payload, .req = req, .res = res };
	const struct route *r = req->route;
	int rc;
	error_clear();
	log_set_request_id(req->id);
	if (!r) {
		bool exists;
		routes_match(req, &exists);
		rc = exists ? error_setc(ERR_INVALID, "method_not_allowed",
		                         "%s is not allowed on %.200s", req->method, req->path)
		            : error_setc(ERR_NOT_FOUND, "route_not_found", "no route %.200s",
		                         req->path);
		if (exists)
			error_set_status(405);
	} else {
		rc = authenticate(&ctx, r);
		if (rc == 0 && has_body_method(req->method) && req->body.len > 0) {
			const char *ct = http_request_header(req, "Content-Type");
			if (r->body_max_bytes && ct &&
			    strncasecmp(ct, "application/json", 16) != 0 &&
			    strncasecmp(ct, "application/scim+json", 21) != 0 &&
			    strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
				rc = error_setc(ERR_INVALID, "unsupported_media_type",
				                "send the body as application/json");
				error_set_status(415);
			}
		}
		if (rc == 0)
			rc = r->handler(&ctx);
	}
	bool scim = r ? r->auth == AUTH_SCIM : strncmp(req->path, "/scim/", 6) == 0;
	if (rc) {
		const struct error_state *e = error_get();
		int status = error_http_status(e);
		if (status >= 500)
			log_error("request failed", "route=\"%s\" err=\"%s\"",
			          r ? r->metric_name : "none", e->detail);
		if (scim)
			routes_scim_error(res, e);
		else if (r && (r->auth == AUTH_CLIENT || r->auth == AUTH_BEARER))
			oauth_problem(res, e, r->auth);
		else
			routes_problem(res, e);
		if (status == 405) {
			struct buf allow;
			buf_init(&allow, 256);
			allowed_methods(req, &allow);
			http_response_header(res, "Allow", allow.data ? allow.data : "");
			buf_release(&allow);
		}
	}
	if (r && scim && ctx.scim_authenticated)
		routes_scim_log(&ctx, res->status);
	json_decref(ctx.scim_body);
	url_params_release(&ctx.form);
	oauth_app_release(&ctx.client);
	ui_session_release(&ctx.ui);
	if (strcmp(req->method, "HEAD") == 0)
		buf_reset(&res->body);
	log_set_request_id(NULL);
}

void routes_finished(struct http_request *req, int status, void *payload)
{
	(void)payload;
	const struct route *r = req->route;
	int64_t dur = clock_mono_us() - req->started_us;
	routes_metrics_observe(r, status, dur);
	log_set_request_id(req->id);
	log_info("request", "method=%s route=%s status=%d duration_ms=%.3f remote=%s", req->method,
	         r ? r->metric_name : "unmatched", status, (double)dur / 1000.0, req->remote_ip);
	log_set_request_id(NULL);
}

/* --- response helpers --- */

int route_json(struct route_ctx *ctx, int status, json_t *obj)
{
	char *text = model_json_text(obj);
	json_decref(obj);
	return route_json_text(ctx, status, text);
}

int route_json_text(struct route_ctx *ctx, int status, char *text)
{
	ctx->res->status = status;
	ctx->res->content_type = "application/json";
	buf_reset(&ctx->res->body);
	int rc = buf_appends(&ctx->res->body, text);
	free(text);
	return rc;
}

int route_redirect(struct route_ctx *ctx, const char *location)
{
	ctx->res->status = 302;
	ctx->res->content_type = NULL;
	buf_reset(&ctx->res->body);
	http_response_header(ctx->res, "Location", location);
	http_response_header(ctx->res, "Cache-Control", "no-store");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	return 0;
}

int route_no_content(struct route_ctx *ctx)
{
	ctx->res->status = 204;
	ctx->res->content_type = NULL;
	buf_reset(&ctx->res->body);
	return 0;
}

int route_body(struct route_ctx *ctx, json_t **out)
{
	return json_field_parse_object(out, ctx->req->body.data ? ctx->req->body.data : "",
	                               ctx->req->body.len);
}

static int bad_query(const char *name, const char *detail)
{
	error_setc(ERR_INVALID, "invalid_query", "%s %s", name, detail);
	error_set_status(422);
	error_add_field(name, "invalid");
	return ERR_INVALID;
}

int route_page(struct route_ctx *ctx, struct page *out)
{
	out->limit = 20;
	out->starting_after = http_request_query(ctx->req, "starting_after");
	const char *l = http_request_query(ctx->req, "limit");
	if (l) {
		char *end = NULL;
		long long v = strtoll(l, &end, 10);
		if (!*l || !end || *end || v < 1 || v > 500)
			return bad_query("limit", "must be an integer from 1 to 500");
		out->limit = v;
	}
	ctx->page_limit = out->limit;
	out->limit++; /* the extra row tells whether another page follows */
	if (out->starting_after && (strlen(out->starting_after) > 64 || !*out->starting_after))
		return bad_query("starting_after", "must be an id from the previous page");
	return 0;
}

int route_list(struct route_ctx *ctx, json_t *data, int64_t total, const struct page *p)
{
	json_t *j = json_object();
	size_t want = (size_t)(ctx->page_limit ? ctx->page_limit : p->limit);
	bool more = json_array_size(data) > want;
	while (json_array_size(data) > want)
		json_array_remove(data, json_array_size(data) - 1);
	json_object_set_new(j, "object", json_string("list"));
	json_object_set_new(j, "data", data);
	json_object_set_new(j, "total_count", json_integer(total));
	json_object_set_new(j, "has_more", json_boolean(more));
	return route_json(ctx, 200, j);
}

const char *route_param(struct route_ctx *ctx, const char *name)
{
	const char *v = http_request_param(ctx->req, name);
	if (!v)
		die("route %s has no parameter %s", ctx->req->path, name);
	return v;
}
