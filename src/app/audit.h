/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording a change: one audit row, and (when the change is one the webhook
 * contract names) one outbox event, both in the caller's transaction.
 */
#ifndef GATEHOUSE_APP_AUDIT_H
#define GATEHOUSE_APP_AUDIT_H

#include "app/app.h"

struct change {
	const struct actor *actor;
	const char *action;      /* "organization.created" */
	const char *target_type; /* "organization" */
	const char *target_id;
	const char *org_id;     /* NULL when not about one organization */
	const char *data_json;  /* the object as it now is (or was, for deletions) */
	const char *event_type; /* webhook event type, or NULL for audit only */
};

/* Writes the audit row and the event. Returns 0 or a store error. */
int app_audit_change(struct db_conn *c, const struct change *ch);

/* Wakes this process's webhook workers (after a commit that emitted events). */
void app_audit_notify(void);
/* Blocks until notified or timeout_ms passes (used by webhook workers). */
void app_audit_wait(int timeout_ms);

#endif
