/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench helper (not part of gatehouse): signs many SAML Responses for the SSO
 * bench (bench/sso_bench.py) before its timed run, each a fresh assertion.
 *
 *   saml_sign KEY.pem TEMPLATE.xml < jobs > forms
 *
 * TEMPLATE.xml is a Response made by pysaml2 with an enveloped assertion
 * signature, in which the Response ID, the Assertion ID, InResponseTo and the
 * email were replaced by __RESPONSE_ID__, __ASSERTION_ID__, __IN_RESPONSE_TO__
 * and __EMAIL__. Each job line is "IN_RESPONSE_TO RELAY_STATE EMAIL"; each
 * output line is the matching HTTP-POST binding form body
 * (SAMLResponse=...&RelayState=...), the assertion re-signed with KEY (the
 * test IdP's key, whose certificate the bench pins on the connection) and
 * carrying new unique IDs. xmlsec is used exactly as an IdP would use it.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#define SAML_NS      "urn:oasis:names:tc:SAML:2.0:assertion"
#define JOB_LINE_MAX 1024

static void die(const char *msg)
{
	fprintf(stderr, "saml_sign: %s\n", msg);
	exit(1);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open the template");
	char *b = calloc(1, 1 << 20);
	if (!b)
		die("out of memory");
	size_t n = fread(b, 1, (1 << 20) - 1, f);
	fclose(f);
	b[n] = '\0';
	return b;
}

/* Appends src to *out (grown as needed) with every placeholder replaced. */
static char *fill(const char *tpl, const char *const *keys, const char *const *vals, size_t n)
{
	size_t cap = strlen(tpl) * 2 + 4096, len = 0;
	char *out = malloc(cap);
	if (!out)
		die("out of memory");
	for (const char *p = tpl; *p;) {
		size_t k = 0;
		while (k < n && strncmp(p, keys[k], strlen(keys[k])) != 0)
			k++;
		const char *piece = k < n ? vals[k] : p;
		size_t plen = k < n ? strlen(vals[k]) : 1;
		if (len + plen + 1 > cap)
			die("template too large");
		memcpy(out + len, piece, plen);
		len += plen;
		p += k < n ? strlen(keys[k]) : 1;
	}
	out[len] = '\0';
	return out;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *ns)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name) && c->ns &&
		    !strcmp((const char *)c->ns->href, ns))
			return c;
	return NULL;
}

static void form_escape(FILE *out, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			fputc(c, out);
		else
			fprintf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* One signed Response: parse, register the assertion's ID, sign, serialise. */
static void sign_one(FILE *out, const char *xml, const char *assertion_id, xmlSecKeyPtr key,
                     const char *relay)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "r.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		die("the filled template does not parse");
	xmlNodePtr a = child(xmlDocGetRootElement(doc), "Assertion", SAML_NS);
	xmlAttrPtr id = a ? xmlHasProp(a, (const xmlChar *)"ID") : NULL;
	xmlNodePtr sig = a ? child(a, "Signature", (const char *)xmlSecDSigNs) : NULL;
	if (!id || !sig)
		die("the template has no signed Assertion");
	xmlAddID(NULL, doc, (const xmlChar *)assertion_id, id);
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	ctx->signKey = xmlSecKeyDuplicate(key);
	if (xmlSecDSigCtxSign(ctx, sig) < 0)
		die("signing failed");
	xmlSecDSigCtxDestroy(ctx);
	xmlChar *text = NULL;
	int len = 0;
	xmlDocDumpMemory(doc, &text, &len);
	unsigned char *b64 = malloc((size_t)len * 4 / 3 + 8);
	if (!b64)
		die("out of memory");
	int n = EVP_EncodeBlock(b64, text, len);
	fputs("SAMLResponse=", out);
	form_escape(out, b64, (size_t)n);
	fputs("&RelayState=", out);
	form_escape(out, (const unsigned char *)relay, strlen(relay));
	fputc('\n', out);
	free(b64);
	xmlFree(text);
	xmlFreeDoc(doc);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: saml_sign KEY.pem TEMPLATE.xml < jobs > forms");
	xmlInitParser();
	if (xmlSecInit() < 0 || xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0)
		die("xmlsec initialisation failed");
	xmlSecKeyPtr key =
	        xmlSecCryptoAppKeyLoad(argv[1], xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	if (!key)
		die("cannot load the key");
	char *tpl = slurp(argv[2]);
	static const char *const keys[] = { "__RESPONSE_ID__", "__ASSERTION_ID__",
		                            "__IN_RESPONSE_TO__", "__EMAIL__" };
	char line[JOB_LINE_MAX], rid[64], aid[64], irt[256], relay[256], email[256];
	unsigned long n = 0, salt = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%255s %255s %255s", irt, relay, email) != 3)
			die("a job line is not \"IN_RESPONSE_TO RELAY_STATE EMAIL\"");
		n++;
		snprintf(rid, sizeof(rid), "_r%lx%08lx", salt, n);
		snprintf(aid, sizeof(aid), "_a%lx%08lx", salt, n);
		const char *vals[] = { rid, aid, irt, email };
		char *xml = fill(tpl, keys, vals, 4);
		sign_one(stdout, xml, aid, key, relay);
		free(xml);
	}
	xmlSecKeyDestroy(key);
	free(tpl);
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
	xmlCleanupParser();
	return 0;
}
