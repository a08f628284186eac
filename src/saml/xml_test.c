/* SPDX-License-Identifier: Apache-2.0 */
/* The safe parser, content reads and xs:dateTime parsing. */
#include "base/common.h"

#include "saml/b64.h"
#include "saml/saml.h"
#include "saml/xml.h"
#include "test/harness/test.h"

static enum saml_xml_status parse(const char *s)
{
	enum saml_xml_status st;
	xmlDoc *d = saml_xml_parse(s, strlen(s), &st);
	xmlFreeDoc(d);
	return st;
}

TEST(saml_xml, refuses_dtds_and_entities)
{
	ASSERT_INT_EQ(saml_global_init(), 0);
	ASSERT_INT_EQ(parse("<a>x</a>"), SAML_XML_OK);
	ASSERT_INT_EQ(parse("<!DOCTYPE a><a/>"), SAML_XML_DTD);
	ASSERT_INT_EQ(parse("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"), SAML_XML_DTD);
	ASSERT_INT_EQ(parse("<!DOCTYPE a SYSTEM \"http://127.0.0.1:9/x.dtd\"><a/>"), SAML_XML_DTD);
	ASSERT_INT_EQ(
	        parse("<?xml version=\"1.0\"?>\n<!DOCTYPE a PUBLIC \"-//x//\" \"file:///etc/passwd\"><a/>"),
	        SAML_XML_DTD);
	/* An undeclared entity is not well-formed; predefined ones are fine. */
	ASSERT_INT_EQ(parse("<a>&e;</a>"), SAML_XML_INVALID);
	ASSERT_INT_EQ(parse("<a>&amp;&lt;&#65;</a>"), SAML_XML_OK);
	ASSERT_INT_EQ(parse(""), SAML_XML_INVALID);
	ASSERT_INT_EQ(parse("<a>"), SAML_XML_INVALID);
	ASSERT_INT_EQ(parse("<a/><b/>"), SAML_XML_INVALID);
	enum saml_xml_status st;
	ASSERT(saml_xml_parse("<a>\0</a>", 8, &st) == NULL && st == SAML_XML_INVALID);
}

TEST(saml_xml, text_concatenates_around_comments)
{
	enum saml_xml_status st;
	const char *s = "<a xmlns=\"urn:x\">  alice@acme.test<!---->.evil.test<![CDATA[!]]>\n</a>";
	xmlDoc *d = saml_xml_parse(s, strlen(s), &st);
	ASSERT(d);
	char *t = saml_xml_text(xmlDocGetRootElement(d), true);
	ASSERT_STR_EQ(t, "alice@acme.test.evil.test!");
	free(t);
	t = saml_xml_text(xmlDocGetRootElement(d), false);
	ASSERT_STR_EQ(t, "  alice@acme.test.evil.test!\n");
	free(t);
	ASSERT(saml_xml_is(xmlDocGetRootElement(d), "urn:x", "a"));
	ASSERT(!saml_xml_is(xmlDocGetRootElement(d), "urn:y", "a"));
	xmlFreeDoc(d);
}

TEST(saml_xml, attributes_without_namespace_only)
{
	enum saml_xml_status st;
	const char *s = "<a xmlns:p=\"urn:p\" p:ID=\"evil\" Name=\"x&amp;y\" E=\"\"/>";
	xmlDoc *d = saml_xml_parse(s, strlen(s), &st);
	ASSERT(d);
	xmlNode *a = xmlDocGetRootElement(d);
	ASSERT(saml_xml_attr(a, "ID") == NULL);
	ASSERT_STR_EQ(saml_xml_attr(a, "Name"), "x&y");
	ASSERT_STR_EQ(saml_xml_attr(a, "E"), "");
	xmlFreeDoc(d);
}

static int64_t t(const char *s)
{
	int64_t v = -1;
	return saml_xml_parse_time(&v, s) == 0 ? v : -1;
}

TEST(saml_xml, datetime)
{
	ASSERT_INT_EQ(t("2026-09-21T14:13:20Z"), 1790000000);
	ASSERT_INT_EQ(t("2026-09-21T14:13:20.123Z"), 1790000000);
	ASSERT_INT_EQ(t("2026-09-21T14:13:20"), 1790000000);
	ASSERT_INT_EQ(t("2026-09-21T16:13:20+02:00"), 1790000000);
	ASSERT_INT_EQ(t("2026-09-21T12:13:20-02:00"), 1790000000);
	ASSERT_INT_EQ(t("1970-01-01T00:00:00Z"), 0);
	ASSERT_INT_EQ(t("2000-02-29T00:00:00Z"), 951782400);
	ASSERT_INT_EQ(t("2026-13-01T00:00:00Z"), -1);
	ASSERT_INT_EQ(t("2026-09-21 14:13:20Z"), -1);
	ASSERT_INT_EQ(t("2026-09-21T14:13Z"), -1);
	ASSERT_INT_EQ(t("2026-09-21T14:13:20.Z"), -1);
	ASSERT_INT_EQ(t("2026-09-21T14:13:20ZZ"), -1);
	ASSERT_INT_EQ(t("2026-09-21T14:13:20+2:00"), -1);
	ASSERT_INT_EQ(t(""), -1);
}

static const char *b64(const char *in)
{
	static char out[64];
	unsigned char *d = NULL;
	size_t n = 0;
	if (saml_b64_decode(&d, &n, in, strlen(in)) != 0)
		return "(invalid)";
	xsnprintf(out, sizeof(out), "%.*s", (int)n, (const char *)d);
	free(d);
	return out;
}

TEST(saml_b64, whitespace_tolerant_otherwise_strict)
{
	ASSERT_STR_EQ(b64("YWJj"), "abc");
	ASSERT_STR_EQ(b64("YW\r\nJj ZA=\n="), "abcd");
	ASSERT_STR_EQ(b64("YWJjZA"), "abcd");
	ASSERT_STR_EQ(b64("YWJjZGU="), "abcde");
	ASSERT_STR_EQ(b64("YWJjZA="), "(invalid)");
	ASSERT_STR_EQ(b64("YWJjZA==="), "(invalid)");
	ASSERT_STR_EQ(b64("YW=Jj"), "(invalid)");
	ASSERT_STR_EQ(b64("YWJj!"), "(invalid)");
	ASSERT_STR_EQ(b64("YWJjZ"), "(invalid)");
	ASSERT_STR_EQ(b64("YR=="), "(invalid)"); /* leftover bits set */
	ASSERT_STR_EQ(b64(""), "(invalid)");
	ASSERT_STR_EQ(b64("  \n"), "(invalid)");
}
