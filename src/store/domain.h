/* SPDX-License-Identifier: Apache-2.0 */
/* The domains table. Runs in the caller's transaction. */
#ifndef GATEHOUSE_STORE_DOMAIN_H
#define GATEHOUSE_STORE_DOMAIN_H

#include "model/domain.h"
#include "store/db.h"

/* A domain of this organization, by id. ERR_NOT_FOUND (also for another org's id). */
int store_domain_get(struct db_conn *c, const char *org_id, const char *id, struct domain *out);
int store_domain_insert(struct db_conn *c, const struct domain *d);
int store_domain_update(struct db_conn *c, const struct domain *d);
int store_domain_delete(struct db_conn *c, const char *org_id, const char *id);
int store_domain_exists_in_org(struct db_conn *c, const char *org_id, const char *name);
/*
 * The id of another organization that verified name or a domain above it
 * (acme.com blocks eu.acme.com); writes "" when none.
 */
int store_domain_claimed_elsewhere(struct db_conn *c, const char *org_id, const char *name,
                                   char owner_out[ID_MAX]);
/*
 * Domains still waiting for their record: unverified or failed, created after
 * since, last checked before checked_before (or never). Oldest check first.
 * ids/org_ids are arrays of *count entries (caller frees both).
 */
int store_domain_due(struct db_conn *c, int64_t since, int64_t checked_before, int64_t limit,
                     char (**ids)[ID_MAX], char (**org_ids)[ID_MAX], size_t *count);
int store_domain_list(struct db_conn *c, const char *org_id, const char *starting_after,
                      int64_t limit, struct domain **items, size_t *count, int64_t *total);

#endif
