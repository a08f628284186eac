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

/*
 * Says that the running transaction makes a webhook delivery due (an event
 * with a subscriber, a manual retry): app_write wakes the workers after it
 * commits. app_audit_change calls it itself. Writes that queue nothing
 * (most, on a node without webhook endpoints) wake no one. Thread-local:
 * set and read on the thread that runs the transaction's fn.
 */
void app_audit_wake_after_commit(void);
/* app_write's side: clears the mark before fn runs, and reads it after. */
void app_audit_wake_reset(void);
bool app_audit_wake_wanted(void);

/* Wakes this process's webhook workers (after a commit that emitted events). */
void app_audit_notify(void);
/* Blocks until notified or timeout_ms passes (used by webhook workers). */
void app_audit_wait(int timeout_ms);

#endif
