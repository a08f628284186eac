/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM PATCH operations applied to a JSON resource (RFC 7644 §3.5.2); see patch.h. */
#include "base/common.h"

#include "scim/patch.h"

#include "base/error.h"
#include "scim/schema.h"

#include <strings.h>

static int bad(const char *scim_type, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int bad(const char *scim_type, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setc(ERR_INVALID, scim_type, "%s", msg);
}

void scim_patch_release(struct scim_patch *p)
{
	for (size_t i = 0; i < p->nops; i++) {
		scim_path_free(p->ops[i].path);
		json_decref(p->ops[i].value);
	}
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

static int parse_op(struct scim_patch_op *out, json_t *o, size_t i)
{
	json_t *op = scim_json_get(o, "op"), *path = scim_json_get(o, "path");
	if (!json_is_string(op))
		return bad("invalidSyntax", "Operations[%zu] needs \"op\": add, remove or replace",
		           i);
	const char *s = json_string_value(op);
	if (strcasecmp(s, "add") == 0)
		out->op = SCIM_PATCH_ADD;
	else if (strcasecmp(s, "remove") == 0)
		out->op = SCIM_PATCH_REMOVE;
	else if (strcasecmp(s, "replace") == 0)
		out->op = SCIM_PATCH_REPLACE;
	else
		return bad("invalidSyntax",
		           "Operations[%zu]: op \"%.40s\" is not add, remove or replace", i, s);
	if (path && !json_is_null(path)) {
		if (!json_is_string(path))
			return bad("invalidPath", "Operations[%zu]: path must be a string", i);
		int rc = scim_path_parse(&out->path, json_string_value(path),
		                         json_string_length(path));
		if (rc) {
			error_prefix("Operations[%zu]: ", i);
			return rc;
		}
	}
	json_t *v = scim_json_get(o, "value");
	out->value = v ? json_incref(v) : NULL;
	if (out->op != SCIM_PATCH_REMOVE && (!v || json_is_null(v)))
		return bad("invalidValue", "Operations[%zu]: %s needs a value", i, s);
	return 0;
}

static bool lists_patch_op(json_t *schemas)
{
	size_t i;
	json_t *s;
	json_array_foreach(schemas, i, s) if (json_is_string(s) &&
	                                      strcasecmp(json_string_value(s), SCIM_URN_PATCH) ==
	                                              0) return true;
	return false;
}

int scim_patch_parse(struct scim_patch *out, json_t *body)
{
	memset(out, 0, sizeof(*out));
	json_t *schemas = scim_json_get(body, "schemas");
	if (schemas && !(json_is_array(schemas) && lists_patch_op(schemas)))
		return bad("invalidSyntax", "schemas must list " SCIM_URN_PATCH);
	json_t *ops = scim_json_get(body, "Operations");
	if (!json_is_array(ops) || json_array_size(ops) == 0)
		return bad("invalidSyntax", "a PatchOp needs a non-empty \"Operations\" array");
	if (json_array_size(ops) > SCIM_PATCH_MAX_OPS)
		return bad("tooMany", "at most %d operations per PATCH", SCIM_PATCH_MAX_OPS);
	out->ops = xcalloc(json_array_size(ops), sizeof(*out->ops));
	size_t i;
	json_t *o;
	json_array_foreach(ops, i, o)
	{
		if (!json_is_object(o)) {
			scim_patch_release(out);
			return bad("invalidSyntax", "Operations[%zu] must be an object", i);
		}
		out->nops++;
		int rc = parse_op(&out->ops[i], o, i);
		if (rc) {
			scim_patch_release(out);
			return rc;
		}
	}
	return 0;
}

/* --- applying --- */

struct target {
	json_t *res;
	const char *core;
};

static bool urn_is_core(const struct target *t, const char *urn)
{
	return !urn || strcasecmp(urn, t->core) == 0;
}

/* Adds urn to the resource's schemas list (an extension now has a value). */
static void note_schema(json_t *res, const char *urn)
{
	json_t *schemas = scim_json_get(res, "schemas");
	if (!json_is_array(schemas)) {
		schemas = json_array();
		json_object_set_new(res, "schemas", schemas);
	}
	size_t i;
	json_t *s;
	json_array_foreach(schemas, i, s) if (json_is_string(s) &&
	                                      strcasecmp(json_string_value(s), urn) == 0) return;
	json_array_append_new(schemas, json_string(urn));
}

/* The object holding attributes of urn: the resource or an extension object. */
static json_t *holder(const struct target *t, const char *urn, bool create)
{
	if (urn_is_core(t, urn))
		return t->res;
	json_t *x = scim_json_get(t->res, urn);
	if (json_is_object(x) || !create)
		return json_is_object(x) ? x : NULL;
	const struct scim_schema *s = scim_schema_find(urn);
	const char *key = scim_json_key(t->res, urn);
	x = json_object();
	json_object_set_new(t->res, key ? key : (s ? s->id : urn), x);
	note_schema(t->res, s ? s->id : urn);
	return x;
}

/* Sets obj[name] (matching an existing key case-insensitively; else the canonical name). */
static void put(json_t *obj, const char *name, const char *canonical, json_t *v)
{
	const char *key = scim_json_key(obj, name);
	json_object_set(obj, key ? key : (canonical ? canonical : name), v);
}

static void drop(json_t *obj, const char *name)
{
	const char *key = scim_json_key(obj, name);
	if (key)
		json_object_del(obj, key);
}

static const struct scim_attr *attr_def(const struct target *t, const struct scim_attr_path *p)
{
	return scim_schema_lookup(t->core, p->urn, p->name);
}

static bool is_multi(const struct target *t, const struct scim_attr_path *p, json_t *cur)
{
	const struct scim_attr *a = attr_def(t, p);
	return json_is_array(cur) || (a && a->multi_valued);
}

/* id, meta, schemas and a User's groups are the server's; clients echo them back. */
static int check_readonly(const struct target *t, const struct scim_attr_path *p, json_t *v,
                          bool *skip)
{
	*skip = false;
	if (!urn_is_core(t, p->urn) || !p->name)
		return 0;
	if (strcasecmp(p->name, "meta") == 0 || strcasecmp(p->name, "schemas") == 0 ||
	    (strcasecmp(p->name, "groups") == 0 && strcmp(t->core, SCIM_URN_USER) == 0)) {
		*skip = true;
		return 0;
	}
	if (strcasecmp(p->name, "id") == 0) {
		json_t *cur = scim_json_get(t->res, "id");
		if (cur && v && json_equal(cur, v)) {
			*skip = true; /* Okta sends the group's id with a rename */
			return 0;
		}
		return bad("mutability", "id is assigned by gatehouse and cannot change");
	}
	return 0;
}

/* RFC 7643 §2.4: at most one value is primary; a new primary demotes the others. */
static void one_primary(json_t *arr, json_t *keep)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) if (e != keep && json_is_object(e) &&
	                                  json_is_true(scim_json_get(e, "primary")))
	        put(e, "primary", "primary", json_false());
}

static bool contains(json_t *arr, json_t *v)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) if (json_equal(e, v)) return true;
	return false;
}

static void append_unique(json_t *arr, json_t *v)
{
	if (contains(arr, v))
		return;
	json_array_append(arr, v);
	if (json_is_object(v) && json_is_true(scim_json_get(v, "primary")))
		one_primary(arr, v);
}

static void merge(json_t *dst, json_t *src, const struct scim_attr *def)
{
	const char *k;
	json_t *v;
	json_object_foreach(src, k, v)
	{
		const struct scim_attr *s = scim_schema_sub(def, k);
		put(dst, k, s ? s->name : NULL, v);
	}
}

static int set_attr(const struct target *t, const struct scim_attr_path *p, json_t *v, bool add);

/* add/replace of "urn:...:User" with an object: each member in turn. */
static int set_container(const struct target *t, const char *urn, json_t *v, bool add)
{
	if (!json_is_object(v))
		return bad("invalidValue", "the value for %.200s must be an object", urn);
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		struct scim_attr_path p = { 0 };
		if (!scim_attr_path_split(&p, k, strlen(k)) || p.urn || !p.name) {
			scim_attr_path_release(&p);
			return bad("invalidPath", "%.200s is not an attribute of %.200s", k, urn);
		}
		p.urn = xstrdup(urn);
		int rc = set_attr(t, &p, x, add);
		scim_attr_path_release(&p);
		if (rc)
			return rc;
	}
	return 0;
}

/* name.sub: the sub-attribute of a complex value, or of every element of a multi-valued one. */
static int set_sub(const struct target *t, json_t *h, const struct scim_attr_path *p, json_t *v)
{
	const struct scim_attr *def = attr_def(t, p), *sd = scim_schema_sub(def, p->sub);
	json_t *cur = scim_json_get(h, p->name);
	if (json_is_array(cur)) {
		size_t i;
		json_t *e;
		json_array_foreach(cur, i, e) if (json_is_object(e))
		        put(e, p->sub, sd ? sd->name : NULL, v);
		return 0;
	}
	if (cur && !json_is_object(cur) && !json_is_null(cur))
		return bad("invalidPath", "%.100s is not a complex attribute", p->name);
	if (!json_is_object(cur)) {
		cur = json_object();
		put(h, p->name, def ? def->name : NULL, cur);
		json_decref(cur);
	}
	put(cur, p->sub, sd ? sd->name : NULL, v);
	return 0;
}

static int set_attr(const struct target *t, const struct scim_attr_path *p, json_t *v, bool add)
{
	bool skip;
	int rc = check_readonly(t, p, v, &skip);
	if (rc || skip)
		return rc;
	if (!p->name)
		return set_container(t, p->urn, v, add);
	json_t *h = holder(t, p->urn, true);
	if (!h)
		return bad("invalidPath", "%.200s holds a value that is not an object", p->urn);
	if (p->sub)
		return set_sub(t, h, p, v);
	const struct scim_attr *def = attr_def(t, p);
	json_t *cur = scim_json_get(h, p->name);
	if (json_is_null(v)) {
		drop(h, p->name); /* RFC 7643 §2.5: null is unassigned */
		return 0;
	}
	if (is_multi(t, p, cur)) {
		json_t *arr = json_is_array(cur) && add ? json_incref(cur) : json_array();
		if (json_is_array(v)) {
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) append_unique(arr, e);
		} else {
			append_unique(arr, v);
		}
		put(h, p->name, def ? def->name : NULL, arr);
		json_decref(arr);
		return 0;
	}
	if (json_is_object(cur) && json_is_object(v)) {
		merge(cur, v, def); /* §3.5.2.3: unspecified sub-attributes stay */
		return 0;
	}
	put(h, p->name, def ? def->name : NULL, v);
	return 0;
}

/* A path-less add/replace: each key of the object is a path (dotted or URN-qualified). */
static int set_pathless(const struct target *t, json_t *v, bool add)
{
	if (!json_is_object(v))
		return bad("invalidValue", "an operation without a path needs an object value");
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (strncasecmp(k, "urn:", 4) == 0 && json_is_object(x) &&
		    (scim_schema_find(k) || strchr(k + 4, '.') == NULL)) {
			int rc = set_container(t, k, x, add);
			if (rc)
				return rc;
			continue;
		}
		struct scim_attr_path p = { 0 };
		if (!scim_attr_path_split(&p, k, strlen(k)))
			return bad("invalidPath", "\"%.200s\" is not an attribute name", k);
		int rc = set_attr(t, &p, x, add);
		scim_attr_path_release(&p);
		if (rc)
			return rc;
	}
	return 0;
}

/* A filter of eq terms joined by "and" → the element it describes (RFC deviation, see docs). */
static bool element_from_filter(const struct scim_filter *f, json_t *el)
{
	if (f->kind == SCIM_NODE_AND)
		return element_from_filter(f->left, el) && element_from_filter(f->right, el);
	if (f->kind != SCIM_NODE_CMP || f->op != SCIM_EQ || f->path.sub || f->path.urn)
		return false;
	json_t *v;
	switch (f->value.kind) {
	case SCIM_VAL_STRING:
		v = json_string(f->value.str);
		break;
	case SCIM_VAL_TRUE:
		v = json_true();
		break;
	case SCIM_VAL_FALSE:
		v = json_false();
		break;
	case SCIM_VAL_NUMBER:
		v = json_real(f->value.num);
		break;
	default:
		return false;
	}
	json_object_set_new(el, f->path.name, v);
	return true;
}

/* The element's new value: the sub-attribute set, or the whole element replaced. */
static int write_element(json_t *arr, size_t i, const struct scim_path *path, json_t *v)
{
	json_t *e = json_array_get(arr, i);
	if (path->filter_sub) {
		put(e, path->filter_sub, NULL, v);
		return 0;
	}
	if (!json_is_object(v))
		return bad("invalidValue", "the value for %.100s[...] must be an object",
		           path->attr.name);
	json_array_set(arr, i, v);
	return 0;
}

/* replace (or add) with a value-path filter: matching elements change; none → created. */
static int set_filtered(const struct target *t, const struct scim_path *path, json_t *v)
{
	json_t *h = holder(t, path->attr.urn, true);
	const struct scim_attr *def = attr_def(t, &path->attr);
	json_t *arr = h ? scim_json_get(h, path->attr.name) : NULL;
	if (!h || (arr && !json_is_array(arr)))
		return bad("invalidPath", "%.100s is not multi-valued", path->attr.name);
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		if (!json_is_object(e) || !scim_filter_match(path->filter, e, t->core))
			continue;
		n++;
		int rc = write_element(arr, i, path, v);
		if (rc)
			return rc;
	}
	if (n)
		return 0;
	json_t *el = json_object();
	if (!element_from_filter(path->filter, el)) {
		json_decref(el);
		return bad("noTarget", "no value of %.100s matches the filter", path->attr.name);
	}
	if (path->filter_sub)
		json_object_set(el, path->filter_sub, v);
	else if (json_is_object(v))
		json_object_update(el, v);
	else
		json_object_set(el, "value", v);
	if (!arr) {
		arr = json_array();
		put(h, path->attr.name, def ? def->name : NULL, arr);
		json_decref(arr);
	}
	append_unique(arr, el);
	json_decref(el);
	return 0;
}

/* Entra ID (without aadOptscim062020): remove path "x" value [{"value": ...}]. */
static void remove_listed(json_t *arr, json_t *v)
{
	json_t *list = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
	size_t i, k;
	json_t *want;
	json_array_foreach(list, k, want)
	{
		json_t *wv = json_is_object(want) ? scim_json_get(want, "value") : want;
		for (i = json_array_size(arr); i-- > 0;) {
			json_t *e = json_array_get(arr, i);
			json_t *ev = json_is_object(e) ? scim_json_get(e, "value") : e;
			if (json_equal(e, want) || (wv && ev && json_equal(wv, ev)))
				json_array_remove(arr, i);
		}
	}
	json_decref(list);
}

static int remove_plain(const struct target *t, const struct scim_attr_path *p, json_t *v)
{
	bool skip;
	int rc = check_readonly(t, p, NULL, &skip);
	if (rc || skip)
		return rc;
	if (!p->name) {
		drop(t->res, p->urn);
		return 0;
	}
	json_t *h = holder(t, p->urn, false);
	json_t *cur = h ? scim_json_get(h, p->name) : NULL;
	if (!cur)
		return 0; /* nothing there: the attribute stays unassigned */
	if (p->sub) {
		if (json_is_object(cur))
			drop(cur, p->sub);
		size_t i;
		json_t *e;
		json_array_foreach(cur, i, e) drop(e, p->sub);
		return 0;
	}
	if (json_is_array(cur) && v && !json_is_null(v)) {
		remove_listed(cur, v);
		if (json_array_size(cur) == 0)
			drop(h, p->name); /* cur is gone from here on */
	} else {
		drop(h, p->name);
	}
	return 0;
}

static int remove_filtered(const struct target *t, const struct scim_path *path)
{
	json_t *h = holder(t, path->attr.urn, false);
	json_t *arr = h ? scim_json_get(h, path->attr.name) : NULL;
	size_t n = 0;
	for (size_t i = json_array_size(arr); i-- > 0;) {
		json_t *e = json_array_get(arr, i);
		if (!json_is_object(e) || !scim_filter_match(path->filter, e, t->core))
			continue;
		n++;
		if (path->filter_sub)
			drop(e, path->filter_sub);
		else
			json_array_remove(arr, i);
	}
	/* RFC 7644 §3.12 noTarget: the filter yields no match */
	if (n == 0)
		return bad("noTarget", "no value of %.100s matches the filter", path->attr.name);
	if (json_array_size(arr) == 0)
		drop(h, path->attr.name);
	return 0;
}

static int apply_one(const struct target *t, const struct scim_patch_op *o)
{
	bool add = o->op == SCIM_PATCH_ADD;
	if (o->op == SCIM_PATCH_REMOVE) {
		/* §3.5.2.2: "If "path" is unspecified, the operation fails" with noTarget */
		if (!o->path)
			return bad("noTarget", "remove needs a path");
		return o->path->filter ? remove_filtered(t, o->path)
		                       : remove_plain(t, &o->path->attr, o->value);
	}
	if (!o->path)
		return set_pathless(t, o->value, add);
	if (o->path->filter)
		return set_filtered(t, o->path, o->value);
	return set_attr(t, &o->path->attr, o->value, add);
}

int scim_patch_apply(json_t *resource, const struct scim_patch *p, const char *core_urn)
{
	struct target t = { resource, core_urn };
	for (size_t i = 0; i < p->nops; i++) {
		int rc = apply_one(&t, &p->ops[i]);
		if (rc) {
			error_prefix("Operations[%zu]: ", i);
			return rc;
		}
	}
	return 0;
}
