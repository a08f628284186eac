-- SPDX-License-Identifier: Apache-2.0
-- 0003: gatehouse as the app's OpenID Provider: OAuth applications, the
-- signing keyring, authorization requests, one-time codes, access and
-- refresh tokens, and the sign-in facts sessions keep.
-- Portable SQL: runs unchanged on SQLite 3.40 and PostgreSQL 15.
-- Secrets are never stored in the clear: client secrets, codes and tokens
-- as SHA-256 hex, private signing keys sealed with the instance key.

CREATE TABLE oauth_applications (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	client_id TEXT NOT NULL UNIQUE,
	secret_hash TEXT NOT NULL,
	secret_hint TEXT NOT NULL,
	redirect_uris TEXT NOT NULL DEFAULT '[]',
	post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- One active key at a time (the unique partial index); retired keys stay
-- published in the JWKS for a grace period after retired_at.
CREATE TABLE signing_keys (
	kid TEXT PRIMARY KEY,
	alg TEXT NOT NULL,
	private_sealed TEXT NOT NULL,
	public_jwk TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active',
	created_at BIGINT NOT NULL,
	retired_at BIGINT
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';

CREATE TABLE auth_requests (
	id TEXT PRIMARY KEY,
	client_id TEXT NOT NULL,
	redirect_uri TEXT NOT NULL,
	state TEXT,
	nonce TEXT,
	code_challenge TEXT NOT NULL,
	scope TEXT NOT NULL,
	login_hint TEXT,
	organization TEXT,
	connection TEXT,
	status TEXT NOT NULL DEFAULT 'pending',
	session_id TEXT,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX auth_requests_expires ON auth_requests (expires_at);

-- grant_id ties a code to every token issued from it (RFC 6749 4.1.2: a
-- code used twice revokes them all).
CREATE TABLE oauth_codes (
	code_hash TEXT PRIMARY KEY,
	grant_id TEXT NOT NULL,
	auth_request_id TEXT NOT NULL,
	client_id TEXT NOT NULL,
	redirect_uri TEXT NOT NULL,
	code_challenge TEXT NOT NULL,
	nonce TEXT,
	scope TEXT NOT NULL,
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL,
	org_id TEXT,
	auth_time BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);

-- kind: access | refresh. status: active | rotated (a refresh token already
-- exchanged: presenting it again is reuse) | revoked.
CREATE TABLE oauth_tokens (
	token_hash TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	grant_id TEXT NOT NULL,
	client_id TEXT NOT NULL,
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL,
	org_id TEXT,
	scope TEXT NOT NULL,
	auth_time BIGINT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
CREATE INDEX oauth_tokens_session ON oauth_tokens (session_id);
CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);

ALTER TABLE sessions ADD COLUMN auth_request_id TEXT;
ALTER TABLE sessions ADD COLUMN auth_time BIGINT;
