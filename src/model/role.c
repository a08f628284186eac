/* SPDX-License-Identifier: Apache-2.0 */
/* Roles, permissions, built-ins (see role.h). */
#include "base/common.h"

#include "model/role.h"

#include "base/error.h"
#include "base/json_field.h"

const struct permission_info model_system_permissions[] = {
	{ "org:sys_profile:manage", "Manage organization",
	  "Change the organization's name, slug and settings" },
	{ "org:sys_profile:delete", "Delete organization", "Delete the organization" },
	{ "org:sys_memberships:read", "Read members", "See the organization's members" },
	{ "org:sys_memberships:manage", "Manage members", "Add, remove and change members" },
	{ "org:sys_domains:read", "Read domains", "See the organization's domains" },
	{ "org:sys_domains:manage", "Manage domains", "Add, verify and remove domains" },
	{ "org:sys_entconns", "Manage enterprise connections", "Set up SSO and Directory Sync" },
	{ NULL, NULL, NULL },
};

static const char *const admin_perms[] = {
	"org:sys_profile:manage",   "org:sys_profile:delete",
	"org:sys_memberships:read", "org:sys_memberships:manage",
	"org:sys_domains:read",     "org:sys_domains:manage",
	"org:sys_entconns",         NULL,
};
static const char *const member_perms[] = { "org:sys_memberships:read", NULL };

bool role_is_builtin(const char *key)
{
	return strcmp(key, ROLE_ADMIN) == 0 || strcmp(key, ROLE_MEMBER) == 0;
}

const char *const *role_builtin_permissions(const char *key)
{
	if (strcmp(key, ROLE_ADMIN) == 0)
		return admin_perms;
	if (strcmp(key, ROLE_MEMBER) == 0)
		return member_perms;
	return NULL;
}

bool permission_is_system(const char *key)
{
	for (const struct permission_info *p = model_system_permissions; p->key; p++)
		if (strcmp(p->key, key) == 0)
			return true;
	return false;
}

/* "[a-z0-9_]+" of exactly n bytes */
static bool word(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool permission_is_custom(const char *key)
{
	size_t n = strlen(key);
	if (n > MODEL_ROLE_KEY_MAX || strncmp(key, "org:", 4) != 0)
		return false;
	const char *feature = key + 4;
	const char *colon = strchr(feature, ':');
	if (!colon || strncmp(feature, "sys_", 4) == 0)
		return false;
	const char *action = colon + 1;
	return word(feature, (size_t)(colon - feature)) && word(action, strlen(action));
}

const char *role_builtin_key(const char *key_or_id)
{
	if (strcmp(key_or_id, ROLE_ADMIN) == 0 || strcmp(key_or_id, "role_builtin_admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(key_or_id, ROLE_MEMBER) == 0 || strcmp(key_or_id, "role_builtin_member") == 0)
		return ROLE_MEMBER;
	return NULL;
}

void permission_release(struct permission *p)
{
	free(p->key);
	free(p->name);
	free(p->description);
	memset(p, 0, sizeof(*p));
}

json_t *permission_to_json(const struct permission *p)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("permission"));
	json_object_set_new(j, "key", json_string(p->key));
	json_object_set_new(j, "name", json_string(p->name ? p->name : p->key));
	json_object_set_new(j, "description", json_string(p->description ? p->description : ""));
	json_object_set_new(j, "system", json_boolean(p->system));
	return j;
}

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

int role_input_from_json(struct role_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "key", "name", "description", "permissions", NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "key", MODEL_ROLE_KEY_MAX, &out->key, &out->has_key);
	if (!rc)
		rc = json_field_string(body, "name", MODEL_NAME_MAX, &out->name, &out->has_name);
	if (!rc)
		rc = json_field_string(body, "description", 1024, &out->description,
		                       &out->has_description);
	if (!rc)
		rc = json_field_string_array(body, "permissions", ROLE_MAX_PERMISSIONS,
		                             MODEL_ROLE_KEY_MAX, &out->permissions,
		                             &out->npermissions, &out->has_permissions);
	if (rc)
		return rc;
	if (create && !out->has_key)
		return json_field_missing("key");
	if (create && !out->has_name)
		return json_field_missing("name");
	if (!create && out->has_key)
		return invalid("key", "immutable",
		               "a role's key cannot be changed; create a new role");
	if (out->has_key && (!out->key || !model_role_key_is_valid(out->key)))
		return invalid("key", "invalid_role_key",
		               "key must look like org:billing (org: then a-z, 0-9, '_' or ':')");
	if (out->has_name && (!out->name || !*out->name))
		return invalid("name", "invalid", "name must not be empty");
	for (size_t i = 0; i < out->npermissions; i++) {
		const char *p = out->permissions[i];
		if (!permission_is_system(p) && !permission_is_custom(p))
			return invalid("permissions", "invalid_permission",
			               "permissions are system ones or org:feature:action");
		for (size_t k = 0; k < i; k++)
			if (strcmp(out->permissions[k], out->permissions[i]) == 0)
				return invalid("permissions", "duplicate_permission",
				               "a permission is listed twice");
	}
	return 0;
}

void role_input_release(struct role_input *in)
{
	free(in->permissions);
	memset(in, 0, sizeof(*in));
}

bool role_builtin(struct role *out, const char *key)
{
	const char *const *perms = role_builtin_permissions(key);
	if (!perms)
		return false;
	memset(out, 0, sizeof(*out));
	xsnprintf(out->id, sizeof(out->id), "role_builtin_%s", key + 4);
	out->key = xstrdup(key);
	out->name = xstrdup(strcmp(key, ROLE_ADMIN) == 0 ? "Admin" : "Member");
	out->description =
	        xstrdup(strcmp(key, ROLE_ADMIN) == 0 ? "Every system permission"
	                                             : "Reads the organization's members");
	size_t n = 0;
	while (perms[n])
		n++;
	out->permissions = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out->permissions[i] = xstrdup(perms[i]);
	out->npermissions = n;
	out->builtin = true;
	return true;
}

void role_release(struct role *r)
{
	free(r->key);
	free(r->name);
	free(r->description);
	for (size_t i = 0; i < r->npermissions; i++)
		free(r->permissions[i]);
	free(r->permissions);
	memset(r, 0, sizeof(*r));
}

json_t *role_to_json(const struct role *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("role"));
	json_object_set_new(j, "id", json_string(r->id));
	json_object_set_new(j, "key", json_string(r->key));
	json_object_set_new(j, "name", json_string(r->name));
	json_object_set_new(j, "description", json_string(r->description ? r->description : ""));
	json_t *p = json_array();
	for (size_t i = 0; i < r->npermissions; i++)
		json_array_append_new(p, json_string(r->permissions[i]));
	json_object_set_new(j, "permissions", p);
	json_object_set_new(j, "builtin", json_boolean(r->builtin));
	model_json_time(j, "created_at", r->created_at);
	model_json_time(j, "updated_at", r->updated_at);
	return j;
}

char *role_permissions_text(const char *const *perms, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(perms[i]));
	char *t = model_json_text(a);
	json_decref(a);
	return t;
}

int role_permissions_parse(struct role *r, const char *json_text)
{
	json_t *a = json_loads(json_text ? json_text : "[]", 0, NULL);
	if (!json_is_array(a)) {
		json_decref(a);
		return error_set(ERR_INTERNAL, "stored permissions are not a JSON array");
	}
	size_t n = json_array_size(a);
	r->permissions = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		r->permissions[r->npermissions++] = xstrdup(s ? s : "");
	}
	json_decref(a);
	return 0;
}
