/* SPDX-License-Identifier: Apache-2.0 */
/*
 * base64url without padding (RFC 7515 section 2 / RFC 4648 section 5), the
 * encoding of every JOSE segment and JWK member. Decoding is strict: only the
 * URL-safe alphabet, no padding, no whitespace, and the unused bits of the last
 * character must be zero, so every byte string has exactly one encoding.
 */
#ifndef GATEHOUSE_JOSE_B64URL_H
#define GATEHOUSE_JOSE_B64URL_H

/* Encodes len bytes; caller frees. */
char *jose_b64url_encode(const void *data, size_t len);
/*
 * Decodes n characters of s into *out (caller frees; NUL-terminated for
 * convenience, not counted in *out_len). ERR_INVALID (jose_malformed) on any
 * character outside the alphabet, a length of 1 mod 4, or non-zero trailing bits.
 */
int jose_b64url_decode(unsigned char **out, size_t *out_len, const char *s, size_t n);

#endif
