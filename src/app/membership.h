/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Membership use cases: adding a user to an organization, changing the role,
 * removing, listing. Each runs in one transaction with its audit row and
 * its organization_membership.* event.
 * Expected errors: ERR_NOT_FOUND (organization_not_found, user_not_found,
 * membership_not_found), ERR_CONFLICT (already_member,
 * membership_limit_reached, user_deactivated, role_managed_by_mapping),
 * ERR_INVALID (422 unknown_role).
 */
#ifndef GATEHOUSE_APP_MEMBERSHIP_H
#define GATEHOUSE_APP_MEMBERSHIP_H

#include "app/app.h"
#include "model/membership.h"

/* Adds in->user_id to the organization (id or slug) with in->role, else its default_role. */
int app_membership_create(struct app *a, const struct actor *who, const char *org,
                          const struct membership_input *in, struct membership *out);
/* Sets the role (role_source becomes manual); user is a user id or membership id. */
int app_membership_update(struct app *a, const struct actor *who, const char *org, const char *user,
                          const struct membership_input *in, struct membership *out);
/* Removes the membership; out (released by the caller) is what was removed. */
int app_membership_delete(struct app *a, const struct actor *who, const char *org, const char *user,
                          struct membership *out);
/* The organization's members, optionally only those holding role (NULL: all). */
int app_membership_list(struct app *a, const char *org, const char *role, const struct page *p,
                        struct membership **items, size_t *count, int64_t *total);
/* The user's memberships (ERR_NOT_FOUND user_not_found for an unknown user). */
int app_membership_list_user(struct app *a, const char *user_id, const struct page *p,
                             struct membership **items, size_t *count, int64_t *total);

/*
 * For other use cases inside their transaction: writes the audit row and the
 * event named by action ("organization_membership.updated") for m as it now is.
 */
int app_membership_record(struct db_conn *c, const struct actor *who, const char *action,
                          const struct membership *m);
/* The data (JSON text, caller frees) app_membership_record writes for m; pure. */
char *app_membership_data(const struct membership *m);
/* app_membership_record with that data already built from m (NULL: build it). */
int app_membership_record_data(struct db_conn *c, const struct actor *who, const char *action,
                               const struct membership *m, const char *data);

#endif
