/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWS compact serialisation (RFC 7515): signing with our ES256 keys, and
 * verification in which the algorithm comes from the key, never from the
 * token (STACK.md pitfall 18).
 *
 * Verification, in order: size bound; exactly three base64url segments; the
 * protected header decoded and parsed here with duplicate members refused
 * (pitfall 20: cjose would let the last "alg" win); "crit" refused; "alg"
 * must name ES256 or RS256 ("none" and HS* never verify); the key chosen by
 * "kid" (or the only key of the set when the token names none); header alg
 * must equal the key's alg; the signature must have the key's exact length
 * (64 bytes R||S for ES256: pitfall 21); then cjose checks the signature.
 *
 * Errors: ERR_INVALID with a stable code: jws_malformed, jws_alg_not_allowed,
 * jws_unknown_kid, jws_alg_mismatch, jws_bad_signature, jws_too_large.
 * Thread-safe: keys and sets are only read.
 */
#ifndef GATEHOUSE_JOSE_JWS_H
#define GATEHOUSE_JOSE_JWS_H

#include "jose/jwks.h"

#define JOSE_JWS_MAX_BYTES (16 * 1024)

struct jose_jws_header {
	enum jose_alg alg;
	char alg_name[16];
	char kid[JOSE_KID_MAX + 1]; /* "" when absent */
	char typ[32];               /* "" when absent */
};

/*
 * Signs payload as a compact JWS with the protected header
 * {"alg":<the key's alg>,"kid":<its kid>,"typ":typ} (typ may be NULL).
 * ERR_INVALID if the key has no private part. *out: caller frees.
 */
int jose_jws_sign(char **out, const struct jose_jwk *key, const char *typ, const void *payload,
                  size_t len);

/* Decodes and checks the protected header only (no key, no signature). */
int jose_jws_header_parse(struct jose_jws_header *out, const char *compact, size_t len);

/*
 * Verifies compact against keys. On success *payload_out (caller frees,
 * NUL-terminated) holds the decoded payload and *key_out (if not NULL) the
 * key that verified it, borrowed from keys.
 */
int jose_jws_verify(char **payload_out, size_t *payload_len, const struct jose_jwk **key_out,
                    const char *compact, size_t len, const struct jose_jwks *keys);

#endif
