/* SPDX-License-Identifier: Apache-2.0 */
/* User codec and rules (see user.h). */
#include "base/common.h"

#include "model/user.h"

#include "base/error.h"
#include "base/json_field.h"

#include <ctype.h>

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

/* Names and ids end up in tokens, emails and logs: no control characters. */
static int check_text(const char *field, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return invalid(field, "invalid",
			               "text fields must not contain control characters");
	return 0;
}

bool user_username_is_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > USER_USERNAME_MAX)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-') ||
		    (unsigned char)*s >= 0x80)
			return false;
	return true;
}

char *user_username_norm(const char *username)
{
	if (!username)
		return NULL;
	char *out = xstrdup(username);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

const char *user_status_name(enum user_status s)
{
	return s == USER_DEACTIVATED ? "deactivated" : "active";
}

bool user_status_parse(enum user_status *out, const char *s)
{
	if (s && strcmp(s, "active") == 0)
		*out = USER_ACTIVE;
	else if (s && strcmp(s, "deactivated") == 0)
		*out = USER_DEACTIVATED;
	else
		return false;
	return true;
}

/* Normalises one address for field; a 422 naming the field when it is not one. */
static int normalize_email(char **norm_out, const char *field, const char *address)
{
	if (strlen(address) > MODEL_EMAIL_MAX)
		return invalid(field, "too_long", "an email address has at most 320 characters");
	if (model_email_normalize(norm_out, address)) {
		char detail[160];
		xsnprintf(detail, sizeof(detail), "'%.80s' is not an email address", address);
		return invalid(field, "invalid_email", detail);
	}
	return 0;
}

static int decode_email_list(struct user_input *out)
{
	if (out->nemails == 0)
		return invalid("email_addresses", "empty",
		               "a user needs at least one email address");
	out->emails_norm = xcalloc(out->nemails + 1, sizeof(char *));
	for (size_t i = 0; i < out->nemails; i++) {
		int rc = normalize_email(&out->emails_norm[i], "email_addresses", out->emails[i]);
		if (rc)
			return rc;
		for (size_t k = 0; k < i; k++)
			if (strcmp(out->emails_norm[k], out->emails_norm[i]) == 0)
				return invalid(
				        "email_addresses", "duplicate_email",
				        "an email address is listed twice (addresses compare case-insensitively)");
	}
	return 0;
}

static bool listed(const struct user_input *in, const char *norm)
{
	for (size_t i = 0; i < in->nemails; i++)
		if (strcmp(in->emails_norm[i], norm) == 0)
			return true;
	return false;
}

static int decode_emails(struct user_input *out, json_t *body, bool create)
{
	/* Longer items are read so that they get too_long rather than invalid. */
	int rc = json_field_string_array(body, "email_addresses", USER_MAX_EMAILS,
	                                 4 * MODEL_EMAIL_MAX, &out->emails, &out->nemails,
	                                 &out->has_emails);
	if (!rc)
		rc = json_field_string(body, "primary_email", 4 * MODEL_EMAIL_MAX,
		                       &out->primary_email, &out->has_primary_email);
	if (!rc && out->has_emails)
		rc = decode_email_list(out);
	if (!rc && out->has_primary_email && !out->primary_email)
		return invalid("primary_email", "invalid", "primary_email cannot be null");
	if (!rc && out->has_primary_email)
		rc = normalize_email(&out->primary_norm, "primary_email", out->primary_email);
	if (rc)
		return rc;
	if (out->has_emails && out->has_primary_email && !listed(out, out->primary_norm))
		return invalid("primary_email", "primary_email_not_listed",
		               "primary_email must be one of email_addresses");
	if (create && !out->has_emails && !out->has_primary_email)
		return json_field_missing("email_addresses");
	if (create && !out->has_emails) {
		/* primary_email alone: that one address */
		free(out->emails);
		out->emails = xcalloc(2, sizeof(char *));
		out->emails[0] = out->primary_email;
		out->emails_norm = xcalloc(2, sizeof(char *));
		out->emails_norm[0] = xstrdup(out->primary_norm);
		out->nemails = 1;
		out->has_emails = true;
	}
	return 0;
}

static int decode_texts(struct user_input *out, json_t *body)
{
	int rc = json_field_string(body, "first_name", MODEL_NAME_MAX, &out->first_name,
	                           &out->has_first_name);
	if (!rc)
		rc = json_field_string(body, "last_name", MODEL_NAME_MAX, &out->last_name,
		                       &out->has_last_name);
	if (!rc)
		rc = json_field_string(body, "username", USER_USERNAME_MAX, &out->username,
		                       &out->has_username);
	if (!rc)
		rc = json_field_string(body, "external_id", USER_EXTERNAL_ID_MAX, &out->external_id,
		                       &out->has_external_id);
	if (!rc)
		rc = check_text("first_name", out->first_name);
	if (!rc)
		rc = check_text("last_name", out->last_name);
	if (!rc)
		rc = check_text("external_id", out->external_id);
	if (!rc && out->username && *out->username && !user_username_is_valid(out->username))
		return invalid("username", "invalid_username",
		               "username must be 1-64 of letters, digits, '.', '_' and '-'");
	return rc;
}

static int decode_rest(struct user_input *out, json_t *body)
{
	const char *status = NULL;
	int rc = json_field_object_text(body, "public_metadata", MODEL_METADATA_MAX,
	                                &out->public_metadata, &out->has_public_metadata);
	if (!rc)
		rc = json_field_object_text(body, "private_metadata", MODEL_METADATA_MAX,
		                            &out->private_metadata, &out->has_private_metadata);
	if (!rc)
		rc = json_field_string(body, "status", 32, &status, &out->has_status);
	if (!rc && out->has_status && !user_status_parse(&out->status, status))
		return invalid("status", "invalid_status", "status must be active or deactivated");
	return rc;
}

int user_input_from_json(struct user_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = {
		"email_addresses", "primary_email",   "first_name",       "last_name", "username",
		"external_id",     "public_metadata", "private_metadata", "status",    NULL,
	};
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = decode_texts(out, body);
	if (!rc)
		rc = decode_rest(out, body);
	if (!rc)
		rc = decode_emails(out, body, create);
	return rc;
}

void user_input_release(struct user_input *in)
{
	for (size_t i = 0; in->emails_norm && i < in->nemails; i++)
		free(in->emails_norm[i]);
	free(in->emails_norm);
	free(in->emails);
	free(in->primary_norm);
	free(in->public_metadata);
	free(in->private_metadata);
	memset(in, 0, sizeof(*in));
}

void user_add_email(struct user *u, const char *address, const char *norm, bool primary)
{
	u->emails = xrealloc(u->emails, (u->nemails + 1) * sizeof(*u->emails));
	for (size_t i = 0; primary && i < u->nemails; i++)
		u->emails[i].primary = false;
	u->emails[u->nemails].address = xstrdup(address);
	u->emails[u->nemails].norm = xstrdup(norm);
	u->emails[u->nemails].primary = primary;
	u->nemails++;
}

static void free_emails(struct user_email *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].address);
		free(v[i].norm);
	}
	free(v);
}

/* Index of the address with this normalised form, or SIZE_MAX. */
static size_t find_email(const struct user *u, const char *norm)
{
	for (size_t i = 0; norm && i < u->nemails; i++)
		if (strcmp(u->emails[i].norm, norm) == 0)
			return i;
	return SIZE_MAX;
}

static int not_listed(void)
{
	return invalid("primary_email", "primary_email_not_listed",
	               "primary_email must be one of the user's email addresses");
}

static int apply_emails(struct user *u, const struct user_input *in)
{
	if (!in->has_emails && !in->has_primary_email)
		return 0;
	const char *want = in->has_primary_email ? in->primary_norm : NULL;
	if (!want) {
		size_t old = SIZE_MAX;
		for (size_t i = 0; i < u->nemails; i++)
			if (u->emails[i].primary)
				old = i;
		want = old == SIZE_MAX ? NULL : u->emails[old].norm;
	}
	struct user next = { 0 };
	if (in->has_emails) {
		for (size_t i = 0; i < in->nemails; i++)
			user_add_email(&next, in->emails[i], in->emails_norm[i], false);
	} else {
		for (size_t i = 0; i < u->nemails; i++)
			user_add_email(&next, u->emails[i].address, u->emails[i].norm, false);
	}
	size_t k = find_email(&next, want);
	if (k == SIZE_MAX && in->has_primary_email) {
		free_emails(next.emails, next.nemails);
		return not_listed();
	}
	if (next.nemails == 0) {
		free_emails(next.emails, next.nemails);
		return not_listed();
	}
	next.emails[k == SIZE_MAX ? 0 : k].primary = true;
	free_emails(u->emails, u->nemails);
	u->emails = next.emails;
	u->nemails = next.nemails;
	return 0;
}

static void set_text(char **dst, bool has, const char *v)
{
	if (!has)
		return;
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

static void set_metadata(char **dst, bool has, const char *v)
{
	if (!has)
		return;
	free(*dst);
	*dst = xstrdup(v ? v : "{}");
}

int user_apply(struct user *u, const struct user_input *in)
{
	int rc = apply_emails(u, in);
	if (rc)
		return rc;
	set_text(&u->first_name, in->has_first_name, in->first_name);
	set_text(&u->last_name, in->has_last_name, in->last_name);
	set_text(&u->username, in->has_username, in->username);
	set_text(&u->external_id, in->has_external_id, in->external_id);
	set_metadata(&u->public_metadata, in->has_public_metadata, in->public_metadata);
	set_metadata(&u->private_metadata, in->has_private_metadata, in->private_metadata);
	if (in->has_status)
		u->status = in->status;
	return 0;
}

const char *user_primary_email(const struct user *u)
{
	for (size_t i = 0; i < u->nemails; i++)
		if (u->emails[i].primary)
			return u->emails[i].address;
	return NULL;
}

static int bad_query(const char *name, const char *detail)
{
	error_setc(ERR_INVALID, "invalid_query", "%s %s", name, detail);
	error_set_status(422);
	error_add_field(name, "invalid");
	return ERR_INVALID;
}

int user_filter_parse(struct user_filter *out, const char *email, const char *external_id,
                      const char *status)
{
	enum user_status st;
	memset(out, 0, sizeof(*out));
	if (email && model_email_normalize(&out->email_norm, email))
		return bad_query("email", "must be an email address");
	if (external_id && strlen(external_id) > USER_EXTERNAL_ID_MAX)
		return bad_query("external_id", "is longer than 256 characters");
	if (status && !user_status_parse(&st, status))
		return bad_query("status", "must be active or deactivated");
	out->external_id = external_id;
	out->status = status;
	return 0;
}

void user_filter_release(struct user_filter *f)
{
	free(f->email_norm);
	memset(f, 0, sizeof(*f));
}

void user_release(struct user *u)
{
	free_emails(u->emails, u->nemails);
	free(u->first_name);
	free(u->last_name);
	free(u->username);
	free(u->external_id);
	free(u->public_metadata);
	free(u->private_metadata);
	memset(u, 0, sizeof(*u));
}

json_t *user_to_json(const struct user *u)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("user"));
	json_object_set_new(j, "id", json_string(u->id));
	json_t *emails = json_array();
	for (size_t i = 0; i < u->nemails; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "email_address", json_string(u->emails[i].address));
		json_object_set_new(e, "primary", json_boolean(u->emails[i].primary));
		json_array_append_new(emails, e);
	}
	json_object_set_new(j, "email_addresses", emails);
	model_json_str(j, "primary_email", user_primary_email(u));
	model_json_str(j, "first_name", u->first_name);
	model_json_str(j, "last_name", u->last_name);
	model_json_str(j, "username", u->username);
	model_json_str(j, "external_id", u->external_id);
	model_json_raw(j, "public_metadata", u->public_metadata);
	model_json_raw(j, "private_metadata", u->private_metadata);
	json_object_set_new(j, "status", json_string(user_status_name(u->status)));
	model_json_time(j, "last_sign_in_at", u->last_sign_in_at);
	model_json_time(j, "created_at", u->created_at);
	model_json_time(j, "updated_at", u->updated_at);
	return j;
}
