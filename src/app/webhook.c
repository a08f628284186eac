/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook endpoints and the delivery log (see webhook.h). */
#include "base/common.h"

#include "app/webhook.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/rand.h"

/* 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h: about 28 h in all. */
static const int64_t backoff_s[] = { 1, 5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200 };

int64_t app_webhook_backoff_s(int64_t attempts)
{
	size_t i = attempts < 1 ? 0 : (size_t)(attempts - 1);
	if (i >= ARRAY_SIZE(backoff_s))
		i = ARRAY_SIZE(backoff_s) - 1;
	int64_t base = backoff_s[i];
	unsigned char r;
	rand_bytes(&r, 1);
	return base + (base * ((int64_t)r - 128)) / 1280; /* ±10 % */
}

struct wh_op {
	const struct actor *who;
	const char *id, *event_id;
	const struct webhook_input *in;
	struct webhook_endpoint *out;
	const struct page *page;
	void *items;
	size_t *count;
	int64_t *total;
	struct webhook_delivery *delivery;
	const struct webhook_delivery *finished;
	int64_t lease_s, status_code, duration_ms, n;
	const char *error;
};

static int audit(struct db_conn *c, const struct actor *who, const char *action, const char *id)
{
	char *data = xasprintf("{\"id\":\"%s\"}", id);
	struct change ch = { who, action, "webhook_endpoint", id, NULL, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static void apply(struct webhook_endpoint *e, const struct webhook_input *in)
{
	if (in->has_url) {
		free(e->url);
		e->url = xstrdup(in->url);
	}
	if (in->has_description) {
		free(e->description);
		e->description = xstrdup(in->description ? in->description : "");
	}
	if (in->has_events) {
		free(e->events);
		e->events = webhook_events_text(in->events, in->nevents);
	}
	if (in->has_enabled)
		e->enabled = in->enabled;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	int rc = store_webhook_insert(c, op->out);
	return rc ? rc : audit(c, op->who, "webhook_endpoint.created", op->out->id);
}

int app_webhook_create(struct app *a, const struct actor *who, const struct webhook_input *in,
                       struct webhook_endpoint *out, char **secret_out)
{
	memset(out, 0, sizeof(*out));
	id_new(out->id, "whe");
	out->url = xstrdup("");
	out->description = xstrdup("");
	out->events = xstrdup("[]");
	out->enabled = true;
	apply(out, in);
	out->created_at = out->updated_at = clock_now();
	/* Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
	unsigned char raw[32];
	rand_bytes(raw, sizeof(raw));
	char *b64 = crypto_b64_encode(raw, sizeof(raw));
	char *secret = xasprintf("whsec_%s", b64);
	free(b64);
	memset(raw, 0, sizeof(raw));
	out->secret_sealed = crypto_seal(a->seal_key, secret);
	struct wh_op op = { .who = who, .out = out };
	int rc = app_write(a, create_tx, &op);
	if (rc) {
		free(secret);
		webhook_endpoint_release(out);
		return rc;
	}
	*secret_out = secret;
	return 0;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	webhook_endpoint_release(op->out);
	int rc = store_webhook_get(c, op->id, op->out);
	if (rc)
		return rc;
	apply(op->out, op->in);
	op->out->updated_at = clock_now();
	rc = store_webhook_update(c, op->out);
	return rc ? rc : audit(c, op->who, "webhook_endpoint.updated", op->out->id);
}

int app_webhook_update(struct app *a, const struct actor *who, const char *id,
                       const struct webhook_input *in, struct webhook_endpoint *out)
{
	struct wh_op op = { .who = who, .id = id, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		webhook_endpoint_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	int rc = store_webhook_delete(c, op->id);
	return rc ? rc : audit(c, op->who, "webhook_endpoint.deleted", op->id);
}

int app_webhook_delete(struct app *a, const struct actor *who, const char *id)
{
	struct wh_op op = { .who = who, .id = id };
	return app_write(a, delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	webhook_endpoint_release(op->out);
	return store_webhook_get(c, op->id, op->out);
}

int app_webhook_get(struct app *a, const char *id, struct webhook_endpoint *out)
{
	struct wh_op op = { .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	return store_webhook_list(c, op->page->starting_after, op->page->limit, op->items,
	                          op->count, op->total);
}

int app_webhook_list(struct app *a, const struct page *p, struct webhook_endpoint **items,
                     size_t *count, int64_t *total)
{
	struct wh_op op = { .page = p, .items = items, .count = count, .total = total };
	return app_read(a, list_tx, &op);
}

static int deliveries_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	struct webhook_endpoint e = { 0 };
	int rc = store_webhook_get(c, op->id, &e);
	webhook_endpoint_release(&e);
	if (rc)
		return rc;
	return store_webhook_deliveries(c, op->id, op->page->starting_after, op->page->limit,
	                                op->items, op->count, op->total);
}

int app_webhook_deliveries(struct app *a, const char *endpoint_id, const struct page *p,
                           struct webhook_delivery **items, size_t *count, int64_t *total)
{
	struct wh_op op = {
		.id = endpoint_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, deliveries_tx, &op);
}

static int attempts_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	return store_webhook_attempts(c, op->id, 20, op->items, op->count);
}

int app_webhook_attempts(struct app *a, const char *delivery_id, struct webhook_attempt **items,
                         size_t *count)
{
	struct wh_op op = { .id = delivery_id, .items = items, .count = count };
	return app_read(a, attempts_tx, &op);
}

static int retry_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	int rc = store_webhook_retry(c, op->id, op->event_id, clock_now());
	if (rc == 0)
		app_audit_wake_after_commit(); /* the delivery is due now */
	return rc ? rc : audit(c, op->who, "webhook_delivery.retried", op->id);
}

int app_webhook_retry(struct app *a, const struct actor *who, const char *endpoint_id,
                      const char *event_id)
{
	struct wh_op op = { .who = who, .id = endpoint_id, .event_id = event_id };
	return app_write(a, retry_tx, &op);
}

static int pending_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	op->n = store_webhook_pending_count(c);
	return op->n < 0 ? (int)op->n : 0;
}

int64_t app_webhook_pending(struct app *a)
{
	struct wh_op op = { 0 };
	int rc = app_read(a, pending_tx, &op);
	return rc ? rc : op.n;
}

static int claim_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	webhook_delivery_release(op->delivery);
	int rc = store_webhook_claim(c, clock_now(), op->lease_s, op->delivery);
	op->n = rc > 0 ? 1 : 0;
	return rc < 0 ? rc : 0;
}

static int due_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	int rc = store_webhook_due(c, clock_now());
	op->n = rc > 0 ? 1 : 0;
	return rc < 0 ? rc : 0;
}

int app_webhook_claim(struct app *a, int64_t lease_s, struct webhook_delivery *out)
{
	struct wh_op op = { .lease_s = lease_s, .delivery = out };
	memset(out, 0, sizeof(*out));
	/* Workers are woken after every write. Most writes queue no delivery, so
	 * look first with a read: the claim itself is a write transaction, and on
	 * SQLite it would take a turn on the single writer after each change. */
	int rc = app_read(a, due_tx, &op);
	if (rc || op.n == 0)
		return rc;
	rc = db_tx(a->db, DB_TX_WRITE, claim_tx, &op);
	if (rc) {
		/* claim_tx may have filled *out before the COMMIT failed: nothing was claimed */
		webhook_delivery_release(out);
		return rc;
	}
	return (int)op.n;
}

static int finish_tx(struct db_conn *c, void *payload)
{
	struct wh_op *op = payload;
	const struct webhook_delivery *d = op->finished;
	int64_t now = clock_now();
	int64_t attempts = d->attempts + 1;
	const char *status = "pending";
	int64_t next = now;
	if (op->status_code >= 200 && op->status_code < 300)
		status = "succeeded";
	else if (attempts >= APP_WEBHOOK_MAX_ATTEMPTS)
		status = "failed";
	else
		next = now + app_webhook_backoff_s(attempts);
	char attempt_id[ID_MAX];
	id_new(attempt_id, "wha");
	return store_webhook_record(c, d->id, attempt_id, now, op->status_code, op->error,
	                            op->duration_ms, status, next);
}

int app_webhook_finish(struct app *a, const struct webhook_delivery *d, int64_t status_code,
                       const char *error, int64_t duration_ms)
{
	struct wh_op op = { .finished = d,
		            .status_code = status_code,
		            .error = error,
		            .duration_ms = duration_ms };
	return db_tx(a->db, DB_TX_WRITE, finish_tx, &op);
}
