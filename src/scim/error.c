/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM Error messages (RFC 7644 §3.12); see error.h. */
#include "base/common.h"

#include "scim/error.h"

#include "scim/schema.h"

bool scim_error_is_scim_type(const char *s)
{
	static const char *const types[] = {
		"invalidFilter", "tooMany",  "uniqueness",   "mutability",  "invalidSyntax",
		"invalidPath",   "noTarget", "invalidValue", "invalidVers", "sensitive",
	};
	for (size_t i = 0; s && i < ARRAY_SIZE(types); i++)
		if (strcmp(s, types[i]) == 0)
			return true;
	return false;
}

/* Conflicts that are about a value another resource already holds. */
static bool is_uniqueness(const char *stable)
{
	static const char *const codes[] = { "email_taken", "user_name_taken", "username_taken",
		                             "db_constraint", "already_exists" };
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		if (strcmp(stable, codes[i]) == 0)
			return true;
	return false;
}

void scim_error_from_state(struct scim_error *out, const struct error_state *e)
{
	out->status = error_http_status(e);
	out->detail = e->detail;
	out->scim_type = NULL;
	if (out->status == 422)
		out->status = 400; /* not a SCIM status: the RFC's 400 with a scimType */
	if (scim_error_is_scim_type(e->stable)) {
		out->scim_type = e->stable;
		out->status = strcmp(e->stable, "uniqueness") == 0 ? 409 : 400;
	} else if (e->code == ERR_INVALID && out->status == 400) {
		out->scim_type = "invalidValue";
	} else if (e->code == ERR_CONFLICT && is_uniqueness(e->stable)) {
		out->scim_type = "uniqueness";
	} else if (strcmp(e->stable, "concurrent_update") == 0) {
		out->status = 503; /* retries ran out: transient, not "it exists" (a 409 to Okta) */
	}
}

json_t *scim_error_json(const struct scim_error *e)
{
	char status[8];
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(sch, json_string(SCIM_URN_ERROR));
	json_object_set_new(j, "schemas", sch);
	xsnprintf(status, sizeof(status), "%d", e->status);
	json_object_set_new(j, "status", json_string(status));
	if (e->scim_type)
		json_object_set_new(j, "scimType", json_string(e->scim_type));
	const char *detail =
	        e->status >= 500 && e->status != 503
	                ? "an internal error occurred; the request id is in the X-Request-Id header"
	                : e->detail;
	json_object_set_new(j, "detail", json_string(detail && *detail ? detail : "error"));
	return j;
}
