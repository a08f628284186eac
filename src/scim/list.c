/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM list parameters, ListResponse and attribute projection (see list.h, resource.h). */
#include "base/common.h"

#include "scim/list.h"

#include "base/error.h"
#include "scim/resource.h"
#include "scim/schema.h"

#include <strings.h>

static int number(const char *name, const char *s, int64_t *out)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (!*s || !end || *end)
		return error_setc(ERR_INVALID, "invalidValue", "%s must be an integer", name);
	*out = v;
	return 0;
}

int scim_list_query_parse(struct scim_list_query *q, const char *filter, const char *start_index,
                          const char *count, const char *attributes, const char *excluded)
{
	memset(q, 0, sizeof(*q));
	q->start_index = 1;
	q->count = SCIM_DEFAULT_COUNT;
	q->attributes = attributes && *attributes ? xstrdup(attributes) : NULL;
	q->excluded_attributes = excluded && *excluded ? xstrdup(excluded) : NULL;
	int rc = 0;
	if (start_index)
		rc = number("startIndex", start_index, &q->start_index);
	if (rc == 0 && count)
		rc = number("count", count, &q->count);
	if (rc) {
		scim_list_query_release(q);
		return rc;
	}
	if (q->start_index < 1)
		q->start_index = 1;
	if (q->count < 0)
		q->count = 0;
	if (q->count > SCIM_MAX_RESULTS)
		q->count = SCIM_MAX_RESULTS;
	if (filter && *filter)
		rc = scim_filter_parse(&q->filter, filter, strlen(filter));
	if (rc)
		scim_list_query_release(q);
	return rc;
}

void scim_list_query_release(struct scim_list_query *q)
{
	scim_filter_free(q->filter);
	free(q->attributes);
	free(q->excluded_attributes);
	memset(q, 0, sizeof(*q));
}

json_t *scim_list_response(json_t *resources, int64_t total, int64_t start_index)
{
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(sch, json_string(SCIM_URN_LIST));
	json_object_set_new(j, "schemas", sch);
	json_object_set_new(j, "totalResults", json_integer(total));
	json_object_set_new(j, "itemsPerPage",
	                    json_integer((json_int_t)json_array_size(resources)));
	json_object_set_new(j, "startIndex", json_integer(start_index));
	json_object_set_new(j, "Resources", resources);
	return j;
}

/* --- attributes / excludedAttributes (RFC 7644 §3.9) --- */

typedef int (*path_fn)(json_t *res, json_t *out, const struct scim_attr_path *p,
                       const char *core_urn);

/* Calls fn for each comma-separated path of list. */
static int each_path(const char *list, json_t *res, json_t *out, const char *core, path_fn fn)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		size_t n = (size_t)(e - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n) {
			struct scim_attr_path ap;
			if (!scim_attr_path_split(&ap, p, n))
				return error_setc(ERR_INVALID, "invalidValue",
				                  "'%.*s' is not an attribute name",
				                  (int)(n > 100 ? 100 : n), p);
			int rc = fn(res, out, &ap, core);
			scim_attr_path_release(&ap);
			if (rc)
				return rc;
		}
		p = e;
	}
	return 0;
}

static bool is_core(const struct scim_attr_path *p, const char *core)
{
	return !p->urn || strcasecmp(p->urn, core) == 0;
}

static int keep_one(json_t *res, json_t *out, const struct scim_attr_path *p, const char *core)
{
	json_t *src = is_core(p, core) ? res : scim_json_get(res, p->urn);
	json_t *dst = out;
	if (!is_core(p, core)) {
		const char *key = scim_json_key(res, p->urn);
		if (!key || !json_is_object(src))
			return 0;
		if (!p->name) {
			json_object_set(out, key, src);
			return 0;
		}
		dst = json_object_get(out, key);
		if (!dst) {
			dst = json_object();
			json_object_set_new(out, key, dst);
		}
	}
	const char *key = scim_json_key(src, p->name);
	json_t *v = key ? json_object_get(src, key) : NULL;
	if (!v)
		return 0;
	if (!p->sub || !json_is_object(v)) {
		json_object_set(dst, key, v);
		return 0;
	}
	const char *sk = scim_json_key(v, p->sub);
	if (!sk)
		return 0;
	json_t *part = json_object_get(dst, key);
	if (!json_is_object(part)) {
		part = json_object();
		json_object_set_new(dst, key, part);
	}
	json_object_set(part, sk, json_object_get(v, sk));
	return 0;
}

static int drop_one(json_t *res, json_t *out, const struct scim_attr_path *p, const char *core)
{
	(void)out;
	json_t *holder = is_core(p, core) ? res : scim_json_get(res, p->urn);
	if (is_core(p, core) && p->name && !p->sub &&
	    (strcasecmp(p->name, "id") == 0 || strcasecmp(p->name, "schemas") == 0))
		return 0; /* returned always */
	if (!p->name) {
		const char *k = scim_json_key(res, p->urn);
		if (k)
			json_object_del(res, k);
		return 0;
	}
	const char *key = scim_json_key(holder, p->name);
	if (!key)
		return 0;
	if (!p->sub) {
		json_object_del(holder, key);
		return 0;
	}
	json_t *v = json_object_get(holder, key);
	const char *sk = scim_json_key(v, p->sub);
	if (sk)
		json_object_del(v, sk);
	return 0;
}

int scim_project(json_t *res, const char *attributes, const char *excluded, const char *core_urn)
{
	int rc = 0;
	if (attributes && *attributes) {
		json_t *out = json_object();
		json_object_set(out, "id", json_object_get(res, "id"));
		json_t *schemas = scim_json_get(res, "schemas");
		if (schemas)
			json_object_set(out, "schemas", schemas);
		rc = each_path(attributes, res, out, core_urn, keep_one);
		if (rc == 0) {
			json_object_clear(res);
			json_object_update(res, out);
		}
		json_decref(out);
	} else if (excluded && *excluded) {
		rc = each_path(excluded, res, NULL, core_urn, drop_one);
	}
	return rc;
}

static bool lists_name(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (len >= n && strncasecmp(p, name, n) == 0 && (len == n || p[n] == '.'))
			return true;
		p = e;
	}
	return false;
}

bool scim_projection_excludes(const char *attributes, const char *excluded, const char *name)
{
	if (attributes && *attributes)
		return !lists_name(attributes, name);
	return excluded && lists_name(excluded, name);
}
