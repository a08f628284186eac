/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structural checks on a parsed SAML Response, made before any value is trusted.
 * They close the signature-wrapping family (XSW1-8 and relatives) by shape alone:
 *
 *  - the root is a samlp:Response holding exactly one saml:Assertion or one
 *    saml:EncryptedAssertion as a direct child, and no Assertion or
 *    EncryptedAssertion anywhere else in the document;
 *  - no two elements share an ID, Id or xml:id value (libxml2 registers xml:id
 *    itself, so a clash could make "#ID" resolve to the attacker's element);
 *  - a ds:Signature appears only as a direct child of the Response or of the
 *    consumed Assertion, with exactly one Reference whose URI is "#" + the ID of
 *    that parent, so a signature can only cover the element we read;
 *  - signature and encryption algorithms come from an allow-list (SHA-1 only when
 *    the connection allows it; RSA-1.5 key transport never).
 *
 * Problems go to the list; functions return true when they added none.
 */
#ifndef GATEHOUSE_SAML_STRUCTURE_H
#define GATEHOUSE_SAML_STRUCTURE_H

#include "saml/problem.h"

#include <libxml/tree.h>

struct saml_structure {
	xmlNode *response;      /* the root samlp:Response */
	xmlNode *assertion;     /* its saml:Assertion child, or NULL */
	xmlNode *encrypted;     /* its saml:EncryptedAssertion child, or NULL */
	xmlNode *response_sig;  /* ds:Signature child of the Response, or NULL */
	xmlNode *assertion_sig; /* ds:Signature child of the Assertion, or NULL */
	const char *status;     /* top-level StatusCode Value (borrowed), or NULL */
	const char *status2;    /* second-level StatusCode Value, or NULL */
	char *status_message;   /* StatusMessage text, or NULL; owned */
};

/*
 * Checks the whole document. On a non-Success status it records status_not_success
 * and stops there (such a response carries no assertion). Fills *out with borrowed
 * node pointers; release out->status_message with saml_structure_release.
 */
bool saml_structure_check_response(struct saml_structure *out, xmlDoc *doc,
                                   struct saml_problems *p);
void saml_structure_release(struct saml_structure *s);

/*
 * Checks a decrypted assertion (the root of its own tree): no nested assertions,
 * unique IDs, and the Signature placement rule. *sig_out gets its ds:Signature.
 */
bool saml_structure_check_assertion(xmlNode *assertion, xmlNode **sig_out, struct saml_problems *p);

/* Checks a ds:Signature's algorithms: c14n, SignatureMethod, DigestMethod, Transforms. */
bool saml_structure_check_algorithms(const xmlNode *sig, bool allow_sha1, struct saml_problems *p);
/* Checks an EncryptedAssertion's data and key-transport algorithms. */
bool saml_structure_check_encryption(const xmlNode *encrypted, struct saml_problems *p);

#endif
