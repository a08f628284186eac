/* SPDX-License-Identifier: Apache-2.0 */
/* Enterprise connections (see connection.h). */
#include "base/common.h"

#include "app/connection.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/connection.h"
#include "store/domain.h"
#include "store/org.h"
#include "store/role.h"

struct conn_op {
	const struct actor *who;
	const char *id, *attr_id, *org;
	const struct connection_input *in;
	const struct custom_attribute_input *ain;
	struct connection *out;
	struct custom_attribute *aout;
	const struct page *page;
	void *items;
	size_t *count;
	int64_t *total;
	struct sso_route *route;
	const char *email;
	char *sealed_secret; /* OIDC client secret sealed before the transaction */
};

/* A 422 naming the field. */
static int unprocessable(const char *field, const char *code, const char *fmt, ...)
        PRINTF_LIKE(3, 4);
static int unprocessable(const char *field, const char *code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_setc(ERR_INVALID, code, "%s", msg);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct connection *x, const char *event)
{
	json_t *j = connection_to_json(x, "");
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "enterprise_connection", x->id, x->org_id, data, event };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static void set_str(char **dst, const char *v, bool has)
{
	if (!has)
		return;
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

/* The covered domains: each must be a domain of the connection's organization. */
static int apply_domains(struct db_conn *c, struct connection *x, const struct connection_input *in)
{
	size_t n = in->has_domains ? in->ndomains : 0;
	char(*ids)[ID_MAX] = xcalloc(n + 1, ID_MAX);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *norm = NULL;
		struct domain d = { 0 };
		rc = model_domain_normalize(&norm, in->domains[i]);
		if (rc == 0)
			rc = store_domain_get(c, x->org_id, norm, &d);
		if (rc == ERR_NOT_FOUND || rc == ERR_INVALID)
			rc = unprocessable(
			        "domains", "domain_not_in_organization",
			        "%.200s is not a domain of the connection's organization; add it under /v1/organizations/{org}/domains first",
			        in->domains[i]);
		if (rc == 0)
			xsnprintf(ids[i], ID_MAX, "%s", d.id);
		domain_release(&d);
		free(norm);
	}
	if (rc == 0)
		rc = store_connection_set_domains(c, x->id, ids, n);
	free(ids);
	return rc;
}

static void apply_saml(struct connection *x, const struct connection_input *in)
{
	set_str(&x->saml_idp_metadata_url, in->saml_idp_metadata_url, in->has_metadata_url);
	set_str(&x->saml_idp_metadata_xml, in->saml_idp_metadata_xml, in->has_metadata_xml);
	set_str(&x->saml_idp_entity_id, in->saml_idp_entity_id, in->has_entity_id);
	set_str(&x->saml_idp_sso_url, in->saml_idp_sso_url, in->has_sso_url);
	if (in->has_certs) {
		json_t *arr = json_array();
		for (size_t i = 0; i < in->ncerts; i++)
			json_array_append_new(arr, json_string(in->saml_idp_certificates[i]));
		free(x->saml_idp_certificates);
		x->saml_idp_certificates = model_json_text(arr);
		json_decref(arr);
	}
	if (in->has_sign_authn_requests)
		x->saml_sign_authn_requests = in->saml_sign_authn_requests;
	if (in->has_want_encrypted_assertions)
		x->saml_want_encrypted_assertions = in->saml_want_encrypted_assertions;
	if (in->has_allow_sha1)
		x->saml_allow_sha1 = in->saml_allow_sha1;
	if (in->has_require_signed_response)
		x->saml_require_signed_response = in->saml_require_signed_response;
}

static void apply_oidc(struct connection *x, const struct connection_input *in)
{
	set_str(&x->oidc_issuer, in->oidc_issuer, in->has_issuer);
	set_str(&x->oidc_client_id, in->oidc_client_id, in->has_client_id);
	set_str(&x->oidc_scopes, in->oidc_scopes, in->has_scopes);
	set_str(&x->oidc_authorization_endpoint, in->oidc_authorization_endpoint,
	        in->has_authorization_endpoint);
	set_str(&x->oidc_token_endpoint, in->oidc_token_endpoint, in->has_token_endpoint);
	set_str(&x->oidc_jwks_uri, in->oidc_jwks_uri, in->has_jwks_uri);
	set_str(&x->oidc_userinfo_endpoint, in->oidc_userinfo_endpoint, in->has_userinfo_endpoint);
	if (in->has_require_email_verified)
		x->oidc_require_email_verified = in->oidc_require_email_verified;
	if (in->has_client_secret)
		x->oidc_has_client_secret = in->oidc_client_secret && *in->oidc_client_secret;
}

static int apply(struct db_conn *c, struct connection *x, const struct connection_input *in)
{
	bool saml = !strcmp(x->protocol, "saml");
	if (in->has_saml && !saml)
		return unprocessable("saml", "wrong_protocol",
		                     "%s connections take no saml settings", x->protocol);
	if (in->has_oidc && saml)
		return unprocessable("oidc", "wrong_protocol",
		                     "%s connections take no oidc settings", x->protocol);
	if (in->has_provider && !connection_provider_supports(in->provider, x->protocol))
		return unprocessable("provider", "provider_protocol_mismatch",
		                     "this provider does not offer %s", x->protocol);
	int known = in->has_default_role && in->default_role
	                    ? store_role_exists(c, in->default_role)
	                    : 1;
	if (known < 0)
		return known;
	if (!known)
		return unprocessable("default_role", "unknown_role",
		                     "default_role %.80s is not a role", in->default_role);
	set_str(&x->name, in->name, in->has_name);
	set_str(&x->provider, in->provider, in->has_provider);
	set_str(&x->default_role, in->default_role, in->has_default_role);
	set_str(&x->easie_tenant, in->easie_tenant, in->has_easie_tenant);
	if (in->has_allow_idp_initiated)
		x->allow_idp_initiated = in->allow_idp_initiated;
	apply_saml(x, in);
	apply_oidc(x, in);
	return 0;
}

static int resolve_org(struct db_conn *c, const char *key, char out[ID_MAX])
{
	struct org o = { 0 };
	int rc = store_org_get(c, key, &o);
	if (rc == 0)
		xsnprintf(out, ID_MAX, "%s", o.id);
	org_release(&o);
	return rc;
}

static int reload(struct db_conn *c, struct connection *x)
{
	char id[ID_MAX];
	xsnprintf(id, sizeof(id), "%s", x->id);
	connection_release(x);
	return store_connection_get(c, id, x);
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection *x = op->out;
	const struct connection_input *in = op->in;
	connection_release(x);
	int rc = resolve_org(c, in->organization_id, x->org_id);
	if (rc == ERR_NOT_FOUND)
		return unprocessable("organization_id", "organization_not_found",
		                     "no organization %.80s", in->organization_id);
	if (rc)
		return rc;
	id_new(x->id, "conn");
	x->protocol = xstrdup(in->protocol);
	x->provider = xstrdup(in->provider);
	x->status = xstrdup("draft");
	x->name = xasprintf("%s %s", in->provider, in->protocol);
	x->oidc_require_email_verified = true;
	x->saml_idp_certificates = xstrdup("[]");
	x->created_at = x->updated_at = clock_now();
	rc = apply(c, x, in);
	struct connection_secrets sec = { .oidc_client_secret = op->sealed_secret };
	if (rc == 0)
		rc = store_connection_insert(c, x, &sec);
	if (rc == 0)
		rc = apply_domains(c, x, in);
	if (rc == 0)
		rc = reload(c, x);
	return rc ? rc : record(c, op->who, "enterprise_connection.created", x, NULL);
}

static char *seal_secret(struct app *a, const struct connection_input *in)
{
	if (!in->has_client_secret || !in->oidc_client_secret || !*in->oidc_client_secret)
		return NULL;
	return crypto_seal(a->seal_key, in->oidc_client_secret);
}

int app_connection_create(struct app *a, const struct actor *who, const struct connection_input *in,
                          struct connection *out)
{
	struct conn_op op = {
		.who = who, .in = in, .out = out, .sealed_secret = seal_secret(a, in)
	};
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, create_tx, &op);
	free(op.sealed_secret);
	if (rc)
		connection_release(out);
	return rc;
}

/* Leaving active status when the connection can no longer sign anyone in. */
static int demote_if_uncovered(struct db_conn *c, const struct actor *who, struct connection *x)
{
	if (strcmp(x->status, "active") != 0)
		return 0;
	int64_t verified = store_connection_verified_domains(c, x->id);
	if (verified < 0)
		return (int)verified;
	if (verified > 0)
		return 0;
	free(x->status);
	x->status = xstrdup("inactive");
	int rc = store_connection_update(c, x, NULL);
	return rc ? rc
	          : record(c, who, "enterprise_connection.deactivated", x,
	                   "enterprise_connection.deactivated");
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection *x = op->out;
	const struct connection_input *in = op->in;
	connection_release(x);
	int rc = store_connection_get(c, op->id, x);
	if (rc)
		return rc;
	bool moved = false;
	if (in->has_organization_id) {
		char org[ID_MAX];
		rc = resolve_org(c, in->organization_id, org);
		if (rc == ERR_NOT_FOUND)
			return unprocessable("organization_id", "organization_not_found",
			                     "no organization %.80s", in->organization_id);
		if (rc)
			return rc;
		moved = strcmp(org, x->org_id) != 0;
		xsnprintf(x->org_id, sizeof(x->org_id), "%s", org);
	}
	rc = apply(c, x, in);
	if (rc)
		return rc;
	x->updated_at = clock_now();
	struct connection_secrets sec = { .oidc_client_secret = op->sealed_secret };
	rc = store_connection_update(c, x, &sec);
	/* a move drops the old organization's domains unless new ones are given */
	if (rc == 0 && (in->has_domains || moved))
		rc = apply_domains(c, x, in);
	if (rc == 0)
		rc = reload(c, x);
	if (rc == 0)
		rc = record(c, op->who,
		            moved ? "enterprise_connection.moved" : "enterprise_connection.updated",
		            x, NULL);
	return rc ? rc : demote_if_uncovered(c, op->who, x);
}

int app_connection_update(struct app *a, const struct actor *who, const char *id,
                          const struct connection_input *in, struct connection *out)
{
	struct conn_op op = {
		.who = who, .id = id, .in = in, .out = out, .sealed_secret = seal_secret(a, in)
	};
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	free(op.sealed_secret);
	if (rc)
		connection_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->id, &x);
	if (rc == 0)
		rc = record(c, op->who, "enterprise_connection.deleted", &x, NULL);
	if (rc == 0)
		rc = store_connection_delete(c, op->id);
	connection_release(&x);
	return rc;
}

int app_connection_delete(struct app *a, const struct actor *who, const char *id)
{
	struct conn_op op = { .who = who, .id = id };
	return app_write(a, delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	connection_release(op->out);
	return store_connection_get(c, op->id, op->out);
}

int app_connection_get(struct app *a, const char *id, struct connection *out)
{
	struct conn_op op = { .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	char org[ID_MAX] = "";
	if (op->org && *op->org) {
		int rc = resolve_org(c, op->org, org);
		if (rc)
			return rc;
	}
	return store_connection_list(c, org[0] ? org : NULL, op->page->starting_after,
	                             op->page->limit, op->items, op->count, op->total);
}

int app_connection_list(struct app *a, const char *org_id, const struct page *p,
                        struct connection **items, size_t *count, int64_t *total)
{
	struct conn_op op = {
		.org = org_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, list_tx, &op);
}

/* The IdP settings a sign-in needs are present. */
static bool is_complete(const struct connection *x)
{
	if (!strcmp(x->protocol, "saml"))
		return x->saml_idp_entity_id && x->saml_idp_sso_url && x->saml_idp_certificates &&
		       strcmp(x->saml_idp_certificates, "[]") != 0;
	if (!strcmp(x->protocol, "oidc"))
		return x->oidc_client_id && x->oidc_has_client_secret &&
		       (x->oidc_issuer || (x->oidc_authorization_endpoint &&
		                           x->oidc_token_endpoint && x->oidc_jwks_uri));
	return x->oidc_client_id && x->oidc_has_client_secret && x->easie_tenant;
}

static int activate_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection *x = op->out;
	connection_release(x);
	int rc = store_connection_get(c, op->id, x);
	if (rc)
		return rc;
	if (!strcmp(x->status, "active"))
		return 0;
	if (!x->tested_at)
		return error_setc(
		        ERR_CONFLICT, "connection_not_tested",
		        "run a test sign-in that succeeds before activating (POST .../test_sign_ins)");
	if (!is_complete(x))
		return error_setc(ERR_CONFLICT, "connection_incomplete",
		                  "the IdP settings are incomplete for %s", x->protocol);
	int64_t verified = store_connection_verified_domains(c, x->id);
	if (verified < 0)
		return (int)verified;
	if (verified == 0)
		return error_setc(
		        ERR_CONFLICT, "no_verified_domain",
		        "the connection must cover at least one verified domain of its organization");
	char other[ID_MAX], dom[256];
	rc = store_connection_overlap(c, x->id, other, dom);
	if (rc)
		return rc;
	if (other[0])
		return error_setc(
		        ERR_CONFLICT, "domain_has_active_connection",
		        "%s is already served by the active connection %s; deactivate it first",
		        dom, other);
	free(x->status);
	x->status = xstrdup("active");
	x->activated_at = x->updated_at = clock_now();
	rc = store_connection_update(c, x, NULL);
	return rc ? rc
	          : record(c, op->who, "enterprise_connection.activated", x,
	                   "enterprise_connection.activated");
}

int app_connection_activate(struct app *a, const struct actor *who, const char *id,
                            struct connection *out)
{
	struct conn_op op = { .who = who, .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, activate_tx, &op);
	if (rc)
		connection_release(out);
	return rc;
}

static int deactivate_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection *x = op->out;
	connection_release(x);
	int rc = store_connection_get(c, op->id, x);
	if (rc || strcmp(x->status, "active") != 0)
		return rc;
	free(x->status);
	x->status = xstrdup("inactive");
	x->updated_at = clock_now();
	rc = store_connection_update(c, x, NULL);
	return rc ? rc
	          : record(c, op->who, "enterprise_connection.deactivated", x,
	                   "enterprise_connection.deactivated");
}

int app_connection_deactivate(struct app *a, const struct actor *who, const char *id,
                              struct connection *out)
{
	struct conn_op op = { .who = who, .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, deactivate_tx, &op);
	if (rc)
		connection_release(out);
	return rc;
}

static int tested_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->id, &x);
	if (rc == 0) {
		x.tested_at = x.updated_at = clock_now();
		if (!strcmp(x.status, "draft")) {
			free(x.status);
			x.status = xstrdup("tested");
		}
		rc = store_connection_update(c, &x, NULL);
	}
	if (rc == 0)
		rc = record(c, op->who, "enterprise_connection.tested", &x, NULL);
	connection_release(&x);
	return rc;
}

int app_connection_mark_tested(struct app *a, const struct actor *who, const char *id)
{
	struct conn_op op = { .who = who, .id = id };
	return app_write(a, tested_tx, &op);
}

static int attr_record(struct db_conn *c, const struct actor *who, const char *action,
                       const struct custom_attribute *attr)
{
	json_t *j = custom_attribute_to_json(attr);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "custom_attribute", attr->id, NULL, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static void attr_apply(struct custom_attribute *t, const struct custom_attribute_input *in)
{
	set_str(&t->key, in->key, in->has_key);
	set_str(&t->saml_attribute, in->saml_attribute, in->has_saml_attribute);
	set_str(&t->oidc_claim, in->oidc_claim, in->has_oidc_claim);
	set_str(&t->scim_attribute, in->scim_attribute, in->has_scim_attribute);
	if (in->has_multi_valued)
		t->multi_valued = in->multi_valued;
}

static int attr_create_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->id, &x);
	connection_release(&x);
	if (rc)
		return rc;
	struct custom_attribute *t = op->aout;
	custom_attribute_release(t);
	id_new(t->id, "attr");
	xsnprintf(t->connection_id, sizeof(t->connection_id), "%s", op->id);
	attr_apply(t, op->ain);
	t->created_at = t->updated_at = clock_now();
	rc = store_attribute_insert(c, t);
	if (rc == ERR_CONFLICT)
		return error_setc(ERR_CONFLICT, "key_taken",
		                  "this connection already maps public_metadata key %s", t->key);
	return rc ? rc : attr_record(c, op->who, "custom_attribute.created", t);
}

int app_attribute_create(struct app *a, const struct actor *who, const char *conn_id,
                         const struct custom_attribute_input *in, struct custom_attribute *out)
{
	struct conn_op op = { .who = who, .id = conn_id, .ain = in, .aout = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, attr_create_tx, &op);
	if (rc)
		custom_attribute_release(out);
	return rc;
}

static int attr_update_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	custom_attribute_release(op->aout);
	int rc = store_attribute_get(c, op->id, op->attr_id, op->aout);
	if (rc)
		return rc;
	attr_apply(op->aout, op->ain);
	op->aout->updated_at = clock_now();
	rc = store_attribute_update(c, op->aout);
	if (rc == ERR_CONFLICT)
		return error_setc(ERR_CONFLICT, "key_taken",
		                  "this connection already maps public_metadata key %s",
		                  op->aout->key);
	return rc ? rc : attr_record(c, op->who, "custom_attribute.updated", op->aout);
}

int app_attribute_update(struct app *a, const struct actor *who, const char *conn_id,
                         const char *id, const struct custom_attribute_input *in,
                         struct custom_attribute *out)
{
	struct conn_op op = { .who = who, .id = conn_id, .attr_id = id, .ain = in, .aout = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, attr_update_tx, &op);
	if (rc)
		custom_attribute_release(out);
	return rc;
}

static int attr_delete_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct custom_attribute t = { 0 };
	int rc = store_attribute_get(c, op->id, op->attr_id, &t);
	if (rc == 0)
		rc = attr_record(c, op->who, "custom_attribute.deleted", &t);
	if (rc == 0)
		rc = store_attribute_delete(c, op->id, op->attr_id);
	custom_attribute_release(&t);
	return rc;
}

int app_attribute_delete(struct app *a, const struct actor *who, const char *conn_id,
                         const char *id)
{
	struct conn_op op = { .who = who, .id = conn_id, .attr_id = id };
	return app_write(a, attr_delete_tx, &op);
}

static int attr_list_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	struct connection x = { 0 };
	int rc = store_connection_get(c, op->id, &x);
	connection_release(&x);
	return rc ? rc : store_attribute_list(c, op->id, op->items, op->count);
}

int app_attribute_list(struct app *a, const char *conn_id, struct custom_attribute **items,
                       size_t *count)
{
	struct conn_op op = { .id = conn_id, .items = items, .count = count };
	return app_read(a, attr_list_tx, &op);
}

static int lookup_tx(struct db_conn *c, void *payload)
{
	struct conn_op *op = payload;
	return store_connection_for_domain(c, op->route->domain, op->route->connection_id,
	                                   op->route->org_id, &op->route->sso_enforced);
}

int app_sso_lookup(struct app *a, const char *email, struct sso_route *out)
{
	char *norm = NULL;
	memset(out, 0, sizeof(*out));
	int rc = model_email_normalize(&norm, email);
	if (rc) {
		error_set_status(422);
		error_add_field("email", "invalid_email");
		return rc;
	}
	xsnprintf(out->email, sizeof(out->email), "%s", norm);
	xsnprintf(out->domain, sizeof(out->domain), "%s", strrchr(norm, '@') + 1);
	free(norm);
	struct conn_op op = { .route = out };
	return app_read(a, lookup_tx, &op);
}
