/* SPDX-License-Identifier: Apache-2.0 */
/* The organizations table. All functions run inside the caller's transaction. */
#ifndef GATEHOUSE_STORE_ORG_H
#define GATEHOUSE_STORE_ORG_H

#include "model/org.h"
#include "store/db.h"

/* By id ("org_...") or slug. ERR_NOT_FOUND when absent. out is released by the caller. */
int store_org_get(struct db_conn *c, const char *id_or_slug, struct org *out);
/* ERR_CONFLICT (slug_taken) when the slug is in use. */
int store_org_insert(struct db_conn *c, const struct org *o);
int store_org_update(struct db_conn *c, const struct org *o);
int store_org_delete(struct db_conn *c, const char *id);
int store_org_slug_taken(struct db_conn *c, const char *slug, const char *except_id);
/*
 * One page after the cursor (ids ascending); *items is an xmalloc'd array of
 * *count orgs, each released by the caller, then freed.
 */
int store_org_list(struct db_conn *c, const char *starting_after, int64_t limit, struct org **items,
                   size_t *count, int64_t *total);
/*
 * The same, only organizations whose name (ASCII case-insensitively) or slug
 * contains query, or whose id is query; *total counts the matches. A NULL or
 * empty query matches every organization.
 */
int store_org_search(struct db_conn *c, const char *query, const char *starting_after,
                     int64_t limit, struct org **items, size_t *count, int64_t *total);

#endif
