/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM filter and PATCH path parsing (RFC 7644 §3.4.2.2, §3.5.2); see filter.h. */
#include "base/common.h"

#include "scim/filter.h"

#include "base/error.h"
#include "scim/schema.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

enum tk { TK_END, TK_LP, TK_RP, TK_LB, TK_RB, TK_WORD, TK_STR };

struct token {
	enum tk kind;
	const char *p;
	size_t n;
};

struct lex {
	const char *start, *end, *p;
	int depth, nodes;
	const char *code; /* "invalidFilter" | "invalidPath" */
};

static int fail(struct lex *l, const char *at, const char *what)
{
	return error_setc(ERR_INVALID, l->code, "%s at offset %d: %s",
	                  strcmp(l->code, "invalidPath") == 0 ? "path" : "filter",
	                  (int)((at ? at : l->p) - l->start), what);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_delim(char c)
{
	return is_space(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == 0;
}

/* Reads the next token without consuming it; *bad is set for an unterminated string. */
static struct token scan(struct lex *l, bool *bad)
{
	const char *p = l->p;
	struct token t = { TK_END, p, 0 };
	*bad = false;
	while (p < l->end && is_space(*p))
		p++;
	t.p = p;
	if (p >= l->end)
		return t;
	switch (*p) {
	case '(':
		t.kind = TK_LP;
		t.n = 1;
		return t;
	case ')':
		t.kind = TK_RP;
		t.n = 1;
		return t;
	case '[':
		t.kind = TK_LB;
		t.n = 1;
		return t;
	case ']':
		t.kind = TK_RB;
		t.n = 1;
		return t;
	case '"': {
		const char *q = p + 1;
		while (q < l->end && *q != '"')
			q += (*q == '\\' && q + 1 < l->end) ? 2 : 1;
		if (q >= l->end) {
			*bad = true;
			return t;
		}
		t.kind = TK_STR;
		t.n = (size_t)(q + 1 - p);
		return t;
	}
	default: {
		const char *q = p;
		while (q < l->end && !is_delim(*q))
			q++;
		t.kind = TK_WORD;
		t.n = (size_t)(q - p);
		return t;
	}
	}
}

static int peek(struct lex *l, struct token *t)
{
	bool bad;
	*t = scan(l, &bad);
	return bad ? fail(l, t->p, "unterminated string") : 0;
}

static void consume(struct lex *l, const struct token *t)
{
	l->p = t->p + t->n;
}

static bool word_is(const struct token *t, const char *w)
{
	return t->kind == TK_WORD && t->n == strlen(w) && strncasecmp(t->p, w, t->n) == 0;
}

static struct scim_filter *node_new(struct lex *l, enum scim_node kind)
{
	l->nodes++;
	struct scim_filter *f = xcalloc(1, sizeof(*f));
	f->kind = kind;
	return f;
}

void scim_attr_path_release(struct scim_attr_path *p)
{
	free(p->urn);
	free(p->name);
	free(p->sub);
	memset(p, 0, sizeof(*p));
}

void scim_filter_free(struct scim_filter *f)
{
	if (!f)
		return;
	scim_filter_free(f->left);
	scim_filter_free(f->right);
	scim_attr_path_release(&f->path);
	free(f->value.str);
	free(f->tail_sub);
	free(f);
}

/* RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar); "$ref" is the one exception. */
static bool name_ok(const char *s, size_t n)
{
	if (n == 4 && strncmp(s, "$ref", 4) == 0)
		return true;
	if (n == 0 || n > 128 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

bool scim_attr_path_split(struct scim_attr_path *out, const char *text, size_t len)
{
	memset(out, 0, sizeof(*out));
	/* names are ASCII (RFC 7643 §2.1) and URNs are printable ASCII (RFC 8141) */
	if (len == 0 || len > 512)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] <= 0x20 || (unsigned char)text[i] >= 0x7f)
			return false;
	char *s = xstrndup(text, len);
	const char *rest = s;
	if (len > 4 && strncasecmp(s, "urn:", 4) == 0) {
		if (scim_schema_find(s)) {
			out->urn = s;
			return true;
		}
		char *colon = strrchr(s, ':');
		if (!colon[1]) {
			free(s);
			return false;
		}
		out->urn = xstrndup(s, (size_t)(colon - s));
		rest = colon + 1;
	}
	const char *dot = strchr(rest, '.');
	size_t nlen = dot ? (size_t)(dot - rest) : strlen(rest);
	bool ok = name_ok(rest, nlen) && (!dot || name_ok(dot + 1, strlen(dot + 1)));
	if (ok) {
		out->name = xstrndup(rest, nlen);
		out->sub = dot ? xstrdup(dot + 1) : NULL;
	}
	free(s);
	if (!ok)
		scim_attr_path_release(out);
	return ok;
}

static int parse_or(struct lex *l, struct scim_filter **out, bool inner);

static bool is_number(const char *s, double *out)
{
	char *end = NULL;
	if (!(isdigit((unsigned char)s[0]) ||
	      ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
		return false;
	*out = strtod(s, &end);
	return end && !*end && isfinite(*out);
}

static int parse_value(struct lex *l, struct scim_value *v)
{
	struct token t;
	int rc = peek(l, &t);
	if (rc)
		return rc;
	if (t.kind == TK_STR) {
		json_error_t err;
		json_t *j = json_loadb(t.p, t.n, JSON_DECODE_ANY, &err);
		if (!json_is_string(j)) {
			json_decref(j);
			return fail(l, t.p, "the quoted value is not a valid JSON string");
		}
		v->kind = SCIM_VAL_STRING;
		v->str = xstrdup(json_string_value(j));
		json_decref(j);
		consume(l, &t);
		return 0;
	}
	if (t.kind != TK_WORD)
		return fail(l, t.p, "a comparison needs a value");
	consume(l, &t);
	char *w = xstrndup(t.p, t.n);
	if (strcasecmp(w, "true") == 0)
		v->kind = SCIM_VAL_TRUE;
	else if (strcasecmp(w, "false") == 0)
		v->kind = SCIM_VAL_FALSE;
	else if (strcasecmp(w, "null") == 0)
		v->kind = SCIM_VAL_NULL;
	else if (is_number(w, &v->num)) {
		v->kind = SCIM_VAL_NUMBER;
		v->str = w; /* the text too: a string attribute compares against it */
		return 0;
	} else {
		/* Entra ID sends unquoted strings: externalId eq jyoung */
		v->kind = SCIM_VAL_STRING;
		v->str = w;
		return 0;
	}
	free(w);
	return 0;
}

static bool cmp_word(const struct token *t, enum scim_cmp *op)
{
	static const char *const names[] = { "eq", "ne", "co", "sw", "ew",
		                             "gt", "ge", "lt", "le", "pr" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (word_is(t, names[i])) {
			*op = (enum scim_cmp)i;
			return true;
		}
	return false;
}

/* op value, or pr; into f->op / f->value. */
static int parse_comparison(struct lex *l, struct scim_filter *f)
{
	struct token t;
	int rc = peek(l, &t);
	if (rc)
		return rc;
	if (!cmp_word(&t, &f->op))
		return fail(l, t.p, "expected an operator (eq ne co sw ew gt ge lt le pr)");
	consume(l, &t);
	if (f->op == SCIM_PR)
		return 0;
	rc = parse_value(l, &f->value);
	if (rc)
		return rc;
	/* RFC 7644 §3.4.2.2: ordering and substring operators need a string, number or date */
	bool literal = f->value.kind == SCIM_VAL_TRUE || f->value.kind == SCIM_VAL_FALSE ||
	               f->value.kind == SCIM_VAL_NULL;
	if (literal && f->op != SCIM_EQ && f->op != SCIM_NE)
		return fail(l, t.p, "true, false and null can only be compared with eq or ne");
	return 0;
}

static int split_or_fail(struct lex *l, struct scim_attr_path *p, const struct token *t, bool inner)
{
	if (!scim_attr_path_split(p, t->p, t->n) || !p->name)
		return fail(l, t->p, "not an attribute name");
	if (inner && p->urn)
		return fail(l, t->p, "attributes inside [...] are sub-attributes, without a URN");
	return 0;
}

/* attrPath "[" valFilter "]" ["." sub compare] */
static int parse_value_path(struct lex *l, struct scim_filter *f)
{
	struct token t;
	f->kind = SCIM_NODE_VALUE_PATH;
	if (f->path.sub)
		return fail(l, NULL, "a value filter applies to an attribute, not a sub-attribute");
	if (++l->depth > SCIM_FILTER_MAX_DEPTH)
		return fail(l, NULL, "nested too deeply");
	int rc = parse_or(l, &f->left, true);
	l->depth--;
	if (rc == 0)
		rc = peek(l, &t);
	if (rc == 0 && t.kind != TK_RB)
		rc = fail(l, t.p, "expected ']'");
	if (rc)
		return rc;
	consume(l, &t);
	bool bad;
	struct token after = scan(l, &bad);
	/* Entra ID: emails[type eq "work"].value eq "..." — the '.' follows ']' directly */
	if (after.kind == TK_WORD && after.p == t.p + 1 && after.p[0] == '.') {
		if (!name_ok(after.p + 1, after.n - 1))
			return fail(l, after.p, "not a sub-attribute name");
		f->tail_sub = xstrndup(after.p + 1, after.n - 1);
		consume(l, &after);
		return parse_comparison(l, f);
	}
	return 0;
}

static int parse_attr_expr(struct lex *l, const struct token *word, struct scim_filter **out,
                           bool inner)
{
	struct scim_filter *f = node_new(l, SCIM_NODE_CMP);
	*out = f;
	consume(l, word);
	int rc = split_or_fail(l, &f->path, word, inner);
	struct token t;
	if (rc == 0)
		rc = peek(l, &t);
	if (rc)
		return rc;
	if (t.kind == TK_LB && t.p == word->p + word->n) {
		if (inner)
			return fail(l, t.p, "value filters do not nest");
		consume(l, &t);
		return parse_value_path(l, f);
	}
	return parse_comparison(l, f);
}

static int expect_rp(struct lex *l)
{
	struct token t;
	int rc = peek(l, &t);
	if (rc == 0 && t.kind != TK_RP)
		rc = fail(l, t.p, "expected ')'");
	if (rc == 0)
		consume(l, &t);
	return rc;
}

static int parse_unary(struct lex *l, struct scim_filter **out, bool inner)
{
	struct token t, t2;
	int rc = peek(l, &t);
	if (rc)
		return rc;
	if (l->nodes > SCIM_FILTER_MAX_NODES)
		return fail(l, t.p, "too many expressions");
	if (++l->depth > SCIM_FILTER_MAX_DEPTH)
		return fail(l, t.p, "nested too deeply");
	if (word_is(&t, "not")) {
		const char *save = l->p;
		consume(l, &t);
		rc = peek(l, &t2);
		if (rc == 0 && t2.kind == TK_LP) {
			/* RFC 7644 errata 7319: "not" then optional space then "(" */
			consume(l, &t2);
			*out = node_new(l, SCIM_NODE_NOT);
			rc = parse_or(l, &(*out)->left, inner);
			if (rc == 0)
				rc = expect_rp(l);
			l->depth--;
			return rc;
		}
		l->p = save; /* an attribute named "not" */
	}
	if (t.kind == TK_LP) {
		consume(l, &t);
		rc = parse_or(l, out, inner);
		if (rc == 0)
			rc = expect_rp(l);
	} else if (t.kind == TK_WORD) {
		rc = parse_attr_expr(l, &t, out, inner);
	} else {
		rc = fail(l, t.p, t.kind == TK_END ? "unexpected end" : "expected an attribute");
	}
	l->depth--;
	return rc;
}

static int parse_and(struct lex *l, struct scim_filter **out, bool inner)
{
	int rc = parse_unary(l, out, inner);
	struct token t;
	while (rc == 0 && (rc = peek(l, &t)) == 0 && word_is(&t, "and")) {
		consume(l, &t);
		struct scim_filter *n = node_new(l, SCIM_NODE_AND);
		n->left = *out;
		*out = n;
		rc = parse_unary(l, &n->right, inner);
	}
	return rc;
}

static int parse_or(struct lex *l, struct scim_filter **out, bool inner)
{
	int rc = parse_and(l, out, inner);
	struct token t;
	while (rc == 0 && (rc = peek(l, &t)) == 0 && word_is(&t, "or")) {
		consume(l, &t);
		struct scim_filter *n = node_new(l, SCIM_NODE_OR);
		n->left = *out;
		*out = n;
		rc = parse_and(l, &n->right, inner);
	}
	return rc;
}

int scim_filter_parse(struct scim_filter **out, const char *text, size_t len)
{
	struct lex l = { text, text + len, text, 0, 0, "invalidFilter" };
	*out = NULL;
	if (len > SCIM_FILTER_MAX)
		return fail(&l, text, "longer than 4096 bytes");
	if (memchr(text, 0, len))
		return fail(&l, memchr(text, 0, len), "NUL byte");
	struct scim_filter *f = NULL;
	int rc = parse_or(&l, &f, false);
	struct token t;
	if (rc == 0)
		rc = peek(&l, &t);
	if (rc == 0 && t.kind != TK_END)
		rc = fail(&l, t.p, "unexpected text after the expression (missing 'and'/'or'?)");
	if (rc) {
		scim_filter_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void scim_path_free(struct scim_path *p)
{
	if (!p)
		return;
	scim_attr_path_release(&p->attr);
	scim_filter_free(p->filter);
	free(p->filter_sub);
	free(p);
}

static int parse_path_filter(struct lex *l, struct scim_path *p)
{
	struct token t;
	int rc = parse_or(l, &p->filter, true);
	if (rc == 0)
		rc = peek(l, &t);
	if (rc == 0 && t.kind != TK_RB)
		rc = fail(l, t.p, "expected ']'");
	if (rc)
		return rc;
	consume(l, &t);
	rc = peek(l, &t);
	if (rc == 0 && t.kind == TK_WORD && t.p == l->p && t.p[0] == '.' &&
	    name_ok(t.p + 1, t.n - 1)) {
		p->filter_sub = xstrndup(t.p + 1, t.n - 1);
		consume(l, &t);
	}
	return rc;
}

int scim_path_parse(struct scim_path **out, const char *text, size_t len)
{
	struct lex l = { text, text + len, text, 0, 0, "invalidPath" };
	struct scim_path *p = xcalloc(1, sizeof(*p));
	struct token t;
	*out = NULL;
	int rc = len > SCIM_FILTER_MAX ? fail(&l, text, "longer than 4096 bytes") : 0;
	if (rc == 0 && memchr(text, 0, len))
		rc = fail(&l, memchr(text, 0, len), "NUL byte");
	if (rc == 0)
		rc = peek(&l, &t);
	if (rc == 0 && t.kind != TK_WORD)
		rc = fail(&l, t.p, "expected an attribute");
	if (rc == 0 && !scim_attr_path_split(&p->attr, t.p, t.n))
		rc = fail(&l, t.p, "not an attribute name");
	if (rc == 0) {
		consume(&l, &t);
		rc = peek(&l, &t);
	}
	if (rc == 0 && t.kind == TK_LB) {
		if (p->attr.sub || !p->attr.name)
			rc = fail(&l, t.p, "a value filter applies to an attribute");
		else {
			l.code = "invalidPath";
			consume(&l, &t);
			rc = parse_path_filter(&l, p);
		}
	}
	if (rc == 0)
		rc = peek(&l, &t);
	if (rc == 0 && t.kind != TK_END)
		rc = fail(&l, t.p, "unexpected text after the path");
	if (rc) {
		scim_path_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

const char *scim_filter_eq_value(const struct scim_filter *f, const char *name)
{
	if (!f)
		return NULL;
	if (f->kind == SCIM_NODE_AND) {
		const char *v = scim_filter_eq_value(f->left, name);
		return v ? v : scim_filter_eq_value(f->right, name);
	}
	bool core = !f->path.urn ||
	            strncasecmp(f->path.urn, "urn:ietf:params:scim:schemas:core:2.0:", 38) == 0;
	if (f->kind == SCIM_NODE_CMP && f->op == SCIM_EQ && core && f->path.name && !f->path.sub &&
	    f->value.kind == SCIM_VAL_STRING && strcasecmp(f->path.name, name) == 0)
		return f->value.str;
	return NULL;
}
