/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Webhook delivery workers: background threads that claim due deliveries
 * from the outbox (a lease in the database, so several nodes share the work),
 * POST them signed per Standard Webhooks, and record each attempt. A node
 * that dies mid-delivery leaves the lease to expire; another worker (or the
 * same node after restart) delivers again: at-least-once.
 */
#ifndef GATEHOUSE_WEBHOOK_WORKER_H
#define GATEHOUSE_WEBHOOK_WORKER_H

#include "app/app.h"

#define WEBHOOK_TIMEOUT_MS 10000
#define WEBHOOK_LEASE_S    30 /* > the request timeout */

struct webhook_worker;

/* Starts n threads (n may be 0). *out is freed by webhook_worker_stop. */
void webhook_worker_start(struct webhook_worker **out, struct app *a, int n);
/* Asks the threads to stop after their current delivery and joins them. NULL-tolerant. */
void webhook_worker_stop(struct webhook_worker *w);
/* Delivers one claimed delivery now (used by the threads; exposed for tests). */
int webhook_worker_deliver_one(struct app *a);

#endif
