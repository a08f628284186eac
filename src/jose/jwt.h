/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWT claims (RFC 7519) and the checks an ID token needs (OIDC Core 3.1.3.7),
 * each a named function so that each rule has its own tests. Claims are
 * parsed with duplicate members refused (STACK.md pitfall 20) and registered
 * claims type-checked; the payload text is kept for private claims.
 *
 * Check errors are ERR_INVALID with stable codes: jwt_malformed,
 * jwt_wrong_issuer, jwt_wrong_audience, jwt_azp_mismatch, jwt_expired,
 * jwt_not_yet_valid, jwt_issued_in_future, jwt_too_old, jwt_nonce_mismatch.
 */
#ifndef GATEHOUSE_JOSE_JWT_H
#define GATEHOUSE_JOSE_JWT_H

#include "jose/jws.h"

#define JOSE_JWT_AUD_MAX 16

struct jose_claims {
	char *iss, *sub, *azp, *nonce, *jti, *sid; /* NULL when absent */
	char *aud[JOSE_JWT_AUD_MAX];               /* a string aud is one entry */
	size_t naud;
	int64_t exp, iat, nbf, auth_time;
	bool has_exp, has_iat, has_nbf, has_auth_time;
	char *json; /* the whole payload, NUL-terminated */
};

/* Parses a payload (a JSON object). ERR_INVALID (jwt_malformed). Release with jose_claims_release.
 */
int jose_claims_parse(struct jose_claims *out, const char *json, size_t len);
void jose_claims_release(struct jose_claims *c);

/* iss must equal issuer exactly (OIDC Core 3.1.3.7 step 2). */
int jose_jwt_check_iss(const struct jose_claims *c, const char *issuer);
/*
 * aud must contain client_id (step 3). With several audiences azp is
 * required (step 4), and a present azp must equal client_id (step 5).
 */
int jose_jwt_check_aud(const struct jose_claims *c, const char *client_id);
/*
 * exp required and now < exp + skew (step 9); iat required and not after
 * now + skew, and when max_age_s > 0 not before now - max_age_s - skew
 * (step 10); nbf, when present, not after now + skew.
 */
int jose_jwt_check_time(const struct jose_claims *c, int64_t now, int64_t skew_s,
                        int64_t max_age_s);
/* nonce must be present and equal expected (step 11), compared in constant time. */
int jose_jwt_check_nonce(const struct jose_claims *c, const char *expected);

/* jose_jws_verify + jose_claims_parse; no claim checks. */
int jose_jwt_decode(struct jose_claims *out, const char *token, size_t len,
                    const struct jose_jwks *keys);
/* Signs claims_json with key, typ "JWT". Caller frees *out. */
int jose_jwt_sign(char **out, const struct jose_jwk *key, const char *claims_json);

#endif
