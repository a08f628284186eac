/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The memberships table. Reads join the organization, the user (with its
 * primary address) and the custom role, so a membership comes back with its
 * permissions and summaries. All functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_MEMBERSHIP_H
#define GATEHOUSE_STORE_MEMBERSHIP_H

#include "model/membership.h"
#include "store/db.h"

/*
 * The membership of org_id whose user id or membership id is key; another
 * organization's membership is absent. ERR_NOT_FOUND (membership_not_found).
 */
int store_membership_get(struct db_conn *c, const char *org_id, const char *key,
                         struct membership *out);
/* By membership id alone. ERR_NOT_FOUND (membership_not_found). */
int store_membership_get_by_id(struct db_conn *c, const char *id, struct membership *out);
/* 1 when the user is a member of the organization, 0 when not, or a store error. */
int store_membership_exists(struct db_conn *c, const char *org_id, const char *user_id);
/* Inserts the row (id, org_id, user_id, role, role_source, times). ERR_CONFLICT on a duplicate. */
int store_membership_insert(struct db_conn *c, const struct membership *m);
int store_membership_update_role(struct db_conn *c, const char *id, const char *role,
                                 const char *role_source, int64_t now);
int store_membership_delete(struct db_conn *c, const char *id);
/*
 * Gives every holder of role its organization's default_role (role_source
 * default): for a role that is going away. Returns the number of rows
 * changed or a store error.
 */
int64_t store_membership_reset_role(struct db_conn *c, const char *role, int64_t now);

/*
 * Pages of memberships ordered by membership id: of one organization
 * (role NULL: any role), or of one user. *items is an xmalloc'd array of
 * *count memberships, each released by the caller, then freed.
 */
int store_membership_list_org(struct db_conn *c, const char *org_id, const char *role,
                              const char *starting_after, int64_t limit, struct membership **items,
                              size_t *count, int64_t *total);
int store_membership_list_user(struct db_conn *c, const char *user_id, const char *starting_after,
                               int64_t limit, struct membership **items, size_t *count,
                               int64_t *total);

/*
 * Every membership of a user, or every membership holding a role, unpaged
 * (for deleting a user or a role inside one transaction).
 */
int store_membership_all_of_user(struct db_conn *c, const char *user_id, struct membership **items,
                                 size_t *count);
int store_membership_all_with_role(struct db_conn *c, const char *role, struct membership **items,
                                   size_t *count);

#endif
