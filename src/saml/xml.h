/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libxml2 helpers private to saml/: the one safe way we parse untrusted XML, element
 * tests by namespace and local name, borrowed attribute reads, content reads with
 * concatenation (comment injection safe), and xs:dateTime parsing.
 *
 * Parsing rules (STACK.md pitfalls 6, 7): no network, no DTD at all (a DOCTYPE stops
 * the parser, so no entity is ever declared, expanded or fetched), NUL bytes refused,
 * libxml2's per-thread defaults never relied on. Errors are not printed.
 */
#ifndef GATEHOUSE_SAML_XML_H
#define GATEHOUSE_SAML_XML_H

#include <libxml/tree.h>

#define SAML_NS_PROTOCOL  "urn:oasis:names:tc:SAML:2.0:protocol"
#define SAML_NS_ASSERTION "urn:oasis:names:tc:SAML:2.0:assertion"
#define SAML_NS_METADATA  "urn:oasis:names:tc:SAML:2.0:metadata"
#define SAML_NS_DSIG      "http://www.w3.org/2000/09/xmldsig#"
#define SAML_NS_XENC      "http://www.w3.org/2001/04/xmlenc#"

enum saml_xml_status {
	SAML_XML_OK,
	SAML_XML_INVALID, /* not well-formed, empty, or holds NUL bytes */
	SAML_XML_DTD,     /* has a DOCTYPE (refused: entities, XXE, expansion) */
};

struct buf;

/* Appends s to b with &, <, >, " and ' escaped (for attribute values and text). */
void saml_xml_put_escaped(struct buf *b, const char *s);

/* Parses data; returns the document (free with xmlFreeDoc) or NULL with *status set. */
xmlDoc *saml_xml_parse(const char *data, size_t len, enum saml_xml_status *status);

/* Is n an element named name in namespace ns? */
bool saml_xml_is(const xmlNode *n, const char *ns, const char *name);
/* The next element sibling at or after n (NULL at the end). */
xmlNode *saml_xml_element(xmlNode *n);
/* The first element child of parent named ns:name, or NULL. */
xmlNode *saml_xml_child(const xmlNode *parent, const char *ns, const char *name);
/* How many element children of parent are named ns:name. */
size_t saml_xml_count_children(const xmlNode *parent, const char *ns, const char *name);

/*
 * The value of parent's attribute `name` in no namespace, borrowed from the tree,
 * or NULL when absent.
 */
const char *saml_xml_attr(const xmlNode *n, const char *name);

/*
 * All text under n, concatenated in document order (comments skipped, so
 * "alice@acme.test<!---->.evil.test" reads in full), ASCII whitespace trimmed when
 * trim is set. Caller frees. Never NULL.
 */
char *saml_xml_text(const xmlNode *n, bool trim);

/*
 * Parses an xs:dateTime ("2026-09-21T14:13:20Z", fractions and +hh:mm offsets
 * accepted; no zone means UTC, as SAML Core 1.3.3 requires UTC anyway).
 * Returns 0, or ERR_INVALID for anything else.
 */
int saml_xml_parse_time(int64_t *out, const char *s);

#endif
