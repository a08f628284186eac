/* SPDX-License-Identifier: Apache-2.0 */
/* Whitespace-tolerant, otherwise strict base64 decoding (see b64.h). */
#include "base/common.h"

#include "saml/b64.h"

#include "base/error.h"

/* 0..63 for the alphabet, 64 for '=', 65 for whitespace, 66 for anything else. */
static unsigned char class_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (unsigned char)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (unsigned char)(c - '0' + 52);
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	if (c == '=')
		return 64;
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return 65;
	return 66;
}

int saml_b64_decode(unsigned char **out, size_t *out_len, const char *s, size_t len)
{
	unsigned char *d = xmalloc(len / 4 * 3 + 4);
	size_t o = 0, pad = 0;
	unsigned acc = 0, nbits = 0, nchars = 0;

	*out = NULL;
	*out_len = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char k = class_of((unsigned char)s[i]);
		if (k == 65)
			continue;
		if (k == 66 || (k < 64 && pad))
			goto bad; /* a stray byte, or data after padding */
		nchars++;
		if (k == 64) {
			pad++;
			continue;
		}
		acc = (acc << 6) | k;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			d[o++] = (unsigned char)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	/* Padding must complete the last quantum; leftover bits must be zero. */
	if (nchars == 0 || pad > 2 || (pad && nchars % 4 != 0) || (!pad && nchars % 4 == 1) ||
	    acc != 0)
		goto bad;
	d[o] = '\0';
	*out = d;
	*out_len = o;
	return 0;
bad:
	free(d);
	return error_setc(ERR_INVALID, "invalid_base64", "not valid base64");
}
