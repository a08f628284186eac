/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Cookie header reader on arbitrary bytes: never reads out of bounds,
 * and a value it returns is a non-empty token that fits the buffer and
 * appears in the header right after "name=".
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "http/cookie.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *h = xstrndup((const char *)data, size);
	static const char *const names[] = { "gh_dash", "gh_portal", "a" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char v[48];
		if (!http_cookie_find(h, names[i], v, sizeof(v)))
			continue;
		size_t n = strlen(v);
		if (n == 0 || n >= sizeof(v))
			abort();
		char *pat = xasprintf("%s=%s", names[i], v);
		if (!strstr(h, pat))
			abort();
		free(pat);
		for (size_t k = 0; k < n; k++)
			if (!isalnum((unsigned char)v[k]) && !strchr("-_.", v[k]))
				abort();
	}
	free(h);
	return 0;
}
