-- SPDX-License-Identifier: Apache-2.0
-- 0007: Directory Sync (SCIM 2.0): the directory of a connection (its bearer
-- token stored as a SHA-256 hash, with the previous one during a rotation),
-- the users and groups its IdP provisions, group members, the ordered
-- group → role mappings, role re-resolution jobs and the inbound request log.
-- Portable SQL: runs unchanged on SQLite 3.40 and PostgreSQL 15.

CREATE TABLE directories (
	connection_id TEXT PRIMARY KEY REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	enabled INTEGER NOT NULL DEFAULT 1,
	token_hash TEXT NOT NULL,
	token_hint TEXT NOT NULL,
	token_created_at BIGINT NOT NULL,
	previous_token_hash TEXT,
	previous_token_expires_at BIGINT,
	enabled_at BIGINT,
	disabled_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE directory_users (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	user_name TEXT NOT NULL,
	user_name_norm TEXT NOT NULL,
	external_id TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	profile TEXT NOT NULL DEFAULT '{}',
	version BIGINT NOT NULL DEFAULT 1,
	last_synced_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	-- journey 3: userName is unique per directory, case-insensitively
	UNIQUE (connection_id, user_name_norm),
	UNIQUE (connection_id, user_id)
);
CREATE INDEX directory_users_external ON directory_users (connection_id, external_id);
CREATE INDEX directory_users_user ON directory_users (user_id);

CREATE TABLE directory_groups (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	display_name TEXT NOT NULL,
	display_name_norm TEXT NOT NULL,
	external_id TEXT,
	profile TEXT NOT NULL DEFAULT '{}',
	member_count BIGINT NOT NULL DEFAULT 0,
	version BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX directory_groups_connection ON directory_groups (connection_id, id);
CREATE INDEX directory_groups_name ON directory_groups (connection_id, display_name_norm);
CREATE INDEX directory_groups_external ON directory_groups (connection_id, external_id);

CREATE TABLE directory_group_members (
	group_id TEXT NOT NULL REFERENCES directory_groups (id) ON DELETE CASCADE,
	member_id TEXT NOT NULL REFERENCES directory_users (id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, member_id)
);
CREATE INDEX directory_group_members_member ON directory_group_members (member_id);

-- The ordered mapping list: the lowest position a member's groups reach wins.
CREATE TABLE directory_role_mappings (
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	group_id TEXT NOT NULL REFERENCES directory_groups (id) ON DELETE CASCADE,
	role TEXT NOT NULL,
	PRIMARY KEY (connection_id, position)
);
CREATE INDEX directory_role_mappings_group ON directory_role_mappings (group_id);
CREATE INDEX directory_role_mappings_role ON directory_role_mappings (role);

-- Re-resolution of every member's role of a connection, in batches, with a lease
-- so that one node works on a job at a time and another takes over after a crash.
CREATE TABLE directory_jobs (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL REFERENCES enterprise_connections (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending',
	total BIGINT NOT NULL DEFAULT 0,
	done BIGINT NOT NULL DEFAULT 0,
	cursor_id TEXT NOT NULL DEFAULT '',
	error TEXT,
	locked_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	finished_at BIGINT
);
CREATE INDEX directory_jobs_status ON directory_jobs (status, id);
CREATE INDEX directory_jobs_connection ON directory_jobs (connection_id, id);

CREATE TABLE scim_requests (
	id TEXT PRIMARY KEY,
	connection_id TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	status INTEGER NOT NULL,
	scim_type TEXT,
	detail TEXT,
	changes TEXT,
	request_body TEXT,
	duration_us BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX scim_requests_connection ON scim_requests (connection_id, id);
CREATE INDEX scim_requests_created ON scim_requests (created_at);
