/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain re-check job: a background thread that looks again, every
 * interval, at domains still waiting for their TXT record (for up to 7 days
 * after they were added), so an admin who publishes the record need not come
 * back to press Verify. Several nodes may run it; a duplicate check is harmless.
 */
#ifndef GATEHOUSE_DNS_JOB_H
#define GATEHOUSE_DNS_JOB_H

#include "app/app.h"

#define DNS_JOB_WINDOW_S (7 * 24 * 3600)
#define DNS_JOB_BATCH    20

struct dns_job;

/* interval_s 0 starts nothing (*out is then NULL). */
void dns_job_start(struct dns_job **out, struct app *a, int64_t interval_s);
/* Stops and joins the thread; NULL-tolerant. */
void dns_job_stop(struct dns_job *j);
/* One pass (exposed for tests): returns the number of domains checked or an error. */
int dns_job_run_once(struct app *a, int64_t interval_s);

#endif
