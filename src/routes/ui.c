/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pages: the Security page (/portal) and the operator dashboard
 * (/dashboard) are static documents from web/, embedded in the binary, that
 * call JSON APIs with a session cookie and a CSRF header. This file serves
 * the documents and their assets with a strict CSP (scripts and styles from
 * this origin only, no inline code), opens sessions (portal links, dashboard
 * sign-in), ends them, and mints portal links for the app (/v1).
 *
 * Cookies: HttpOnly; Secure when the public URL is https. The portal cookie
 * is SameSite=Lax (the link is opened from the app's site, and the redirect
 * that follows must carry the cookie), or SameSite=None; Secure when the
 * operator allows the page in the app's iframe (portal_frame_ancestors) and
 * the public URL is https. The dashboard cookie is SameSite=Strict.
 * Every call that uses a cookie also needs the session's CSRF token in
 * X-CSRF-Token (routes/dispatch.c), which another site cannot read or send.
 */
#include "base/common.h"

#include "app/ui.h"

#include "base/assets.h"
#include "base/error.h"
#include "base/json_field.h"
#include "http/cookie.h"
#include "routes/routes.h"

static bool public_https(const struct route_ctx *ctx)
{
	return strncmp(ctx->app->cfg->public_url, "https://", 8) == 0;
}

static bool portal_framable(const struct route_ctx *ctx)
{
	return *ctx->app->cfg->portal_frame_ancestors && public_https(ctx);
}

void routes_ui_cookie(struct route_ctx *ctx, const char *kind, const char *token, int64_t max_age)
{
	bool portal = strcmp(kind, APP_UI_KIND_PORTAL) == 0;
	struct http_cookie c = {
		.name = portal ? ROUTES_COOKIE_PORTAL : ROUTES_COOKIE_DASHBOARD,
		.value = token ? token : "",
		.path = portal ? "/portal" : "/",
		.same_site = !portal                ? "Strict"
		             : portal_framable(ctx) ? "None"
		                                    : "Lax",
		.max_age_s = max_age,
		.secure = public_https(ctx),
		.http_only = true,
	};
	http_cookie_set(ctx->res, &c);
}

static const char *content_type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return NULL;
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	return NULL;
}

/* Headers of every page document: what it may load, who may frame it. */
static void page_headers(struct route_ctx *ctx, const char *frame_ancestors)
{
	bool framable = frame_ancestors && *frame_ancestors;
	char *csp = xasprintf("default-src 'none'; script-src 'self'; style-src 'self'; "
	                      "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
	                      "base-uri 'none'; frame-ancestors %s",
	                      framable ? frame_ancestors : "'none'");
	http_response_header(ctx->res, "Content-Security-Policy", csp);
	free(csp);
	if (!framable)
		http_response_header(ctx->res, "X-Frame-Options", "DENY");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	http_response_header(ctx->res, "Cache-Control", "no-store");
	http_response_header(ctx->res, "Cross-Origin-Resource-Policy", "same-origin");
}

/*
 * The origins allowed to frame the Security page. Over http the session
 * cookie stays SameSite=Lax, which a browser sends into a frame only when the
 * embedding page is of the same site; https with SameSite=None serves any.
 */
static const char *portal_ancestors(const struct route_ctx *ctx)
{
	const char *v = ctx->app->cfg->portal_frame_ancestors;
	return *v ? v : NULL;
}

static int send_document(struct route_ctx *ctx, const char *asset, const char *ancestors)
{
	const struct asset *a = assets_find(asset);
	if (!a)
		return error_set(ERR_INTERNAL, "asset %s is not embedded", asset);
	ctx->res->status = 200;
	ctx->res->content_type = "text/html; charset=utf-8";
	buf_reset(&ctx->res->body);
	buf_append(&ctx->res->body, (const char *)a->data, a->len);
	page_headers(ctx, ancestors);
	return 0;
}

static int portal_page(struct route_ctx *ctx)
{
	return send_document(ctx, "web/portal.html", portal_ancestors(ctx));
}

static int dashboard_page(struct route_ctx *ctx)
{
	return send_document(ctx, "web/dashboard.html", NULL);
}

/* GET /assets/{file}: web/{file} for the types above; nothing else of the tree. */
static int asset(struct route_ctx *ctx)
{
	const char *file = route_param(ctx, "file");
	char path[160];
	const char *type = content_type_of(file);
	bool ok = type && strlen(file) < 100 && file[0] != '.' && !strchr(file, '/') &&
	          !strchr(file, '%');
	xsnprintf(path, sizeof(path), "web/%s", file);
	const struct asset *a = ok ? assets_find(path) : NULL;
	if (!a)
		return error_setc(ERR_NOT_FOUND, "asset_not_found", "no asset %.100s", file);
	ctx->res->status = 200;
	ctx->res->content_type = type;
	buf_reset(&ctx->res->body);
	buf_append(&ctx->res->body, (const char *)a->data, a->len);
	http_response_header(ctx->res, "Cache-Control", "no-cache");
	http_response_header(ctx->res, "Cross-Origin-Resource-Policy", "same-origin");
	return 0;
}

/*
 * GET /portal/open?token=pl_...: redeems the link, sets the cookie and
 * sends the browser to /portal (so the token leaves the address bar).
 * Refusals are pages that say why and what to do.
 */
static int portal_open(struct route_ctx *ctx)
{
	struct ui_session s;
	char *cookie = NULL;
	ctx->frame_ancestors = portal_ancestors(ctx);
	int rc = app_ui_portal_open(ctx->app, http_request_query(ctx->req, "token"), &s, &cookie);
	if (rc) {
		const struct error_state *e = error_get();
		int status = error_http_status(e);
		if (status >= 500)
			return rc;
		const char *title =
		        status == 403 ? "You cannot set up SSO here" : "This link no longer works";
		char *msg = xasprintf("%s. %s", e->detail,
		                      status == 403 ? ""
		                                    : "Go back to the application and open the "
		                                      "Security page again to get a new link.");
		route_html(ctx, status, title, msg, NULL);
		free(msg);
		error_clear();
		return 0;
	}
	routes_ui_cookie(ctx, APP_UI_KIND_PORTAL, cookie, 0);
	free(cookie);
	ui_session_release(&s);
	ctx->res->status = 303;
	ctx->res->content_type = NULL;
	buf_reset(&ctx->res->body);
	http_response_header(ctx->res, "Location", "/portal");
	http_response_header(ctx->res, "Cache-Control", "no-store");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	return 0;
}

static json_t *session_json(const struct ui_session *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "csrf_token", json_string(s->csrf));
	json_object_set_new(j, "expires_at", json_integer(s->expires_at));
	json_t *p = json_object();
	json_object_set_new(p, "type", json_string(s->principal_type));
	json_object_set_new(p, "id", json_string(s->principal_id));
	json_object_set_new(p, "name",
	                    s->principal_name ? json_string(s->principal_name) : json_null());
	json_object_set_new(j, "principal", p);
	if (s->org_id[0])
		json_object_set_new(j, "organization_id", json_string(s->org_id));
	json_object_set_new(j, "return_url",
	                    s->return_url ? json_string(s->return_url) : json_null());
	return j;
}

static int portal_session(struct route_ctx *ctx)
{
	return route_json(ctx, 200, session_json(&ctx->ui));
}

static int sign_out(struct route_ctx *ctx)
{
	int rc = app_ui_end(ctx->app, &ctx->ui);
	if (rc)
		return rc;
	routes_ui_cookie(ctx, ctx->ui.kind, NULL, -1);
	return route_no_content(ctx);
}

/*
 * POST /dashboard/api/login {"username","password"} or {"secret_key"}.
 * JSON only: a cross-site form cannot send it without a preflight.
 */
static int dashboard_login(struct route_ctx *ctx)
{
	json_t *body = NULL;
	int rc = route_body(ctx, &body);
	if (rc)
		return rc;
	static const char *const known[] = { "username", "password", "secret_key", NULL };
	rc = json_field_check_known(body, known);
	const char *user = NULL, *pass = NULL, *key = NULL;
	if (rc == 0)
		rc = json_field_string(body, "username", 64, &user, NULL);
	if (rc == 0)
		rc = json_field_string(body, "password", 1024, &pass, NULL);
	if (rc == 0)
		rc = json_field_string(body, "secret_key", 256, &key, NULL);
	struct ui_session s = { 0 };
	char *cookie = NULL;
	if (rc == 0 && key)
		rc = app_ui_dashboard_login_key(ctx->app, key, &s, &cookie);
	else if (rc == 0 && user && pass)
		rc = app_ui_dashboard_login_password(ctx->app, user, pass, &s, &cookie);
	else if (rc == 0) {
		error_setc(ERR_INVALID, "missing_field",
		           "send a username and password, or a secret key");
		error_set_status(422);
		rc = ERR_INVALID;
	}
	json_decref(body);
	if (rc)
		return rc;
	routes_ui_cookie(ctx, APP_UI_KIND_DASHBOARD, cookie, 0);
	free(cookie);
	rc = route_json(ctx, 200, session_json(&s));
	ui_session_release(&s);
	return rc;
}

/* POST /v1/organizations/{org}/portal_links {"user_id", "return_url"} */
static int portal_link_create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	int rc = route_body(ctx, &body);
	if (rc)
		return rc;
	static const char *const known[] = { "user_id", "return_url", NULL };
	rc = json_field_check_known(body, known);
	const char *user_id = NULL, *return_url = NULL;
	if (rc == 0)
		rc = json_field_string(body, "user_id", 64, &user_id, NULL);
	if (rc == 0 && (!user_id || !*user_id))
		rc = json_field_missing("user_id");
	if (rc == 0)
		rc = json_field_string(body, "return_url", 2048, &return_url, NULL);
	char *url = NULL;
	int64_t expires = 0;
	if (rc == 0)
		rc = app_ui_portal_link_create(ctx->app, &ctx->actor, route_param(ctx, "org"),
		                               user_id, return_url, &url, &expires);
	json_decref(body);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("portal_link"));
	json_object_set_new(j, "url", json_string(url));
	json_object_set_new(j, "expires_at", json_integer(expires));
	free(url);
	http_response_header(ctx->res, "Cache-Control", "no-store");
	return route_json(ctx, 201, j);
}

const struct route routes_ui[] = {
	{ "GET", "/portal", portal_page, AUTH_NONE, BODY_NONE, "portal.page" },
	{ "GET", "/portal/open", portal_open, AUTH_NONE, BODY_NONE, "portal.open" },
	{ "GET", "/portal/api/session", portal_session, AUTH_PORTAL, BODY_NONE, "portal.session" },
	{ "POST", "/portal/api/sign_out", sign_out, AUTH_PORTAL, BODY_NONE, "portal.sign_out" },
	{ "GET", "/dashboard", dashboard_page, AUTH_NONE, BODY_NONE, "dashboard.page" },
	{ "POST", "/dashboard/api/login", dashboard_login, AUTH_NONE, BODY_SMALL,
	  "dashboard.login" },
	{ "GET", "/dashboard/api/session", portal_session, AUTH_DASHBOARD, BODY_NONE,
	  "dashboard.session" },
	{ "POST", "/dashboard/api/logout", sign_out, AUTH_DASHBOARD, BODY_NONE,
	  "dashboard.logout" },
	{ "GET", "/assets/{file}", asset, AUTH_NONE, BODY_NONE, "assets" },
	{ "POST", "/v1/organizations/{org}/portal_links", portal_link_create, AUTH_SECRET_KEY,
	  BODY_SMALL, "portal_links.create" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
