/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The webhook outbox and the audit log tables. Rows are written inside the
 * caller's transaction (the change's own), which is what makes delivery
 * at-least-once: the event exists if and only if the change committed.
 */
#ifndef GATEHOUSE_STORE_EVENT_H
#define GATEHOUSE_STORE_EVENT_H

#include "base/id.h"
#include "store/db.h"

/*
 * Inserts the event and one pending delivery per enabled endpoint whose
 * filter is empty or names the type; *deliveries_out (may be NULL) gets how
 * many. An event no endpoint wants is not stored at all (deliveries are the
 * only readers of events). Returns 0 or a store error.
 */
int store_event_insert(struct db_conn *c, const char *id, const char *type, const char *data_json,
                       int64_t now, int64_t *deliveries_out);

struct audit_row {
	const char *id;
	const char *actor_type, *actor_id;
	const char *action;
	const char *target_type, *target_id;
	const char *org_id;
	const char *data_json;
	int64_t created_at;
};
int store_audit_insert(struct db_conn *c, const struct audit_row *row);

/* An audit row as read back; strings owned. */
struct audit_event {
	char id[ID_MAX];
	char *actor_type, *actor_id, *action, *target_type, *target_id, *org_id, *data_json;
	int64_t created_at;
};
void audit_event_release(struct audit_event *e);

/* Filters may be NULL. Oldest first, keyset on id. */
struct audit_filter {
	const char *org_id, *target_id, *action, *actor_type;
};
int store_audit_list(struct db_conn *c, const struct audit_filter *f, const char *starting_after,
                     int64_t limit, struct audit_event **items, size_t *count, int64_t *total);

#endif
