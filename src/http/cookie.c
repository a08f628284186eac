/* SPDX-License-Identifier: Apache-2.0 */
/* Cookies (see cookie.h). */
#include "base/common.h"

#include "http/cookie.h"

static bool is_token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

bool http_cookie_get(const struct http_request *r, const char *name, char *out, size_t outlen)
{
	return http_cookie_find(http_request_header(r, "Cookie"), name, out, outlen);
}

/*
 * Two cookies of one name are refused: the second may have been planted for
 * a narrower path or a parent domain (cookie tossing), and which one the
 * browser meant cannot be told.
 */
bool http_cookie_find(const char *h, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	bool found = false;
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		size_t len = strcspn(h, ";");
		if (len > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
			if (found)
				return false;
			found = true;
			const char *v = h + nlen + 1;
			size_t vlen = len - nlen - 1;
			while (vlen && v[vlen - 1] == ' ')
				vlen--;
			if (vlen == 0 || vlen >= outlen)
				return false;
			for (size_t i = 0; i < vlen; i++)
				if (!is_token_char(v[i]))
					return false;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
		}
		h += len;
	}
	return found;
}

void http_cookie_set(struct http_response *res, const struct http_cookie *c)
{
	const char *value = c->max_age_s < 0 ? "" : c->value;
	for (const char *p = value; *p; p++)
		if (!is_token_char(*p))
			die("cookie %s: value is not a token", c->name);
	char age[48] = "";
	if (c->max_age_s < 0)
		xsnprintf(age, sizeof(age), "; Max-Age=0");
	else if (c->max_age_s > 0)
		xsnprintf(age, sizeof(age), "; Max-Age=%lld", (long long)c->max_age_s);
	char *h = xasprintf("%s=%s; Path=%s%s; SameSite=%s%s%s", c->name, value,
	                    c->path ? c->path : "/", age, c->same_site ? c->same_site : "Lax",
	                    c->secure ? "; Secure" : "", c->http_only ? "; HttpOnly" : "");
	http_response_header(res, "Set-Cookie", h);
	free(h);
}
