/* SPDX-License-Identifier: Apache-2.0 */
/* The custom roles table. Built-in roles are not rows (see model/role.h). */
#ifndef GATEHOUSE_STORE_ROLE_H
#define GATEHOUSE_STORE_ROLE_H

#include "model/role.h"
#include "store/db.h"

/* True if key names a built-in or a stored custom role. */
int store_role_exists(struct db_conn *c, const char *key);
/* A custom role by key. ERR_NOT_FOUND when absent. */
int store_role_get(struct db_conn *c, const char *key, struct role *out);
/* ERR_CONFLICT when the key exists. */
int store_role_insert(struct db_conn *c, const struct role *r);
int store_role_update(struct db_conn *c, const struct role *r);
int store_role_delete(struct db_conn *c, const char *key);
/*
 * Whether some organization has key as its default_role: 1 (its id copied
 * to org_id_out), 0, or a store error.
 */
int store_role_default_of_org(struct db_conn *c, const char *key, char org_id_out[ID_MAX]);
/* Custom roles, ordered by key; caller releases each and frees the array. */
int store_role_list(struct db_conn *c, struct role **items, size_t *count);

#endif
