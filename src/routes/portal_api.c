/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Security page's API (/portal/api/...): what an organization's IT admin
 * may do to set up SSO for that organization and nothing else. Every route is
 * AUTH_PORTAL and scoped to the session's organization (ctx->ui.org_id); an
 * object of another organization answers 404 exactly like a missing one.
 * Handlers call the same app/ functions as the Backend API; the portal only
 * narrows what a request may carry (operator-only fields are refused).
 */
#include "base/common.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "app/directory.h"
#include "app/domain.h"
#include "app/org.h"
#include "base/error.h"
#include "base/json_field.h"
#include "routes/routes.h"
#include "routes/saml.h"

#define ORG_SCAN_MAX 500 /* domains and connections read for the summary */

/* --- scope ---------------------------------------------------------------- */

/* The connection id if it belongs to the session's organization; 404 otherwise. */
static int own_connection(struct route_ctx *ctx, const char *id, struct connection *out)
{
	int rc = app_connection_get(ctx->app, id, out);
	if (rc == 0 && strcmp(out->org_id, ctx->ui.org_id) == 0)
		return 0;
	if (rc == 0)
		connection_release(out);
	else if (rc != ERR_NOT_FOUND)
		return rc;
	error_clear();
	/* the same answer as store/connection.c gives for a missing id */
	return error_setc(ERR_NOT_FOUND, "connection_not_found", "no enterprise connection %.80s",
	                  id);
}

static int own_connection_param(struct route_ctx *ctx, struct connection *out)
{
	return own_connection(ctx, route_param(ctx, "conn"), out);
}

/* Runs a /v1 handler of {conn} once {conn} is known to be the session organization's. */
static int scoped(struct route_ctx *ctx, route_handler_fn v1)
{
	struct connection x;
	int rc = own_connection_param(ctx, &x);
	if (rc)
		return rc;
	connection_release(&x);
	return v1(ctx);
}

/* Refuses members the portal may not set: operator-only ones by name, others as unknown. */
static int check_portal_fields(json_t *obj, const char *prefix, const char *const *allowed,
                               const char *const *operator_only)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		for (const char *const *o = operator_only; o && *o; o++) {
			if (strcmp(*o, key) != 0)
				continue;
			char field[80];
			xsnprintf(field, sizeof(field), "%s%s", prefix, key);
			error_setc(
			        ERR_INVALID, "operator_only_field",
			        "%s is set by the application's operator, not on the Security page",
			        field);
			error_set_status(422);
			error_add_field(field, "operator_only_field");
			return ERR_INVALID;
		}
	}
	int rc = json_field_check_known(obj, allowed);
	if (rc && *prefix)
		error_prefix_fields(prefix);
	return rc;
}

static const char *const conn_top[] = { "name", "provider", "protocol", "domains",
	                                "saml", "oidc",     NULL };
static const char *const conn_top_operator[] = { "organization_id", "default_role",
	                                         "allow_idp_initiated", "easie_tenant", NULL };
static const char *const conn_saml[] = { "idp_metadata_url",
	                                 "idp_metadata_xml",
	                                 "idp_entity_id",
	                                 "idp_sso_url",
	                                 "idp_certificates",
	                                 "sign_authn_requests",
	                                 "want_encrypted_assertions",
	                                 NULL };
static const char *const conn_saml_operator[] = { "allow_sha1", "require_signed_response", NULL };
static const char *const conn_oidc[] = { "issuer", "client_id", "client_secret", "scopes", NULL };
static const char *const conn_oidc_operator[] = {
	"authorization_endpoint", "token_endpoint",         "jwks_uri",
	"userinfo_endpoint",      "require_email_verified", NULL
};

static int check_connection_body(json_t *body)
{
	int rc = check_portal_fields(body, "", conn_top, conn_top_operator);
	json_t *saml = json_object_get(body, "saml"), *oidc = json_object_get(body, "oidc");
	if (rc == 0 && json_is_object(saml))
		rc = check_portal_fields(saml, "saml.", conn_saml, conn_saml_operator);
	if (rc == 0 && json_is_object(oidc))
		rc = check_portal_fields(oidc, "oidc.", conn_oidc, conn_oidc_operator);
	return rc;
}

/* --- organization summary -------------------------------------------------- */

static bool connection_configured(const struct connection *x)
{
	if (!strcmp(x->protocol, "saml"))
		return x->saml_idp_entity_id && x->saml_idp_sso_url && x->saml_idp_certificates &&
		       strcmp(x->saml_idp_certificates, "[]") != 0;
	return x->oidc_client_id && x->oidc_has_client_secret && x->oidc_issuer;
}

/* The connection the page works on: the active one, else the newest. */
static const struct connection *pick_connection(const struct connection *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].status, "active"))
			return &items[i];
	return n ? &items[n - 1] : NULL;
}

static json_t *step(bool done)
{
	json_t *s = json_object();
	json_object_set_new(s, "done", json_boolean(done));
	return s;
}

static int domain_counts(struct route_ctx *ctx, int64_t *verified, int64_t *total)
{
	struct page p = { ORG_SCAN_MAX, NULL };
	struct domain *items = NULL;
	size_t n = 0;
	int rc = app_domain_list(ctx->app, ctx->ui.org_id, &p, &items, &n, total);
	*verified = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(items[i].status, "verified"))
			(*verified)++;
		domain_release(&items[i]);
	}
	free(items);
	return rc;
}

static bool directory_on(struct route_ctx *ctx, const char *conn_id, int64_t *users)
{
	struct directory d;
	*users = 0;
	if (app_directory_get(ctx->app, conn_id, &d) != 0) {
		error_clear(); /* never turned on */
		return false;
	}
	bool on = d.enabled;
	*users = d.users_count;
	directory_release(&d);
	return on;
}

static json_t *steps_json(struct route_ctx *ctx, int64_t verified, const struct connection *x)
{
	int64_t users = 0;
	bool dom = verified > 0, conn = x && connection_configured(x);
	bool tested = x && x->tested_at, active = x && !strcmp(x->status, "active");
	bool dir = x && directory_on(ctx, x->id, &users);
	json_t *s = json_object();
	json_object_set_new(s, "domains", step(dom));
	json_object_set_new(s, "connection", step(conn));
	json_object_set_new(s, "test", step(tested));
	json_object_set_new(s, "activate", step(active));
	json_t *d = step(dir);
	json_object_set_new(d, "users_count", json_integer(users));
	json_object_set_new(s, "directory_sync", d);
	const char *current = !dom      ? "domains"
	                      : !conn   ? "connection"
	                      : !tested ? "test"
	                      : !active ? "activate"
	                      : !dir    ? "directory_sync"
	                                : "done";
	json_object_set_new(s, "current", json_string(current));
	return s;
}

/* GET /portal/api/organization */
static int organization(struct route_ctx *ctx)
{
	struct org o;
	struct page p = { ORG_SCAN_MAX, NULL };
	struct connection *items = NULL;
	size_t n = 0;
	int64_t total = 0, verified = 0, domains = 0;
	int rc = app_org_get(ctx->app, ctx->ui.org_id, &o);
	if (rc)
		return rc;
	rc = domain_counts(ctx, &verified, &domains);
	if (rc == 0)
		rc = app_connection_list(ctx->app, ctx->ui.org_id, &p, &items, &n, &total);
	json_t *j = NULL;
	if (rc == 0) {
		const struct connection *x = pick_connection(items, n);
		j = json_object();
		json_object_set_new(j, "object", json_string("portal_organization"));
		json_object_set_new(j, "id", json_string(o.id));
		json_object_set_new(j, "name", json_string(o.name));
		json_object_set_new(j, "slug", o.slug ? json_string(o.slug) : json_null());
		json_object_set_new(j, "domains_count", json_integer(domains));
		json_object_set_new(j, "verified_domains_count", json_integer(verified));
		json_object_set_new(j, "connections_count", json_integer(total));
		json_object_set_new(j, "connection_id", x ? json_string(x->id) : json_null());
		json_object_set_new(j, "steps", steps_json(ctx, verified, x));
	}
	for (size_t i = 0; i < n; i++)
		connection_release(&items[i]);
	free(items);
	org_release(&o);
	return rc ? rc : route_json(ctx, 200, j);
}

/* --- domains --------------------------------------------------------------- */

static int domain_create(struct route_ctx *ctx)
{
	static const char *const allowed[] = { "name", NULL };
	json_t *body = NULL;
	struct domain_input in;
	struct domain d;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = json_field_check_known(body, allowed);
	if (rc == 0)
		rc = domain_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_domain_create(ctx->app, &ctx->actor, ctx->ui.org_id, &in, &d);
	json_decref(body);
	return rc ? rc : routes_domain_reply(ctx, 201, &d);
}

/*
 * PATCH: whether SSO is enforced for this domain (its members must sign in
 * through the organization's active connection) — the one rule of a domain
 * the organization's admin owns; enrollment stays the operator's.
 */
static int domain_update(struct route_ctx *ctx)
{
	static const char *const allowed[] = { "sso_enforced", NULL };
	json_t *body = NULL;
	struct domain_input in;
	struct domain d;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = json_field_check_known(body, allowed);
	if (rc == 0)
		rc = domain_input_from_json(&in, body, false);
	if (rc == 0 && !in.has_sso_enforced)
		rc = json_field_missing("sso_enforced");
	if (rc == 0)
		rc = app_domain_update(ctx->app, &ctx->actor, ctx->ui.org_id,
		                       route_param(ctx, "dom"), &in, &d);
	json_decref(body);
	return rc ? rc : routes_domain_reply(ctx, 200, &d);
}

/* The /v1 handlers, in the session's organization. */
static int domain_list(struct route_ctx *ctx)
{
	return routes_domain_list_in(ctx, ctx->ui.org_id);
}

static int domain_get(struct route_ctx *ctx)
{
	return routes_domain_get_in(ctx, ctx->ui.org_id);
}

static int domain_delete(struct route_ctx *ctx)
{
	return routes_domain_delete_in(ctx, ctx->ui.org_id);
}

/* POST .../domains/{dom}/verify: the real DNS lookup, now. */
static int domain_verify(struct route_ctx *ctx)
{
	return routes_domain_verify_in(ctx, ctx->ui.org_id);
}

/* --- connections ----------------------------------------------------------- */

static int conn_reply(struct route_ctx *ctx, int status, struct connection *x, json_t *warnings)
{
	json_t *j = connection_to_json(x, ctx->app->cfg->public_url);
	connection_release(x);
	if (warnings && json_array_size(warnings))
		json_object_set(j, "warnings", warnings);
	return route_json(ctx, status, j);
}

/*
 * Decodes a create/update body the portal may send; on create the
 * organization is the session's. *body must outlive *in.
 */
static int conn_decode(struct route_ctx *ctx, struct connection_input *in, json_t **body,
                       bool create)
{
	int rc = route_body(ctx, body);
	if (rc == 0)
		rc = check_connection_body(*body);
	if (rc == 0 && create)
		json_object_set_new(*body, "organization_id", json_string(ctx->ui.org_id));
	if (rc == 0)
		rc = connection_input_from_json(in, *body, create);
	return rc ? rc : routes_connection_check_urls(in);
}

static int conn_create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct connection_input in = { 0 };
	struct connection x = { 0 };
	struct saml_setup s = { 0 };
	int rc = conn_decode(ctx, &in, &body, true);
	bool saml = rc == 0 && !strcmp(in.protocol, "saml");
	if (rc == 0 && saml)
		rc = routes_saml_setup_prepare(&s, &in);
	if (rc == 0)
		rc = app_connection_create(ctx->app, &ctx->actor, &in, &x);
	if (rc == 0 && saml)
		rc = routes_connection_sp_keys(ctx, &x);
	connection_input_release(&in);
	json_decref(body);
	if (rc == 0)
		rc = conn_reply(ctx, 201, &x, s.warnings);
	routes_saml_setup_release(&s);
	return rc;
}

static int conn_list(struct route_ctx *ctx)
{
	struct page p;
	struct connection *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_connection_list(ctx->app, ctx->ui.org_id, &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data,
		                      connection_to_json(&items[i], ctx->app->cfg->public_url));
		connection_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int conn_get(struct route_ctx *ctx)
{
	return scoped(ctx, routes_connection_get);
}

static int conn_update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct connection_input in = { 0 };
	struct connection x = { 0 };
	struct saml_setup s = { 0 };
	int rc = own_connection_param(ctx, &x);
	connection_release(&x);
	if (rc == 0)
		rc = conn_decode(ctx, &in, &body, false);
	if (rc == 0 && in.has_saml)
		rc = routes_saml_setup_prepare(&s, &in);
	if (rc == 0)
		rc = app_connection_update(ctx->app, &ctx->actor, route_param(ctx, "conn"), &in,
		                           &x);
	if (rc == 0)
		routes_saml_ctx_evict(x.id);
	connection_input_release(&in);
	json_decref(body);
	if (rc == 0)
		rc = conn_reply(ctx, 200, &x, s.warnings);
	routes_saml_setup_release(&s);
	return rc;
}

static int conn_delete(struct route_ctx *ctx)
{
	return scoped(ctx, routes_connection_delete);
}

/* POST .../refresh_metadata: fetches the IdP metadata URL again (new certificates). */
static int conn_refresh(struct route_ctx *ctx)
{
	return scoped(ctx, routes_connection_refresh_metadata);
}

static int conn_activate(struct route_ctx *ctx)
{
	return scoped(ctx, routes_connection_activate);
}

static int conn_deactivate(struct route_ctx *ctx)
{
	return scoped(ctx, routes_connection_deactivate);
}

/* --- test sign-ins --------------------------------------------------------- */

static int test_create(struct route_ctx *ctx)
{
	return scoped(ctx, routes_test_sign_in_create);
}

static int test_get(struct route_ctx *ctx)
{
	return scoped(ctx, routes_test_sign_in_get);
}

/* --- Directory Sync -------------------------------------------------------- */

static int dir_enable(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_enable);
}

static int dir_status(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_status);
}

static int dir_disable(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_disable);
}

static int dir_rotate(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_rotate);
}

static int dir_users(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_users);
}

static int dir_groups(struct route_ctx *ctx)
{
	return scoped(ctx, routes_directory_groups);
}

/* clang-format off */
const struct route routes_portal_api[] = {
	{ "GET", "/portal/api/organization", organization, AUTH_PORTAL, BODY_NONE, "portal.organization" },
	{ "GET", "/portal/api/domains", domain_list, AUTH_PORTAL, BODY_NONE, "portal.domains.list" },
	{ "POST", "/portal/api/domains", domain_create, AUTH_PORTAL, BODY_SMALL, "portal.domains.create" },
	{ "GET", "/portal/api/domains/{dom}", domain_get, AUTH_PORTAL, BODY_NONE, "portal.domains.get" },
	{ "PATCH", "/portal/api/domains/{dom}", domain_update, AUTH_PORTAL, BODY_SMALL, "portal.domains.update" },
	{ "DELETE", "/portal/api/domains/{dom}", domain_delete, AUTH_PORTAL, BODY_NONE, "portal.domains.delete" },
	{ "POST", "/portal/api/domains/{dom}/verify", domain_verify, AUTH_PORTAL, BODY_SMALL, "portal.domains.verify" },
	{ "GET", "/portal/api/connections", conn_list, AUTH_PORTAL, BODY_NONE, "portal.connections.list" },
	{ "POST", "/portal/api/connections", conn_create, AUTH_PORTAL, BODY_DEFAULT, "portal.connections.create" },
	{ "GET", "/portal/api/connections/{conn}", conn_get, AUTH_PORTAL, BODY_NONE, "portal.connections.get" },
	{ "PATCH", "/portal/api/connections/{conn}", conn_update, AUTH_PORTAL, BODY_DEFAULT, "portal.connections.update" },
	{ "DELETE", "/portal/api/connections/{conn}", conn_delete, AUTH_PORTAL, BODY_NONE, "portal.connections.delete" },
	{ "POST", "/portal/api/connections/{conn}/refresh_metadata", conn_refresh, AUTH_PORTAL, BODY_SMALL, "portal.connections.refresh_metadata" },
	{ "POST", "/portal/api/connections/{conn}/activate", conn_activate, AUTH_PORTAL, BODY_SMALL, "portal.connections.activate" },
	{ "POST", "/portal/api/connections/{conn}/deactivate", conn_deactivate, AUTH_PORTAL, BODY_SMALL, "portal.connections.deactivate" },
	{ "POST", "/portal/api/connections/{conn}/test_sign_ins", test_create, AUTH_PORTAL, BODY_SMALL, "portal.test_sign_ins.create" },
	{ "GET", "/portal/api/connections/{conn}/test_sign_ins/{id}", test_get, AUTH_PORTAL, BODY_NONE, "portal.test_sign_ins.get" },
	{ "POST", "/portal/api/connections/{conn}/directory_sync", dir_enable, AUTH_PORTAL, BODY_SMALL, "portal.directory.enable" },
	{ "GET", "/portal/api/connections/{conn}/directory_sync", dir_status, AUTH_PORTAL, BODY_NONE, "portal.directory.get" },
	{ "DELETE", "/portal/api/connections/{conn}/directory_sync", dir_disable, AUTH_PORTAL, BODY_NONE, "portal.directory.disable" },
	{ "POST", "/portal/api/connections/{conn}/directory_sync/rotate_token", dir_rotate, AUTH_PORTAL, BODY_SMALL, "portal.directory.rotate" },
	{ "GET", "/portal/api/connections/{conn}/directory_users", dir_users, AUTH_PORTAL, BODY_NONE, "portal.directory.users" },
	{ "GET", "/portal/api/connections/{conn}/directory_groups", dir_groups, AUTH_PORTAL, BODY_NONE, "portal.directory.groups" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
