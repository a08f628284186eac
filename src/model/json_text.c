/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model_json_text: compact JSON text of a jansson value, as json_dumps with
 * JSON_COMPACT writes it. jansson's dumper keeps a hash table of the objects
 * on the path (keyed by their address printed with snprintf) and calls back
 * per fragment; on the write paths, where every change records its object
 * as text, that was 8% of a user create (callgrind). Reals are left to
 * jansson (its "%.17g" rules); gatehouse's objects have none.
 */
#include "base/common.h"

#include "model/model.h"

#define DEPTH_MAX 2048 /* jansson's own limit when it parses */

struct out {
	char *data;
	size_t len, cap;
};

static void reserve(struct out *o, size_t n)
{
	if (o->len + n + 1 <= o->cap)
		return;
	size_t cap = o->cap ? o->cap : 256;
	while (cap < o->len + n + 1)
		cap *= 2;
	o->data = xrealloc(o->data, cap);
	o->cap = cap;
}

static void put(struct out *o, const char *s, size_t n)
{
	reserve(o, n);
	memcpy(o->data + o->len, s, n);
	o->len += n;
}

/* jansson's dump_string: \\ \" \b \f \n \r \t, other controls as \u00XX, the rest as is. */
static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	put(o, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		const char *e = c == '"'    ? "\\\""
		                : c == '\\' ? "\\\\"
		                : c == '\b' ? "\\b"
		                : c == '\f' ? "\\f"
		                : c == '\n' ? "\\n"
		                : c == '\r' ? "\\r"
		                : c == '\t' ? "\\t"
		                            : NULL;
		if (e) {
			put(o, e, strlen(e));
		} else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(o, u, sizeof(u));
		}
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

static void put_value(struct out *o, const json_t *v, int depth);

static void put_object(struct out *o, const json_t *v, int depth)
{
	const char *key;
	json_t *val;
	bool first = true;
	put(o, "{", 1);
	/* json_object_foreach takes a non-const object; it only reads it */
	json_object_foreach((json_t *)(uintptr_t)v, key, val)
	{
		if (!first)
			put(o, ",", 1);
		first = false;
		put_string(o, key, strlen(key));
		put(o, ":", 1);
		put_value(o, val, depth + 1);
	}
	put(o, "}", 1);
}

static void put_value(struct out *o, const json_t *v, int depth)
{
	char num[32];
	if (depth > DEPTH_MAX)
		die("model_json_text: nesting deeper than %d", DEPTH_MAX);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put_object(o, v, depth);
		return;
	case JSON_ARRAY:
		put(o, "[", 1);
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				put(o, ",", 1);
			put_value(o, json_array_get(v, i), depth + 1);
		}
		put(o, "]", 1);
		return;
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		xsnprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		put(o, num, strlen(num));
		return;
	case JSON_TRUE:
		put(o, "true", 4);
		return;
	case JSON_FALSE:
		put(o, "false", 5);
		return;
	case JSON_NULL:
		put(o, "null", 4);
		return;
	case JSON_REAL:
		break;
	}
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!t)
		die("json_dumps failed");
	put(o, t, strlen(t));
	free(t);
}

char *model_json_text(const json_t *obj)
{
	struct out o = { NULL, 0, 0 };
	put_value(&o, obj, 0);
	reserve(&o, 0);
	o.data[o.len] = '\0';
	return o.data;
}
