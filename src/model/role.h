/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Roles and permissions. Built-in roles org:admin (every system permission)
 * and org:member (read memberships) always exist; custom roles are rows.
 */
#ifndef GATEHOUSE_MODEL_ROLE_H
#define GATEHOUSE_MODEL_ROLE_H

#include "base/id.h"
#include "model/model.h"

#define ROLE_ADMIN  "org:admin"
#define ROLE_MEMBER "org:member"
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
