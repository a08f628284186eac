/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory Sync of an enterprise connection (PRODUCT.md journey 3): turning
 * it on (a SCIM base URL and a bearer token shown once, stored as a SHA-256
 * hash), rotating the token (the old one keeps working for 10 minutes),
 * turning it off (SCIM answers 403; mapped roles become editable again), the
 * ordered group → role mappings, the views of provisioned users and groups,
 * role re-resolution jobs and the inbound SCIM request log.
 *
 * The SCIM use cases themselves are in app/directory_user.h and
 * app/directory_group.h; role resolution in app/directory_role.h.
 *
 * Expected errors: ERR_NOT_FOUND (connection_not_found, directory_not_found,
 * job_not_found), ERR_CONFLICT (directory_sync_disabled), ERR_INVALID (422
 * unknown_role, unknown_group).
 */
#ifndef GATEHOUSE_APP_DIRECTORY_H
#define GATEHOUSE_APP_DIRECTORY_H

#include "app/app.h"
#include "model/directory.h"

/* Up to this many members are re-resolved in the request; more go to a background job. */
#define APP_DIRECTORY_INLINE_MAX 100
/* How long a positive token check is cached per node (writes check again in their transaction). */
#define APP_DIRECTORY_AUTH_CACHE_S 2

/* Enable: a new token (*token_out, caller frees; shown once). Enabling an enabled one rotates
 * nothing: ERR_CONFLICT directory_sync_enabled. */
int app_directory_enable(struct app *a, const struct actor *who, const char *conn_id,
                         struct directory *out, char **token_out);
/* Disable: SCIM answers 403 from now on; mapped roles become manual. */
int app_directory_disable(struct app *a, const struct actor *who, const char *conn_id,
                          struct directory *out);
/* A new token; the previous one works for DIRECTORY_TOKEN_OVERLAP_S more seconds. */
int app_directory_rotate(struct app *a, const struct actor *who, const char *conn_id,
                         struct directory *out, char **token_out);
int app_directory_get(struct app *a, const char *conn_id, struct directory *out);

/* GET .../directory_users and .../directory_groups (keyset pages by id). */
int app_directory_users(struct app *a, const char *conn_id, const struct page *p,
                        struct directory_user **items, size_t *count, int64_t *total);
int app_directory_groups(struct app *a, const char *conn_id, const struct page *p,
                         struct directory_group **items, size_t *count, int64_t *total);

/* The ordered mapping list. */
int app_directory_mappings_get(struct app *a, const char *conn_id, struct role_mapping **items,
                               size_t *count);
/*
 * Replaces the list (roles must exist, groups must be this directory's) and
 * re-resolves every member's role: now when there are few, else in a
 * background job whose id goes into job_id_out ("" when none).
 */
int app_directory_mappings_set(struct app *a, const struct actor *who, const char *conn_id,
                               const struct role_mapping *m, size_t n, char job_id_out[ID_MAX]);

/* Re-resolution jobs of a connection, newest first; one by id. */
int app_directory_jobs(struct app *a, const char *conn_id, const struct page *p,
                       struct directory_job **items, size_t *count, int64_t *total);
int app_directory_job_get(struct app *a, const char *conn_id, const char *id,
                          struct directory_job *out);

/* The request log of a connection, newest first. */
int app_scim_requests(struct app *a, const char *conn_id, const struct page *p,
                      struct scim_request **items, size_t *count, int64_t *total);

/* --- SCIM requests --- */

/* Who a SCIM request is: the connection its bearer token opened. */
struct scim_principal {
	char connection_id[ID_MAX];
	char token_hash[DIRECTORY_HASH_LEN];
};

/*
 * Checks token against the connection's current token (and the previous
 * one during a rotation) in constant time. ERR_UNAUTHENTICATED
 * (invalid_scim_token) for a wrong token or a connection without a
 * directory, ERR_FORBIDDEN (directory_sync_disabled) when it is turned off.
 */
int app_scim_authenticate(struct app *a, const char *conn_id, const char *token,
                          struct scim_principal *out);
/* The same check inside a use case's transaction (authoritative; uncached). */
int app_scim_check_tx(struct db_conn *c, const struct scim_principal *p);
/* The same, and the connection's organization into org_out (read in the same statement). */
int app_scim_check_org_tx(struct db_conn *c, const struct scim_principal *p, char org_out[ID_MAX]);

/*
 * The key that serialises a directory's writes (app_write_keyed): on
 * PostgreSQL concurrent SCIM writes to one directory queue rather than fail
 * serialisation (they all touch its organization's memberships).
 */
uint64_t app_directory_lock_key(const char *conn_id);

/* 412 when the version an If-Match names is not the current one (RFC 7644 §3.14). */
int app_directory_precondition(int64_t if_match, int64_t version);

/* What a SCIM write did, for the request log. */
struct scim_effects {
	bool user_created, user_adopted, deactivated, reactivated, member_joined;
	int64_t sessions_revoked, members_added, members_removed, roles_changed;
	char job_id[ID_MAX]; /* a re-resolution job was queued */
};
/* A short account of fx in words into out ("" when nothing happened). */
void scim_effects_describe(const struct scim_effects *fx, char *out, size_t size);

/*
 * Queues r for the request log (written in batches by a background thread,
 * or at once when none runs); takes ownership of r's strings.
 */
void app_scim_request_log(struct app *a, struct scim_request *r);
/* Starts/stops the log writer (which also drops entries older than retention_s). */
void app_scim_log_start(struct app *a, int64_t retention_s);
void app_scim_log_stop(void);

#endif
