/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain verification: look up the domain's TXT record through the
 * configured resolver (never a guess: the configured --dns-resolver, or the
 * system resolver when none is set) and record the outcome through app/.
 */
#ifndef GATEHOUSE_DNS_VERIFY_H
#define GATEHOUSE_DNS_VERIFY_H

#include "app/domain.h"

#define DNS_VERIFY_TIMEOUT_MS 5000

/*
 * Checks one domain now and returns it as it is afterwards in *out (caller
 * releases). Errors: those of app_domain_get / app_domain_record_check.
 */
int dns_verify_domain(struct app *a, const struct actor *who, const char *org, const char *id,
                      struct domain *out);

#endif
