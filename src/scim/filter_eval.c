/* SPDX-License-Identifier: Apache-2.0 */
/* Evaluating a parsed SCIM filter against a resource (RFC 7644 §3.4.2.2); see filter.h. */
#include "base/common.h"

#include "scim/filter.h"
#include "scim/schema.h"

#include <strings.h>

json_t *scim_json_get(json_t *obj, const char *key)
{
	const char *k = scim_json_key(obj, key);
	return k ? json_object_get(obj, k) : NULL;
}

const char *scim_json_key(json_t *obj, const char *key)
{
	if (!json_is_object(obj) || !key)
		return NULL;
	/* RFC 7643 §2.1: attribute names are case-insensitive; try the exact name first */
	if (json_object_get(obj, key))
		return key;
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) if (strcasecmp(k, key) == 0) return k;
	return NULL;
}

/* The value of the attribute p names (urn, name) in obj, before sub-attributes. */
static json_t *attr_base(json_t *obj, const struct scim_attr_path *p, const char *core_urn)
{
	json_t *container = obj;
	if (p->urn && (!core_urn || strcasecmp(p->urn, core_urn) != 0))
		container = scim_json_get(obj, p->urn);
	if (!p->name)
		return container;
	return scim_json_get(container, p->name);
}

static void append_values(json_t *out, json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) json_array_append(out, e);
	} else if (v && !json_is_null(v)) {
		json_array_append(out, v);
	}
}

void scim_path_collect(json_t *out, json_t *obj, const struct scim_attr_path *p,
                       const char *core_urn, bool values)
{
	json_t *v = attr_base(obj, p, core_urn);
	if (!v || json_is_null(v))
		return;
	json_t *items = json_array();
	append_values(items, v);
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e)
	{
		if (p->sub)
			append_values(out, json_is_object(e) ? scim_json_get(e, p->sub) : NULL);
		else if (values && json_is_object(e))
			append_values(out, scim_json_get(e, "value"));
		else
			json_array_append(out, e);
	}
	json_decref(items);
}

static const char *strcasestr_n(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return n == 0 ? hay : NULL;
}

static bool cmp_strings(const char *a, const char *b, enum scim_cmp op, bool exact)
{
	size_t na = strlen(a), nb = strlen(b);
	int c = exact ? strcmp(a, b) : strcasecmp(a, b);
	switch (op) {
	case SCIM_EQ:
		return c == 0;
	case SCIM_NE:
		return c != 0;
	case SCIM_CO:
		return exact ? strstr(a, b) != NULL : strcasestr_n(a, b) != NULL;
	case SCIM_SW:
		return na >= nb && (exact ? strncmp(a, b, nb) : strncasecmp(a, b, nb)) == 0;
	case SCIM_EW:
		return na >= nb &&
		       (exact ? strcmp(a + na - nb, b) : strcasecmp(a + na - nb, b)) == 0;
	case SCIM_GT:
		return c > 0;
	case SCIM_GE:
		return c >= 0;
	case SCIM_LT:
		return c < 0;
	case SCIM_LE:
		return c <= 0;
	default:
		return false;
	}
}

static bool cmp_numbers(double a, double b, enum scim_cmp op)
{
	switch (op) {
	case SCIM_EQ:
		return a == b;
	case SCIM_NE:
		return a != b;
	case SCIM_GT:
		return a > b;
	case SCIM_GE:
		return a >= b;
	case SCIM_LT:
		return a < b;
	case SCIM_LE:
		return a <= b;
	default:
		return false;
	}
}

/* A boolean attribute against the filter value (Entra ID stores "True"/"False" strings). */
static bool cmp_bool(bool attr, const struct scim_value *v, enum scim_cmp op)
{
	int want = -1;
	if (v->kind == SCIM_VAL_TRUE || v->kind == SCIM_VAL_FALSE)
		want = v->kind == SCIM_VAL_TRUE;
	else if (v->kind == SCIM_VAL_STRING && strcasecmp(v->str, "true") == 0)
		want = 1;
	else if (v->kind == SCIM_VAL_STRING && strcasecmp(v->str, "false") == 0)
		want = 0;
	if (want < 0)
		return op == SCIM_NE;
	if (op == SCIM_EQ)
		return attr == (want == 1);
	return op == SCIM_NE && attr != (want == 1);
}

static bool cmp_one(json_t *a, const struct scim_value *v, enum scim_cmp op, bool exact)
{
	if (json_is_string(a)) {
		const char *s = json_string_value(a);
		if (v->kind == SCIM_VAL_STRING || v->kind == SCIM_VAL_NUMBER)
			return cmp_strings(s, v->str, op, exact);
		if (v->kind == SCIM_VAL_TRUE || v->kind == SCIM_VAL_FALSE)
			return (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) &&
			       cmp_bool(strcasecmp(s, "true") == 0, v, op);
		return op == SCIM_NE;
	}
	if (json_is_boolean(a))
		return cmp_bool(json_is_true(a), v, op);
	if (json_is_number(a)) {
		double n = json_number_value(a), w = v->num;
		char *end = NULL;
		if (v->kind == SCIM_VAL_STRING) {
			w = strtod(v->str, &end);
			if (!end || *end || end == v->str)
				return op == SCIM_NE;
		} else if (v->kind != SCIM_VAL_NUMBER) {
			return op == SCIM_NE;
		}
		return cmp_numbers(n, w, op);
	}
	return false;
}

static bool present(json_t *v)
{
	if (!v || json_is_null(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	return true;
}

struct eval_ctx {
	const char *core_urn;
	const char *parent; /* inside a value path: the multi-valued attribute's name */
};

static bool exact_for(const struct eval_ctx *cx, const struct scim_attr_path *p, const char *sub)
{
	if (cx->parent)
		return scim_schema_case_exact(cx->core_urn, NULL, cx->parent, p->name);
	return scim_schema_case_exact(cx->core_urn, p->urn, p->name, sub ? sub : p->sub);
}

static bool match_cmp(const struct scim_filter *f, json_t *obj, const struct eval_ctx *cx)
{
	json_t *vals = json_array();
	scim_path_collect(vals, obj, &f->path, cx->core_urn, f->op != SCIM_PR);
	bool hit = false;
	size_t i;
	json_t *e;
	if (f->op == SCIM_PR) {
		json_array_foreach(vals, i, e) hit = hit || present(e);
	} else if (f->value.kind == SCIM_VAL_NULL) {
		/* "attr eq null": unassigned (RFC 7643 §2.5 treats null as unassigned) */
		hit = (json_array_size(vals) == 0) == (f->op == SCIM_EQ);
	} else if (f->op == SCIM_NE) {
		/* no value equals: an absent attribute is "ne" anything */
		hit = true;
		json_array_foreach(vals, i, e) hit =
		        hit && !cmp_one(e, &f->value, SCIM_EQ, exact_for(cx, &f->path, NULL));
	} else {
		json_array_foreach(vals, i, e) hit =
		        hit || cmp_one(e, &f->value, f->op, exact_for(cx, &f->path, NULL));
	}
	json_decref(vals);
	return hit;
}

static bool match(const struct scim_filter *f, json_t *obj, const struct eval_ctx *cx);

/* emails[type eq "work"] (and Entra's emails[type eq "work"].value eq "x"). */
static bool match_value_path(const struct scim_filter *f, json_t *obj, const struct eval_ctx *cx)
{
	struct scim_attr_path whole = { f->path.urn, f->path.name, NULL };
	json_t *items = json_array();
	scim_path_collect(items, obj, &whole, cx->core_urn, false);
	struct eval_ctx inner = { cx->core_urn, f->path.name };
	bool hit = false;
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e)
	{
		if (hit || !json_is_object(e) || !match(f->left, e, &inner))
			continue;
		if (!f->tail_sub) {
			hit = true;
			continue;
		}
		struct scim_filter tail = { .kind = SCIM_NODE_CMP, .op = f->op, .value = f->value };
		tail.path.name = f->tail_sub;
		hit = match_cmp(&tail, e, &inner);
	}
	json_decref(items);
	return hit;
}

static bool match(const struct scim_filter *f, json_t *obj, const struct eval_ctx *cx)
{
	switch (f->kind) {
	case SCIM_NODE_AND:
		return match(f->left, obj, cx) && match(f->right, obj, cx);
	case SCIM_NODE_OR:
		return match(f->left, obj, cx) || match(f->right, obj, cx);
	case SCIM_NODE_NOT:
		return !match(f->left, obj, cx);
	case SCIM_NODE_VALUE_PATH:
		return match_value_path(f, obj, cx);
	case SCIM_NODE_CMP:
	default:
		return match_cmp(f, obj, cx);
	}
}

bool scim_filter_match(const struct scim_filter *f, json_t *resource, const char *core_urn)
{
	struct eval_ctx cx = { core_urn, NULL };
	return f ? match(f, resource, &cx) : true;
}
