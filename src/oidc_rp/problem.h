/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What went wrong in an OIDC sign-in, in plain words: a short list of
 * problems, each a stable snake_case code (wrong_issuer, expired,
 * nonce_mismatch, unknown_key, idp_error, ...) and a sentence an IT admin can
 * act on. Test sign-ins show the whole list; real sign-ins record it and show
 * the end user only a correlation id.
 *
 * Rule functions report through the error slot (error_setc with the problem
 * code as the stable code); oidc_rp_problems_take() moves that into a list,
 * so one validation can report every rule that failed, not just the first.
 */
#ifndef GATEHOUSE_OIDC_RP_PROBLEM_H
#define GATEHOUSE_OIDC_RP_PROBLEM_H

#define OIDC_RP_MAX_PROBLEMS 12

struct oidc_rp_problem {
	char code[48];
	char message[512];
};

struct oidc_rp_problems {
	size_t n;
	struct oidc_rp_problem items[OIDC_RP_MAX_PROBLEMS];
};

/* Appends a problem (dropped when the list is full). */
void oidc_rp_problems_add(struct oidc_rp_problems *p, const char *code, const char *fmt, ...)
        PRINTF_LIKE(3, 4);
/*
 * Appends the error slot's stable code and detail when rc is non-zero
 * (fallback_code when the slot has no stable code); returns rc.
 */
int oidc_rp_problems_take(struct oidc_rp_problems *p, int rc, const char *fallback_code);
bool oidc_rp_problems_has(const struct oidc_rp_problems *p, const char *code);
/* [{"code":...,"message":...}, ...] as JSON text. Caller frees. */
char *oidc_rp_problems_to_json(const struct oidc_rp_problems *p);
/* "message; message; ..." for logs and failure records. Caller frees. */
char *oidc_rp_problems_join(const struct oidc_rp_problems *p);

#endif
