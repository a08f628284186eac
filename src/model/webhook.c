/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook endpoint input rules (see webhook.h). */
#include "base/common.h"

#include "model/webhook.h"

#include "base/error.h"
#include "base/json_field.h"

const char *const model_event_types[] = {
	"user.created",
	"user.updated",
	"user.deleted",
	"organization_membership.created",
	"organization_membership.updated",
	"organization_membership.deleted",
	"session.revoked",
	"organization_domain.verified",
	"enterprise_connection.activated",
	"enterprise_connection.deactivated",
	"directory_sync.group.created",
	"directory_sync.group.updated",
	"directory_sync.group.deleted",
	NULL,
};

bool model_event_type_is_known(const char *type)
{
	for (const char *const *t = model_event_types; *t; t++)
		if (strcmp(*t, type) == 0)
			return true;
	return false;
}

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

int webhook_input_from_json(struct webhook_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "url", "description", "events", "enabled", NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "url", MODEL_URL_MAX, &out->url, &out->has_url);
	if (!rc)
		rc = json_field_string(body, "description", 512, &out->description,
		                       &out->has_description);
	if (!rc)
		rc = json_field_string_array(body, "events", 64, 64, &out->events, &out->nevents,
		                             &out->has_events);
	if (!rc)
		rc = json_field_bool(body, "enabled", &out->enabled, &out->has_enabled);
	if (rc)
		return rc;
	if (create && !out->has_url)
		return json_field_missing("url");
	if (out->has_url && !out->url)
		return invalid("url", "invalid_url", "url must be an https URL");
	for (size_t i = 0; i < out->nevents; i++)
		if (!model_event_type_is_known(out->events[i])) {
			char d[160];
			xsnprintf(d, sizeof(d), "unknown event type '%.64s'", out->events[i]);
			return invalid("events", "unknown_event_type", d);
		}
	return 0;
}

void webhook_input_release(struct webhook_input *in)
{
	free(in->events);
	memset(in, 0, sizeof(*in));
}

char *webhook_events_text(const char *const *events, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup = dup || strcmp(events[k], events[i]) == 0;
		if (!dup)
			json_array_append_new(a, json_string(events[i]));
	}
	char *t = model_json_text(a);
	json_decref(a);
	return t;
}
