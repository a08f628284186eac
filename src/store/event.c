/* SPDX-License-Identifier: Apache-2.0 */
/* Outbox and audit rows (see event.h). */
#include "base/common.h"
#include "store/event.h"

int store_event_insert(struct db_conn *c, const char *id, const char *type, const char *data_json,
		       int64_t now)
{
	int64_t n = db_exec(c, "INSERT INTO events (id, type, data, created_at) VALUES (?, ?, ?, ?)",
			    "ttti", id, type, data_json, now);
	if (n < 0)
		return (int)n;
	/* The filter is a JSON array of type names; '[]' means every type. */
	char pattern[128];
	xsnprintf(pattern, sizeof(pattern), "%%\"%s\"%%", type);
	n = db_exec(c,
		    "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, "
		    "next_attempt_at, created_at, updated_at) "
		    "SELECT ? || '.' || id, ?, id, 'pending', 0, ?, ?, ? FROM webhook_endpoints "
		    "WHERE enabled = 1 AND (events = '[]' OR events LIKE ?)",
		    "ttiiit", id, id, now, now, now, pattern);
	return n < 0 ? (int)n : 0;
}

int store_audit_insert(struct db_conn *c, const struct audit_row *r)
{
	int64_t n = db_exec(c,
			    "INSERT INTO audit_events (id, actor_type, actor_id, action, "
			    "target_type, target_id, org_id, data, created_at) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "tttttttti", r->id, r->actor_type, r->actor_id, r->action,
			    r->target_type, r->target_id, r->org_id,
			    r->data_json ? r->data_json : "{}", r->created_at);
	return n < 0 ? (int)n : 0;
}
