/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Webhook endpoints (the operator's subscriptions) and the delivery log.
 * Signing secrets are sealed with the instance key (AES-256-GCM); the plain
 * secret is returned once, at creation. The caller checks URLs with
 * http_client_check_url() before calling create/update (routes/ and cli/).
 * Expected errors: ERR_NOT_FOUND, ERR_INVALID (422).
 */
#ifndef GATEHOUSE_APP_WEBHOOK_H
#define GATEHOUSE_APP_WEBHOOK_H

#include "app/app.h"
#include "model/webhook.h"
#include "store/webhook.h"

int app_webhook_create(struct app *a, const struct actor *who, const struct webhook_input *in,
                       struct webhook_endpoint *out, char **secret_out);
int app_webhook_update(struct app *a, const struct actor *who, const char *id,
                       const struct webhook_input *in, struct webhook_endpoint *out);
int app_webhook_delete(struct app *a, const struct actor *who, const char *id);
int app_webhook_get(struct app *a, const char *id, struct webhook_endpoint *out);
int app_webhook_list(struct app *a, const struct page *p, struct webhook_endpoint **items,
                     size_t *count, int64_t *total);
int app_webhook_deliveries(struct app *a, const char *endpoint_id, const struct page *p,
                           struct webhook_delivery **items, size_t *count, int64_t *total);
int app_webhook_attempts(struct app *a, const char *delivery_id, struct webhook_attempt **items,
                         size_t *count);
/* Makes a delivery due now (manual retry), also one that had failed for good. */
int app_webhook_retry(struct app *a, const struct actor *who, const char *endpoint_id,
                      const char *event_id);
int64_t app_webhook_pending(struct app *a);

/* Worker side. Returns 1 and fills *out when a delivery was claimed, 0 when none is due. */
int app_webhook_claim(struct app *a, int64_t lease_s, struct webhook_delivery *out);
/*
 * Records the outcome of one attempt: 2xx → succeeded; otherwise pending with
 * the next backoff step, or failed once APP_WEBHOOK_MAX_ATTEMPTS is reached.
 */
int app_webhook_finish(struct app *a, const struct webhook_delivery *d, int64_t status_code,
                       const char *error, int64_t duration_ms);
/* Seconds to wait after the n-th failed attempt (n ≥ 1), with ±10 % jitter. */
int64_t app_webhook_backoff_s(int64_t attempts);

#define APP_WEBHOOK_MAX_ATTEMPTS 12

#endif
