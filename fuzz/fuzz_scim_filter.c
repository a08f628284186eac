/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM filters on arbitrary bytes: parse, and when the filter parses,
 * evaluate it against a fixed User so the evaluator sees every AST shape.
 * Invariants: a refused filter leaves "invalidFilter" in the error slot; the
 * index pushdown never returns a value for a filter that does not parse.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "scim/filter.h"
#include "scim/schema.h"

static const char *const user =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"dusr_1\","
        "\"userName\":\"Bjensen@Example.com\",\"externalId\":\"x1\",\"active\":true,"
        "\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"},\"title\":\"\","
        "\"emails\":[{\"value\":\"b@example.com\",\"type\":\"work\",\"primary\":true},"
        "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],\"x\":[1,2.5,null,\"s\",false],"
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"Ops\","
        "\"manager\":{\"value\":\"m1\"}},\"meta\":{\"lastModified\":\"2011-05-13T04:42:34Z\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *res;
	if (!res)
		res = json_loads(user, 0, NULL);
	error_clear();
	struct scim_filter *f = NULL;
	int rc = scim_filter_parse(&f, (const char *)data, size);
	if (rc) {
		if (f || strcmp(error_get()->stable, "invalidFilter") != 0)
			abort();
		return 0;
	}
	(void)scim_filter_match(f, res, SCIM_URN_USER);
	(void)scim_filter_match(f, res, SCIM_URN_GROUP);
	(void)scim_filter_eq_value(f, "userName");
	scim_filter_free(f);
	return 0;
}
