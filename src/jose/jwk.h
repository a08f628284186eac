/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Web Keys (RFC 7517) for signatures: EC P-256 keys we generate and sign
 * with (ES256), and EC P-256 or RSA (2048-8192 bit) public keys we verify with
 * (ES256, RS256). Each key carries exactly one algorithm, fixed when the key is
 * made or parsed (STACK.md pitfall 18): a token never chooses it.
 *
 * kid: the RFC 7638 SHA-256 thumbprint, computed here (cjose does not:
 * pitfall 22), unless a parsed JWK names its own kid (a peer's JWKS).
 *
 * A struct jose_jwk is immutable once made, so any number of threads may sign
 * or verify with it at once. It is never retained or released by several
 * threads (cjose's refcounts are not atomic: pitfall 19); shared keys live in
 * a refcounted struct jose_jwks snapshot (jwks.h).
 */
#ifndef GATEHOUSE_JOSE_JWK_H
#define GATEHOUSE_JOSE_JWK_H

#define JOSE_KID_MAX        128
#define JOSE_THUMBPRINT_LEN 43 /* base64url of 32 bytes */

enum jose_alg {
	JOSE_ALG_UNKNOWN = 0,
	JOSE_ALG_ES256 = 1, /* ECDSA P-256 SHA-256, signature R||S (64 bytes) */
	JOSE_ALG_RS256 = 2, /* RSASSA-PKCS1-v1_5 SHA-256: verification only */
};

struct jose_jwk;

/* "ES256", "RS256"; NULL for JOSE_ALG_UNKNOWN. */
const char *jose_alg_name(enum jose_alg alg);
/* The algorithm named, or JOSE_ALG_UNKNOWN (also for "none" and every HS*). */
enum jose_alg jose_alg_from_name(const char *name);

/* A new EC P-256 key pair for ES256 with a thumbprint kid. Caller frees. */
int jose_jwk_generate(struct jose_jwk **out);
/*
 * Parses one JWK (JSON text, duplicate members refused): kty EC (crv P-256,
 * 32-byte x and y, optional d) or RSA (public only, 2048-8192 bits). "alg",
 * when present, must be the one the key type allows; "use", when present,
 * must be "sig". ERR_INVALID with stable code jwk_invalid or
 * jwk_unsupported. Caller frees.
 */
int jose_jwk_parse(struct jose_jwk **out, const char *json, size_t len);
void jose_jwk_free(struct jose_jwk *k);

enum jose_alg jose_jwk_alg(const struct jose_jwk *k);
const char *jose_jwk_kid(const struct jose_jwk *k);
/* The RFC 7638 thumbprint (43 characters). */
const char *jose_jwk_thumbprint(const struct jose_jwk *k);
bool jose_jwk_has_private(const struct jose_jwk *k);
/* {"kty","crv","x","y"|"n","e","kid","alg","use":"sig"}: public members only. Caller frees. */
char *jose_jwk_public_json(const struct jose_jwk *k);
/* The same with "d": secret, for sealing at rest. Caller wipes and frees. NULL if public. */
char *jose_jwk_private_json(const struct jose_jwk *k);

#endif
