/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL glue (see crypto.h). */
#include "base/common.h"

#include "crypto/crypto.h"

#include "base/error.h"
#include "base/rand.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

bool crypto_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return false;
	return alen == 0 || CRYPTO_memcmp(a, b, alen) == 0;
}

bool crypto_equal_str(const char *a, const char *b)
{
	return crypto_equal(a, strlen(a), b, strlen(b));
}

void crypto_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *data, size_t len)
{
	SHA256(data, len, out);
}

void crypto_hex(char *out, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * len] = '\0';
}

void crypto_sha256_hex(char out[CRYPTO_SHA256_HEX_LEN], const void *data, size_t len)
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(d, data, len);
	crypto_hex(out, d, sizeof(d));
}

void crypto_hmac_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *key, size_t keylen,
                        const void *data, size_t len)
{
	unsigned int outlen = CRYPTO_SHA256_LEN;
	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen))
		die("HMAC-SHA256 failed");
}

char *crypto_b64_encode(const void *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

int crypto_b64_decode(unsigned char **out, size_t *out_len, const char *s)
{
	size_t n = strlen(s);
	*out = NULL;
	if (n == 0 || n % 4 != 0 || n > 1u << 24)
		return error_set(ERR_INVALID, "not base64");
	unsigned char *d = xmalloc(n / 4 * 3 + 1);
	int got = EVP_DecodeBlock(d, (const unsigned char *)s, (int)n);
	if (got < 0) {
		free(d);
		return error_set(ERR_INVALID, "not base64");
	}
	size_t pad = (s[n - 1] == '=') + (s[n - 2] == '=');
	*out = d;
	*out_len = (size_t)got - pad;
	return 0;
}

char *crypto_token_new(const char *prefix)
{
	unsigned char r[32];
	rand_bytes(r, sizeof(r));
	char *b = crypto_b64_encode(r, sizeof(r));
	/* base64 → base64url without padding */
	for (char *p = b; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=')
			*p = '\0';
	}
	char *t = xasprintf("%s%s", prefix, b);
	OPENSSL_cleanse(r, sizeof(r));
	free(b);
	return t;
}

char *crypto_seal(const unsigned char key[CRYPTO_AEAD_KEY_LEN], const char *plaintext)
{
	size_t n = strlen(plaintext);
	unsigned char *blob = xmalloc(12 + n + 16);
	rand_bytes(blob, 12);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0;
	if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, blob) != 1 ||
	    EVP_EncryptUpdate(ctx, blob + 12, &len, (const unsigned char *)plaintext, (int)n) !=
	            1 ||
	    EVP_EncryptFinal_ex(ctx, blob + 12 + len, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, blob + 12 + n) != 1)
		die("AES-256-GCM seal failed");
	EVP_CIPHER_CTX_free(ctx);
	char *b = crypto_b64_encode(blob, 12 + n + 16);
	char *out = xasprintf("v1.%s", b);
	free(b);
	free(blob);
	return out;
}

int crypto_open(char **out, const unsigned char key[CRYPTO_AEAD_KEY_LEN], const char *sealed)
{
	unsigned char *blob = NULL;
	size_t blen = 0;
	*out = NULL;
	if (strncmp(sealed, "v1.", 3) != 0 || crypto_b64_decode(&blob, &blen, sealed + 3) != 0 ||
	    blen < 28) {
		free(blob);
		return error_set(ERR_INVALID, "sealed secret is malformed");
	}
	size_t n = blen - 28;
	char *plain = xmalloc(n + 1);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0, ok;
	ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, blob) == 1 &&
	     EVP_DecryptUpdate(ctx, (unsigned char *)plain, &len, blob + 12, (int)n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, blob + 12 + n) == 1 &&
	     EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + len, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	free(blob);
	if (!ok) {
		OPENSSL_cleanse(plain, n);
		free(plain);
		return error_set(ERR_INVALID,
		                 "sealed secret failed authentication (wrong encryption key?)");
	}
	plain[n] = '\0';
	*out = plain;
	return 0;
}
