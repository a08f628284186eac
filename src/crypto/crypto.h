/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenSSL glue: constant-time comparison, digests, HMAC, base64, random
 * tokens and AES-256-GCM sealing of secrets we must be able to read back
 * (webhook signing secrets). Nothing here knows about HTTP or storage.
 * All functions are thread-safe.
 */
#ifndef GATEHOUSE_CRYPTO_CRYPTO_H
#define GATEHOUSE_CRYPTO_CRYPTO_H

#define CRYPTO_SHA256_LEN     32
#define CRYPTO_SHA256_HEX_LEN 65 /* with NUL */
#define CRYPTO_AEAD_KEY_LEN   32

/* Constant-time equality of two byte strings (lengths compared first; the length is not secret). */
bool crypto_equal(const void *a, size_t alen, const void *b, size_t blen);
bool crypto_equal_str(const char *a, const char *b);

void crypto_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *data, size_t len);
void crypto_sha256_hex(char out[CRYPTO_SHA256_HEX_LEN], const void *data, size_t len);
void crypto_hmac_sha256(unsigned char out[CRYPTO_SHA256_LEN], const void *key, size_t keylen,
                        const void *data, size_t len);

/* Standard base64 with padding; caller frees. */
char *crypto_b64_encode(const void *data, size_t len);
/* Decodes standard base64 (padding required); caller frees *out. ERR_INVALID if malformed. */
int crypto_b64_decode(unsigned char **out, size_t *out_len, const char *s);
/* Lowercase hex of data; out needs 2*len+1 bytes. */
void crypto_hex(char *out, const void *data, size_t len);

/* A random token: prefix + 43 base64url characters (256 bits). Caller frees. */
char *crypto_token_new(const char *prefix);

/*
 * Seals plaintext with AES-256-GCM under key: output is
 * "v1." + base64(nonce12 || ciphertext || tag16). Caller frees.
 */
char *crypto_seal(const unsigned char key[CRYPTO_AEAD_KEY_LEN], const char *plaintext);
/* Opens what crypto_seal produced; ERR_INVALID on tampering or a wrong key. Caller frees *out. */
int crypto_open(char **out, const unsigned char key[CRYPTO_AEAD_KEY_LEN], const char *sealed);

#endif
