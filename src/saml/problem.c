/* SPDX-License-Identifier: Apache-2.0 */
/* The problem list (see problem.h). */
#include "base/common.h"

#include "saml/problem.h"

static void add_v(struct saml_problems *p, const char *code, int64_t offset_s, const char *fmt,
                  va_list ap)
{
	if (p->n >= SAML_PROBLEMS_MAX)
		return;
	struct saml_problem *it = &p->items[p->n++];
	xsnprintf(it->code, sizeof(it->code), "%s", code);
	/* A long value (an attacker's Audience, say) is cut, never overflows. */
	vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	it->offset_s = offset_s;
}

void saml_problem_add(struct saml_problems *p, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_v(p, code, 0, fmt, ap);
	va_end(ap);
}

void saml_problem_add_offset(struct saml_problems *p, const char *code, int64_t offset_s,
                             const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_v(p, code, offset_s, fmt, ap);
	va_end(ap);
}

const struct saml_problem *saml_problem_find(const struct saml_problems *p, const char *code)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].code, code) == 0)
			return &p->items[i];
	return NULL;
}

bool saml_problem_has(const struct saml_problems *p, const char *code)
{
	return saml_problem_find(p, code) != NULL;
}
