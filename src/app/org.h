/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Organization use cases. Each runs in one transaction with its audit row.
 * Expected errors: ERR_NOT_FOUND (organization_not_found), ERR_CONFLICT
 * (slug_taken), ERR_INVALID (422 unknown_role).
 */
#ifndef GATEHOUSE_APP_ORG_H
#define GATEHOUSE_APP_ORG_H

#include "app/app.h"
#include "model/org.h"

int app_org_create(struct app *a, const struct actor *who, const struct org_input *in,
                   struct org *out);
int app_org_update(struct app *a, const struct actor *who, const char *key,
                   const struct org_input *in, struct org *out);
int app_org_delete(struct app *a, const struct actor *who, const char *key);
int app_org_get(struct app *a, const char *key, struct org *out);
int app_org_list(struct app *a, const struct page *p, struct org **items, size_t *count,
                 int64_t *total);
/*
 * A page of the organizations whose name or slug contains query (ASCII
 * case-insensitively) or whose id is query; NULL or "" lists all. 422
 * invalid_query when query is longer than APP_ORG_QUERY_MAX.
 */
#define APP_ORG_QUERY_MAX 200
int app_org_search(struct app *a, const struct page *p, const char *query, struct org **items,
                   size_t *count, int64_t *total);

#endif
