/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM PATCH paths on arbitrary bytes: parse, and when the path parses, use
 * it in add, replace and remove operations on a copy of a fixed User (with
 * the first byte as the JSON value's selector). Invariants: a refused path
 * leaves "invalidPath" or "invalidFilter" in the slot; a failed operation
 * always names an RFC 7644 scimType.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "scim/error.h"
#include "scim/patch.h"
#include "scim/schema.h"

static const char *const user =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"dusr_1\","
        "\"userName\":\"b\",\"name\":{\"givenName\":\"B\"},\"emails\":[{\"value\":\"b@x.io\","
        "\"type\":\"work\",\"primary\":true}],\"members\":[{\"value\":\"u1\"}],"
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"Ops\"}}";

static json_t *value_for(uint8_t selector)
{
	switch (selector % 6) {
	case 0:
		return json_string("v");
	case 1:
		return json_true();
	case 2:
		return json_pack("{s:s, s:s}", "value", "n@x.io", "type", "home");
	case 3:
		return json_pack("[{s:s}]", "value", "u2");
	case 4:
		return json_null();
	default:
		return json_integer(3);
	}
}

static void apply(struct scim_path *path, enum scim_patch_kind kind, uint8_t sel)
{
	static json_t *base;
	if (!base)
		base = json_loads(user, 0, NULL);
	json_t *res = json_deep_copy(base);
	struct scim_patch_op op = { kind, path, value_for(sel) };
	struct scim_patch p = { &op, 1 };
	error_clear();
	if (scim_patch_apply(res, &p, SCIM_URN_USER) &&
	    !scim_error_is_scim_type(error_get()->stable))
		abort();
	json_decref(op.value);
	json_decref(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	error_clear();
	struct scim_path *p = NULL;
	if (scim_path_parse(&p, (const char *)data + 1, size - 1)) {
		const char *code = error_get()->stable;
		if (p || (strcmp(code, "invalidPath") != 0 && strcmp(code, "invalidFilter") != 0))
			abort();
		return 0;
	}
	apply(p, SCIM_PATCH_ADD, data[0]);
	apply(p, SCIM_PATCH_REPLACE, data[0]);
	apply(p, SCIM_PATCH_REMOVE, data[0]);
	scim_path_free(p);
	return 0;
}
