/* SPDX-License-Identifier: Apache-2.0 */
/* Membership codec and rules (see membership.h). */
#include "base/common.h"

#include "model/membership.h"

#include "base/error.h"
#include "base/json_field.h"
#include "model/role.h"

int membership_input_from_json(struct membership_input *out, json_t *body, bool create)
{
	static const char *const create_fields[] = { "user_id", "role", NULL };
	static const char *const update_fields[] = { "role", NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, create ? create_fields : update_fields);
	if (!rc)
		rc = json_field_string(body, "user_id", ID_MAX, &out->user_id, &out->has_user_id);
	if (!rc)
		rc = json_field_string(body, "role", MODEL_ROLE_KEY_MAX, &out->role,
		                       &out->has_role);
	if (rc)
		return rc;
	if (create && (!out->has_user_id || !out->user_id))
		return json_field_missing("user_id");
	if (!create && !out->has_role)
		return json_field_missing("role");
	if (out->has_role && (!out->role || !model_role_key_is_valid(out->role))) {
		error_setc(ERR_INVALID, "invalid_role", "role must be a role key like org:member");
		error_set_status(422);
		error_add_field("role", "invalid_role");
		return ERR_INVALID;
	}
	return 0;
}

static void free_permissions(struct membership *m)
{
	for (size_t i = 0; i < m->npermissions; i++)
		free(m->permissions[i]);
	free(m->permissions);
	m->permissions = NULL;
	m->npermissions = 0;
}

void membership_set_permissions(struct membership *m, const char *custom_permissions_json)
{
	free_permissions(m);
	const char *const *builtin = m->role ? role_builtin_permissions(m->role) : NULL;
	if (builtin) {
		while (builtin[m->npermissions])
			m->npermissions++;
		m->permissions = xcalloc(m->npermissions + 1, sizeof(char *));
		for (size_t i = 0; i < m->npermissions; i++)
			m->permissions[i] = xstrdup(builtin[i]);
		return;
	}
	json_t *a = custom_permissions_json ? json_loads(custom_permissions_json, 0, NULL) : NULL;
	size_t n = json_is_array(a) ? json_array_size(a) : 0;
	m->permissions = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s)
			m->permissions[m->npermissions++] = xstrdup(s);
	}
	json_decref(a);
}

bool membership_role_source_is_valid(const char *s)
{
	return strcmp(s, ROLE_SOURCE_MANUAL) == 0 || strcmp(s, ROLE_SOURCE_DEFAULT) == 0 ||
	       strcmp(s, ROLE_SOURCE_MAPPING) == 0;
}

void membership_release(struct membership *m)
{
	free_permissions(m);
	free(m->role);
	free(m->role_source);
	free(m->org_name);
	free(m->org_slug);
	free(m->user_email);
	free(m->user_first_name);
	free(m->user_last_name);
	memset(m, 0, sizeof(*m));
}

json_t *membership_to_json(const struct membership *m)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization_membership"));
	json_object_set_new(j, "id", json_string(m->id));
	json_object_set_new(j, "organization_id", json_string(m->org_id));
	json_object_set_new(j, "user_id", json_string(m->user_id));
	json_object_set_new(j, "role", json_string(m->role));
	json_object_set_new(j, "role_source", json_string(m->role_source));
	json_t *p = json_array();
	for (size_t i = 0; i < m->npermissions; i++)
		json_array_append_new(p, json_string(m->permissions[i]));
	json_object_set_new(j, "permissions", p);
	json_t *u = json_object();
	json_object_set_new(u, "id", json_string(m->user_id));
	model_json_str(u, "primary_email", m->user_email);
	model_json_str(u, "first_name", m->user_first_name);
	model_json_str(u, "last_name", m->user_last_name);
	json_object_set_new(j, "user", u);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(m->org_id));
	model_json_str(o, "name", m->org_name);
	model_json_str(o, "slug", m->org_slug);
	json_object_set_new(j, "organization", o);
	model_json_time(j, "created_at", m->created_at);
	model_json_time(j, "updated_at", m->updated_at);
	return j;
}
