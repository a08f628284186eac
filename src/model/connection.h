/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enterprise connections: one organization's IdP, by protocol (saml, oidc,
 * easie) and provider preset. Status: draft → tested (a test sign-in passed)
 * → active ↔ inactive; only an active connection signs real users in.
 * Custom attributes map IdP attributes/claims/SCIM paths to public_metadata keys.
 */
#ifndef GATEHOUSE_MODEL_CONNECTION_H
#define GATEHOUSE_MODEL_CONNECTION_H

#include "base/id.h"
#include "model/model.h"

#define CONNECTION_MAX_CERTS    5
#define CONNECTION_MAX_DOMAINS  50
#define CONNECTION_CERT_MAX     16384
#define CONNECTION_METADATA_MAX (1024 * 1024)

struct connection {
	char id[ID_MAX];
	char org_id[ID_MAX];
	char *name, *protocol, *provider, *status, *default_role;
	bool allow_idp_initiated;
	/* SAML */
	char *saml_idp_metadata_url, *saml_idp_metadata_xml, *saml_idp_entity_id, *saml_idp_sso_url;
	char *saml_idp_certificates; /* JSON array of PEM strings */
	bool saml_sign_authn_requests, saml_want_encrypted_assertions, saml_allow_sha1,
	        saml_require_signed_response;
	char *saml_sp_signing_cert,
	        *saml_sp_encryption_cert; /* PEM; keys stay sealed in the store */
	/* OIDC */
	char *oidc_issuer, *oidc_client_id, *oidc_scopes, *oidc_authorization_endpoint,
	        *oidc_token_endpoint, *oidc_jwks_uri, *oidc_userinfo_endpoint;
	bool oidc_has_client_secret;
	bool oidc_require_email_verified;
	/* EASIE */
	char *easie_tenant;
	/* covered domains (names), NULL-terminated */
	char **domains;
	size_t ndomains;
	int64_t tested_at, activated_at, created_at, updated_at;
};

/* What a create/update may carry; has_* says which members were sent. */
struct connection_input {
	const char *organization_id, *name, *protocol, *provider, *default_role;
	bool allow_idp_initiated;
	const char **domains; /* vector owned, strings borrowed */
	size_t ndomains;
	const char *saml_idp_metadata_url, *saml_idp_metadata_xml, *saml_idp_entity_id,
	        *saml_idp_sso_url;
	const char **saml_idp_certificates;
	size_t ncerts;
	bool saml_sign_authn_requests, saml_want_encrypted_assertions, saml_allow_sha1,
	        saml_require_signed_response;
	const char *oidc_issuer, *oidc_client_id, *oidc_client_secret, *oidc_scopes,
	        *oidc_authorization_endpoint, *oidc_token_endpoint, *oidc_jwks_uri,
	        *oidc_userinfo_endpoint;
	bool oidc_require_email_verified;
	const char *easie_tenant;
	bool has_organization_id, has_name, has_protocol, has_provider, has_default_role,
	        has_allow_idp_initiated, has_domains, has_saml, has_oidc, has_easie_tenant;
	bool has_metadata_url, has_metadata_xml, has_entity_id, has_sso_url, has_certs,
	        has_sign_authn_requests, has_want_encrypted_assertions, has_allow_sha1,
	        has_require_signed_response;
	bool has_issuer, has_client_id, has_client_secret, has_scopes, has_authorization_endpoint,
	        has_token_endpoint, has_jwks_uri, has_userinfo_endpoint, has_require_email_verified;
};

int connection_input_from_json(struct connection_input *out, json_t *body, bool create);
void connection_input_release(struct connection_input *in);
/* Checks protocol/provider compatibility ("okta" speaks saml and oidc; "custom_saml" only saml...).
 */
bool connection_provider_supports(const char *provider, const char *protocol);
void connection_release(struct connection *c);
/* The API shape; public_url gives the SP entity ID, ACS, metadata and redirect URLs. */
json_t *connection_to_json(const struct connection *c, const char *public_url);

struct custom_attribute {
	char id[ID_MAX];
	char connection_id[ID_MAX];
	char *key, *saml_attribute, *oidc_claim, *scim_attribute;
	bool multi_valued;
	int64_t created_at, updated_at;
};

struct custom_attribute_input {
	const char *key, *saml_attribute, *oidc_claim, *scim_attribute;
	bool multi_valued;
	bool has_key, has_saml_attribute, has_oidc_claim, has_scim_attribute, has_multi_valued;
};

int custom_attribute_input_from_json(struct custom_attribute_input *out, json_t *body, bool create);
void custom_attribute_release(struct custom_attribute *a);
json_t *custom_attribute_to_json(const struct custom_attribute *a);

#endif
