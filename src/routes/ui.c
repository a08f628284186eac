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

#include "app/org.h"
#include "base/assets.h"
#include "base/error.h"
#include "base/json_field.h"
#include "http/cookie.h"
#include "routes/routes.h"

#include <strings.h>

static bool public_https(const struct route_ctx *ctx)
{
	return strncmp(ctx->app->cfg->public_url, "https://", 8) == 0;
}

static bool portal_framable(const struct route_ctx *ctx)
{
	return *ctx->app->cfg->portal_frame_ancestors && public_https(ctx);
}

/*
 * Over https the names carry the __Host- prefix: the browser then accepts
 * them only with Secure, Path=/ and no Domain, so a sibling subdomain cannot
 * plant a session of its own (cookie tossing).
 */
const char *routes_ui_cookie_name(const struct route_ctx *ctx, const char *kind)
{
	bool portal = strcmp(kind, APP_UI_KIND_PORTAL) == 0;
	if (public_https(ctx))
		return portal ? "__Host-" ROUTES_COOKIE_PORTAL : "__Host-" ROUTES_COOKIE_DASHBOARD;
	return portal ? ROUTES_COOKIE_PORTAL : ROUTES_COOKIE_DASHBOARD;
}

void routes_ui_cookie(struct route_ctx *ctx, const char *kind, const char *token, int64_t max_age)
{
	bool portal = strcmp(kind, APP_UI_KIND_PORTAL) == 0;
	struct http_cookie c = {
		.name = routes_ui_cookie_name(ctx, kind),
		.value = token ? token : "",
		.path = portal && !public_https(ctx) ? "/portal" : "/",
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

/* The 303 to the page after a session opened (the token leaves the address bar). */
static int to_portal(struct route_ctx *ctx, const char *cookie)
{
	routes_ui_cookie(ctx, APP_UI_KIND_PORTAL, cookie, 0);
	ctx->res->status = 303;
	ctx->res->content_type = NULL;
	buf_reset(&ctx->res->body);
	http_response_header(ctx->res, "Location", "/portal");
	http_response_header(ctx->res, "Cache-Control", "no-store");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	return 0;
}

/* A refusal of /portal/open as a page that says why and what to do. */
static int open_refused(struct route_ctx *ctx, int rc)
{
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

static char *org_name(struct route_ctx *ctx, const char *org_id)
{
	struct org o = { 0 };
	if (app_org_get(ctx->app, org_id, &o) != 0) {
		error_clear();
		return xstrdup(org_id);
	}
	char *name = xstrdup(o.name);
	org_release(&o);
	return name;
}

/*
 * The browser already holds a live Security page session for another
 * organization or user: a link must not silently replace it (an attacker
 * could send the admin's browser to a link of the attacker's own
 * organization, and the admin would go on working there). Ask first; the
 * answer is a same-origin POST.
 */
static int confirm_switch(struct route_ctx *ctx, const struct ui_session *cur, const char *token,
                          const char *new_org)
{
	char *from = org_name(ctx, cur->org_id), *to = org_name(ctx, new_org);
	struct buf *b = &ctx->res->body;
	buf_reset(b);
	buf_appends(
	        b,
	        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	        "<meta name=\"viewport\" content=\"width=device-width\">"
	        "<link rel=\"stylesheet\" href=\"/assets/ui.css\">"
	        "<title>Switch organization?</title></head>\n<body>\n<main>\n"
	        "<h1>Switch organization?</h1>\n<p>This browser has the Security page of <strong>");
	route_html_escape(b, from);
	buf_appends(b, "</strong> open. The link you followed opens the Security page of <strong>");
	route_html_escape(b, to);
	buf_appends(
	        b,
	        "</strong> instead. Continue only if you meant to manage that organization.</p>\n"
	        "<form method=\"post\" action=\"/portal/open\">"
	        "<input type=\"hidden\" name=\"token\" value=\"");
	route_html_escape(b, token);
	buf_appends(b, "\"><button type=\"submit\">Open the Security page of ");
	route_html_escape(b, to);
	buf_appends(b, "</button> <a href=\"/portal\">Stay with ");
	route_html_escape(b, from);
	buf_appends(b, "</a></form>\n</main>\n</body></html>\n");
	free(from);
	free(to);
	ctx->res->status = 200;
	ctx->res->content_type = "text/html; charset=utf-8";
	page_headers(ctx, ctx->frame_ancestors);
	return 0;
}

static bool is_prefetch(const struct route_ctx *ctx)
{
	const char *p = http_request_header(ctx->req, "Sec-Purpose");
	if (!p)
		p = http_request_header(ctx->req, "Purpose");
	return p && strstr(p, "prefetch");
}

static int redeem(struct route_ctx *ctx, const char *token)
{
	struct ui_session s;
	char *cookie = NULL;
	int rc = app_ui_portal_open(ctx->app, token, &s, &cookie);
	if (rc)
		return open_refused(ctx, rc);
	ui_session_release(&s);
	rc = to_portal(ctx, cookie);
	free(cookie);
	return rc;
}

/*
 * GET /portal/open?token=pl_...: redeems the link, sets the cookie and
 * sends the browser to /portal. Not on HEAD or a prefetch (a link scanner
 * would use the link up), and not over a live session of another
 * organization or user without asking (confirm_switch).
 */
static int portal_open(struct route_ctx *ctx)
{
	ctx->frame_ancestors = portal_ancestors(ctx);
	if (strcmp(ctx->req->method, "GET") != 0 || is_prefetch(ctx)) {
		error_setc(ERR_INVALID, "method_not_allowed",
		           "open the link in a browser (GET); it works once");
		error_set_status(405);
		return ERR_INVALID;
	}
	const char *token = http_request_query(ctx->req, "token");
	char cookie[160], org_id[ID_MAX], user_id[ID_MAX];
	struct ui_session cur;
	if (http_cookie_get(ctx->req, routes_ui_cookie_name(ctx, APP_UI_KIND_PORTAL), cookie,
	                    sizeof(cookie)) &&
	    app_ui_authenticate(ctx->app, APP_UI_KIND_PORTAL, cookie, &cur) == 0) {
		int rc = app_ui_portal_link_peek(ctx->app, token, org_id, user_id);
		bool other = rc == 0 &&
		             (strcmp(org_id, cur.org_id) != 0 || strcmp(user_id, cur.user_id) != 0);
		if (other)
			rc = confirm_switch(ctx, &cur, token, org_id);
		ui_session_release(&cur);
		if (other || rc)
			return rc ? open_refused(ctx, rc) : 0;
	}
	error_clear();
	return redeem(ctx, token);
}

/* POST /portal/open (form: token): the answer to confirm_switch, from this origin only. */
static int portal_open_confirmed(struct route_ctx *ctx)
{
	ctx->frame_ancestors = portal_ancestors(ctx);
	const char *site = http_request_header(ctx->req, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0)
		return error_setc(ERR_FORBIDDEN, "cross_site_request",
		                  "this form can only be sent from the page that shows it");
	struct url_params form = { 0 };
	int rc = url_params_parse(&form, ctx->req->body.data ? ctx->req->body.data : "",
	                          ctx->req->body.len);
	if (rc == 0)
		rc = redeem(ctx, url_params_get(&form, "token"));
	url_params_release(&form);
	return rc;
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

/* The session, and for the Security page the organization it is about (shown on every screen). */
static int portal_session(struct route_ctx *ctx)
{
	json_t *j = session_json(&ctx->ui);
	if (ctx->ui.org_id[0]) {
		struct org o = { 0 };
		int rc = app_org_get(ctx->app, ctx->ui.org_id, &o);
		if (rc) {
			json_decref(j);
			return rc;
		}
		json_t *org = json_object();
		json_object_set_new(org, "id", json_string(o.id));
		json_object_set_new(org, "name", json_string(o.name));
		json_object_set_new(org, "slug", json_string(o.slug));
		json_object_set_new(j, "organization", org);
		org_release(&o);
	}
	return route_json(ctx, 200, j);
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
	const char *site = http_request_header(ctx->req, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return error_setc(ERR_FORBIDDEN, "cross_site_request",
		                  "sign in from the dashboard page itself");
	const char *ct = http_request_header(ctx->req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		error_setc(ERR_INVALID, "unsupported_media_type",
		           "send the body as application/json");
		error_set_status(415);
		return ERR_INVALID;
	}
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
		rc = app_ui_dashboard_login_password(ctx->app, user, pass, ctx->req->remote_ip, &s,
		                                     &cookie);
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
	{ "POST", "/portal/open", portal_open_confirmed, AUTH_NONE, BODY_SMALL, "portal.open" },
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
