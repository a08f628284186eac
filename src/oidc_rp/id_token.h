/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ID token validation for sign-in through a customer's IdP (OIDC Core
 * 3.1.3.7), each rule a named function with its own tests, and the identity
 * the token vouches for.
 *
 * The signature comes first and alone decides whether anything in the token
 * is believed: the key is chosen by kid from the issuer's JWKS and fixes the
 * algorithm (STACK.md pitfall 18: "none", HS* and an alg other than the key's
 * never verify; pitfall 20: duplicate header or claim members are refused).
 * The claim rules then all run, so a test sign-in lists every problem.
 *
 * Every rule returns 0 or ERR_INVALID with the problem code as the error
 * slot's stable code and plain words as its detail:
 *   oidc_rp_check_signature   malformed_token, alg_not_allowed, unknown_key (with
 *                             the kid), bad_signature
 *   oidc_rp_check_issuer      wrong_issuer (both values)
 *   oidc_rp_check_audience    wrong_audience, azp_mismatch
 *   oidc_rp_check_time        expired / not_yet_valid / issued_in_future (with the
 *                             offset in seconds), malformed_token (no exp or iat)
 *   oidc_rp_check_nonce       nonce_mismatch
 *   oidc_rp_check_email       missing_email
 *   oidc_rp_check_email_verified  email_not_verified
 *   oidc_rp_check_google_hd, oidc_rp_check_microsoft_tid  wrong_tenant
 * All functions are thread-safe; keys are only read.
 */
#ifndef GATEHOUSE_OIDC_RP_ID_TOKEN_H
#define GATEHOUSE_OIDC_RP_ID_TOKEN_H

#include "jose/jwt.h"
#include "oidc_rp/problem.h"

#define OIDC_RP_SKEW_S    120 /* clock skew allowed on exp, iat and nbf */
#define OIDC_RP_EMAIL_MAX 320

/* EASIE: which tenant claim pins the account to the customer's tenant. */
enum oidc_rp_tenant_rule {
	OIDC_RP_TENANT_NONE = 0,
	OIDC_RP_TENANT_GOOGLE_HD,     /* Google: hd == the Workspace domain */
	OIDC_RP_TENANT_MICROSOFT_TID, /* Microsoft: tid == the directory (tenant) id */
};

struct oidc_rp_expect {
	const char *issuer;    /* exact */
	const char *client_id; /* must be an audience (and the azp) */
	const char *nonce;     /* the one stored with the state */
	int64_t now;
	int64_t skew_s;
	unsigned algs; /* enum oidc_rp_alg_flags the IdP advertises; 0: RS256 and ES256 */
	bool require_email_verified;
	enum oidc_rp_tenant_rule tenant_rule;
	const char *tenant; /* the Workspace domain or tenant id the rule pins */
};

/* What a verified token says about the user. Strings are NULL when not sent. */
struct oidc_rp_identity {
	char *sub, *email, *given_name, *family_name, *hd, *tid;
	bool email_verified;   /* true for the JSON true or the string "true" */
	char *attributes_json; /* every claim as {"claim": [values]} */
};

/*
 * Verifies the token's signature with keys and parses its claims into *out
 * (release with jose_claims_release). algs as in struct oidc_rp_expect.
 */
int oidc_rp_check_signature(struct jose_claims *out, const char *token, size_t len,
                            const struct jose_jwks *keys, unsigned algs);
int oidc_rp_check_issuer(const struct jose_claims *c, const char *issuer);
int oidc_rp_check_audience(const struct jose_claims *c, const char *client_id);
int oidc_rp_check_time(const struct jose_claims *c, int64_t now, int64_t skew_s);
int oidc_rp_check_nonce(const struct jose_claims *c, const char *nonce);
int oidc_rp_check_email(const struct oidc_rp_identity *id);
int oidc_rp_check_email_verified(const struct oidc_rp_identity *id, bool required);
int oidc_rp_check_google_hd(const struct oidc_rp_identity *id, const char *domain);
int oidc_rp_check_microsoft_tid(const struct oidc_rp_identity *id, const char *tenant_id);

/* The identity in a claims object (already verified). ERR_INVALID (malformed_token). */
int oidc_rp_identity_parse(struct oidc_rp_identity *out, const char *claims_json, size_t len);
void oidc_rp_identity_release(struct oidc_rp_identity *id);

/*
 * The whole validation. Returns 0 when every rule passed. Otherwise
 * ERR_INVALID with the problems appended to *problems (and the first one in
 * the error slot): after a signature problem *out is empty; after claim
 * problems *out holds what the (authentic) token said, for a test sign-in's
 * report. Release *out in both cases.
 */
int oidc_rp_id_token_validate(struct oidc_rp_identity *out, struct oidc_rp_problems *problems,
                              const char *token, size_t len, const struct jose_jwks *keys,
                              const struct oidc_rp_expect *e);

#endif
