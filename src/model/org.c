/* SPDX-License-Identifier: Apache-2.0 */
/* Organization codec and rules (see org.h). */
#include "base/common.h"

#include "model/org.h"

#include "base/error.h"
#include "base/json_field.h"

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

int org_input_from_json(struct org_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "name",
		                               "slug",
		                               "default_role",
		                               "self_serve_sso",
		                               "max_memberships",
		                               "public_metadata",
		                               "private_metadata",
		                               NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "name", MODEL_NAME_MAX, &out->name, &out->has_name);
	if (!rc)
		rc = json_field_string(body, "slug", MODEL_SLUG_MAX, &out->slug, &out->has_slug);
	if (!rc)
		rc = json_field_string(body, "default_role", MODEL_ROLE_KEY_MAX, &out->default_role,
		                       &out->has_default_role);
	if (!rc)
		rc = json_field_bool(body, "self_serve_sso", &out->self_serve_sso,
		                     &out->has_self_serve_sso);
	if (!rc && json_is_null(json_object_get(body, "max_memberships"))) {
		out->has_max_memberships = true;
		out->max_memberships = 0;
	} else if (!rc) {
		rc = json_field_int(body, "max_memberships", 1, 10000000, &out->max_memberships,
		                    &out->has_max_memberships);
	}
	if (!rc)
		rc = json_field_object_text(body, "public_metadata", MODEL_METADATA_MAX,
		                            &out->public_metadata, &out->has_public_metadata);
	if (!rc)
		rc = json_field_object_text(body, "private_metadata", MODEL_METADATA_MAX,
		                            &out->private_metadata, &out->has_private_metadata);
	if (rc)
		return rc;
	if (create && !out->has_name)
		return json_field_missing("name");
	if (out->has_name && (!out->name || !*out->name))
		return invalid("name", "invalid", "name must not be empty");
	if (out->has_slug && (!out->slug || !model_slug_is_valid(out->slug)))
		return invalid(
		        "slug", "invalid_slug",
		        "slug must be 1-64 of a-z, 0-9 and '-', not starting or ending with '-'");
	if (out->has_default_role &&
	    (!out->default_role || !model_role_key_is_valid(out->default_role)))
		return invalid("default_role", "invalid_role",
		               "default_role must be a role key like org:member");
	return 0;
}

void org_input_release(struct org_input *in)
{
	free(in->public_metadata);
	free(in->private_metadata);
	memset(in, 0, sizeof(*in));
}

void org_release(struct org *o)
{
	free(o->name);
	free(o->slug);
	free(o->default_role);
	free(o->public_metadata);
	free(o->private_metadata);
	memset(o, 0, sizeof(*o));
}

json_t *org_to_json(const struct org *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization"));
	json_object_set_new(j, "id", json_string(o->id));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "slug", json_string(o->slug));
	json_object_set_new(j, "default_role", json_string(o->default_role));
	json_object_set_new(j, "self_serve_sso", json_boolean(o->self_serve_sso));
	json_object_set_new(j, "max_memberships",
	                    o->max_memberships ? json_integer(o->max_memberships) : json_null());
	json_object_set_new(j, "members_count", json_integer(o->members_count));
	model_json_raw(j, "public_metadata", o->public_metadata);
	model_json_raw(j, "private_metadata", o->private_metadata);
	model_json_time(j, "created_at", o->created_at);
	model_json_time(j, "updated_at", o->updated_at);
	return j;
}
