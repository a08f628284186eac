/* SPDX-License-Identifier: Apache-2.0 */
/* Form and query encoding (see form.h). */
#include "base/common.h"

#include "oidc_rp/form.h"

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

char *oidc_rp_form_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(3 * n + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p)) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '%';
		*o++ = hex[*p >> 4];
		*o++ = hex[*p & 15];
	}
	*o = '\0';
	return out;
}

int oidc_rp_form_add(struct buf *b, char sep, const char *name, const char *value)
{
	if (!value)
		return 0;
	char *n = oidc_rp_form_encode(name), *v = oidc_rp_form_encode(value);
	int rc = sep ? buf_appendf(b, "%c%s=%s", sep, n, v) : buf_appendf(b, "%s=%s", n, v);
	free(n);
	free(v);
	return rc;
}
