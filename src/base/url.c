/* SPDX-License-Identifier: Apache-2.0 */
/* Form/query encoding and decoding (see url.h). */
#include "base/common.h"

#include "base/url.h"

#include "base/error.h"

static int bad(const char *why)
{
	return error_setc(ERR_INVALID, "invalid_request", "%s", why);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80         ? 0
		           : (c >> 5) == 6  ? 1
		           : (c >> 4) == 14 ? 2
		           : (c >> 3) == 30 ? 3
		                            : 9;
		if (k == 9 || (k && c < 0xc2) || (k && i + k >= n))
			return false;
		for (size_t j = 1; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

/* Decodes one component; NULL (and the slot set) on failure. */
static char *decode(const char *s, size_t n)
{
	if (n > 3 * URL_PARAM_MAX_LEN) {
		bad("a parameter is too long");
		return NULL;
	}
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int h = i + 2 < n ? hexval(s[i + 1]) : -1;
			int l = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (h < 0 || l < 0 || (h == 0 && l == 0)) {
				free(out);
				bad("a parameter has a bad percent-escape");
				return NULL;
			}
			out[o++] = (char)(h << 4 | l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (o > URL_PARAM_MAX_LEN || !utf8_ok((unsigned char *)out, o)) {
		free(out);
		bad("a parameter is too long or not UTF-8");
		return NULL;
	}
	return out;
}

int url_params_parse(struct url_params *out, const char *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t plen = amp ? (size_t)(amp - (s + i)) : len - i;
		const char *pair = s + i;
		i += plen + 1;
		if (plen == 0)
			continue;
		if (memchr(pair, '\0', plen)) {
			url_params_release(out);
			return bad("a parameter holds a NUL byte");
		}
		if (out->n == URL_PARAMS_MAX) {
			url_params_release(out);
			return bad("too many parameters");
		}
		const char *eq = memchr(pair, '=', plen);
		size_t nlen = eq ? (size_t)(eq - pair) : plen;
		char *name = decode(pair, nlen);
		char *value = name ? decode(eq ? eq + 1 : "", eq ? plen - nlen - 1 : 0) : NULL;
		if (!name || !value) {
			free(name);
			url_params_release(out);
			return ERR_INVALID;
		}
		if (!out->duplicate[0] && url_params_get(out, name))
			xsnprintf(out->duplicate, sizeof(out->duplicate), "%.60s", name);
		out->names[out->n] = name;
		out->values[out->n] = value;
		out->n++;
	}
	return 0;
}

void url_params_release(struct url_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	memset(p, 0, sizeof(*p));
}

const char *url_params_get(const struct url_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->values[i];
	return NULL;
}

static int append_encoded(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			rc = buf_append(b, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			rc = buf_append(b, e, 3);
		}
	}
	return rc;
}

char *url_encode(const char *s)
{
	struct buf b;
	buf_init(&b, strlen(s) * 3 + 1);
	append_encoded(&b, s);
	char *out = xstrdup(b.data ? b.data : "");
	buf_release(&b);
	return out;
}

int url_append_param(struct buf *b, char sep, const char *name, const char *value)
{
	if (!value)
		return 0;
	int rc = sep ? buf_append(b, &sep, 1) : 0;
	if (!rc)
		rc = append_encoded(b, name);
	if (!rc)
		rc = buf_append(b, "=", 1);
	if (!rc)
		rc = append_encoded(b, value);
	return rc;
}

char url_query_sep(const char *url)
{
	return strchr(url, '?') ? '&' : '?';
}
