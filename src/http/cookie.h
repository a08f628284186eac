/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cookies (RFC 6265): reading one cookie from the request's Cookie header
 * and writing Set-Cookie with explicit attributes. Values are expected to be
 * tokens (base64url); anything else is refused on both sides.
 */
#ifndef GATEHOUSE_HTTP_COOKIE_H
#define GATEHOUSE_HTTP_COOKIE_H

#include "http/server.h"

struct http_cookie {
	const char *name, *value;
	const char *path;      /* "/" when NULL */
	const char *same_site; /* "Strict", "Lax" or "None" */
	int64_t max_age_s;     /* > 0: Max-Age; 0: a session cookie; < 0: delete it */
	bool secure;
	bool http_only;
};

/*
 * Copies the value of the first cookie called name into out (NUL-terminated).
 * False when absent, longer than outlen - 1, or not a token.
 */
bool http_cookie_get(const struct http_request *r, const char *name, char *out, size_t outlen);
/* The same on a Cookie header value (NULL: absent). */
bool http_cookie_find(const char *header, const char *name, char *out, size_t outlen);
/* Adds a Set-Cookie header. */
void http_cookie_set(struct http_response *res, const struct http_cookie *c);

#endif
