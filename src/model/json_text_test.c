/* SPDX-License-Identifier: Apache-2.0 */
/* model_json_text writes what json_dumps(JSON_COMPACT) writes, byte for byte. */
#include "base/common.h"

#include "model/model.h"
#include "test/harness/test.h"

static bool same_as_jansson(const json_t *v)
{
	char *ours = model_json_text(v);
	char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	bool same = theirs && strcmp(ours, theirs) == 0;
	if (!same)
		fprintf(stderr, "ours   %s\ntheirs %s\n", ours, theirs ? theirs : "(null)");
	free(ours);
	free(theirs);
	return same;
}

TEST(json_text, matches_json_dumps)
{
	static const char *const docs[] = {
		"{}",
		"[]",
		"{\"a\":[],\"b\":{},\"c\":[{}],\"d\":null,\"e\":true,\"f\":false}",
		"{\"z\":1,\"a\":-9223372036854775807,\"m\":0,\"k\":[1,2,3]}",
		"{\"esc\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\\u007f\"}",
		"{\"utf8\":\"caf\\u00e9 \\u2028 \\ud83d\\ude00 \\u6f22\"}",
		"{\"k\\\"ey\\n\":\"v\",\"real\":1.5,\"reals\":[0.1,1e300,-2.0]}",
		"[[[[\"deep\",[{\"x\":[null]}]]]]]",
	};
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		json_error_t err;
		json_t *v = json_loads(docs[i], JSON_DECODE_ANY, &err);
		ASSERT(v != NULL);
		ASSERT(same_as_jansson(v));
		json_decref(v);
	}
	json_t *nul = json_object();
	json_object_set_new(nul, "nul", json_stringn("a\0b", 3));
	ASSERT(same_as_jansson(nul));
	json_decref(nul);
}
