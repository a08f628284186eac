/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User use cases. Each runs in one transaction with its audit rows and
 * webhook events (user.created, user.updated, user.deleted, and
 * session.revoked / organization_membership.deleted for what a
 * deactivation or deletion takes with it).
 * Expected errors: ERR_NOT_FOUND (user_not_found), ERR_CONFLICT
 * (email_taken, username_taken), ERR_INVALID (422 primary_email_not_listed).
 */
#ifndef GATEHOUSE_APP_USER_H
#define GATEHOUSE_APP_USER_H

#include "app/app.h"
#include "model/user.h"

/*
 * json_out (may be NULL) gets the user's JSON (user_to_json, compact) as
 * recorded in the event, so a caller replying with it need not encode it
 * again; caller frees it. NULL after failure.
 */
int app_user_create(struct app *a, const struct actor *who, const struct user_input *in,
                    struct user *out, char **json_out);
/*
 * Applies the input. Moving the user from active to deactivated revokes
 * every active session of the user in the same transaction. json_out as
 * for app_user_create.
 */
int app_user_update(struct app *a, const struct actor *who, const char *id,
                    const struct user_input *in, struct user *out, char **json_out);
/* Deletes the user: its memberships go (one event each) and its sessions are revoked. */
int app_user_delete(struct app *a, const struct actor *who, const char *id);
int app_user_get(struct app *a, const char *id, struct user *out);
int app_user_list(struct app *a, const struct user_filter *f, const struct page *p,
                  struct user **items, size_t *count, int64_t *total);

/*
 * For other use cases inside their transaction (JIT provisioning, SCIM):
 * writes the audit row and the event named by action ("user.created",
 * "user.updated") for u as it now is.
 */
int app_user_record(struct db_conn *c, const struct actor *who, const char *action,
                    const struct user *u);
/* The data (JSON text, caller frees) app_user_record writes for u; pure. */
char *app_user_data(const struct user *u);
/* app_user_record with that data already built from u (NULL: build it). */
int app_user_record_data(struct db_conn *c, const struct actor *who, const char *action,
                         const struct user *u, const char *data);

#endif
