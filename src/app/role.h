/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Role and permission use cases. Built-in roles (org:admin, org:member) are
 * listed and read like custom ones but cannot be changed. Each write runs in
 * one transaction with its audit row; deleting a role re-resolves its holders
 * (one organization_membership.updated event each).
 * Expected errors: ERR_NOT_FOUND (role_not_found), ERR_CONFLICT
 * (role_key_taken, builtin_role, role_in_use).
 */
#ifndef GATEHOUSE_APP_ROLE_H
#define GATEHOUSE_APP_ROLE_H

#include "app/app.h"
#include "model/role.h"

int app_role_create(struct app *a, const struct actor *who, const struct role_input *in,
                    struct role *out);
/* key is a role key or id. */
int app_role_update(struct app *a, const struct actor *who, const char *key,
                    const struct role_input *in, struct role *out);
/*
 * Deletes a custom role; refused while an organization has it as its
 * default_role. Members holding it get their organization's default role;
 * *reassigned_out counts them. out (released by the caller) is the role
 * that was deleted.
 */
int app_role_delete(struct app *a, const struct actor *who, const char *key, struct role *out,
                    int64_t *reassigned_out);
int app_role_get(struct app *a, const char *key, struct role *out);
/*
 * Built-in roles first, then custom roles by key; starting_after is a key or
 * id of the previous page's last role.
 */
int app_role_list(struct app *a, const struct page *p, struct role **items, size_t *count,
                  int64_t *total);
/* The system permissions, then every custom permission some role holds (by key). */
int app_role_permissions(struct app *a, struct permission **items, size_t *count);

#endif
