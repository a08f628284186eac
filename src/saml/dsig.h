/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to saml/: XML signature verification and assertion decryption with xmlsec,
 * on our own parse of the message (STACK.md pitfall 6), with keys fixed per
 * connection: the IdP's pinned certificates verify (KeyInfo in the message is never
 * read), our encryption key decrypts.
 *
 * The caller has run the shape checks (structure.h) first: the signed element is the
 * Response or the one Assertion, its ds:Signature a direct child with exactly one
 * Reference to "#" + its ID, no ID value appears twice, and every algorithm is on the
 * allow-list. This module enforces the same again where xmlsec decides: only that
 * element's ID is registered, only same-document references and the allow-listed
 * transforms are enabled, and after verification the one reference must have pointed
 * at that element.
 *
 * Threads: the keys are built once per connection context and only read afterwards;
 * each operation works on a duplicate (an OpenSSL reference count) in its own xmlsec
 * context, so any number of threads may verify and decrypt with one set of keys.
 */
#ifndef GATEHOUSE_SAML_DSIG_H
#define GATEHOUSE_SAML_DSIG_H

#include "saml/deps.h"
#include "saml/idp_metadata.h"

struct saml_dsig_keys {
	size_t nsig;
	xmlSecKeyPtr sig[SAML_IDP_MAX_CERTS]; /* public keys of idp->certs, same order */
	xmlSecKeyPtr enc;                     /* our decryption key, or NULL */
};

/*
 * Builds the keys from the pinned certificates and our encryption key (PEM, may be
 * NULL). Returns 0, or ERR_INTERNAL "saml_setup_failed"; release k in both cases.
 */
int saml_dsig_keys_build(struct saml_dsig_keys *k, const struct saml_idp *idp,
                         const char *enc_key_pem);
void saml_dsig_keys_release(struct saml_dsig_keys *k); /* NULL-tolerant */

/*
 * Does sig, the ds:Signature child of signed_node, verify with one of the pinned keys
 * and cover exactly signed_node? first is the index of the key to try first (the
 * certificate named in KeyInfo), or -1; the others are tried only when the references
 * digest correctly, so a changed message costs one attempt. Registers signed_node's
 * ID in its document (refusing an ID already registered for another element).
 */
bool saml_dsig_verify(const struct saml_dsig_keys *k, xmlNode *signed_node, xmlNode *sig,
                      bool allow_sha1, int first);

/*
 * Decrypts a saml:EncryptedAssertion (shape and algorithms checked by structure.c):
 * the EncryptedKey with our key (RSA-OAEP), then the EncryptedData with that key.
 * The plaintext is parsed in the EncryptedAssertion's namespace context with the
 * same options as the message (no DTD, no entities, no network), and its one element
 * becomes the root of a new document. Returns that document (free with xmlFreeDoc),
 * or NULL when any step fails.
 */
xmlDoc *saml_dsig_decrypt(const struct saml_dsig_keys *k, xmlNode *encrypted_assertion);

#endif
