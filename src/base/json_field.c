/* SPDX-License-Identifier: Apache-2.0 */
/* Typed JSON member reads with contract error codes (see json_field.h). */
#include "base/common.h"

#include "base/json_field.h"

#include "base/error.h"

static int field_error(const char *key, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s %s", key, detail);
	error_set_status(422);
	error_add_field(key, code);
	return ERR_INVALID;
}

int json_field_parse_object(json_t **out, const char *body, size_t len)
{
	json_error_t jerr;
	*out = NULL;
	if (len == 0)
		return error_setc(ERR_INVALID, "invalid_json",
		                  "the request body is empty; send a JSON object");
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		if (json_error_code(&jerr) == json_error_invalid_utf8)
			return error_setc(ERR_INVALID, "invalid_utf8",
			                  "the body is not valid UTF-8");
		if (json_error_code(&jerr) == json_error_duplicate_key)
			return error_setc(ERR_INVALID, "invalid_json", "duplicate member: %s",
			                  jerr.text);
		return error_setc(ERR_INVALID, "invalid_json",
		                  "malformed JSON at line %d column %d: %s", jerr.line, jerr.column,
		                  jerr.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return error_setc(ERR_INVALID, "invalid_json", "the body must be a JSON object");
	}
	*out = j;
	return 0;
}

int json_field_check_known(json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = true;
		if (!ok) {
			/* key comes from input: bound what we echo back. */
			char shown[65];
			xsnprintf(shown, sizeof(shown), "%s", key);
			return field_error(shown, "unknown_field", "is not a known field");
		}
	}
	return 0;
}

int json_field_missing(const char *key)
{
	return field_error(key, "missing_field", "is required");
}

static void set_present(bool *present, bool v)
{
	if (present)
		*present = v;
}

int json_field_string(const json_t *obj, const char *key, size_t max_len, const char **out,
                      bool *present)
{
	json_t *v = json_object_get(obj, key);
	set_present(present, v != NULL);
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return field_error(key, "invalid_type", "must be a string");
	if (json_string_length(v) > max_len) {
		char d[64];
		xsnprintf(d, sizeof(d), "is longer than %zu characters", max_len);
		return field_error(key, "too_long", d);
	}
	if (memchr(json_string_value(v), '\0', json_string_length(v)))
		return field_error(key, "invalid", "contains a NUL character");
	*out = json_string_value(v);
	return 0;
}

int json_field_bool(const json_t *obj, const char *key, bool *out, bool *present)
{
	json_t *v = json_object_get(obj, key);
	set_present(present, v != NULL);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return field_error(key, "invalid_type", "must be true or false");
	*out = json_is_true(v);
	return 0;
}

int json_field_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
                   bool *present)
{
	json_t *v = json_object_get(obj, key);
	set_present(present, v != NULL);
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return field_error(key, "invalid_type", "must be an integer");
	json_int_t i = json_integer_value(v);
	if (i < min || i > max) {
		char d[96];
		xsnprintf(d, sizeof(d), "must be between %lld and %lld", (long long)min,
		          (long long)max);
		return field_error(key, "out_of_range", d);
	}
	*out = (int64_t)i;
	return 0;
}

int json_field_object_text(const json_t *obj, const char *key, size_t max_bytes, char **out,
                           bool *present)
{
	json_t *v = json_object_get(obj, key);
	set_present(present, v != NULL);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return field_error(key, "invalid_type", "must be a JSON object");
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		die("json_dumps failed");
	if (strlen(text) > max_bytes) {
		free(text);
		char d[64];
		xsnprintf(d, sizeof(d), "is larger than %zu bytes", max_bytes);
		return field_error(key, "too_long", d);
	}
	*out = xstrdup(text);
	free(text);
	return 0;
}

int json_field_string_array(const json_t *obj, const char *key, size_t max_items, size_t max_len,
                            const char ***out, size_t *count, bool *present)
{
	json_t *v = json_object_get(obj, key);
	set_present(present, v != NULL);
	*out = NULL;
	*count = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return field_error(key, "invalid_type", "must be an array of strings");
	size_t n = json_array_size(v);
	if (n > max_items) {
		char d[64];
		xsnprintf(d, sizeof(d), "has more than %zu items", max_items);
		return field_error(key, "too_many_items", d);
	}
	const char **vec = xcalloc(n + 1, sizeof(*vec));
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s) || json_string_length(s) > max_len ||
		    memchr(json_string_value(s), '\0', json_string_length(s))) {
			free(vec);
			char d[64];
			xsnprintf(d, sizeof(d), "must hold strings of at most %zu characters",
			          max_len);
			return field_error(key, "invalid", d);
		}
		vec[i] = json_string_value(s);
	}
	*out = vec;
	*count = n;
	return 0;
}
