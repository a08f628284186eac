/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook endpoints, deliveries and attempts (see webhook.h). */
#include "base/common.h"

#include "store/webhook.h"

#include "base/error.h"

#define EP_COLS "id, url, description, events, secret_sealed, enabled, created_at, updated_at "

void webhook_endpoint_release(struct webhook_endpoint *e)
{
	free(e->url);
	free(e->description);
	free(e->events);
	free(e->secret_sealed);
	memset(e, 0, sizeof(*e));
}

void webhook_delivery_release(struct webhook_delivery *d)
{
	free(d->event_type);
	free(d->event_data);
	free(d->url);
	free(d->secret_sealed);
	free(d->status);
	free(d->last_error);
	memset(d, 0, sizeof(*d));
}

static void read_endpoint(struct db_stmt *s, struct webhook_endpoint *e)
{
	memset(e, 0, sizeof(*e));
	xsnprintf(e->id, sizeof(e->id), "%s", db_text(s, 0));
	e->url = db_text_dup(s, 1);
	e->description = db_text_dup(s, 2);
	e->events = db_text_dup(s, 3);
	e->secret_sealed = db_text_dup(s, 4);
	e->enabled = db_int(s, 5) != 0;
	e->created_at = db_int(s, 6);
	e->updated_at = db_int(s, 7);
}

static int not_found(const char *id)
{
	return error_setc(ERR_NOT_FOUND, "webhook_endpoint_not_found", "no webhook endpoint %.80s",
	                  id);
}

int store_webhook_insert(struct db_conn *c, const struct webhook_endpoint *e)
{
	int64_t n = db_exec(c,
	                    "INSERT INTO webhook_endpoints (id, url, description, events, "
	                    "secret_sealed, enabled, created_at, updated_at) "
	                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                    "tttttbii", e->id, e->url, e->description, e->events, e->secret_sealed,
	                    e->enabled, e->created_at, e->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_webhook_update(struct db_conn *c, const struct webhook_endpoint *e)
{
	int64_t n = db_exec(c,
	                    "UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, "
	                    "enabled = ?, updated_at = ? WHERE id = ?",
	                    "tttbit", e->url, e->description, e->events, e->enabled, e->updated_at,
	                    e->id);
	if (n == 0)
		return not_found(e->id);
	return n < 0 ? (int)n : 0;
}

int store_webhook_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM webhook_endpoints WHERE id = ?", "t", id);
	if (n == 0)
		return not_found(id);
	return n < 0 ? (int)n : 0;
}

int store_webhook_get(struct db_conn *c, const char *id, struct webhook_endpoint *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " EP_COLS "FROM webhook_endpoints WHERE id = ?", "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_endpoint(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return not_found(id);
	return rc < 0 ? rc : 0;
}

static int count_rows(struct db_conn *c, const char *sql, const char *arg, int64_t *total)
{
	struct db_stmt *s;
	int rc = arg ? db_query(c, &s, sql, "t", arg) : db_query(c, &s, sql, "");
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_webhook_list(struct db_conn *c, const char *starting_after, int64_t limit,
                       struct webhook_endpoint **items, size_t *count, int64_t *total)
{
	*items = NULL;
	*count = 0;
	int rc = count_rows(c, "SELECT COUNT(*) FROM webhook_endpoints", NULL, total);
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_query(c, &s,
	              "SELECT " EP_COLS "FROM webhook_endpoints WHERE id > ? ORDER BY id LIMIT ?",
	              "ti", starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct webhook_endpoint *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_endpoint(s, &v[n++]);
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

#define DELIVERY_SELECT                                                                            \
	"SELECT d.id, d.event_id, d.endpoint_id, e.type, e.data, e.created_at, w.url, "            \
	"w.secret_sealed, d.status, d.attempts, d.next_attempt_at, d.last_status_code, "           \
	"d.last_error, d.created_at, d.updated_at FROM webhook_deliveries d "                      \
	"JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id "

static void read_delivery(struct db_stmt *s, struct webhook_delivery *d)
{
	memset(d, 0, sizeof(*d));
	xsnprintf(d->id, sizeof(d->id), "%s", db_text(s, 0));
	xsnprintf(d->event_id, sizeof(d->event_id), "%s", db_text(s, 1));
	xsnprintf(d->endpoint_id, sizeof(d->endpoint_id), "%s", db_text(s, 2));
	d->event_type = db_text_dup(s, 3);
	d->event_data = db_text_dup(s, 4);
	d->event_created_at = db_int(s, 5);
	d->url = db_text_dup(s, 6);
	d->secret_sealed = db_text_dup(s, 7);
	d->status = db_text_dup(s, 8);
	d->attempts = db_int(s, 9);
	d->next_attempt_at = db_int(s, 10);
	d->last_status_code = db_int(s, 11);
	d->last_error = db_text_dup(s, 12);
	d->created_at = db_int(s, 13);
	d->updated_at = db_int(s, 14);
}

int store_webhook_due(struct db_conn *c, int64_t now)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT 1 FROM webhook_deliveries WHERE status = 'pending' "
	                  "AND next_attempt_at <= ? AND locked_until <= ? LIMIT 1",
	                  "ii", now, now);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc;
}

int store_webhook_claim(struct db_conn *c, int64_t now, int64_t lease_s,
                        struct webhook_delivery *out)
{
	struct db_stmt *s;
	/* The outer status/lease test is re-checked on the locked row, so two
	 * nodes cannot both take the same delivery. */
	int rc = db_query(c, &s,
	                  "UPDATE webhook_deliveries SET locked_until = ?, updated_at = ? "
	                  "WHERE id = (SELECT id FROM webhook_deliveries WHERE status = 'pending' "
	                  "AND next_attempt_at <= ? AND locked_until <= ? "
	                  "ORDER BY next_attempt_at, id LIMIT 1) "
	                  "AND status = 'pending' AND locked_until <= ? RETURNING id",
	                  "iiiii", now + lease_s, now, now, now, now);
	if (rc)
		return rc;
	char id[2 * ID_MAX] = "";
	rc = db_step(s);
	if (rc == DB_ROW)
		xsnprintf(id, sizeof(id), "%s", db_text(s, 0));
	db_done(s);
	if (rc <= 0)
		return rc;
	rc = db_query(c, &s, DELIVERY_SELECT "WHERE d.id = ?", "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_delivery(s, out);
	db_done(s);
	return rc;
}

int store_webhook_record(struct db_conn *c, const char *delivery_id, const char *attempt_id,
                         int64_t now, int64_t status_code, const char *error, int64_t duration_ms,
                         const char *new_status, int64_t next_attempt_at)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO webhook_attempts (id, delivery_id, attempted_at, "
	                "status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
	                "ttiiti", attempt_id, delivery_id, now, status_code, error, duration_ms);
	if (n < 0)
		return (int)n;
	n = db_exec(c,
	            "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
	            "next_attempt_at = ?, locked_until = 0, last_status_code = ?, last_error = ?, "
	            "updated_at = ? WHERE id = ?",
	            "tiitit", new_status, next_attempt_at, status_code, error, now, delivery_id);
	return n < 0 ? (int)n : 0;
}

int store_webhook_deliveries(struct db_conn *c, const char *endpoint_id, const char *starting_after,
                             int64_t limit, struct webhook_delivery **items, size_t *count,
                             int64_t *total)
{
	*items = NULL;
	*count = 0;
	int rc = count_rows(c, "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?",
	                    endpoint_id, total);
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_query(c, &s,
	              DELIVERY_SELECT "WHERE d.endpoint_id = ? AND d.event_id > ? "
	                              "ORDER BY d.event_id LIMIT ?",
	              "tti", endpoint_id, starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct webhook_delivery *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_delivery(s, &v[n++]);
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_webhook_retry(struct db_conn *c, const char *endpoint_id, const char *event_id,
                        int64_t now)
{
	int64_t n =
	        db_exec(c,
	                "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
	                "locked_until = 0, updated_at = ? WHERE endpoint_id = ? AND event_id = ?",
	                "iitt", now, now, endpoint_id, event_id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "delivery_not_found",
		                  "no delivery of event %.80s to endpoint %.80s", event_id,
		                  endpoint_id);
	return n < 0 ? (int)n : 0;
}

int64_t store_webhook_pending_count(struct db_conn *c)
{
	int64_t total = 0;
	int rc = count_rows(c, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'",
	                    NULL, &total);
	return rc ? rc : total;
}

int store_webhook_attempts(struct db_conn *c, const char *delivery_id, int64_t limit,
                           struct webhook_attempt **items, size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT id, attempted_at, status_code, duration_ms, error FROM "
	                  "webhook_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT ?",
	                  "ti", delivery_id, limit);
	if (rc)
		return rc;
	struct webhook_attempt *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit) {
		struct webhook_attempt *a = &v[n++];
		xsnprintf(a->id, sizeof(a->id), "%s", db_text(s, 0));
		a->attempted_at = db_int(s, 1);
		a->status_code = db_int(s, 2);
		a->duration_ms = db_int(s, 3);
		a->error = db_text_dup(s, 4);
	}
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}
