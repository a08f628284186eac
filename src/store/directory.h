/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory Sync tables: directories (tokens as SHA-256 hashes) and the users
 * a directory provisions. All functions run inside the caller's transaction.
 * Groups, members and mappings are in store/directory_group.h; jobs and the
 * request log in store/directory_job.h.
 */
#ifndef GATEHOUSE_STORE_DIRECTORY_H
#define GATEHOUSE_STORE_DIRECTORY_H

#include "model/directory.h"
#include "store/db.h"

/* The directory of a connection, with its org and counts. ERR_NOT_FOUND (directory_not_found). */
int store_directory_get(struct db_conn *c, const char *conn_id, struct directory *out);

/* What authenticating a request needs. */
struct directory_secret {
	bool enabled;
	char token_hash[DIRECTORY_HASH_LEN];
	char previous_hash[DIRECTORY_HASH_LEN]; /* "" when none */
	int64_t previous_expires_at;
	char org_id[ID_MAX]; /* store_directory_secret_org only: the connection's organization */
};
/* ERR_NOT_FOUND (directory_not_found) when the connection has never had one. */
int store_directory_secret(struct db_conn *c, const char *conn_id, struct directory_secret *out);
/* The same and the connection's organization, in one statement. */
int store_directory_secret_org(struct db_conn *c, const char *conn_id,
                               struct directory_secret *out);

/* Turns the directory on with a new token (creating the row); no previous token. */
int store_directory_enable(struct db_conn *c, const char *conn_id, const char *token_hash,
                           const char *hint, int64_t now);
int store_directory_disable(struct db_conn *c, const char *conn_id, int64_t now);
/* A new token; the current one becomes the previous one until previous_expires_at. */
int store_directory_rotate(struct db_conn *c, const char *conn_id, const char *token_hash,
                           const char *hint, int64_t now, int64_t previous_expires_at);

/* The connection's organization and that organization's default role. ERR_NOT_FOUND. */
int store_directory_org(struct db_conn *c, const char *conn_id, char org_out[ID_MAX],
                        char **default_role_out);
/*
 * Ids of the memberships in org_id whose role comes from a mapping and whose
 * user this directory provisions (xmalloc'd array).
 */
int store_directory_mapped_memberships(struct db_conn *c, const char *conn_id, const char *org_id,
                                       char (**ids)[ID_MAX], size_t *count);

/* What joining an organization needs to know, read in one statement. */
struct directory_seats {
	char *default_role;     /* owned; NULL when the organization has none */
	char *role_permissions; /* owned: the default role's custom permissions (JSON) or NULL */
	char *org_name, *org_slug;
	int64_t max, members; /* members only counted when max > 0 */
	bool is_member;       /* user_id already is a member */
};
void directory_seats_release(struct directory_seats *s);

/*
 * An organization's default role (and its permissions), name, slug and seat
 * limit, whether user_id is a member, and (only when there is a limit and
 * it is not) its member count — without counting members on every provisioning.
 */
int store_directory_org_seats(struct db_conn *c, const char *org_id, const char *user_id,
                              struct directory_seats *out);

/* The user holding a (normalised) address: 1 (its id into user_out), 0, or an error. */
int store_directory_email_owner(struct db_conn *c, const char *norm, char user_out[ID_MAX]);

/* --- directory users --- */

/* By SCIM id within the connection. ERR_NOT_FOUND (scim_not_found). */
int store_directory_user_get(struct db_conn *c, const char *conn_id, const char *id,
                             struct directory_user *out);
/* By case-folded userName: 1 found (into out), 0 not, or an error. */
int store_directory_user_by_name(struct db_conn *c, const char *conn_id, const char *name_norm,
                                 struct directory_user *out);
/* The SCIM id holding a case-folded userName: 1 (into id_out), 0 none, or an error. */
int store_directory_user_id_by_name(struct db_conn *c, const char *conn_id, const char *name_norm,
                                    char id_out[ID_MAX]);
/* The directory user linked to user_id in this connection: 1, 0 or an error. */
int store_directory_user_by_user(struct db_conn *c, const char *conn_id, const char *user_id,
                                 struct directory_user *out);
/*
 * Whether user_id is provisioned by a directory that is on: 1 (its
 * connection id into conn_out), 0, or an error.
 */
int store_directory_user_managed(struct db_conn *c, const char *user_id, char conn_out[ID_MAX]);

int store_directory_user_insert(struct db_conn *c, const struct directory_user *u);
/* Writes the row and increments version (u->version is updated). */
int store_directory_user_update(struct db_conn *c, struct directory_user *u);
int store_directory_user_delete(struct db_conn *c, const char *conn_id, const char *id);

/* Index-served lookups of SCIM list filters. */
enum directory_user_key { DIRUSER_ALL, DIRUSER_ID, DIRUSER_USER_NAME, DIRUSER_EXTERNAL_ID };

/*
 * Up to limit users after the cursor (SCIM ids ascending) whose key equals
 * value (ignored for DIRUSER_ALL); *items is xmalloc'd, each released by
 * the caller. For paging SCIM lists and scanning with a filter.
 */
int store_directory_user_scan(struct db_conn *c, const char *conn_id, enum directory_user_key key,
                              const char *value, const char *after, int64_t limit,
                              struct directory_user **items, size_t *count);
/* The number of users whose key equals value (all for DIRUSER_ALL). */
int64_t store_directory_user_count(struct db_conn *c, const char *conn_id,
                                   enum directory_user_key key, const char *value);
/* One page with offset (SCIM startIndex - 1) for the unfiltered and index-served lists. */
int store_directory_user_page(struct db_conn *c, const char *conn_id, enum directory_user_key key,
                              const char *value, int64_t offset, int64_t limit,
                              struct directory_user **items, size_t *count);

#endif
