/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook endpoints, deliveries and attempts. Runs in the caller's transaction. */
#ifndef GATEHOUSE_STORE_WEBHOOK_H
#define GATEHOUSE_STORE_WEBHOOK_H

#include "base/id.h"
#include "store/db.h"

struct webhook_endpoint {
	char id[ID_MAX];
	char *url, *description;
	char *events; /* JSON array text; "[]" = all */
	char *secret_sealed;
	bool enabled;
	int64_t created_at, updated_at;
};
void webhook_endpoint_release(struct webhook_endpoint *e);

int store_webhook_insert(struct db_conn *c, const struct webhook_endpoint *e);
int store_webhook_update(struct db_conn *c, const struct webhook_endpoint *e);
int store_webhook_delete(struct db_conn *c, const char *id);
int store_webhook_get(struct db_conn *c, const char *id, struct webhook_endpoint *out);
int store_webhook_list(struct db_conn *c, const char *starting_after, int64_t limit,
                       struct webhook_endpoint **items, size_t *count, int64_t *total);

/* A delivery as the worker and the delivery log see it. */
struct webhook_delivery {
	char id[2 * ID_MAX];
	char event_id[ID_MAX], endpoint_id[ID_MAX];
	char *event_type, *event_data;
	int64_t event_created_at;
	char *url, *secret_sealed;
	char *status;
	int64_t attempts, next_attempt_at, last_status_code;
	char *last_error;
	int64_t created_at, updated_at;
};
void webhook_delivery_release(struct webhook_delivery *d);

/* 1 if some pending delivery is due and not leased (a read: no write lock), 0 if none,
 * or a negative error. */
int store_webhook_due(struct db_conn *c, int64_t now);
/*
 * Claims the oldest due pending delivery for lease_s seconds. Returns 1 with
 * *out filled, 0 when none is due, or a negative error.
 */
int store_webhook_claim(struct db_conn *c, int64_t now, int64_t lease_s,
                        struct webhook_delivery *out);
/* Records one attempt and the delivery's new state ("pending", "succeeded", "failed"). */
int store_webhook_record(struct db_conn *c, const char *delivery_id, const char *attempt_id,
                         int64_t now, int64_t status_code, const char *error, int64_t duration_ms,
                         const char *new_status, int64_t next_attempt_at);
int store_webhook_deliveries(struct db_conn *c, const char *endpoint_id, const char *starting_after,
                             int64_t limit, struct webhook_delivery **items, size_t *count,
                             int64_t *total);
/* Puts a delivery back to pending, due now. ERR_NOT_FOUND if there is none. */
int store_webhook_retry(struct db_conn *c, const char *endpoint_id, const char *event_id,
                        int64_t now);
int64_t store_webhook_pending_count(struct db_conn *c);

struct webhook_attempt {
	char id[ID_MAX];
	int64_t attempted_at, status_code, duration_ms; /* status_code 0: no HTTP answer */
	char *error;
};
/* Attempts of one delivery, newest first (at most limit); caller frees each error and the array. */
int store_webhook_attempts(struct db_conn *c, const char *delivery_id, int64_t limit,
                           struct webhook_attempt **items, size_t *count);

#endif
