/* SPDX-License-Identifier: Apache-2.0 */
/* Safe parsing and small tree helpers (see xml.h). */
#include "base/common.h"

#include "saml/xml.h"

#include "base/buf.h"
#include "base/error.h"
#include "saml/deps.h"
#include "saml/saml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <limits.h>

struct parse_guard {
	bool dtd;
};

/* SAX: called for any DOCTYPE before its internal subset is read. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
	xmlParserCtxtPtr c = ctx;
	UNUSED(name);
	UNUSED(external_id);
	UNUSED(system_id);
	((struct parse_guard *)c->_private)->dtd = true;
	xmlStopParser(c);
}

xmlDoc *saml_xml_parse(const char *data, size_t len, enum saml_xml_status *status)
{
	struct parse_guard guard = { false };
	xmlDoc *doc = NULL;

	*status = SAML_XML_INVALID;
	if (len == 0 || len > INT_MAX || memchr(data, 0, len) || saml_global_init() != 0)
		return NULL;
	xmlParserCtxtPtr c = xmlCreateMemoryParserCtxt(data, (int)len);
	if (!c)
		return NULL;
	/* Explicit options on every parse: libxml2 2.9 keeps its defaults per thread. */
	xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	c->replaceEntities = 0;
	c->loadsubset = 0;
	c->validate = 0;
	c->recovery = 0;
	c->_private = &guard;
	c->sax->internalSubset = refuse_doctype;
	c->sax->externalSubset = refuse_doctype;
	xmlParseDocument(c);
	doc = c->myDoc;
	c->myDoc = NULL;
	if (guard.dtd || !c->wellFormed || !doc || !xmlDocGetRootElement(doc)) {
		*status = guard.dtd ? SAML_XML_DTD : SAML_XML_INVALID;
		xmlFreeDoc(doc);
		doc = NULL;
	} else {
		*status = SAML_XML_OK;
	}
	xmlFreeParserCtxt(c);
	return doc;
}

void saml_xml_put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_appends(b, "&amp;");
			break;
		case '<':
			buf_appends(b, "&lt;");
			break;
		case '>':
			buf_appends(b, "&gt;");
			break;
		case '"':
			buf_appends(b, "&quot;");
			break;
		case '\'':
			buf_appends(b, "&apos;");
			break;
		default:
			buf_append(b, s, 1);
		}
	}
}

bool saml_xml_is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->name, name) == 0 &&
	       strcmp((const char *)n->ns->href, ns) == 0;
}

xmlNode *saml_xml_element(xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNode *saml_xml_child(const xmlNode *parent, const char *ns, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (saml_xml_is(c, ns, name))
			return c;
	return NULL;
}

size_t saml_xml_count_children(const xmlNode *parent, const char *ns, const char *name)
{
	size_t n = 0;
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		n += saml_xml_is(c, ns, name);
	return n;
}

const char *saml_xml_attr(const xmlNode *n, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return NULL;
	xmlAttr *a = xmlHasNsProp(n, (const xmlChar *)name, NULL);
	/* Without a DTD an attribute value is one text node (no entity references). */
	if (!a || a->type != XML_ATTRIBUTE_NODE)
		return NULL;
	if (!a->children)
		return "";
	if (a->children->type != XML_TEXT_NODE || a->children->next || !a->children->content)
		return NULL;
	return (const char *)a->children->content;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *saml_xml_text(const xmlNode *n, bool trim)
{
	/* xmlNodeGetContent concatenates every text and CDATA descendant (comments are not text).
	 */
	xmlChar *raw = n ? xmlNodeGetContent(n) : NULL;
	const char *s = raw ? (const char *)raw : "";
	size_t len = strlen(s);
	if (trim) {
		while (len && is_space(*s)) {
			s++;
			len--;
		}
		while (len && is_space(s[len - 1]))
			len--;
	}
	char *out = xstrndup(s, len);
	xmlFree(raw);
	return out;
}

/* Reads exactly n digits; returns -1 on anything else. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Parses the zone suffix at p ("", "Z", "+hh:mm", "-hh:mm") into seconds east of UTC. */
static int parse_zone(const char *p, int64_t *offset)
{
	*offset = 0;
	if (*p == '\0' || (p[0] == 'Z' && p[1] == '\0'))
		return 0;
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':')
		return -1;
	int sign = *p == '-' ? -1 : 1;
	p++;
	int hh = digits(&p, 2);
	p++;
	int mm = digits(&p, 2);
	if (hh < 0 || hh > 14 || mm < 0 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* YYYY-MM-DDTHH:MM:SS: width, range and the separator that follows each field. */
static const struct {
	int width, min, max;
	char sep;
} time_fields[] = {
	{ 4, 0, 9999, '-' }, { 2, 1, 12, '-' }, { 2, 1, 31, 'T' },
	{ 2, 0, 23, ':' },   { 2, 0, 59, ':' }, { 2, 0, 60, '\0' },
};

int saml_xml_parse_time(int64_t *out, const char *s)
{
	const char *p = s;
	int v[ARRAY_SIZE(time_fields)];
	int64_t zone;

	for (size_t i = 0; i < ARRAY_SIZE(time_fields); i++) {
		v[i] = digits(&p, time_fields[i].width);
		if (v[i] < time_fields[i].min || v[i] > time_fields[i].max)
			return error_set(ERR_INVALID, "not an xs:dateTime");
		if (time_fields[i].sep && *p++ != time_fields[i].sep)
			return error_set(ERR_INVALID, "not an xs:dateTime");
	}
	if (*p == '.') {
		const char *f = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return error_set(ERR_INVALID, "not an xs:dateTime");
	}
	if (parse_zone(p, &zone) != 0)
		return error_set(ERR_INVALID, "not an xs:dateTime");
	*out = days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5] - zone;
	return 0;
}
