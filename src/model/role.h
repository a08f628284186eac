/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Roles and permissions. Built-in roles org:admin (every system permission)
 * and org:member (read memberships) always exist; custom roles are rows.
 */
#ifndef GATEHOUSE_MODEL_ROLE_H
#define GATEHOUSE_MODEL_ROLE_H

#include "base/id.h"
#include "model/model.h"

#define ROLE_ADMIN           "org:admin"
#define ROLE_MEMBER          "org:member"
#define ROLE_MAX_PERMISSIONS 64

struct permission_info {
	const char *key;
	const char *name;
	const char *description;
};

/* The system permissions, NULL-key terminated. */
extern const struct permission_info model_system_permissions[];

bool role_is_builtin(const char *key);
/* The permissions of a built-in role, NULL-terminated; NULL for other keys. */
const char *const *role_builtin_permissions(const char *key);
bool permission_is_system(const char *key);
/*
 * Custom permissions: "org:<feature>:<action>", each part 1+ of [a-z0-9_];
 * features starting with "sys_" are reserved for system permissions.
 */
bool permission_is_custom(const char *key);
/* The built-in key named by a key or a built-in id ("role_builtin_admin"), or NULL. */
const char *role_builtin_key(const char *key_or_id);

/* One entry of GET /v1/permissions (strings owned). */
struct permission {
	char *key, *name, *description;
	bool system;
};
void permission_release(struct permission *p);
json_t *permission_to_json(const struct permission *p);

struct role {
	char id[ID_MAX];
	char *key, *name, *description;
	char **permissions; /* NULL-terminated, owned */
	size_t npermissions;
	bool builtin;
	int64_t created_at, updated_at;
};

struct role_input {
	const char *key, *name, *description;
	const char **permissions; /* borrowed strings, owned vector */
	size_t npermissions;
	bool has_key, has_name, has_description, has_permissions;
};

/*
 * Decodes and validates a body (strings borrowed). Each permission must be a
 * system permission or a custom one (permission_is_custom). Returns 0 or
 * ERR_INVALID 422: unknown_field, invalid_type, missing_field, immutable
 * (key on update), invalid_role_key, invalid_permission, duplicate_permission.
 */
int role_input_from_json(struct role_input *out, json_t *body, bool create);
void role_input_release(struct role_input *in);
/* Fills a struct role for a built-in key (false if the key is not built in). */
bool role_builtin(struct role *out, const char *key);
void role_release(struct role *r);
json_t *role_to_json(const struct role *r);
/* The permissions as a JSON array text (caller frees) and back. */
char *role_permissions_text(const char *const *perms, size_t n);
int role_permissions_parse(struct role *r, const char *json_text);

#endif
