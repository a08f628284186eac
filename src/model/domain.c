/* SPDX-License-Identifier: Apache-2.0 */
/* Domain rules and codec (see domain.h). */
#include "base/common.h"

#include "model/domain.h"

#include "base/error.h"
#include "base/json_field.h"

/* Consumer mail providers: owning an address there proves nothing about a company. */
static const char *const public_mail[] = {
	"gmail.com",   "googlemail.com", "outlook.com",    "hotmail.com",    "hotmail.co.uk",
	"live.com",    "msn.com",        "yahoo.com",      "yahoo.co.uk",    "yahoo.fr",
	"ymail.com",   "rocketmail.com", "aol.com",        "icloud.com",     "me.com",
	"mac.com",     "proton.me",      "protonmail.com", "pm.me",          "gmx.com",
	"gmx.de",      "gmx.net",        "web.de",         "mail.com",       "yandex.ru",
	"yandex.com",  "zoho.com",       "zohomail.com",   "qq.com",         "163.com",
	"126.com",     "sina.com",       "mail.ru",        "inbox.ru",       "list.ru",
	"bk.ru",       "fastmail.com",   "hey.com",        "tutanota.com",   "tuta.io",
	"naver.com",   "daum.net",       "hanmail.net",    "orange.fr",      "wanadoo.fr",
	"free.fr",     "laposte.net",    "libero.it",      "t-online.de",    "comcast.net",
	"verizon.net", "att.net",        "sbcglobal.net",  "btinternet.com", "rediffmail.com",
	"outlook.de",  "hotmail.fr",     "live.co.uk",     "aim.com",        NULL,
};

bool domain_is_within(const char *child, const char *parent)
{
	size_t c = strlen(child), p = strlen(parent);
	if (c == p)
		return strcmp(child, parent) == 0;
	return c > p && child[c - p - 1] == '.' && strcmp(child + c - p, parent) == 0;
}

bool domain_is_public_mail(const char *name)
{
	for (const char *const *d = public_mail; *d; d++)
		if (domain_is_within(name, *d))
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

int domain_input_from_json(struct domain_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "name", "enrollment_mode", "sso_enforced", NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "name", 253, &out->name, &out->has_name);
	if (!rc)
		rc = json_field_string(body, "enrollment_mode", 32, &out->enrollment_mode,
		                       &out->has_enrollment_mode);
	if (!rc)
		rc = json_field_bool(body, "sso_enforced", &out->sso_enforced,
		                     &out->has_sso_enforced);
	if (rc)
		return rc;
	if (create && !out->has_name)
		return json_field_missing("name");
	if (!create && out->has_name)
		return invalid("name", "immutable",
		               "a domain's name cannot be changed; add the new domain instead");
	if (out->has_name && !out->name)
		return invalid("name", "invalid_domain", "name must be a domain like example.com");
	if (out->has_enrollment_mode &&
	    (!out->enrollment_mode || (strcmp(out->enrollment_mode, "manual_invitation") != 0 &&
	                               strcmp(out->enrollment_mode, "automatic_invitation") != 0 &&
	                               strcmp(out->enrollment_mode, "automatic_suggestion") != 0)))
		return invalid(
		        "enrollment_mode", "invalid",
		        "enrollment_mode must be manual_invitation, automatic_invitation or automatic_suggestion");
	return 0;
}

void domain_release(struct domain *d)
{
	free(d->name);
	free(d->status);
	free(d->txt_record_name);
	free(d->txt_record_value);
	free(d->failure);
	free(d->enrollment_mode);
	memset(d, 0, sizeof(*d));
}

json_t *domain_to_json(const struct domain *d)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization_domain"));
	json_object_set_new(j, "id", json_string(d->id));
	json_object_set_new(j, "organization_id", json_string(d->org_id));
	json_object_set_new(j, "name", json_string(d->name));
	json_t *v = json_object();
	json_object_set_new(v, "status", json_string(d->status));
	json_object_set_new(v, "txt_record_name", json_string(d->txt_record_name));
	json_object_set_new(v, "txt_record_value", json_string(d->txt_record_value));
	model_json_time(v, "last_checked_at", d->last_checked_at);
	model_json_time(v, "verified_at", d->verified_at);
	json_t *f = d->failure ? json_loads(d->failure, 0, NULL) : NULL;
	json_object_set_new(v, "failure", f ? f : json_null());
	json_object_set_new(j, "verification", v);
	json_object_set_new(j, "enrollment_mode", json_string(d->enrollment_mode));
	json_object_set_new(j, "sso_enforced", json_boolean(d->sso_enforced));
	model_json_time(j, "created_at", d->created_at);
	model_json_time(j, "updated_at", d->updated_at);
	return j;
}
