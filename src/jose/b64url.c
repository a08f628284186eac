/* SPDX-License-Identifier: Apache-2.0 */
/* base64url without padding, strict (see b64url.h). */
#include "base/common.h"

#include "jose/b64url.h"

#include "base/error.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *jose_b64url_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc(len / 3 * 4 + 5);
	size_t o = 0, i = 0;
	for (; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
	return out;
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int jose_b64url_decode(unsigned char **out, size_t *out_len, const char *s, size_t n)
{
	*out = NULL;
	*out_len = 0;
	if (n % 4 == 1 || n > (1u << 26))
		return error_setc(ERR_INVALID, "jose_malformed", "not base64url");
	unsigned char *d = xmalloc(n / 4 * 3 + 3);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = value_of(s[i]);
		if (v < 0) {
			free(d);
			return error_setc(ERR_INVALID, "jose_malformed", "not base64url");
		}
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	/* RFC 4648 section 3.5: the pad bits must be zero (one encoding per value). */
	if (bits && (acc & ((1u << bits) - 1))) {
		free(d);
		return error_setc(ERR_INVALID, "jose_malformed", "not canonical base64url");
	}
	d[o] = '\0';
	*out = d;
	*out_len = o;
	return 0;
}
