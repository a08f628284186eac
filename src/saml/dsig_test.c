/* SPDX-License-Identifier: Apache-2.0 */
/*
 * saml_dsig_verify on documents signed here with xmlsec and the fixture keys, in
 * shapes the structure checks would refuse first: the verifier must refuse them on
 * its own (wrong key, changed content or digest, a reference to another element, two
 * references, a second element with the same ID, a transform or digest outside the
 * list, SHA-1 unless allowed), accept a rotated key, and ignore comments.
 */
#include "base/common.h"

#include "base/error.h"
#include "saml/dsig.h"
#include "saml/fixture_test.h"
#include "saml/internal.h"
#include "saml/saml.h"
#include "saml/xml.h"
#include "test/harness/test.h"

#include <xmlsec/app.h>

#define EXC      "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ENV      "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define RSA256   "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define RSA1     "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
#define SHA256   "http://www.w3.org/2001/04/xmlenc#sha256"
#define SHA1     "http://www.w3.org/2000/09/xmldsig#sha1"
#define NS_DS    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
#define NS_SAMLP "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
#define NS_SAML  "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""

/* A ds:Reference template (digest left empty for the signer). */
static char *ref(const char *uri, const char *c14n, const char *digest)
{
	return xasprintf("<ds:Reference URI=\"%s\"><ds:Transforms><ds:Transform Algorithm=\"" ENV
	                 "\"/><ds:Transform Algorithm=\"%s\"/></ds:Transforms>"
	                 "<ds:DigestMethod Algorithm=\"%s\"/><ds:DigestValue/></ds:Reference>",
	                 uri, c14n, digest);
}

/* A Response whose Assertion (ID _a1) carries a signature template with refs. */
static char *response(const char *sig_alg, const char *refs)
{
	return xasprintf(
	        "<samlp:Response " NS_SAMLP " " NS_SAML " ID=\"_r1\" Version=\"2.0\">"
	        "<saml:Issuer>https://idp.example.test/metadata</saml:Issuer>"
	        "<saml:Assertion ID=\"_a1\" Version=\"2.0\">"
	        "<saml:Issuer>https://idp.example.test/metadata</saml:Issuer>"
	        "<ds:Signature " NS_DS "><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" EXC
	        "\"/><ds:SignatureMethod Algorithm=\"%s\"/>%s</ds:SignedInfo><ds:SignatureValue/>"
	        "</ds:Signature><saml:Subject><saml:NameID>alice@acme.test</saml:NameID>"
	        "</saml:Subject></saml:Assertion></samlp:Response>",
	        sig_alg, refs);
}

static void register_ids(xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlAttr *a = xmlHasNsProp(n, BAD_CAST "ID", NULL);
		if (a && !xmlGetID(n->doc, a->children->content))
			xmlAddID(NULL, n->doc, a->children->content, a);
		register_ids(n->children);
	}
}

/* xml with its assertion's signature made by keys/KEY-key.pem, serialised. */
static char *sign(const char *xml, const char *key)
{
	char *rel = xasprintf("keys/%s-key.pem", key);
	size_t len = 0;
	if (saml_global_init() != 0) /* xmlsec started, and the deps.h pointers set */
		die("sign: %s", error_get()->detail);
	char *pem = fixture_read(rel, &len);
	free(rel);
	xmlSecKeyPtr k = xmlSecCryptoAppKeyLoadMemory((const xmlSecByte *)pem, (xmlSecSize)len,
	                                              xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	free(pem);
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
	if (!k || !doc)
		die("sign: key %s or document", key);
	register_ids(xmlDocGetRootElement(doc));
	xmlNode *a = saml_xml_child(xmlDocGetRootElement(doc), SAML_NS_ASSERTION, "Assertion");
	xmlSecDSigCtxPtr c = xmlSecDSigCtxCreate(NULL);
	c->signKey = k;
	if (xmlSecDSigCtxSign(c, saml_xml_child(a, SAML_NS_DSIG, "Signature")) < 0)
		die("sign: xmlsec failed");
	xmlSecDSigCtxDestroy(c);
	xmlChar *out = NULL;
	int n = 0;
	xmlDocDumpMemory(doc, &out, &n);
	char *s = xstrndup((const char *)out, (size_t)n);
	xmlFree(out);
	xmlFreeDoc(doc);
	return s;
}

/* s with the first `from` replaced by `to` (any lengths). */
static char *replace(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);
	if (!p)
		die("replace: %s not found", from);
	char *out = xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return out;
}

/* Parses xml as the ACS does and verifies the signature of the element with this ID. */
static bool verifies_with(const char *xml, const char *id, bool sha1, int first)
{
	enum saml_xml_status st;
	struct saml_sp_ctx *ctx = fixture_ctx(0);
	xmlDoc *doc = saml_xml_parse(xml, strlen(xml), &st);
	if (!doc)
		die("verifies: not XML");
	xmlNode *resp = xmlDocGetRootElement(doc);
	xmlNode *a = saml_xml_child(resp, SAML_NS_ASSERTION, "Assertion");
	xmlNode *target = strcmp(id, "_r1") == 0 ? resp : a;
	for (xmlNode *n = resp->children; n; n = n->next)
		if (saml_xml_is(n, SAML_NS_ASSERTION, "Assertion") && n != a &&
		    strcmp(saml_xml_attr(n, "ID"), id) == 0)
			target = n; /* the second element with that ID, when the test made one */
	bool ok = saml_dsig_verify(saml_sp_ctx_keys(ctx), target,
	                           saml_xml_child(a, SAML_NS_DSIG, "Signature"), sha1, first);
	xmlFreeDoc(doc);
	saml_sp_ctx_unref(ctx);
	return ok;
}

static bool verifies(const char *xml)
{
	return verifies_with(xml, "_a1", false, -1);
}

/* A signed assertion, made with key, its Reference to uri. */
static char *signed_doc(const char *key, const char *uri)
{
	char *r = ref(uri, EXC, SHA256);
	char *x = response(RSA256, r);
	char *s = sign(x, key);
	free(r);
	free(x);
	return s;
}

TEST(saml_dsig, good_and_rotated_keys)
{
	char *s = signed_doc("idp", "#_a1");
	ASSERT(verifies(s));
	ASSERT(verifies_with(s, "_a1", false, 0));
	ASSERT(verifies_with(s, "_a1", false, 1)); /* a wrong KeyInfo hint: the others are tried */
	free(s);
	s = signed_doc("idp-rollover", "#_a1");
	ASSERT(verifies(s));
	ASSERT(verifies_with(s, "_a1", false, 0));
	free(s);
}

TEST(saml_dsig, wrong_key_refused)
{
	char *s = signed_doc("other", "#_a1");
	ASSERT(!verifies(s));
	free(s);
}

TEST(saml_dsig, changed_content_or_digest_refused)
{
	char *s = signed_doc("idp", "#_a1");
	s = replace(s, "alice@acme.test", "mallory@evil.tes");
	ASSERT(!verifies(s));
	free(s);
	s = signed_doc("idp", "#_a1");
	char *d = strstr(s, "<ds:DigestValue>") + strlen("<ds:DigestValue>");
	*d = *d == 'A' ? 'B' : 'A';
	ASSERT(!verifies(s));
	free(s);
}

TEST(saml_dsig, comments_are_not_signed_content)
{
	/* "#ID" references drop comments (XML-DSig 4.3.3.3): the value reads in full. */
	char *s = signed_doc("idp", "#_a1");
	s = replace(s, "alice@acme.test", "alice@acme.test<!---->.evil.test");
	ASSERT(!verifies(s)); /* the text changed */
	free(s);
	s = signed_doc("idp", "#_a1");
	s = replace(s, "alice@acme.test", "alice@<!-- c -->acme.test");
	ASSERT(verifies(s)); /* only a comment added */
	free(s);
	/* Comments as signed content is not an allowed transform. */
	char *r = ref("#_a1", EXC "WithComments", SHA256);
	char *x = response(RSA256, r);
	s = sign(x, "idp");
	ASSERT(!verifies(s));
	free(s);
	free(x);
	free(r);
}

TEST(saml_dsig, reference_must_name_the_element_read)
{
	/* Signs the Response, while the Assertion is the element read. */
	char *s = signed_doc("idp", "#_r1");
	ASSERT(!verifies(s));
	free(s);
	/* The element read, referenced twice: xmlsec accepts it, we do not. */
	char *r0 = ref("#_a1", EXC, SHA256);
	char *twice = xasprintf("%s%s", r0, r0);
	char *x0 = response(RSA256, twice);
	s = sign(x0, "idp");
	ASSERT(!verifies(s));
	free(s);
	free(x0);
	free(twice);
	free(r0);
	/* Two references, one of them to the element read (the other's ID is not
	 * registered, so xmlsec cannot resolve it). */
	char *r1 = ref("#_a1", EXC, SHA256), *r2 = ref("#_r1", EXC, SHA256);
	char *refs = xasprintf("%s%s", r1, r2);
	char *x = response(RSA256, refs);
	s = sign(x, "idp");
	ASSERT(!verifies(s));
	free(s);
	free(x);
	free(refs);
	free(r1);
	free(r2);
	/* No ID to register, or an ID that is not an NCName. */
	s = signed_doc("idp", "#_a1");
	s = replace(s, "ID=\"_a1\"", "ID=\"_a1') | id('_r1\"");
	ASSERT(!verifies_with(s, "_a1') | id('_r1", false, -1));
	free(s);
}

TEST(saml_dsig, second_element_with_the_signed_id_refused)
{
	/* XSW: an evil copy with the same ID before the signed one, read instead. */
	char *s = signed_doc("idp", "#_a1");
	char *start = strstr(s, "<saml:Assertion");
	char *evil = xasprintf("<saml:Assertion ID=\"_a1\" Version=\"2.0\"><saml:Issuer>x"
	                       "</saml:Issuer></saml:Assertion>%s",
	                       start);
	*start = '\0';
	char *doc = xasprintf("%s%s", s, evil);
	struct saml_sp_ctx *ctx = fixture_ctx(0);
	enum saml_xml_status st;
	xmlDoc *d = saml_xml_parse(doc, strlen(doc), &st);
	xmlNode *resp = xmlDocGetRootElement(d);
	xmlNode *first = saml_xml_child(resp, SAML_NS_ASSERTION, "Assertion");
	xmlNode *real = saml_xml_element(first->next);
	xmlNode *sig = saml_xml_child(real, SAML_NS_DSIG, "Signature");
	const struct saml_dsig_keys *k = saml_sp_ctx_keys(ctx);
	/* Its signature is not its child; and once the evil ID is registered, the real
	 * element cannot be verified under that ID either. */
	ASSERT(!saml_dsig_verify(k, first, sig, false, -1));
	ASSERT(saml_xml_child(first, SAML_NS_DSIG, "Signature") == NULL);
	xmlAddID(NULL, d, BAD_CAST "_a1", xmlHasNsProp(first, BAD_CAST "ID", NULL));
	ASSERT(!saml_dsig_verify(k, real, sig, false, -1));
	xmlFreeDoc(d);
	saml_sp_ctx_unref(ctx);
	free(doc);
	free(evil);
	free(s);
}

TEST(saml_dsig, sha1_only_when_allowed)
{
	char *r = ref("#_a1", EXC, SHA1);
	char *x = response(RSA1, r);
	char *s = sign(x, "idp");
	ASSERT(!verifies_with(s, "_a1", false, -1));
	ASSERT(verifies_with(s, "_a1", true, -1));
	free(s);
	free(x);
	free(r);
	/* SHA-256 digest under an RSA-SHA1 signature: still SHA-1. */
	r = ref("#_a1", EXC, SHA256);
	x = response(RSA1, r);
	s = sign(x, "idp");
	ASSERT(!verifies_with(s, "_a1", false, -1));
	free(s);
	free(x);
	free(r);
}
