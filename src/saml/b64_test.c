/* SPDX-License-Identifier: Apache-2.0 */
/* saml_b64_decode against OpenSSL's encoder: every length, whitespace anywhere, strictness. */
#include "base/common.h"

#include "base/error.h"
#include "base/rand.h"
#include "crypto/crypto.h"
#include "saml/b64.h"
#include "test/harness/test.h"

/* enc with a whitespace character inserted every step bytes (step 0: none); caller frees. */
static char *spaced(const char *enc, size_t step)
{
	size_t n = strlen(enc);
	char *out = xmalloc(n * 2 + 1), *p = out;
	for (size_t i = 0; i < n; i++) {
		if (step && i % step == step - 1)
			*p++ = " \t\r\n"[i % 4];
		*p++ = enc[i];
	}
	*p = '\0';
	return out;
}

TEST(saml_b64, round_trips_every_length_with_whitespace)
{
	unsigned char data[300];
	rand_bytes(data, sizeof(data));
	for (size_t len = 1; len <= sizeof(data); len++) {
		char *enc = crypto_b64_encode(data, len);
		for (size_t step = 0; step <= 7; step++) {
			char *in = spaced(enc, step);
			unsigned char *out = NULL;
			size_t n = 0;
			ASSERT_INT_EQ(saml_b64_decode(&out, &n, in, strlen(in)), 0);
			ASSERT_INT_EQ((long long)n, (long long)len);
			ASSERT(memcmp(out, data, len) == 0);
			free(out);
			free(in);
		}
		free(enc);
	}
}

TEST(saml_b64, refuses_what_is_not_base64)
{
	static const char *const bad[] = {
		"",     "====",     "QQ=",  "QQ==QQ==", "Q",    "QUJD*",     "QU JD\x01",
		"QR==", "QUJ=RA==", "QQ=a", "QUJDRA=",  "Q===", "QUJDRA==A",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned char *out = NULL;
		size_t n = 0;
		ASSERT_INT_EQ(saml_b64_decode(&out, &n, bad[i], strlen(bad[i])), ERR_INVALID);
		ASSERT(out == NULL);
	}
	unsigned char *out = NULL;
	size_t n = 0;
	ASSERT_INT_EQ(saml_b64_decode(&out, &n, "QUJD RA==", 9), 0);
	ASSERT_INT_EQ((long long)n, 4);
	ASSERT(memcmp(out, "ABCD", 4) == 0);
	free(out);
}
