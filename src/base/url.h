/* SPDX-License-Identifier: Apache-2.0 */
/*
 * application/x-www-form-urlencoded (WHATWG URL section 5): parsing a query
 * string or form body into name/value pairs, and appending pairs to a URL.
 * The OAuth endpoints need both: RFC 6749 section 3.1 and 3.2 forbid a
 * parameter appearing twice, so the parser reports duplicates.
 */
#ifndef GATEHOUSE_BASE_URL_H
#define GATEHOUSE_BASE_URL_H

#include "base/buf.h"

#define URL_PARAMS_MAX    32
#define URL_PARAM_MAX_LEN 4096

struct url_params {
	size_t n;
	char *names[URL_PARAMS_MAX]; /* decoded, owned */
	char *values[URL_PARAMS_MAX];
	char duplicate[64]; /* the first name seen twice, "" if none */
};

/*
 * Parses s[0..len) ('+' is a space, %XX decoded). Empty pairs are skipped.
 * ERR_INVALID (invalid_request) for bad escapes, NUL bytes, invalid UTF-8,
 * more than URL_PARAMS_MAX pairs or a value longer than URL_PARAM_MAX_LEN.
 * Duplicates are kept and named in out->duplicate. Release with url_params_release.
 */
int url_params_parse(struct url_params *out, const char *s, size_t len);
void url_params_release(struct url_params *p);
/* The first value of name, or NULL. */
const char *url_params_get(const struct url_params *p, const char *name);

/*
 * Appends "name=value" percent-encoded (RFC 3986 unreserved characters kept),
 * preceded by sep ('?' or '&'; 0 for none). A NULL value appends nothing.
 */
int url_append_param(struct buf *b, char sep, const char *name, const char *value);
/* s percent-encoded as url_append_param does (caller frees). */
char *url_encode(const char *s);
/* '?' when url has no query yet, else '&'. */
char url_query_sep(const char *url);

#endif
