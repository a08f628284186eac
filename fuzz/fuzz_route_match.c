/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route matching on arbitrary request paths: the router must never read out
 * of bounds, and a match must capture exactly the parameters its pattern has.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "routes/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	static const char *const methods[] = { "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD" };
	char *path = xstrndup((const char *)data + 1, size - 1);
	struct http_request req;
	memset(&req, 0, sizeof(req));
	req.method = methods[data[0] % ARRAY_SIZE(methods)];
	req.path = path;
	bool exists = false;
	const struct route *r = routes_match(&req, &exists);
	if (r) {
		int braces = 0;
		for (const char *p = r->pattern; *p; p++)
			braces += *p == '{';
		if (!exists || braces != req.nparams)
			abort();
	}
	for (int i = 0; i < req.nparams; i++)
		free(req.param_values[i]);
	free(path);
	return 0;
}
