/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory groups, their members and the ordered group → role mappings.
 * All functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_DIRECTORY_GROUP_H
#define GATEHOUSE_STORE_DIRECTORY_GROUP_H

#include "model/directory.h"
#include "store/db.h"

/* By id within the connection. ERR_NOT_FOUND (scim_not_found). */
int store_directory_group_get(struct db_conn *c, const char *conn_id, const char *id,
                              struct directory_group *out);
int store_directory_group_insert(struct db_conn *c, const struct directory_group *g);
/* Writes name, external id and profile, increments version (g->version updated). */
int store_directory_group_update(struct db_conn *c, struct directory_group *g);
int store_directory_group_delete(struct db_conn *c, const char *conn_id, const char *id);

enum directory_group_key { DIRGROUP_ALL, DIRGROUP_ID, DIRGROUP_DISPLAY_NAME, DIRGROUP_EXTERNAL_ID };

/* As store_directory_user_scan / _page / _count, for groups (display name case-folded). */
int store_directory_group_scan(struct db_conn *c, const char *conn_id, enum directory_group_key key,
                               const char *value, const char *after, int64_t limit,
                               struct directory_group **items, size_t *count);
int store_directory_group_page(struct db_conn *c, const char *conn_id, enum directory_group_key key,
                               const char *value, int64_t offset, int64_t limit,
                               struct directory_group **items, size_t *count);
int64_t store_directory_group_count(struct db_conn *c, const char *conn_id,
                                    enum directory_group_key key, const char *value);
/* One page of the API view, keyset by id. */
int store_directory_group_list(struct db_conn *c, const char *conn_id, const char *after,
                               int64_t limit, struct directory_group **items, size_t *count,
                               int64_t *total);

/*
 * Adds a member (a directory user of the same connection): 1 added, 0 already
 * a member, ERR_INVALID (invalidValue) when no such user is in this
 * directory. member_count is the caller's (store_directory_group_adjust).
 */
int store_directory_member_add(struct db_conn *c, const char *conn_id, const char *group_id,
                               const char *member_id);
/* 1 removed, 0 was not a member. */
int store_directory_member_remove(struct db_conn *c, const char *group_id, const char *member_id);
/* Adds delta to the group's member_count. */
int store_directory_group_adjust(struct db_conn *c, const char *group_id, int64_t delta);
/* Before a directory user goes: the member_count (and version) of its groups drop by one. */
int store_directory_member_forget(struct db_conn *c, const char *member_id);
/* Removes every member; returns how many. */
int64_t store_directory_member_remove_all(struct db_conn *c, const char *group_id);
/* Every member's SCIM id (and userName), ordered by id; caller frees each and the array. */
int store_directory_members(struct db_conn *c, const char *group_id,
                            struct directory_member **items, size_t *count);
void directory_members_free(struct directory_member *v, size_t n);
/* Ids of up to limit members after the cursor (for batched re-resolution). */
int store_directory_member_ids(struct db_conn *c, const char *group_id, const char *after,
                               int64_t limit, char (**ids)[ID_MAX], size_t *count);

/* The role of the best-ranked mapped group member_id belongs to: 1 (into role_out), 0, error. */
int store_directory_mapped_role(struct db_conn *c, const char *conn_id, const char *member_id,
                                char role_out[65]);
/* 1 when some mapping names the group, 0 when none, or an error. */
int store_directory_group_is_mapped(struct db_conn *c, const char *group_id);
/* The mappings in rank order (display names joined); caller releases each, frees the array. */
int store_directory_mappings(struct db_conn *c, const char *conn_id, struct role_mapping **items,
                             size_t *count);
/* Replaces the list with m (in order). */
int store_directory_mappings_set(struct db_conn *c, const char *conn_id,
                                 const struct role_mapping *m, size_t n);
/*
 * Removes every mapping to role (a role that is going away): the ids of the
 * connections that had one go into *conn_ids (xmalloc'd), *count of them.
 */
int store_directory_mappings_drop_role(struct db_conn *c, const char *role,
                                       char (**conn_ids)[ID_MAX], size_t *count);

#endif
