/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Organization domains and their verification state machine:
 *   unverified --check matched--> verified
 *   unverified/failed --record absent or wrong--> failed (with the reason)
 *   any --temporary DNS failure--> unchanged, reason recorded
 * The DNS lookup itself happens outside the transaction (routes/ or the
 * dns/ job); app_domain_record_check() applies its outcome.
 * Expected errors: ERR_NOT_FOUND (organization_not_found, domain_not_found),
 * ERR_CONFLICT (domain_exists, domain_taken), ERR_INVALID (invalid_domain,
 * public_mail_domain).
 */
#ifndef GATEHOUSE_APP_DOMAIN_H
#define GATEHOUSE_APP_DOMAIN_H

#include "app/app.h"
#include "model/domain.h"

struct domain_check {
	bool matched;        /* a TXT record equal to the expected value was found */
	bool temporary;      /* the DNS server failed: nothing is known */
	const char *code;    /* when not matched: record_not_found, record_mismatch,
	                        dns_temporary_failure */
	const char *message; /* plain words for the admin */
};

int app_domain_create(struct app *a, const struct actor *who, const char *org,
                      const struct domain_input *in, struct domain *out);
int app_domain_update(struct app *a, const struct actor *who, const char *org, const char *id,
                      const struct domain_input *in, struct domain *out);
int app_domain_delete(struct app *a, const struct actor *who, const char *org, const char *id);
int app_domain_get(struct app *a, const char *org, const char *id, struct domain *out);
int app_domain_list(struct app *a, const char *org, const struct page *p, struct domain **items,
                    size_t *count, int64_t *total);
/* Domains due for an automatic re-check (see store_domain_due); caller frees both arrays. */
int app_domain_due(struct app *a, int64_t since, int64_t checked_before, int64_t limit,
                   char (**ids)[ID_MAX], char (**org_ids)[ID_MAX], size_t *count);
int app_domain_record_check(struct app *a, const struct actor *who, const char *org, const char *id,
                            const struct domain_check *chk, struct domain *out);

#endif
