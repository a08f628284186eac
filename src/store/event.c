/* SPDX-License-Identifier: Apache-2.0 */
/* Outbox and audit rows (see event.h). */
#include "base/common.h"

#include "store/event.h"

int store_event_insert(struct db_conn *c, const char *id, const char *type, const char *data_json,
                       int64_t now, int64_t *deliveries_out)
{
	if (deliveries_out)
		*deliveries_out = 0;
	/* The filter is a JSON array of type names; '[]' means every type. */
	char pattern[128];
	xsnprintf(pattern, sizeof(pattern), "%%\"%s\"%%", type);
	/*
	 * Only deliveries read events: with no endpoint that wants this type the
	 * row would never be read, so it is not written (one statement instead of
	 * two inserts per change on a server without webhooks).
	 */
	int64_t n = db_exec(
	        c,
	        "INSERT INTO events (id, type, data, created_at) SELECT ?, ?, ?, CAST(? AS BIGINT) "
	        "WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = 1 "
	        "AND (events = '[]' OR events LIKE ?))",
	        "tttit", id, type, data_json, now, pattern);
	if (n <= 0)
		return (int)n;
	n = db_exec(c,
	            "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, "
	            "next_attempt_at, created_at, updated_at) "
	            "SELECT ? || '.' || id, ?, id, 'pending', 0, ?, ?, ? FROM webhook_endpoints "
	            "WHERE enabled = 1 AND (events = '[]' OR events LIKE ?)",
	            "ttiiit", id, id, now, now, now, pattern);
	if (n < 0)
		return (int)n;
	if (deliveries_out)
		*deliveries_out = n;
	return 0;
}

int store_audit_insert(struct db_conn *c, const struct audit_row *r)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO audit_events (id, actor_type, actor_id, action, "
	                "target_type, target_id, org_id, data, created_at) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                "tttttttti", r->id, r->actor_type, r->actor_id, r->action, r->target_type,
	                r->target_id, r->org_id, r->data_json ? r->data_json : "{}", r->created_at);
	return n < 0 ? (int)n : 0;
}

void audit_event_release(struct audit_event *e)
{
	free(e->actor_type);
	free(e->actor_id);
	free(e->action);
	free(e->target_type);
	free(e->target_id);
	free(e->org_id);
	free(e->data_json);
	memset(e, 0, sizeof(*e));
}

/*
 * Optional filters, the same eight parameters in every variant. A term inside
 * "? = '' OR ..." cannot use an index, so a list of one organization's (or one
 * target's) events has its own statement where that term stands alone and
 * audit_events_org (audit_events_target) serves it, instead of a walk through
 * every organization's events.
 */
#define AUDIT_FILTER_REST "AND (? = '' OR action = ?) AND (? = '' OR actor_type = ?) "
#define AUDIT_FILTER_BY_ORG                                                                        \
	"? <> '' AND org_id = ? AND (? = '' OR target_id = ?) " AUDIT_FILTER_REST
#define AUDIT_FILTER_BY_TARGET                                                                     \
	"(? = '' OR org_id = ?) AND ? <> '' AND target_id = ? " AUDIT_FILTER_REST
#define AUDIT_FILTER "(? = '' OR org_id = ?) AND (? = '' OR target_id = ?) " AUDIT_FILTER_REST
#define AUDIT_COLS                                                                                 \
	"SELECT id, actor_type, actor_id, action, target_type, target_id, org_id, data, "          \
	"created_at FROM audit_events WHERE "

int store_audit_list(struct db_conn *c, const struct audit_filter *f, const char *starting_after,
                     int64_t limit, struct audit_event **items, size_t *count, int64_t *total)
{
	const char *o = f->org_id ? f->org_id : "", *t = f->target_id ? f->target_id : "";
	const char *a = f->action ? f->action : "", *y = f->actor_type ? f->actor_type : "";
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	static const char *const count_sql[] = {
		"SELECT COUNT(*) FROM audit_events WHERE " AUDIT_FILTER_BY_ORG,
		"SELECT COUNT(*) FROM audit_events WHERE " AUDIT_FILTER_BY_TARGET,
		"SELECT COUNT(*) FROM audit_events WHERE " AUDIT_FILTER,
	};
	static const char *const list_sql[] = {
		AUDIT_COLS AUDIT_FILTER_BY_ORG "AND id > ? ORDER BY id LIMIT ?",
		AUDIT_COLS AUDIT_FILTER_BY_TARGET "AND id > ? ORDER BY id LIMIT ?",
		AUDIT_COLS AUDIT_FILTER "AND id > ? ORDER BY id LIMIT ?",
	};
	size_t variant = *o ? 0 : *t ? 1 : 2;
	int rc = db_query(c, &s, count_sql[variant], "tttttttt", o, o, t, t, a, a, y, y);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s, list_sql[variant], "ttttttttti", o, o, t, t, a, a, y, y,
	              starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct audit_event *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit) {
		struct audit_event *e = &v[n++];
		xsnprintf(e->id, sizeof(e->id), "%s", db_text(s, 0));
		e->actor_type = db_text_dup(s, 1);
		e->actor_id = db_text_dup(s, 2);
		e->action = db_text_dup(s, 3);
		e->target_type = db_text_dup(s, 4);
		e->target_id = db_text_dup(s, 5);
		e->org_id = db_text_dup(s, 6);
		e->data_json = db_text_dup(s, 7);
		e->created_at = db_int(s, 8);
	}
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}
