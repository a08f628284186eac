/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table is the HTTP surface: the served OpenAPI document
 * (docs/openapi.json, embedded) must list exactly the routes served, and
 * every route must be well formed.
 */
#include "base/common.h"

#include "base/assets.h"
#include "routes/routes.h"
#include "test/harness/test.h"

#include <ctype.h>

static void lower(char *out, size_t size, const char *s)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

TEST(routes, openapi_lists_exactly_the_served_routes)
{
	const struct asset *a = assets_find("docs/openapi.json");
	ASSERT(a != NULL);
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)a->data, a->len, JSON_REJECT_DUPLICATES, &jerr);
	ASSERT(doc != NULL);
	json_t *paths = json_object_get(doc, "paths");
	ASSERT(json_is_object(paths));
	size_t served = 0;
	for (size_t i = 0; i < routes_count(); i++) {
		const struct route *r = routes_at(i);
		char m[16];
		lower(m, sizeof(m), r->method);
		json_t *op = json_object_get(json_object_get(paths, r->pattern), m);
		if (!op)
			test_fail(__FILE__, __LINE__, "served but not in openapi.json: %s %s",
			          r->method, r->pattern);
		served++;
	}
	size_t documented = 0;
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
	{
		const char *method;
		json_t *op;
		json_object_foreach(item, method, op)
		{
			if (strcmp(method, "parameters") == 0)
				continue;
			documented++;
			bool found = false;
			for (size_t i = 0; i < routes_count() && !found; i++) {
				char m[16];
				lower(m, sizeof(m), routes_at(i)->method);
				found = strcmp(routes_at(i)->pattern, path) == 0 &&
				        strcmp(m, method) == 0;
			}
			if (!found)
				test_fail(__FILE__, __LINE__,
				          "in openapi.json but not served: %s %s", method, path);
		}
	}
	ASSERT_INT_EQ(documented, served);
	json_decref(doc);
}

TEST(routes, every_route_is_well_formed)
{
	for (size_t i = 0; i < routes_count(); i++) {
		const struct route *r = routes_at(i);
		ASSERT(r->pattern[0] == '/');
		ASSERT(r->handler != NULL);
		ASSERT(r->metric_name && *r->metric_name);
		ASSERT(routes_index(r) == i);
		/* writes take a body; reads take none */
		if (!strcmp(r->method, "GET") || !strcmp(r->method, "DELETE"))
			ASSERT_INT_EQ(r->body_max_bytes, BODY_NONE);
		/* everything under /v1 but the OpenAPI document needs a key */
		if (!strncmp(r->pattern, "/v1/", 4) && strcmp(r->pattern, "/v1/openapi.json"))
			ASSERT(r->auth == AUTH_SECRET_KEY);
		for (size_t k = 0; k < i; k++)
			ASSERT(!(strcmp(routes_at(k)->pattern, r->pattern) == 0 &&
			         strcmp(routes_at(k)->method, r->method) == 0));
	}
}

TEST(routes, matching_captures_params_and_tells_405_from_404)
{
	struct http_request req;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/v1/organizations/org_1/domains/dom_2";
	bool exists = false;
	const struct route *r = routes_match(&req, &exists);
	ASSERT(r != NULL);
	ASSERT_STR_EQ(http_request_param(&req, "org"), "org_1");
	ASSERT_STR_EQ(http_request_param(&req, "dom"), "dom_2");
	for (int i = 0; i < req.nparams; i++)
		free(req.param_values[i]);
	memset(&req, 0, sizeof(req));
	req.method = "PUT";
	req.path = "/v1/organizations";
	ASSERT(routes_match(&req, &exists) == NULL);
	ASSERT(exists);
	req.path = "/v1/organisations";
	ASSERT(routes_match(&req, &exists) == NULL);
	ASSERT(!exists);
	req.method = "GET";
	req.path = "/v1/organizations//domains";
	ASSERT(routes_match(&req, &exists) == NULL);
}
