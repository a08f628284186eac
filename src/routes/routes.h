/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request boundary: the route table (every URL, its method, its auth
 * requirement and body limit), the per-request context handlers get, and the
 * helpers that turn app results into JSON responses and error-slot contents
 * into RFC 9457 problem documents.
 *
 * A handler returns 0 after filling ctx->res, or a negative error code, in
 * which case the dispatcher answers with a problem document built from the
 * error slot (and logs it once, with the request id).
 */
#ifndef GATEHOUSE_ROUTES_ROUTES_H
#define GATEHOUSE_ROUTES_ROUTES_H

#include "app/app.h"
#include "app/directory.h"
#include "base/error.h"
#include "base/url.h"
#include "http/server.h"
#include "model/oauth.h"
#include "store/ui_session.h"

#include <jansson.h>

enum route_auth {
	AUTH_NONE,       /* public: health, metrics, discovery, browser pages */
	AUTH_SECRET_KEY, /* Backend API: Authorization: Bearer sk_... */
	AUTH_SCIM,       /* SCIM: the bearer token of the connection named by {conn}; SCIM errors */
	/*
	 * OAuth client authentication (RFC 6749 2.3.1): a form body, with
	 * client_secret_basic or client_secret_post; ctx->client and ctx->form
	 * are set. Errors are OAuth JSON ({"error":...}), 401 invalid_client.
	 */
	AUTH_CLIENT,
	/*
	 * An OAuth access token (RFC 6750 2.1: Authorization: Bearer ...);
	 * ctx->bearer is set, the handler checks it. Errors are OAuth JSON
	 * with WWW-Authenticate: Bearer error="invalid_token".
	 */
	AUTH_BEARER,
	/*
	 * The Security page's API (/portal/api/...): the portal session cookie,
	 * re-checked on each request (app/ui.h); ctx->ui is the session, scoped
	 * to ctx->ui.org_id. Writes need the X-CSRF-Token header.
	 */
	AUTH_PORTAL,
	/*
	 * The dashboard's own API (/dashboard/api/...): the dashboard session
	 * cookie; writes need X-CSRF-Token. AUTH_SECRET_KEY routes also accept
	 * this cookie, with X-CSRF-Token on every request, so the dashboard is
	 * a client of /v1.
	 */
	AUTH_DASHBOARD,
};

#define BODY_NONE    0
#define BODY_SMALL   (64 * 1024)
#define BODY_DEFAULT (256 * 1024)
#define BODY_SCIM    (1024 * 1024) /* STACK.md pitfall 14: about 1 MB for SCIM */

struct route_ctx {
	struct app *app;
	struct http_request *req;
	struct http_response *res;
	struct actor actor;
	char actor_id[ID_MAX];
	struct scim_principal scim;  /* AUTH_SCIM: who the token is */
	bool scim_authenticated;     /* the token was valid (the request goes to its log) */
	char scim_changes[512];      /* what the request changed, for the request log */
	json_t *scim_body;           /* route_scim_body's parse, kept (a reference) for the log */
	struct url_params form;      /* AUTH_CLIENT: the decoded form body */
	struct oauth_app client;     /* AUTH_CLIENT: the authenticated client */
	const char *bearer;          /* AUTH_BEARER: the presented token */
	int64_t page_limit;          /* the ?limit= asked for; route_page() fetches one more row */
	struct ui_session ui;        /* AUTH_PORTAL, AUTH_DASHBOARD, or /v1 through the dashboard */
	const char *frame_ancestors; /* CSP frame-ancestors of an HTML answer; NULL: 'none' */
};

typedef int (*route_handler_fn)(struct route_ctx *ctx);

struct route {
	const char *method;
	const char *pattern; /* literal segments and {param}: /v1/organizations/{org} */
	route_handler_fn handler;
	enum route_auth auth;
	size_t body_max_bytes;
	const char *metric_name; /* short label for logs and /metrics */
};

/* Route tables of each resource file, ended by a NULL method. */
extern const struct route routes_system[];
extern const struct route routes_orgs[];
extern const struct route routes_users[];
extern const struct route routes_members[];
extern const struct route routes_roles[];
extern const struct route routes_domains[];
extern const struct route routes_sessions[];
extern const struct route routes_webhooks[];
extern const struct route routes_audit[];
extern const struct route routes_oauth_apps[];
extern const struct route routes_oidc_op[];
extern const struct route routes_signin[];
extern const struct route routes_connections[];
extern const struct route routes_directory[];
extern const struct route routes_scim[];
extern const struct route routes_scim_users[];
extern const struct route routes_scim_groups[];
extern const struct route routes_oidc_rp[];
extern const struct route routes_sso[];
extern const struct route routes_saml[];
extern const struct route routes_saml_setup[];
extern const struct route routes_ui[];
extern const struct route routes_portal_api[];

/*
 * The /v1 domain handlers for a given organization (the /v1 routes pass {org},
 * the Security page its session's organization), and the reply they share.
 */
struct domain;
int routes_domain_reply(struct route_ctx *ctx, int status, struct domain *d);
int routes_domain_list_in(struct route_ctx *ctx, const char *org_id);
int routes_domain_get_in(struct route_ctx *ctx, const char *org_id);
int routes_domain_delete_in(struct route_ctx *ctx, const char *org_id);
int routes_domain_verify_in(struct route_ctx *ctx, const char *org_id);

/*
 * Handlers of /v1 routes under /v1/enterprise_connections/{conn} that the
 * Security page (routes/portal_api.c) runs as they are, once it has checked
 * that {conn} belongs to the session's organization.
 */
int routes_connection_get(struct route_ctx *ctx);
int routes_connection_delete(struct route_ctx *ctx);
int routes_connection_activate(struct route_ctx *ctx);
int routes_connection_deactivate(struct route_ctx *ctx);
int routes_connection_refresh_metadata(struct route_ctx *ctx);
int routes_test_sign_in_create(struct route_ctx *ctx);
int routes_test_sign_in_get(struct route_ctx *ctx);
int routes_directory_enable(struct route_ctx *ctx);
int routes_directory_status(struct route_ctx *ctx);
int routes_directory_disable(struct route_ctx *ctx);
int routes_directory_rotate(struct route_ctx *ctx);
int routes_directory_users(struct route_ctx *ctx);
int routes_directory_groups(struct route_ctx *ctx);
struct connection;
struct connection_input;
/* Refuses customer-supplied IdP URLs the SSRF guard would refuse later (422 invalid_url). */
int routes_connection_check_urls(const struct connection_input *in);
/* Gives a new SAML connection its SP key pairs now (on failure: later, on first use); x is re-read.
 */
int routes_connection_sp_keys(struct route_ctx *ctx, struct connection *x);

/* Every route table, NULL-terminated (routes/table.c). */
extern const struct route *const routes_all[];

/* Matches method+path; *method_allowed false when the path exists with other methods. */
const struct route *routes_match(struct http_request *req, bool *path_exists);
/* A stable small index of a route for metrics (0..routes_count()-1). */
size_t routes_index(const struct route *r);
size_t routes_count(void);
const struct route *routes_at(size_t index);

/* Replies with obj as JSON (steals the reference). */
int route_json(struct route_ctx *ctx, int status, json_t *obj);
/* Replies with text, already compact JSON (takes ownership: frees it). */
int route_json_text(struct route_ctx *ctx, int status, char *text);
/* Replies 204 with no body. */
int route_no_content(struct route_ctx *ctx);
/* Parses the body as one JSON object (400 invalid_json); caller json_decref()s. */
int route_body(struct route_ctx *ctx, json_t **out);
/*
 * Reads ?limit= and ?starting_after= (422 on bad values). out->limit is one
 * more than asked for: route_list() drops that extra row and sets has_more
 * from it.
 */
int route_page(struct route_ctx *ctx, struct page *out);
/* Replies {"data": data, "total_count": total, "has_more": ...} (steals data). */
int route_list(struct route_ctx *ctx, json_t *data, int64_t total, const struct page *p);
/* A path parameter that the route pattern guarantees. */
const char *route_param(struct route_ctx *ctx, const char *name);

/* The whole dispatch: used by cmd_serve as the http_server callbacks. */
size_t routes_begin(struct http_request *req, void *payload);
void routes_handle(struct http_request *req, struct http_response *res, void *payload);
void routes_finished(struct http_request *req, int status, void *payload);
/* Replies 302 to location (Cache-Control: no-store). */
int route_redirect(struct route_ctx *ctx, const char *location);
/*
 * Replies with a small HTML page: title and message are plain text (escaped
 * here); form_request_id, when set, adds the email-first form for that
 * sign-in request. Headers: a CSP without scripts, no framing, no referrer,
 * no caching.
 */
int route_html(struct route_ctx *ctx, int status, const char *title, const char *message,
               const char *form_request_id);
/* Sends the browser where sign-in goes next (a redirect or a page); releases next. */
struct signin_next;
int routes_signin_next(struct route_ctx *ctx, struct signin_next *next);
/* Cookie names of the page sessions. */
#define ROUTES_COOKIE_PORTAL    "gh_portal"
#define ROUTES_COOKIE_DASHBOARD "gh_dash"
/* The header the pages send their session's CSRF token in. */
#define ROUTES_CSRF_HEADER "X-CSRF-Token"
/*
 * Sets a page session's cookie (an empty token with max_age < 0 deletes it):
 * HttpOnly, Secure when the public URL is https, SameSite per kind.
 */
void routes_ui_cookie(struct route_ctx *ctx, const char *kind, const char *token, int64_t max_age);
/* The cookie name of a page session kind ("__Host-" prefixed over https). */
const char *routes_ui_cookie_name(const struct route_ctx *ctx, const char *kind);
/* Appends s with & < > " ' escaped. */
int route_html_escape(struct buf *b, const char *s);
/* Writes a problem document for the error slot into res. */
void routes_problem(struct http_response *res, const struct error_state *e);
/* Writes a SCIM Error message (RFC 7644 §3.12) for the error slot into res. */
void routes_scim_error(struct http_response *res, const struct error_state *e);
/* The 413 answer for a body over the route's limit (SCIM routes answer in SCIM's format). */
void routes_too_large(struct http_request *req, struct http_response *res, void *payload);
/* After a SCIM route's handler: its request log entry (routes/scim.c). */
void routes_scim_log(struct route_ctx *ctx, int status);

/* Prometheus text exposition of the request metrics (routes/metrics.c). */
void routes_metrics_observe(const struct route *r, int status, int64_t duration_us);
void routes_metrics_write(struct buf *out, const struct db *db);

#endif
