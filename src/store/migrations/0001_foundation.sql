-- SPDX-License-Identifier: Apache-2.0
-- 0001: the foundation schema (organizations, users, memberships, roles,
-- domains, sessions, secret keys, audit log, webhook outbox).
-- Portable SQL: runs unchanged on SQLite 3.40 and PostgreSQL 15.
-- Booleans are INTEGER 0/1; instants are BIGINT Unix seconds; JSON is TEXT.

CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	key_hint TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);

CREATE TABLE organizations (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE,
	default_role TEXT NOT NULL,
	self_serve_sso INTEGER NOT NULL DEFAULT 0,
	max_memberships BIGINT,
	public_metadata TEXT NOT NULL DEFAULT '{}',
	private_metadata TEXT NOT NULL DEFAULT '{}',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	first_name TEXT,
	last_name TEXT,
	username TEXT,
	username_norm TEXT UNIQUE,
	external_id TEXT,
	public_metadata TEXT NOT NULL DEFAULT '{}',
	private_metadata TEXT NOT NULL DEFAULT '{}',
	status TEXT NOT NULL DEFAULT 'active',
	last_sign_in_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX users_external_id ON users (external_id);

CREATE TABLE user_emails (
	email_norm TEXT PRIMARY KEY,
	email TEXT NOT NULL,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	is_primary INTEGER NOT NULL DEFAULT 0,
	position INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX user_emails_user ON user_emails (user_id);

CREATE TABLE roles (
	id TEXT PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	permissions TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE memberships (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role TEXT NOT NULL,
	role_source TEXT NOT NULL DEFAULT 'manual',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_role ON memberships (role);

CREATE TABLE domains (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'unverified',
	txt_record_name TEXT NOT NULL,
	txt_record_value TEXT NOT NULL,
	last_checked_at BIGINT,
	verified_at BIGINT,
	failure TEXT,
	enrollment_mode TEXT NOT NULL DEFAULT 'manual_invitation',
	sso_enforced INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (org_id, name)
);
-- PRODUCT.md: a domain verified by one organization cannot be claimed by another.
CREATE UNIQUE INDEX domains_verified_name ON domains (name) WHERE status = 'verified';

CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	org_id TEXT,
	status TEXT NOT NULL DEFAULT 'active',
	client_id TEXT,
	created_at BIGINT NOT NULL,
	last_active_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_events (
	id TEXT PRIMARY KEY,
	actor_type TEXT NOT NULL,
	actor_id TEXT,
	action TEXT NOT NULL,
	target_type TEXT NOT NULL,
	target_id TEXT,
	org_id TEXT,
	data TEXT NOT NULL DEFAULT '{}',
	created_at BIGINT NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
CREATE INDEX audit_events_target ON audit_events (target_id, id);

CREATE TABLE events (
	id TEXT PRIMARY KEY,
	type TEXT NOT NULL,
	data TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE webhook_endpoints (
	id TEXT PRIMARY KEY,
	url TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	events TEXT NOT NULL DEFAULT '[]',
	secret_sealed TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
	id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
	status TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0,
	last_status_code INTEGER,
	last_error TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
	id TEXT PRIMARY KEY,
	delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
	attempted_at BIGINT NOT NULL,
	status_code INTEGER,
	error TEXT,
	duration_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
