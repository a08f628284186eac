/* SPDX-License-Identifier: Apache-2.0 */
/* Shared domain rules (see model.h). */
#include "base/common.h"

#include "model/model.h"

#include "base/clock.h"
#include "base/error.h"

#include <ctype.h>

bool model_slug_is_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > MODEL_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

char *model_slug_from_name(const char *name)
{
	char *out = xmalloc(MODEL_SLUG_MAX + 1);
	size_t o = 0;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)name; *p && o < MODEL_SLUG_MAX; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash && o > 0 && o < MODEL_SLUG_MAX - 1)
				out[o++] = '-';
			dash = false;
			out[o++] = (char)tolower(*p);
		} else {
			dash = true;
		}
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	return out;
}

static bool key_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

bool model_role_key_is_valid(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && n <= MODEL_ROLE_KEY_MAX && strncmp(s, "org:", 4) == 0 &&
	       key_chars(s + 4, "_:") && s[n - 1] != ':' && s[4] != ':';
}

bool model_permission_key_is_valid(const char *s)
{
	return model_role_key_is_valid(s);
}

static bool label_ok(const char *l, size_t n)
{
	if (n == 0 || n > 63 || l[0] == '-' || l[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)l[i]) || l[i] == '-') || (unsigned char)l[i] >= 0x80)
			return false;
	return true;
}

int model_domain_normalize(char **norm_out, const char *name)
{
	size_t n = strlen(name);
	*norm_out = NULL;
	if (n > 0 && name[n - 1] == '.')
		n--; /* a fully qualified name's final dot */
	if (n == 0 || n > 253 || !memchr(name, '.', n))
		return error_setc(ERR_INVALID, "invalid_domain",
		                  "'%.80s' is not a domain name (like example.com)", name);
	const char *p = name, *end = name + n;
	bool numeric_tld = false;
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t len = dot ? (size_t)(dot - p) : (size_t)(end - p);
		if (!label_ok(p, len))
			return error_setc(ERR_INVALID, "invalid_domain",
			                  "'%.80s' is not a domain name (like example.com)", name);
		numeric_tld = strspn(p, "0123456789") >= len;
		p += len + (dot ? 1 : 0);
	}
	/* No top-level domain is all digits (RFC 3696 section 2): this refuses IPv4 addresses. */
	if (numeric_tld)
		return error_setc(ERR_INVALID, "invalid_domain",
		                  "'%.80s' is an IP address, not a domain name (like example.com)",
		                  name);
	char *out = xstrndup(name, n);
	for (char *q = out; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	*norm_out = out;
	return 0;
}

int model_email_normalize(char **norm_out, const char *email)
{
	*norm_out = NULL;
	const char *at = strrchr(email, '@');
	size_t n = strlen(email);
	if (!at || at == email || (size_t)(at - email) > 64 || n > MODEL_EMAIL_MAX ||
	    strchr(email, '@') != at)
		return error_setc(ERR_INVALID, "invalid_email", "'%.80s' is not an email address",
		                  email);
	for (const char *p = email; p < at; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',')
			return error_setc(ERR_INVALID, "invalid_email",
			                  "'%.80s' is not an email address", email);
	char *domain = NULL;
	if (model_domain_normalize(&domain, at + 1))
		return error_setc(ERR_INVALID, "invalid_email", "'%.80s' is not an email address",
		                  email);
	char *out = xasprintf("%.*s@%s", (int)(at - email), email, domain);
	free(domain);
	for (char *q = out; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	*norm_out = out;
	return 0;
}

void model_json_time(json_t *obj, const char *key, int64_t at)
{
	if (!at) {
		json_object_set_new(obj, key, json_null());
		return;
	}
	char s[32];
	clock_format_rfc3339(s, sizeof(s), at);
	json_object_set_new(obj, key, json_string(s));
}

void model_json_raw(json_t *obj, const char *key, const char *json_text)
{
	json_t *v = json_text ? json_loads(json_text, 0, NULL) : NULL;
	json_object_set_new(obj, key, v ? v : json_object());
}

void model_json_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}
