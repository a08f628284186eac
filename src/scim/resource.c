/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM User/Group decoding and encoding (see resource.h). */
#include "base/common.h"

#include "scim/resource.h"

#include "base/clock.h"
#include "base/error.h"
#include "model/model.h"
#include "scim/filter.h"
#include "scim/schema.h"

#include <strings.h>

static int invalid(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int invalid(const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setc(ERR_INVALID, "invalidValue", "%s", msg);
}

static void drop(json_t *obj, const char *name)
{
	const char *k;
	while ((k = scim_json_key(obj, name)))
		json_object_del(obj, k);
}

/* RFC 7643 §2.5: null (and an empty array) is unassigned; dropped at every level. */
static void drop_nulls(json_t *v, int depth)
{
	if (depth > 8)
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, x)
		{
			if (json_is_null(x) || (json_is_array(x) && json_array_size(x) == 0))
				json_object_del(v, k);
			else
				drop_nulls(x, depth + 1);
		}
	} else if (json_is_array(v)) {
		for (size_t i = json_array_size(v); i-- > 0;) {
			json_t *x = json_array_get(v, i);
			if (json_is_null(x))
				json_array_remove(v, i);
			else
				drop_nulls(x, depth + 1);
		}
	}
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* A string member: absent is fine (NULL), anything but a short string is not. */
static int opt_string(json_t *obj, const char *name, size_t max, char **out)
{
	json_t *v = scim_json_get(obj, name);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return invalid("%s must be a string", name);
	if (json_string_length(v) > max || has_control(json_string_value(v)))
		return invalid("%s must be at most %zu characters, without control characters",
		               name, max);
	if (json_string_length(v) > 0)
		*out = xstrdup(json_string_value(v));
	return 0;
}

/* Booleans, and the strings "True"/"False" in any case (Entra ID). */
static int normalise_bool(json_t *obj, const char *name, bool def, bool *out)
{
	const char *key = scim_json_key(obj, name);
	json_t *v = key ? json_object_get(obj, key) : NULL;
	*out = def;
	if (!v)
		return 0;
	if (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0)
		*out = true;
	else if (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0)
		*out = false;
	else if (json_is_boolean(v))
		*out = json_is_true(v);
	else
		return invalid("%s must be true or false", name);
	json_object_set_new(obj, key, json_boolean(*out));
	return 0;
}

static bool lists(json_t *schemas, const char *urn)
{
	size_t i;
	json_t *s;
	json_array_foreach(schemas, i,
	                   s) if (json_is_string(s) &&
	                          strcasecmp(json_string_value(s), urn) == 0) return true;
	return false;
}

/* schemas must name the core schema when present; extensions in use are added. */
static int check_schemas(json_t *res, const char *core)
{
	json_t *schemas = scim_json_get(res, "schemas");
	if (schemas && !json_is_array(schemas))
		return error_setc(ERR_INVALID, "invalidSyntax", "schemas must be an array");
	if (schemas && !lists(schemas, core))
		return error_setc(ERR_INVALID, "invalidSyntax", "schemas must include %s", core);
	if (!schemas) {
		schemas = json_array();
		json_array_append_new(schemas, json_string(core));
		json_object_set_new(res, "schemas", schemas);
	}
	const char *k;
	json_t *v;
	json_object_foreach(res, k, v) if (strncasecmp(k, "urn:", 4) == 0 && json_is_object(v) &&
	                                   !lists(schemas, k))
	        json_array_append_new(schemas, json_string(k));
	return 0;
}

static int decode_email(struct directory_email *e, json_t *v, size_t i)
{
	json_t *value = json_is_object(v) ? scim_json_get(v, "value") : NULL;
	if (!json_is_string(value) || json_string_length(value) == 0)
		return invalid("emails[%zu].value is required: an email address", i);
	char *norm = NULL;
	if (json_string_length(value) > MODEL_EMAIL_MAX ||
	    model_email_normalize(&norm, json_string_value(value)))
		return invalid("emails[%zu].value '%.80s' is not an email address", i,
		               json_string_value(value));
	free(norm);
	e->value = xstrdup(json_string_value(value));
	int rc = normalise_bool(v, "primary", false, &e->primary);
	json_t *type = scim_json_get(v, "type");
	if (rc == 0 && json_is_string(type))
		e->type = xstrdup(json_string_value(type));
	return rc;
}

static int decode_emails(struct directory_user_input *out, json_t *res)
{
	json_t *emails = scim_json_get(res, "emails");
	/* journey 3: emails are required; userName is not an address gatehouse will guess from */
	if (!emails || (json_is_array(emails) && json_array_size(emails) == 0))
		return invalid(
		        "emails is required: gatehouse identifies users by email address "
		        "(userName is not used as one); send at least one in emails[].value");
	if (!json_is_array(emails))
		return invalid("emails must be an array of {value, type, primary}");
	if (json_array_size(emails) > DIRECTORY_MAX_EMAILS)
		return invalid("at most %d email addresses", DIRECTORY_MAX_EMAILS);
	out->emails = xcalloc(json_array_size(emails), sizeof(*out->emails));
	size_t i;
	json_t *v;
	bool primary = false;
	json_array_foreach(emails, i, v)
	{
		out->nemails++;
		int rc = decode_email(&out->emails[i], v, i);
		if (rc)
			return rc;
		if (out->emails[i].primary && primary)
			out->emails[i].primary = false; /* RFC 7643 §2.4: one primary */
		primary = primary || out->emails[i].primary;
	}
	return 0;
}

/* Entra ID sends manager as "id", as {"value": "id"} or as [{"value": "id"}]. */
static int normalise_manager(json_t *res)
{
	json_t *ext = scim_json_get(res, SCIM_URN_ENTERPRISE);
	if (!ext)
		return 0;
	if (!json_is_object(ext))
		return invalid("%s must be an object", SCIM_URN_ENTERPRISE);
	const char *key = scim_json_key(ext, "manager");
	json_t *m = key ? json_object_get(ext, key) : NULL;
	if (json_is_array(m) && json_array_size(m) == 1 && json_is_object(json_array_get(m, 0)))
		json_object_set(ext, key, json_array_get(m, 0));
	else if (json_is_string(m))
		json_object_set_new(ext, key, json_pack("{s:s}", "value", json_string_value(m)));
	else if (m && !json_is_object(m))
		return invalid("manager must be an id or {\"value\": id}");
	return 0;
}

static int decode_name(struct directory_user_input *out, json_t *res)
{
	json_t *name = scim_json_get(res, "name");
	if (name && !json_is_object(name))
		return invalid("name must be an object {givenName, familyName, ...}");
	int rc = opt_string(name, "givenName", MODEL_NAME_MAX, &out->given_name);
	if (rc == 0)
		rc = opt_string(name, "familyName", MODEL_NAME_MAX, &out->family_name);
	return rc;
}

/* model_json_text writes what json_dumps(JSON_COMPACT) would, at a third of its cost. */
static char *profile_text(json_t *res)
{
	return model_json_text(res);
}

static int decode_user(struct directory_user_input *out, json_t *res)
{
	if (!json_is_object(res))
		return error_setc(ERR_INVALID, "invalidSyntax", "a User is a JSON object");
	drop(res, "id");
	drop(res, "meta");
	drop(res, "password"); /* returned never; gatehouse users sign in at their IdP */
	drop(res, "groups");   /* read-only: membership is managed through /Groups */
	drop_nulls(res, 0);
	int rc = check_schemas(res, SCIM_URN_USER);
	if (rc == 0)
		rc = opt_string(res, "userName", DIRECTORY_USER_NAME_MAX, &out->user_name);
	if (rc == 0 && !out->user_name)
		rc = invalid("userName is required");
	if (rc == 0)
		rc = opt_string(res, "externalId", 256, &out->external_id);
	if (rc == 0)
		rc = normalise_bool(res, "active", true, &out->active);
	if (rc == 0 && !scim_json_key(res, "active"))
		json_object_set_new(res, "active", json_true());
	if (rc == 0)
		rc = decode_name(out, res);
	if (rc == 0)
		rc = normalise_manager(res);
	if (rc == 0)
		rc = decode_emails(out, res);
	return rc;
}

int scim_user_decode(struct directory_user_input *out, json_t *res)
{
	memset(out, 0, sizeof(*out));
	int rc = decode_user(out, res);
	if (rc == 0) {
		out->profile = profile_text(res);
		if (strlen(out->profile) > DIRECTORY_PROFILE_MAX)
			rc = invalid("the user is larger than %d bytes", DIRECTORY_PROFILE_MAX);
	}
	if (rc)
		directory_user_input_release(out);
	return rc;
}

int scim_group_decode(struct directory_group_input *out, json_t *res)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(res))
		return error_setc(ERR_INVALID, "invalidSyntax", "a Group is a JSON object");
	drop(res, "id");
	drop(res, "meta");
	drop(res, "members"); /* members travel by id (scim_members_from_value) */
	drop_nulls(res, 0);
	int rc = check_schemas(res, SCIM_URN_GROUP);
	if (rc == 0)
		rc = opt_string(res, "displayName", 256, &out->display_name);
	if (rc == 0 && !out->display_name)
		rc = invalid("displayName is required");
	if (rc == 0)
		rc = opt_string(res, "externalId", 256, &out->external_id);
	if (rc == 0) {
		out->profile = profile_text(res);
		if (strlen(out->profile) > DIRECTORY_PROFILE_MAX)
			rc = invalid("the group is larger than %d bytes", DIRECTORY_PROFILE_MAX);
	}
	if (rc)
		directory_group_input_release(out);
	return rc;
}

void scim_etag(char out[32], int64_t version)
{
	xsnprintf(out, 32, "W/\"%lld\"", (long long)version);
}

static json_t *meta(const char *type, const char *base_url, const char *what, const char *id,
                    int64_t created, int64_t updated, int64_t version)
{
	char t[32], etag[32];
	json_t *m = json_object();
	json_object_set_new(m, "resourceType", json_string(type));
	clock_format_rfc3339(t, sizeof(t), created);
	json_object_set_new(m, "created", json_string(t));
	clock_format_rfc3339(t, sizeof(t), updated);
	json_object_set_new(m, "lastModified", json_string(t));
	char *loc = xasprintf("%s/%s/%s", base_url, what, id);
	json_object_set_new(m, "location", json_string(loc));
	free(loc);
	scim_etag(etag, version);
	json_object_set_new(m, "version", json_string(etag));
	return m;
}

static json_t *with_schemas(json_t *j, const char *core)
{
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	if (!json_is_array(scim_json_get(j, "schemas"))) {
		json_t *s = json_array();
		json_array_append_new(s, json_string(core));
		json_object_set_new(j, "schemas", s);
	}
	return j;
}

static json_t *load_profile(const char *text, const char *core)
{
	return with_schemas(text ? json_loads(text, 0, NULL) : NULL, core);
}

json_t *scim_user_encode(const struct directory_user *u, const char *base_url)
{
	return scim_user_encode_from(u, load_profile(u->profile, SCIM_URN_USER), base_url);
}

json_t *scim_user_encode_from(const struct directory_user *u, json_t *profile, const char *base_url)
{
	json_t *j = with_schemas(profile, SCIM_URN_USER);
	json_object_set_new(j, "id", json_string(u->id));
	drop(j, "active");
	json_object_set_new(j, "active", json_boolean(u->active));
	json_object_set_new(
	        j, "meta",
	        meta("User", base_url, "Users", u->id, u->created_at, u->updated_at, u->version));
	return j;
}

json_t *scim_group_encode(const struct directory_group *g, const struct directory_member *members,
                          size_t n, bool members_excluded, const char *base_url)
{
	json_t *j = load_profile(g->profile, SCIM_URN_GROUP);
	json_object_set_new(j, "id", json_string(g->id));
	if (!members_excluded) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			char *ref = xasprintf("%s/Users/%s", base_url, members[i].id);
			json_array_append_new(arr, json_pack("{s:s, s:s?, s:s, s:s}", "value",
			                                     members[i].id, "display",
			                                     members[i].user_name, "$ref", ref,
			                                     "type", "User"));
			free(ref);
		}
		json_object_set_new(j, "members", arr);
	}
	json_object_set_new(
	        j, "meta",
	        meta("Group", base_url, "Groups", g->id, g->created_at, g->updated_at, g->version));
	return j;
}
