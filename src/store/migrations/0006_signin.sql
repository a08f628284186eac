-- SPDX-License-Identifier: Apache-2.0
-- 0006: the state of sign-ins in flight toward customer IdPs (kept in the
-- database so any node can finish what another started), the SAML replay
-- cache, test sign-ins, and the record of failed sign-ins.

CREATE TABLE saml_requests (
	id TEXT PRIMARY KEY, -- the AuthnRequest ID we sent; InResponseTo must name it
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	auth_request_id TEXT,
	test_sign_in_id TEXT,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);

CREATE TABLE saml_assertions_seen (
	assertion_id TEXT NOT NULL,
	connection_id TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (connection_id, assertion_id)
);
CREATE INDEX saml_assertions_seen_expiry ON saml_assertions_seen (expires_at);

CREATE TABLE oidc_rp_states (
	state_hash TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	auth_request_id TEXT,
	test_sign_in_id TEXT,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);

CREATE TABLE test_sign_ins (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	status TEXT NOT NULL DEFAULT 'pending',
	name_id TEXT,
	email TEXT,
	attributes TEXT NOT NULL DEFAULT '{}',
	problems TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL,
	completed_at BIGINT,
	expires_at BIGINT NOT NULL
);
CREATE INDEX test_sign_ins_connection ON test_sign_ins (connection_id, id);

CREATE TABLE sign_in_failures (
	id TEXT PRIMARY KEY,
	connection_id TEXT,
	org_id TEXT,
	code TEXT NOT NULL,
	detail TEXT NOT NULL,
	request_id TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_connection ON sign_in_failures (connection_id, id);
