/* SPDX-License-Identifier: Apache-2.0 */
/* Enterprise connection and custom attribute codecs and rules (see connection.h). */
#include "base/common.h"

#include "model/connection.h"

#include "base/error.h"
#include "base/json_field.h"

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

bool connection_provider_supports(const char *provider, const char *protocol)
{
	bool saml = !strcmp(protocol, "saml"), oidc = !strcmp(protocol, "oidc"),
	     easie = !strcmp(protocol, "easie");
	if (!strcmp(provider, "custom_saml"))
		return saml;
	if (!strcmp(provider, "custom_oidc"))
		return oidc;
	if (!strcmp(provider, "okta"))
		return saml || oidc;
	if (!strcmp(provider, "google_workspace") || !strcmp(provider, "microsoft_entra_id"))
		return saml || oidc || easie;
	return false;
}

static int decode_saml(struct connection_input *in, json_t *saml)
{
	static const char *const allowed[] = {
		"idp_metadata_url",
		"idp_metadata_xml",
		"idp_entity_id",
		"idp_sso_url",
		"idp_certificates",
		"sign_authn_requests",
		"want_encrypted_assertions",
		"allow_sha1",
		"require_signed_response",
		NULL,
	};
	if (!json_is_object(saml))
		return invalid("saml", "invalid_type", "saml must be an object");
	int rc = json_field_check_known(saml, allowed);
	if (!rc)
		rc = json_field_string(saml, "idp_metadata_url", MODEL_URL_MAX,
		                       &in->saml_idp_metadata_url, &in->has_metadata_url);
	if (!rc)
		rc = json_field_string(saml, "idp_metadata_xml", CONNECTION_METADATA_MAX,
		                       &in->saml_idp_metadata_xml, &in->has_metadata_xml);
	if (!rc)
		rc = json_field_string(saml, "idp_entity_id", 1024, &in->saml_idp_entity_id,
		                       &in->has_entity_id);
	if (!rc)
		rc = json_field_string(saml, "idp_sso_url", MODEL_URL_MAX, &in->saml_idp_sso_url,
		                       &in->has_sso_url);
	if (!rc)
		rc = json_field_string_array(saml, "idp_certificates", CONNECTION_MAX_CERTS,
		                             CONNECTION_CERT_MAX, &in->saml_idp_certificates,
		                             &in->ncerts, &in->has_certs);
	if (!rc)
		rc = json_field_bool(saml, "sign_authn_requests", &in->saml_sign_authn_requests,
		                     &in->has_sign_authn_requests);
	if (!rc)
		rc = json_field_bool(saml, "want_encrypted_assertions",
		                     &in->saml_want_encrypted_assertions,
		                     &in->has_want_encrypted_assertions);
	if (!rc)
		rc = json_field_bool(saml, "allow_sha1", &in->saml_allow_sha1, &in->has_allow_sha1);
	if (!rc)
		rc = json_field_bool(saml, "require_signed_response",
		                     &in->saml_require_signed_response,
		                     &in->has_require_signed_response);
	for (size_t i = 0; rc == 0 && i < in->ncerts; i++)
		if (!strstr(in->saml_idp_certificates[i], "-----BEGIN CERTIFICATE-----"))
			rc = invalid(
			        "idp_certificates", "invalid_certificate",
			        "idp_certificates must hold PEM certificates (-----BEGIN CERTIFICATE-----)");
	if (rc)
		error_prefix_fields("saml.");
	return rc;
}

static int decode_oidc(struct connection_input *in, json_t *oidc)
{
	static const char *const allowed[] = {
		"issuer",
		"client_id",
		"client_secret",
		"scopes",
		"authorization_endpoint",
		"token_endpoint",
		"jwks_uri",
		"userinfo_endpoint",
		"require_email_verified",
		NULL,
	};
	if (!json_is_object(oidc))
		return invalid("oidc", "invalid_type", "oidc must be an object");
	int rc = json_field_check_known(oidc, allowed);
	struct {
		const char *key;
		size_t max;
		const char **out;
		bool *has;
	} strs[] = {
		{ "issuer", MODEL_URL_MAX, &in->oidc_issuer, &in->has_issuer },
		{ "client_id", 512, &in->oidc_client_id, &in->has_client_id },
		{ "client_secret", 1024, &in->oidc_client_secret, &in->has_client_secret },
		{ "scopes", 512, &in->oidc_scopes, &in->has_scopes },
		{ "authorization_endpoint", MODEL_URL_MAX, &in->oidc_authorization_endpoint,
		  &in->has_authorization_endpoint },
		{ "token_endpoint", MODEL_URL_MAX, &in->oidc_token_endpoint,
		  &in->has_token_endpoint },
		{ "jwks_uri", MODEL_URL_MAX, &in->oidc_jwks_uri, &in->has_jwks_uri },
		{ "userinfo_endpoint", MODEL_URL_MAX, &in->oidc_userinfo_endpoint,
		  &in->has_userinfo_endpoint },
	};
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(strs); i++)
		rc = json_field_string(oidc, strs[i].key, strs[i].max, strs[i].out, strs[i].has);
	if (!rc)
		rc = json_field_bool(oidc, "require_email_verified",
		                     &in->oidc_require_email_verified,
		                     &in->has_require_email_verified);
	if (!rc && in->oidc_scopes && !strstr(in->oidc_scopes, "openid"))
		rc = invalid("scopes", "invalid_scopes", "scopes must include openid");
	if (rc)
		error_prefix_fields("oidc.");
	return rc;
}

int connection_input_from_json(struct connection_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "organization_id",
		                               "name",
		                               "protocol",
		                               "provider",
		                               "domains",
		                               "default_role",
		                               "allow_idp_initiated",
		                               "saml",
		                               "oidc",
		                               "easie_tenant",
		                               NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "organization_id", ID_MAX, &out->organization_id,
		                       &out->has_organization_id);
	if (!rc)
		rc = json_field_string(body, "name", MODEL_NAME_MAX, &out->name, &out->has_name);
	if (!rc)
		rc = json_field_string(body, "protocol", 16, &out->protocol, &out->has_protocol);
	if (!rc)
		rc = json_field_string(body, "provider", 32, &out->provider, &out->has_provider);
	if (!rc)
		rc = json_field_string_array(body, "domains", CONNECTION_MAX_DOMAINS, 253,
		                             &out->domains, &out->ndomains, &out->has_domains);
	if (!rc)
		rc = json_field_string(body, "default_role", MODEL_ROLE_KEY_MAX, &out->default_role,
		                       &out->has_default_role);
	if (!rc)
		rc = json_field_bool(body, "allow_idp_initiated", &out->allow_idp_initiated,
		                     &out->has_allow_idp_initiated);
	if (!rc)
		rc = json_field_string(body, "easie_tenant", 256, &out->easie_tenant,
		                       &out->has_easie_tenant);
	json_t *saml = json_object_get(body, "saml"), *oidc = json_object_get(body, "oidc");
	out->has_saml = saml != NULL;
	out->has_oidc = oidc != NULL;
	if (!rc && saml)
		rc = decode_saml(out, saml);
	if (!rc && oidc)
		rc = decode_oidc(out, oidc);
	if (rc)
		return rc;
	if (create && !out->has_organization_id)
		return json_field_missing("organization_id");
	if (create && !out->has_protocol)
		return json_field_missing("protocol");
	if (create && !out->has_provider)
		return json_field_missing("provider");
	if (!create && out->has_protocol)
		return invalid(
		        "protocol", "immutable",
		        "a connection's protocol cannot be changed; create a new connection");
	if (out->has_organization_id && !out->organization_id)
		return invalid("organization_id", "invalid",
		               "organization_id must be an organization id");
	if (out->has_protocol && (!out->protocol || (strcmp(out->protocol, "saml") != 0 &&
	                                             strcmp(out->protocol, "oidc") != 0 &&
	                                             strcmp(out->protocol, "easie") != 0)))
		return invalid("protocol", "invalid_protocol",
		               "protocol must be saml, oidc or easie");
	if (out->has_provider &&
	    (!out->provider || (!connection_provider_supports(out->provider, "saml") &&
	                        !connection_provider_supports(out->provider, "oidc"))))
		return invalid(
		        "provider", "invalid_provider",
		        "provider must be okta, google_workspace, microsoft_entra_id, custom_saml or custom_oidc");
	if (create && !connection_provider_supports(out->provider, out->protocol))
		return invalid(
		        "provider", "provider_protocol_mismatch",
		        "this provider does not offer that protocol (custom_saml is SAML, custom_oidc is OIDC)");
	if (out->has_default_role && out->default_role &&
	    !model_role_key_is_valid(out->default_role))
		return invalid("default_role", "invalid_role",
		               "default_role must be a role key like org:member");
	return 0;
}

void connection_input_release(struct connection_input *in)
{
	free(in->domains);
	free(in->saml_idp_certificates);
	memset(in, 0, sizeof(*in));
}

void connection_release(struct connection *c)
{
	char **strs[] = { &c->name,
		          &c->protocol,
		          &c->provider,
		          &c->status,
		          &c->default_role,
		          &c->saml_idp_metadata_url,
		          &c->saml_idp_metadata_xml,
		          &c->saml_idp_entity_id,
		          &c->saml_idp_sso_url,
		          &c->saml_idp_certificates,
		          &c->saml_sp_signing_cert,
		          &c->saml_sp_encryption_cert,
		          &c->oidc_issuer,
		          &c->oidc_client_id,
		          &c->oidc_scopes,
		          &c->oidc_authorization_endpoint,
		          &c->oidc_token_endpoint,
		          &c->oidc_jwks_uri,
		          &c->oidc_userinfo_endpoint,
		          &c->easie_tenant };
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		free(*strs[i]);
	for (size_t i = 0; i < c->ndomains; i++)
		free(c->domains[i]);
	free(c->domains);
	memset(c, 0, sizeof(*c));
}

static json_t *saml_json(const struct connection *c, const char *public_url)
{
	json_t *s = json_object();
	model_json_str(s, "idp_metadata_url", c->saml_idp_metadata_url);
	json_object_set_new(s, "has_idp_metadata_xml",
	                    json_boolean(c->saml_idp_metadata_xml != NULL));
	model_json_str(s, "idp_entity_id", c->saml_idp_entity_id);
	model_json_str(s, "idp_sso_url", c->saml_idp_sso_url);
	json_t *certs =
	        json_loads(c->saml_idp_certificates ? c->saml_idp_certificates : "[]", 0, NULL);
	json_object_set_new(s, "idp_certificates", certs ? certs : json_array());
	char *entity = xasprintf("%s/saml/%s", public_url, c->id);
	char *acs = xasprintf("%s/saml/%s/acs", public_url, c->id);
	char *meta = xasprintf("%s/saml/%s/metadata", public_url, c->id);
	json_object_set_new(s, "sp_entity_id", json_string(entity));
	json_object_set_new(s, "acs_url", json_string(acs));
	json_object_set_new(s, "sp_metadata_url", json_string(meta));
	free(entity);
	free(acs);
	free(meta);
	json_object_set_new(s, "sign_authn_requests", json_boolean(c->saml_sign_authn_requests));
	json_object_set_new(s, "want_encrypted_assertions",
	                    json_boolean(c->saml_want_encrypted_assertions));
	json_object_set_new(s, "allow_sha1", json_boolean(c->saml_allow_sha1));
	json_object_set_new(s, "require_signed_response",
	                    json_boolean(c->saml_require_signed_response));
	return s;
}

static json_t *oidc_json(const struct connection *c, const char *public_url)
{
	json_t *o = json_object();
	model_json_str(o, "issuer", c->oidc_issuer);
	model_json_str(o, "client_id", c->oidc_client_id);
	json_object_set_new(o, "has_client_secret", json_boolean(c->oidc_has_client_secret));
	model_json_str(o, "scopes", c->oidc_scopes);
	model_json_str(o, "authorization_endpoint", c->oidc_authorization_endpoint);
	model_json_str(o, "token_endpoint", c->oidc_token_endpoint);
	model_json_str(o, "jwks_uri", c->oidc_jwks_uri);
	model_json_str(o, "userinfo_endpoint", c->oidc_userinfo_endpoint);
	json_object_set_new(o, "require_email_verified",
	                    json_boolean(c->oidc_require_email_verified));
	char *redirect = xasprintf("%s/oidc/%s/callback", public_url, c->id);
	json_object_set_new(o, "redirect_uri", json_string(redirect));
	free(redirect);
	return o;
}

json_t *connection_to_json(const struct connection *c, const char *public_url)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("enterprise_connection"));
	json_object_set_new(j, "id", json_string(c->id));
	json_object_set_new(j, "organization_id", json_string(c->org_id));
	json_object_set_new(j, "name", json_string(c->name));
	json_object_set_new(j, "protocol", json_string(c->protocol));
	json_object_set_new(j, "provider", json_string(c->provider));
	json_object_set_new(j, "status", json_string(c->status));
	json_t *d = json_array();
	for (size_t i = 0; i < c->ndomains; i++)
		json_array_append_new(d, json_string(c->domains[i]));
	json_object_set_new(j, "domains", d);
	model_json_str(j, "default_role", c->default_role);
	json_object_set_new(j, "allow_idp_initiated", json_boolean(c->allow_idp_initiated));
	if (!strcmp(c->protocol, "saml"))
		json_object_set_new(j, "saml", saml_json(c, public_url));
	else
		json_object_set_new(j, "oidc", oidc_json(c, public_url));
	if (!strcmp(c->protocol, "easie"))
		model_json_str(j, "easie_tenant", c->easie_tenant);
	model_json_time(j, "tested_at", c->tested_at);
	model_json_time(j, "activated_at", c->activated_at);
	model_json_time(j, "created_at", c->created_at);
	model_json_time(j, "updated_at", c->updated_at);
	return j;
}

static bool attr_name_ok(const char *s)
{
	return s && *s && strlen(s) <= 512;
}

int custom_attribute_input_from_json(struct custom_attribute_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "key",          "saml_attribute",
		                               "oidc_claim",   "scim_attribute",
		                               "multi_valued", NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "key", 128, &out->key, &out->has_key);
	if (!rc)
		rc = json_field_string(body, "saml_attribute", 512, &out->saml_attribute,
		                       &out->has_saml_attribute);
	if (!rc)
		rc = json_field_string(body, "oidc_claim", 512, &out->oidc_claim,
		                       &out->has_oidc_claim);
	if (!rc)
		rc = json_field_string(body, "scim_attribute", 512, &out->scim_attribute,
		                       &out->has_scim_attribute);
	if (!rc)
		rc = json_field_bool(body, "multi_valued", &out->multi_valued,
		                     &out->has_multi_valued);
	if (rc)
		return rc;
	if (create && !out->has_key)
		return json_field_missing("key");
	if (out->has_key) {
		const char *k = out->key;
		bool ok = k && *k;
		for (; ok && *k; k++)
			ok = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
			     (*k >= '0' && *k <= '9') || *k == '_' || *k == '-' || *k == '.';
		if (!ok)
			return invalid("key", "invalid_key",
			               "key must be 1-128 of letters, digits, '_', '-' or '.'");
	}
	if (create && !attr_name_ok(out->saml_attribute) && !attr_name_ok(out->oidc_claim) &&
	    !attr_name_ok(out->scim_attribute))
		return invalid(
		        "saml_attribute", "no_source",
		        "name at least one source: saml_attribute, oidc_claim or scim_attribute");
	return 0;
}

void custom_attribute_release(struct custom_attribute *a)
{
	free(a->key);
	free(a->saml_attribute);
	free(a->oidc_claim);
	free(a->scim_attribute);
	memset(a, 0, sizeof(*a));
}

json_t *custom_attribute_to_json(const struct custom_attribute *a)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("custom_attribute"));
	json_object_set_new(j, "id", json_string(a->id));
	json_object_set_new(j, "connection_id", json_string(a->connection_id));
	json_object_set_new(j, "key", json_string(a->key));
	model_json_str(j, "saml_attribute", a->saml_attribute);
	model_json_str(j, "oidc_claim", a->oidc_claim);
	model_json_str(j, "scim_attribute", a->scim_attribute);
	json_object_set_new(j, "multi_valued", json_boolean(a->multi_valued));
	model_json_time(j, "created_at", a->created_at);
	model_json_time(j, "updated_at", a->updated_at);
	return j;
}
