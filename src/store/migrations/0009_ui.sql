-- SPDX-License-Identifier: Apache-2.0
-- 0009: the pages. Portal links (single-use, short-lived, hashed), browser
-- sessions of the Security page and the operator dashboard (cookie token
-- hashed, CSRF token beside it), and operator accounts (argon2id).

CREATE TABLE portal_links (
	id TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	return_url TEXT,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX portal_links_expires ON portal_links (expires_at);

CREATE TABLE operators (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	last_sign_in_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- Failed dashboard sign-ins, counted before the password is checked. key is
-- the SHA-256 of what is throttled ("user:NAME", "addr:IP NAME"), whether or
-- not the account exists, so answers do not tell which usernames do.
-- subject is the "user:NAME" key of both rows of a username, so that a new
-- password can clear them all.
CREATE TABLE login_throttle (
	key TEXT PRIMARY KEY,
	subject TEXT NOT NULL,
	failures INTEGER NOT NULL,
	locked_until BIGINT,
	last_failure_at BIGINT NOT NULL
);
CREATE INDEX login_throttle_subject ON login_throttle (subject);

-- kind: 'portal' (org_id + user_id set) or 'dashboard' (principal_type
-- 'operator' with an operators id, or 'secret_key' with an api_keys id).
CREATE TABLE ui_sessions (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	csrf_token TEXT NOT NULL,
	org_id TEXT REFERENCES organizations (id) ON DELETE CASCADE,
	user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
	principal_type TEXT NOT NULL,
	principal_id TEXT NOT NULL,
	return_url TEXT,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
CREATE INDEX ui_sessions_principal ON ui_sessions (principal_id);
