/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Organization memberships: (organization, user, role, role source), the
 * permissions the role grants, small summaries of the user and the
 * organization for lists, input decoding and JSON output.
 */
#ifndef GATEHOUSE_MODEL_MEMBERSHIP_H
#define GATEHOUSE_MODEL_MEMBERSHIP_H

#include "base/id.h"
#include "model/model.h"

/* Where a member's role came from (PRODUCT.md "Membership"). */
#define ROLE_SOURCE_MANUAL  "manual"  /* set through the API or CLI */
#define ROLE_SOURCE_DEFAULT "default" /* the organization's default_role */
#define ROLE_SOURCE_MAPPING "mapping" /* a Directory Sync group mapping: not editable by hand */

struct membership {
	char id[ID_MAX];
	char org_id[ID_MAX];
	char user_id[ID_MAX];
	char *role, *role_source;
	char **permissions; /* NULL-terminated, owned */
	size_t npermissions;
	/* summaries, read with the row */
	char *org_name, *org_slug;
	char *user_email, *user_first_name, *user_last_name;
	int64_t created_at, updated_at;
};

/* A create carries user_id and optionally role; an update carries role only. */
struct membership_input {
	const char *user_id, *role; /* borrowed */
	bool has_user_id, has_role;
};

/*
 * Decodes and validates a body (strings borrowed from body). Returns 0 or
 * ERR_INVALID 422: unknown_field, invalid_type, missing_field, invalid_role
 * (not shaped like a role key). Whether the role exists is app/'s check.
 */
int membership_input_from_json(struct membership_input *out, json_t *body, bool create);

/*
 * Sets m->permissions from its role: a built-in role's list, else the
 * custom role's stored JSON array text (NULL or invalid text: none, as for
 * a role that no longer exists). Replaces any previous list.
 */
void membership_set_permissions(struct membership *m, const char *custom_permissions_json);
bool membership_role_source_is_valid(const char *s);

void membership_release(struct membership *m);
/* New reference; the API shape of a membership, with "user" and "organization" summaries. */
json_t *membership_to_json(const struct membership *m);

#endif
