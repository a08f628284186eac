/* SPDX-License-Identifier: Apache-2.0 */
/* The oauth_applications table. All functions run inside the caller's transaction. */
#ifndef GATEHOUSE_STORE_OAUTH_APP_H
#define GATEHOUSE_STORE_OAUTH_APP_H

#include "model/oauth.h"
#include "store/db.h"

/* ERR_CONFLICT if the client_id exists. */
int store_oauth_app_insert(struct db_conn *c, const struct oauth_app *a, const char *secret_hash);
/* By id ("app_...") or client_id. ERR_NOT_FOUND (oauth_application_not_found). */
int store_oauth_app_get(struct db_conn *c, const char *id_or_client_id, struct oauth_app *out);
/* The stored secret hash of a client_id (hex; caller frees). ERR_NOT_FOUND. */
int store_oauth_app_secret_hash(struct db_conn *c, const char *client_id, char **hash_out);
int store_oauth_app_update(struct db_conn *c, const struct oauth_app *a);
int store_oauth_app_set_secret(struct db_conn *c, const char *id, const char *secret_hash,
                               const char *hint, int64_t now);
int store_oauth_app_delete(struct db_conn *c, const char *id);
int store_oauth_app_list(struct db_conn *c, const char *starting_after, int64_t limit,
                         struct oauth_app **items, size_t *count, int64_t *total);

#endif
