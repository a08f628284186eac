/* SPDX-License-Identifier: Apache-2.0 */
/* Directory Sync types and their API shapes (see directory.h). */
#include "base/common.h"

#include "model/directory.h"

#include "base/error.h"
#include "base/json_field.h"

void directory_release(struct directory *d)
{
	free(d->token_hint);
	memset(d, 0, sizeof(*d));
}

json_t *directory_to_json(const struct directory *d, const char *public_url)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("directory_sync"));
	json_object_set_new(j, "connection_id", json_string(d->connection_id));
	json_object_set_new(j, "organization_id", json_string(d->org_id));
	json_object_set_new(j, "enabled", json_boolean(d->enabled));
	char *url = xasprintf("%s/scim/v2/%s", public_url, d->connection_id);
	json_object_set_new(j, "scim_base_url", json_string(url));
	free(url);
	model_json_str(j, "token_hint", d->enabled ? d->token_hint : NULL);
	model_json_time(j, "token_created_at", d->enabled ? d->token_created_at : 0);
	model_json_time(j, "previous_token_expires_at", d->previous_token_expires_at);
	json_object_set_new(j, "users_count", json_integer(d->users_count));
	json_object_set_new(j, "groups_count", json_integer(d->groups_count));
	model_json_time(j, "enabled_at", d->enabled_at);
	model_json_time(j, "disabled_at", d->disabled_at);
	model_json_time(j, "created_at", d->created_at);
	model_json_time(j, "updated_at", d->updated_at);
	return j;
}

void directory_user_input_release(struct directory_user_input *in)
{
	for (size_t i = 0; i < in->nemails; i++) {
		free(in->emails[i].value);
		free(in->emails[i].type);
	}
	free(in->emails);
	free(in->user_name);
	free(in->external_id);
	free(in->given_name);
	free(in->family_name);
	free(in->profile);
	memset(in, 0, sizeof(*in));
}

const struct directory_email *directory_user_input_primary(const struct directory_user_input *in)
{
	for (size_t i = 0; i < in->nemails; i++)
		if (in->emails[i].primary)
			return &in->emails[i];
	return in->nemails ? &in->emails[0] : NULL;
}

void directory_user_release(struct directory_user *u)
{
	free(u->user_name);
	free(u->external_id);
	free(u->profile);
	free(u->primary_email);
	memset(u, 0, sizeof(*u));
}

json_t *directory_user_to_json(const struct directory_user *u)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("directory_user"));
	json_object_set_new(j, "id", json_string(u->id));
	json_object_set_new(j, "scim_id", json_string(u->id));
	json_object_set_new(j, "connection_id", json_string(u->connection_id));
	json_object_set_new(j, "user_id", json_string(u->user_id));
	json_object_set_new(j, "user_name", json_string(u->user_name));
	model_json_str(j, "external_id", u->external_id);
	model_json_str(j, "primary_email", u->primary_email);
	json_object_set_new(j, "status", json_string(u->active ? "active" : "deactivated"));
	model_json_time(j, "last_synced_at", u->last_synced_at);
	model_json_time(j, "created_at", u->created_at);
	model_json_time(j, "updated_at", u->updated_at);
	return j;
}

void directory_group_input_release(struct directory_group_input *in)
{
	free(in->display_name);
	free(in->external_id);
	free(in->profile);
	memset(in, 0, sizeof(*in));
}

void directory_group_release(struct directory_group *g)
{
	free(g->display_name);
	free(g->external_id);
	free(g->profile);
	memset(g, 0, sizeof(*g));
}

json_t *directory_group_to_json(const struct directory_group *g, const char *org_id)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("directory_group"));
	json_object_set_new(j, "id", json_string(g->id));
	json_object_set_new(j, "connection_id", json_string(g->connection_id));
	model_json_str(j, "organization_id", org_id);
	json_object_set_new(j, "display_name", json_string(g->display_name));
	model_json_str(j, "external_id", g->external_id);
	json_object_set_new(j, "member_count", json_integer(g->member_count));
	model_json_time(j, "created_at", g->created_at);
	model_json_time(j, "updated_at", g->updated_at);
	return j;
}

void directory_member_ops_release(struct directory_member_ops *m)
{
	for (size_t i = 0; i < m->nops; i++) {
		for (size_t k = 0; k < m->ops[i].nids; k++)
			free(m->ops[i].ids[k]);
		free(m->ops[i].ids);
	}
	free(m->ops);
	memset(m, 0, sizeof(*m));
}

void role_mapping_release(struct role_mapping *m)
{
	free(m->role);
	free(m->group_display_name);
	memset(m, 0, sizeof(*m));
}

static int mapping_error(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

static int decode_mapping(struct role_mapping *out, json_t *item, size_t i)
{
	static const char *const allowed[] = { "group_id", "role", NULL };
	char field[32];
	xsnprintf(field, sizeof(field), "data[%zu]", i);
	if (!json_is_object(item))
		return mapping_error(field, "invalid_type", "each mapping is {group_id, role}");
	const char *group = NULL, *role = NULL;
	int rc = json_field_check_known(item, allowed);
	if (rc == 0)
		rc = json_field_string(item, "group_id", ID_MAX - 1, &group, NULL);
	if (rc == 0)
		rc = json_field_string(item, "role", MODEL_ROLE_KEY_MAX, &role, NULL);
	if (rc) {
		char prefix[40];
		xsnprintf(prefix, sizeof(prefix), "%s.", field);
		error_prefix_fields(prefix);
		return rc;
	}
	if (!group || !id_is_valid(group, "grp"))
		return mapping_error(field, "invalid_role_mapping",
		                     "group_id must be a group id (grp_...)");
	if (!role || !model_role_key_is_valid(role))
		return mapping_error(field, "invalid_role_mapping",
		                     "role must be a role key (org:...)");
	xsnprintf(out->group_id, sizeof(out->group_id), "%s", group);
	out->role = xstrdup(role);
	return 0;
}

int role_mappings_from_json(struct role_mapping **out, size_t *count, json_t *body)
{
	json_t *list = json_is_array(body) ? body : json_object_get(body, "data");
	*out = NULL;
	*count = 0;
	if (json_is_object(body)) {
		static const char *const allowed[] = { "data", NULL };
		int rc = json_field_check_known(body, allowed);
		if (rc)
			return rc;
	}
	if (!json_is_array(list))
		return mapping_error("data", "missing_field",
		                     "send {\"data\": [{\"group_id\", \"role\"}, ...]}");
	if (json_array_size(list) > DIRECTORY_MAX_MAPPINGS)
		return mapping_error("data", "too_many",
		                     "at most 100 role mappings per connection");
	struct role_mapping *v = xcalloc(json_array_size(list) + 1, sizeof(*v));
	size_t i;
	json_t *item;
	int rc = 0;
	json_array_foreach(list, i, item)
	{
		rc = decode_mapping(&v[i], item, i);
		for (size_t k = 0; rc == 0 && k < i; k++)
			if (strcmp(v[k].group_id, v[i].group_id) == 0)
				rc = mapping_error("data", "duplicate_group",
				                   "a group can appear once in the mapping list");
		if (rc) {
			for (size_t k = 0; k <= i; k++)
				role_mapping_release(&v[k]);
			free(v);
			return rc;
		}
	}
	*out = v;
	*count = json_array_size(list);
	return 0;
}

json_t *role_mappings_to_json(const char *connection_id, const struct role_mapping *m, size_t n)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("role_mappings"));
	json_object_set_new(j, "connection_id", json_string(connection_id));
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(e, "group_id", json_string(m[i].group_id));
		model_json_str(e, "group_display_name", m[i].group_display_name);
		json_object_set_new(e, "role", json_string(m[i].role));
		json_array_append_new(data, e);
	}
	json_object_set_new(j, "data", data);
	return j;
}

void directory_job_release(struct directory_job *j)
{
	free(j->kind);
	free(j->reason);
	free(j->status);
	free(j->error);
	memset(j, 0, sizeof(*j));
}

json_t *directory_job_to_json(const struct directory_job *jb)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("directory_job"));
	json_object_set_new(j, "id", json_string(jb->id));
	json_object_set_new(j, "connection_id", json_string(jb->connection_id));
	json_object_set_new(j, "kind", json_string(jb->kind));
	json_object_set_new(j, "reason", json_string(jb->reason));
	json_object_set_new(j, "status", json_string(jb->status));
	json_object_set_new(j, "total", json_integer(jb->total));
	json_object_set_new(j, "done", json_integer(jb->done));
	model_json_str(j, "error", jb->error);
	model_json_time(j, "created_at", jb->created_at);
	model_json_time(j, "updated_at", jb->updated_at);
	model_json_time(j, "finished_at", jb->finished_at);
	return j;
}

void scim_request_release(struct scim_request *r)
{
	free(r->method);
	free(r->path);
	free(r->scim_type);
	free(r->detail);
	free(r->changes);
	free(r->request_body);
	memset(r, 0, sizeof(*r));
}

json_t *scim_request_to_json(const struct scim_request *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("scim_request"));
	json_object_set_new(j, "id", json_string(r->id));
	json_object_set_new(j, "connection_id", json_string(r->connection_id));
	json_object_set_new(j, "method", json_string(r->method));
	json_object_set_new(j, "path", json_string(r->path));
	json_object_set_new(j, "status", json_integer(r->status));
	model_json_str(j, "scim_type", r->scim_type);
	model_json_str(j, "detail", r->detail);
	model_json_str(j, "changes", r->changes);
	model_json_str(j, "request_body", r->request_body);
	json_object_set_new(j, "duration_us", json_integer(r->duration_us));
	model_json_time(j, "created_at", r->created_at);
	return j;
}
