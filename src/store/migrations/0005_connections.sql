-- SPDX-License-Identifier: Apache-2.0
-- 0005: enterprise connections (SAML, OIDC, EASIE), the domains each covers,
-- and the custom attributes mapped from the IdP (shared with SCIM later).
-- Secrets (SP private keys, OIDC client secrets) are sealed with the instance key.

CREATE TABLE enterprise_connections (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	protocol TEXT NOT NULL,
	provider TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	default_role TEXT,
	allow_idp_initiated INTEGER NOT NULL DEFAULT 0,
	saml_idp_metadata_url TEXT,
	saml_idp_metadata_xml TEXT,
	saml_idp_entity_id TEXT,
	saml_idp_sso_url TEXT,
	saml_idp_certificates TEXT NOT NULL DEFAULT '[]',
	saml_sign_authn_requests INTEGER NOT NULL DEFAULT 0,
	saml_want_encrypted_assertions INTEGER NOT NULL DEFAULT 0,
	saml_allow_sha1 INTEGER NOT NULL DEFAULT 0,
	saml_require_signed_response INTEGER NOT NULL DEFAULT 0,
	saml_sp_signing_key TEXT,
	saml_sp_signing_cert TEXT,
	saml_sp_encryption_key TEXT,
	saml_sp_encryption_cert TEXT,
	oidc_issuer TEXT,
	oidc_client_id TEXT,
	oidc_client_secret TEXT,
	oidc_scopes TEXT NOT NULL DEFAULT 'openid email profile',
	oidc_authorization_endpoint TEXT,
	oidc_token_endpoint TEXT,
	oidc_jwks_uri TEXT,
	oidc_userinfo_endpoint TEXT,
	oidc_require_email_verified INTEGER NOT NULL DEFAULT 1,
	easie_tenant TEXT,
	tested_at BIGINT,
	activated_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX enterprise_connections_org ON enterprise_connections (org_id, id);

CREATE TABLE connection_domains (
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	domain_id TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
	PRIMARY KEY (connection_id, domain_id)
);
CREATE INDEX connection_domains_domain ON connection_domains (domain_id);

CREATE TABLE custom_attributes (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	saml_attribute TEXT,
	oidc_claim TEXT,
	scim_attribute TEXT,
	multi_valued INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (connection_id, key)
);
