/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The problems found in a SAML message, in plain words, for the caller's logs and
 * for the test sign-in page ("what went wrong with my IdP setup"). Each problem has
 * a stable snake_case code that clients can rely on (clock_skew, wrong_audience,
 * unknown_certificate, ...; the full list is in response.h) and a sentence that
 * names the values involved. The list is a fixed-size value: no allocation.
 */
#ifndef GATEHOUSE_SAML_PROBLEM_H
#define GATEHOUSE_SAML_PROBLEM_H

#define SAML_PROBLEMS_MAX 16

struct saml_problem {
	char code[32];    /* stable, snake_case */
	char detail[400]; /* one or two sentences, safe to show an IdP administrator */
	int64_t offset_s; /* clock_skew, expired, not_yet_valid: seconds measured; else 0 */
};

struct saml_problems {
	size_t n;
	struct saml_problem items[SAML_PROBLEMS_MAX];
};

/* Appends a problem (dropped silently when the list is full; the first ones matter most). */
void saml_problem_add(struct saml_problems *p, const char *code, const char *fmt, ...)
        PRINTF_LIKE(3, 4);
/* Same, recording a measured offset in seconds. */
void saml_problem_add_offset(struct saml_problems *p, const char *code, int64_t offset_s,
                             const char *fmt, ...) PRINTF_LIKE(4, 5);
/* The problem with this code, or NULL. */
const struct saml_problem *saml_problem_find(const struct saml_problems *p, const char *code);
bool saml_problem_has(const struct saml_problems *p, const char *code);

#endif
