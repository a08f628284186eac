/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-in problems in plain words (see problem.h). */
#include "base/common.h"

#include "oidc_rp/problem.h"

#include "base/buf.h"
#include "base/error.h"

#include <jansson.h>
#include <stdarg.h>

void oidc_rp_problems_add(struct oidc_rp_problems *p, const char *code, const char *fmt, ...)
{
	if (p->n >= OIDC_RP_MAX_PROBLEMS)
		return;
	struct oidc_rp_problem *it = &p->items[p->n++];
	xsnprintf(it->code, sizeof(it->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(it->message, sizeof(it->message), fmt, ap);
	va_end(ap);
	if (n < 0)
		it->message[0] = '\0';
}

int oidc_rp_problems_take(struct oidc_rp_problems *p, int rc, const char *fallback_code)
{
	if (rc == 0)
		return 0;
	const struct error_state *e = error_get();
	oidc_rp_problems_add(p, e->stable[0] ? e->stable : fallback_code, "%s", e->detail);
	return rc;
}

bool oidc_rp_problems_has(const struct oidc_rp_problems *p, const char *code)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].code, code))
			return true;
	return false;
}

char *oidc_rp_problems_to_json(const struct oidc_rp_problems *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "code", p->items[i].code, "message",
		                                   p->items[i].message));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (!text)
		die("cannot serialise sign-in problems");
	return text;
}

char *oidc_rp_problems_join(const struct oidc_rp_problems *p)
{
	struct buf b;
	buf_init(&b, 16 * 1024);
	for (size_t i = 0; i < p->n; i++)
		buf_appendf(&b, "%s%s: %s", i ? "; " : "", p->items[i].code, p->items[i].message);
	char *text = buf_detach(&b, NULL);
	return text ? text : xstrdup("");
}
