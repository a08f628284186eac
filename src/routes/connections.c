/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/enterprise_connections (+ activate/deactivate, custom attributes) and /v1/sso/lookup. */
#include "base/common.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "base/log.h"
#include "http/client.h"
#include "routes/routes.h"
#include "routes/saml.h"

static int reply(struct route_ctx *ctx, int status, struct connection *x)
{
	json_t *j = connection_to_json(x, ctx->app->cfg->public_url);
	connection_release(x);
	return route_json(ctx, status, j);
}

/* A SAML create/update: with what its metadata said (warnings included when there are some). */
static int reply_saml(struct route_ctx *ctx, int status, struct connection *x,
                      const struct saml_setup *s)
{
	json_t *j = connection_to_json(x, ctx->app->cfg->public_url);
	connection_release(x);
	if (s->warnings && json_array_size(s->warnings))
		json_object_set(j, "warnings", s->warnings);
	return route_json(ctx, status, j);
}

/* A new SAML connection gets its SP key pairs now, so its SP metadata can be pasted at once. */
int routes_connection_sp_keys(struct route_ctx *ctx, struct connection *x)
{
	struct saml_sp_keys k;
	char id[ID_MAX];
	int rc = routes_saml_keys(ctx->app, &ctx->actor, x->id, &k);
	saml_sp_keys_release(&k);
	if (rc) { /* made on first use instead */
		log_warn("SAML SP keys not created", "connection=%s err=\"%s\"", x->id,
		         error_get()->detail);
		error_clear();
		return 0;
	}
	xsnprintf(id, sizeof(id), "%s", x->id);
	connection_release(x);
	return app_connection_get(ctx->app, id, x);
}

/* Customer-supplied URLs are fetched later through the SSRF guard; refuse bad ones now. */
int routes_connection_check_urls(const struct connection_input *in)
{
	const struct {
		const char *field, *url;
	} urls[] = {
		{ "saml.idp_metadata_url", in->saml_idp_metadata_url },
		{ "saml.idp_sso_url", in->saml_idp_sso_url },
		{ "oidc.issuer", in->oidc_issuer },
		{ "oidc.authorization_endpoint", in->oidc_authorization_endpoint },
		{ "oidc.token_endpoint", in->oidc_token_endpoint },
		{ "oidc.jwks_uri", in->oidc_jwks_uri },
		{ "oidc.userinfo_endpoint", in->oidc_userinfo_endpoint },
	};
	for (size_t i = 0; i < ARRAY_SIZE(urls); i++) {
		int rc = urls[i].url && *urls[i].url ? http_client_check_url(urls[i].url) : 0;
		if (rc == ERR_INVALID) {
			error_set_status(422);
			error_add_field(urls[i].field, "invalid_url");
		}
		if (rc)
			return rc; /* ERR_UNAVAILABLE (503) when libcurl cannot be loaded */
	}
	return 0;
}

static int decode(struct route_ctx *ctx, struct connection_input *in, json_t **body, bool create)
{
	int rc = route_body(ctx, body);
	if (rc == 0)
		rc = connection_input_from_json(in, *body, create);
	return rc ? rc : routes_connection_check_urls(in);
}

static int create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct connection_input in = { 0 };
	struct connection x;
	struct saml_setup s = { 0 };
	int rc = decode(ctx, &in, &body, true);
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
		rc = reply_saml(ctx, 201, &x, &s);
	routes_saml_setup_release(&s);
	return rc;
}

static int list(struct route_ctx *ctx)
{
	struct page p;
	struct connection *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_connection_list(ctx->app, http_request_query(ctx->req, "organization_id"),
		                         &p, &items, &n, &total);
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

int routes_connection_get(struct route_ctx *ctx)
{
	struct connection x;
	int rc = app_connection_get(ctx->app, route_param(ctx, "conn"), &x);
	return rc ? rc : reply(ctx, 200, &x);
}

static int update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct connection_input in = { 0 };
	struct connection x;
	struct saml_setup s = { 0 };
	int rc = decode(ctx, &in, &body, false);
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
		rc = reply_saml(ctx, 200, &x, &s);
	routes_saml_setup_release(&s);
	return rc;
}

int routes_connection_delete(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "conn");
	int rc = app_connection_delete(ctx->app, &ctx->actor, id);
	if (rc)
		return rc;
	routes_saml_ctx_evict(id);
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("enterprise_connection"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

int routes_connection_activate(struct route_ctx *ctx)
{
	struct connection x;
	int rc = app_connection_activate(ctx->app, &ctx->actor, route_param(ctx, "conn"), &x);
	return rc ? rc : reply(ctx, 200, &x);
}

int routes_connection_deactivate(struct route_ctx *ctx)
{
	struct connection x;
	int rc = app_connection_deactivate(ctx->app, &ctx->actor, route_param(ctx, "conn"), &x);
	return rc ? rc : reply(ctx, 200, &x);
}

static int attr_reply(struct route_ctx *ctx, int status, struct custom_attribute *t)
{
	json_t *j = custom_attribute_to_json(t);
	custom_attribute_release(t);
	return route_json(ctx, status, j);
}

static int attr_create(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct custom_attribute_input in;
	struct custom_attribute t;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = custom_attribute_input_from_json(&in, body, true);
	if (rc == 0)
		rc = app_attribute_create(ctx->app, &ctx->actor, route_param(ctx, "conn"), &in, &t);
	json_decref(body);
	return rc ? rc : attr_reply(ctx, 201, &t);
}

static int attr_list(struct route_ctx *ctx)
{
	struct custom_attribute *items = NULL;
	size_t n = 0;
	int rc = app_attribute_list(ctx->app, route_param(ctx, "conn"), &items, &n);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, custom_attribute_to_json(&items[i]));
		custom_attribute_release(&items[i]);
	}
	free(items);
	struct page p = { 500, NULL };
	return route_list(ctx, data, (int64_t)n, &p);
}

static int attr_update(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct custom_attribute_input in;
	struct custom_attribute t;
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = custom_attribute_input_from_json(&in, body, false);
	if (rc == 0)
		rc = app_attribute_update(ctx->app, &ctx->actor, route_param(ctx, "conn"),
		                          route_param(ctx, "attr"), &in, &t);
	json_decref(body);
	return rc ? rc : attr_reply(ctx, 200, &t);
}

static int attr_delete(struct route_ctx *ctx)
{
	const char *id = route_param(ctx, "attr");
	int rc = app_attribute_delete(ctx->app, &ctx->actor, route_param(ctx, "conn"), id);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("custom_attribute"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	return route_json(ctx, 200, j);
}

static int sso_lookup(struct route_ctx *ctx)
{
	const char *email = http_request_query(ctx->req, "email");
	if (!email) {
		error_setc(ERR_INVALID, "missing_field",
		           "email is required: /v1/sso/lookup?email=");
		error_set_status(422);
		error_add_field("email", "missing_field");
		return ERR_INVALID;
	}
	struct sso_route r;
	int rc = app_sso_lookup(ctx->app, email, &r);
	if (rc)
		return rc;
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("sso_lookup"));
	json_object_set_new(j, "email", json_string(r.email));
	json_object_set_new(j, "domain", json_string(r.domain));
	json_object_set_new(j, "connection_id",
	                    r.connection_id[0] ? json_string(r.connection_id) : json_null());
	json_object_set_new(j, "organization_id",
	                    r.org_id[0] ? json_string(r.org_id) : json_null());
	json_object_set_new(j, "sso_enforced", json_boolean(r.connection_id[0] && r.sso_enforced));
	return route_json(ctx, 200, j);
}

static int failures(struct route_ctx *ctx)
{
	struct page p;
	struct sign_in_failure *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_sign_in_failure_list(
		        ctx->app, http_request_query(ctx->req, "connection_id"),
		        http_request_query(ctx->req, "organization_id"), &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, app_sign_in_failure_to_json(&items[i]));
		sign_in_failure_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int test_reply(struct route_ctx *ctx, int status, struct test_sign_in *t)
{
	json_t *j = app_test_sign_in_to_json(t, ctx->app->cfg->public_url);
	test_sign_in_release(t);
	return route_json(ctx, status, j);
}

/* Starts a test sign-in: its url is opened by the admin's browser (GET /sso/test/{id}). */
int routes_test_sign_in_create(struct route_ctx *ctx)
{
	struct test_sign_in t;
	int rc = app_test_sign_in_create(ctx->app, &ctx->actor, route_param(ctx, "conn"), &t);
	return rc ? rc : test_reply(ctx, 201, &t);
}

int routes_test_sign_in_get(struct route_ctx *ctx)
{
	struct test_sign_in t;
	int rc = app_test_sign_in_get(ctx->app, route_param(ctx, "conn"), route_param(ctx, "id"),
	                              &t);
	return rc ? rc : test_reply(ctx, 200, &t);
}

/* Newest first: the page after starting_after holds older tests. */
static int test_list(struct route_ctx *ctx)
{
	struct page p;
	struct test_sign_in *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_test_sign_in_list(ctx->app, route_param(ctx, "conn"), &p, &items, &n,
		                           &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(
		        data, app_test_sign_in_to_json(&items[i], ctx->app->cfg->public_url));
		test_sign_in_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

const struct route routes_connections[] = {
	{ "POST", "/v1/enterprise_connections", create, AUTH_SECRET_KEY, BODY_DEFAULT,
	  "connections.create" },
	{ "GET", "/v1/enterprise_connections", list, AUTH_SECRET_KEY, BODY_NONE,
	  "connections.list" },
	{ "GET", "/v1/enterprise_connections/{conn}", routes_connection_get, AUTH_SECRET_KEY,
	  BODY_NONE, "connections.get" },
	{ "PATCH", "/v1/enterprise_connections/{conn}", update, AUTH_SECRET_KEY, BODY_DEFAULT,
	  "connections.update" },
	{ "DELETE", "/v1/enterprise_connections/{conn}", routes_connection_delete, AUTH_SECRET_KEY,
	  BODY_NONE, "connections.delete" },
	{ "POST", "/v1/enterprise_connections/{conn}/activate", routes_connection_activate,
	  AUTH_SECRET_KEY, BODY_SMALL, "connections.activate" },
	{ "POST", "/v1/enterprise_connections/{conn}/deactivate", routes_connection_deactivate,
	  AUTH_SECRET_KEY, BODY_SMALL, "connections.deactivate" },
	{ "POST", "/v1/enterprise_connections/{conn}/test_sign_ins", routes_test_sign_in_create,
	  AUTH_SECRET_KEY, BODY_SMALL, "connections.test_sign_in_create" },
	{ "GET", "/v1/enterprise_connections/{conn}/test_sign_ins", test_list, AUTH_SECRET_KEY,
	  BODY_NONE, "connections.test_sign_in_list" },
	{ "GET", "/v1/enterprise_connections/{conn}/test_sign_ins/{id}", routes_test_sign_in_get,
	  AUTH_SECRET_KEY, BODY_NONE, "connections.test_sign_in_get" },
	{ "POST", "/v1/enterprise_connections/{conn}/custom_attributes", attr_create,
	  AUTH_SECRET_KEY, BODY_SMALL, "attributes.create" },
	{ "GET", "/v1/enterprise_connections/{conn}/custom_attributes", attr_list, AUTH_SECRET_KEY,
	  BODY_NONE, "attributes.list" },
	{ "PATCH", "/v1/enterprise_connections/{conn}/custom_attributes/{attr}", attr_update,
	  AUTH_SECRET_KEY, BODY_SMALL, "attributes.update" },
	{ "DELETE", "/v1/enterprise_connections/{conn}/custom_attributes/{attr}", attr_delete,
	  AUTH_SECRET_KEY, BODY_NONE, "attributes.delete" },
	{ "GET", "/v1/sso/lookup", sso_lookup, AUTH_SECRET_KEY, BODY_NONE, "sso.lookup" },
	{ "GET", "/v1/sign_in_failures", failures, AUTH_SECRET_KEY, BODY_NONE, "sso.failures" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
