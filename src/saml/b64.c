/* SPDX-License-Identifier: Apache-2.0 */
/* Whitespace-tolerant, otherwise strict base64 decoding (see b64.h). */
#include "base/common.h"

#include "saml/b64.h"

#include "base/error.h"

/* 0..63 for the alphabet, 64 for '=', 65 for whitespace, 66 for anything else. */
static const unsigned char class_table[256] = {
	/* clang-format off */
	66,66,66,66,66,66,66,66,66,65,65,66,66,65,66,66, 66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,
	65,66,66,66,66,66,66,66,66,66,66,62,66,66,66,63, 52,53,54,55,56,57,58,59,60,61,66,66,66,64,66,66,
	66, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,10,11,12,13,14, 15,16,17,18,19,20,21,22,23,24,25,66,66,66,66,66,
	66,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40, 41,42,43,44,45,46,47,48,49,50,51,66,66,66,66,66,
	66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66, 66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,
	66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66, 66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,
	66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66, 66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,
	66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66, 66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,66,
	/* clang-format on */
};

/* A table, not a chain of comparisons: every ACS POST decodes ~10 KB twice. */
static unsigned char class_of(unsigned char c)
{
	return class_table[c];
}

int saml_b64_decode(unsigned char **out, size_t *out_len, const char *s, size_t len)
{
	unsigned char *d = xmalloc(len / 4 * 3 + 4);
	size_t o = 0, pad = 0;
	unsigned acc = 0, nbits = 0, nchars = 0;

	*out = NULL;
	*out_len = 0;
	for (size_t i = 0; i < len; i++) {
		/* fast path: four alphabet characters, no bits pending, no padding seen */
		if (nbits == 0 && !pad && i + 4 <= len) {
			unsigned a = class_of((unsigned char)s[i]),
			         b = class_of((unsigned char)s[i + 1]),
			         c = class_of((unsigned char)s[i + 2]),
			         e = class_of((unsigned char)s[i + 3]);
			if ((a | b | c | e) < 64) {
				unsigned v = a << 18 | b << 12 | c << 6 | e;
				d[o++] = (unsigned char)(v >> 16);
				d[o++] = (unsigned char)(v >> 8);
				d[o++] = (unsigned char)v;
				nchars += 4;
				i += 3;
				continue;
			}
		}
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
