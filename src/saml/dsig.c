/* SPDX-License-Identifier: Apache-2.0 */
/* xmlsec verification and decryption with per-connection keys (see dsig.h). */
#include "base/common.h"

#include "saml/dsig.h"

#include "base/error.h"
#include "saml/deps.h"
#include "saml/xml.h"

#include <limits.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>

#define MAX_ENCRYPTED_KEYS 4 /* one per recipient; more is not a real message */

/* An xmlsec key owning pkey (NULL-tolerant; pkey freed on failure). */
static xmlSecKeyPtr key_of(EVP_PKEY *pkey)
{
	xmlSecKeyDataPtr data = pkey ? xmlSecOpenSSLEvpKeyAdopt(pkey) : NULL;
	xmlSecKeyPtr key = data ? xmlSecKeyCreate() : NULL;
	if (!data) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	if (!key || xmlSecKeySetValue(key, data) < 0) {
		xmlSecKeyDataDestroy(data);
		if (key)
			xmlSecKeyDestroy(key);
		return NULL;
	}
	return key;
}

static xmlSecKeyPtr public_key_of(const char *cert_pem)
{
	BIO *b = BIO_new_mem_buf(cert_pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	EVP_PKEY *pkey = x ? X509_get_pubkey(x) : NULL;
	X509_free(x);
	BIO_free(b);
	return key_of(pkey);
}

static xmlSecKeyPtr private_key_of(const char *key_pem)
{
	BIO *b = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *pkey = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return key_of(pkey);
}

int saml_dsig_keys_build(struct saml_dsig_keys *k, const struct saml_idp *idp,
                         const char *enc_key_pem)
{
	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < idp->ncerts; i++) {
		k->sig[i] = public_key_of(idp->certs[i].pem);
		if (!k->sig[i])
			return error_setc(ERR_INTERNAL, "saml_setup_failed",
			                  "xmlsec refused the IdP certificate %s",
			                  idp->certs[i].sha256);
		k->nsig = i + 1;
	}
	if (enc_key_pem && !(k->enc = private_key_of(enc_key_pem)))
		return error_setc(ERR_INTERNAL, "saml_setup_failed",
		                  "xmlsec refused the SP encryption key");
	return 0;
}

void saml_dsig_keys_release(struct saml_dsig_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nsig; i++)
		xmlSecKeyDestroy(k->sig[i]);
	if (k->enc)
		xmlSecKeyDestroy(k->enc);
	memset(k, 0, sizeof(*k));
}

/* --- signatures ---------------------------------------------------------------------- */

/*
 * The transforms structure.c allows (saml_structure_check_algorithms), and no other:
 * once a list is set, xmlsec refuses whatever is not on it, digest and signature
 * methods included.
 */
static bool enable_transforms(xmlSecDSigCtx *c, bool allow_sha1)
{
	xmlSecTransformId c14n[] = { xmlSecTransformExclC14NId, xmlSecTransformInclC14NId,
		                     xmlSecTransformInclC14N11Id };
	xmlSecTransformId refs[] = { xmlSecTransformEnvelopedId, xmlSecTransformSha256Id,
		                     xmlSecTransformSha384Id, xmlSecTransformSha512Id };
	xmlSecTransformId sigs[] = { xmlSecTransformRsaSha256Id, xmlSecTransformRsaSha384Id,
		                     xmlSecTransformRsaSha512Id };
	bool ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(c14n); i++)
		ok &= xmlSecDSigCtxEnableReferenceTransform(c, c14n[i]) >= 0 &&
		      xmlSecDSigCtxEnableSignatureTransform(c, c14n[i]) >= 0;
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		ok &= xmlSecDSigCtxEnableReferenceTransform(c, refs[i]) >= 0;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		ok &= xmlSecDSigCtxEnableSignatureTransform(c, sigs[i]) >= 0;
	if (allow_sha1)
		ok &= xmlSecDSigCtxEnableReferenceTransform(c, xmlSecTransformSha1Id) >= 0 &&
		      xmlSecDSigCtxEnableSignatureTransform(c, xmlSecTransformRsaSha1Id) >= 0;
	return ok;
}

/*
 * Registers the ID of node (its unqualified "ID" attribute) and nothing else. True
 * when the document's ID table maps that value to node, now or already.
 */
static bool register_id(xmlNode *node, const char **id_out)
{
	xmlAttr *attr = xmlHasNsProp(node, BAD_CAST "ID", NULL);
	const char *id = saml_xml_attr(node, "ID");
	*id_out = id;
	/* An NCName (xs:ID), so "#" + id cannot be read by xmlsec as more than a name. */
	if (!attr || !id || xmlValidateNCName(BAD_CAST id, 0) != 0)
		return false;
	xmlAttr *known = xmlGetID(node->doc, BAD_CAST id);
	if (known)
		return known == attr;
	return xmlAddID(NULL, node->doc, BAD_CAST id, attr) != NULL;
}

/* After xmlsec's verdict: one reference, to "#" + id, which names signed_node. */
static bool covers_exactly(xmlSecDSigCtx *c, const xmlNode *signed_node, const char *id)
{
	if (c->status != xmlSecDSigStatusSucceeded ||
	    xmlSecPtrListGetSize(&c->signedInfoReferences) != 1)
		return false;
	xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(&c->signedInfoReferences, 0);
	if (!ref || ref->status != xmlSecDSigStatusSucceeded || !ref->uri || ref->uri[0] != '#' ||
	    strcmp((const char *)ref->uri + 1, id) != 0)
		return false;
	xmlAttr *attr = xmlGetID(signed_node->doc, BAD_CAST id);
	return attr && attr->parent == signed_node;
}

/* Did every reference digest correctly (the content is as signed, whatever the key)? */
static bool references_ok(xmlSecDSigCtx *c)
{
	xmlSecSize n = xmlSecPtrListGetSize(&c->signedInfoReferences);
	for (xmlSecSize i = 0; i < n; i++) {
		xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(&c->signedInfoReferences, i);
		if (!ref || ref->status != xmlSecDSigStatusSucceeded)
			return false;
	}
	return n > 0;
}

/* One attempt with one key. *retry: would another key be worth trying? */
static bool verify_with(xmlSecKeyPtr key, xmlNode *signed_node, xmlNode *sig, const char *id,
                        bool allow_sha1, bool *retry)
{
	xmlSecDSigCtx c;
	bool ok = false;
	*retry = false;
	if (xmlSecDSigCtxInitialize(&c, NULL) < 0)
		return false;
	c.flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
	c.enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
	c.signKey = xmlSecKeyDuplicate(key); /* no keys manager: KeyInfo is never read */
	if (c.signKey && enable_transforms(&c, allow_sha1) && xmlSecDSigCtxVerify(&c, sig) >= 0) {
		ok = covers_exactly(&c, signed_node, id);
		*retry = !ok && c.status == xmlSecDSigStatusInvalid && references_ok(&c);
	}
	xmlSecDSigCtxFinalize(&c);
	return ok;
}

bool saml_dsig_verify(const struct saml_dsig_keys *k, xmlNode *signed_node, xmlNode *sig,
                      bool allow_sha1, int first)
{
	const char *id = NULL;
	bool retry = true;
	if (!sig || sig->parent != signed_node || !register_id(signed_node, &id))
		return false;
	if (first >= 0 && (size_t)first < k->nsig) {
		if (verify_with(k->sig[first], signed_node, sig, id, allow_sha1, &retry))
			return true;
	}
	for (size_t i = 0; retry && i < k->nsig; i++) {
		if ((int)i == first)
			continue;
		if (verify_with(k->sig[i], signed_node, sig, id, allow_sha1, &retry))
			return true;
	}
	return false;
}

/* --- decryption ---------------------------------------------------------------------- */

static void enable_enc_transforms(xmlSecEncCtx *c)
{
	xmlSecTransformId ids[] = {
		xmlSecTransformRsaOaepId,   xmlSecTransformAes128CbcId, xmlSecTransformAes192CbcId,
		xmlSecTransformAes256CbcId, xmlSecTransformAes128GcmId, xmlSecTransformAes192GcmId,
		xmlSecTransformAes256GcmId, xmlSecTransformDes3CbcId,
	};
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		union {
			xmlSecTransformId id;
			void *item; /* the list stores ids as untyped items */
		} u = { .id = ids[i] };
		xmlSecPtrListAdd(&c->transformCtx.enabledTransforms, u.item);
	}
	/* The cipher text must be in the message (CipherValue), never fetched. */
	c->transformCtx.enabledUris = xmlSecTransformUriTypeNone;
}

/*
 * Decrypts node (EncryptedKey or EncryptedData) with key (taken over) into a copy
 * the caller frees (wiping it), or NULL.
 */
static unsigned char *decrypt_node(xmlSecKeyPtr key, xmlNode *node, bool is_key, size_t *len)
{
	xmlSecEncCtx c;
	unsigned char *out = NULL;
	if (!key)
		return NULL;
	if (xmlSecEncCtxInitialize(&c, NULL) < 0) {
		xmlSecKeyDestroy(key);
		return NULL;
	}
	c.encKey = key; /* set before: KeyInfo is never read */
	c.mode = is_key ? xmlEncCtxModeEncryptedKey : xmlEncCtxModeEncryptedData;
	enable_enc_transforms(&c);
	xmlSecBufferPtr res = xmlSecEncCtxDecryptToBuffer(&c, node);
	if (res && xmlSecBufferGetSize(res) > 0) {
		*len = xmlSecBufferGetSize(res);
		out = xmalloc(*len + 1);
		memcpy(out, xmlSecBufferGetData(res), *len);
		out[*len] = '\0';
		OPENSSL_cleanse(xmlSecBufferGetData(res), *len);
	}
	xmlSecEncCtxFinalize(&c);
	return out;
}

/* The session key for EncryptedData's algorithm, from its raw bytes. */
static xmlSecKeyPtr session_key(const xmlNode *ed, const unsigned char *raw, size_t len)
{
	const char *alg =
	        saml_xml_attr(saml_xml_child(ed, SAML_NS_XENC, "EncryptionMethod"), "Algorithm");
	bool des = alg && strstr(alg, "tripledes");
	xmlSecKeyDataPtr data =
	        xmlSecKeyDataCreate(des ? xmlSecOpenSSLKeyDataDesId : xmlSecOpenSSLKeyDataAesId);
	xmlSecKeyPtr key = data ? xmlSecKeyCreate() : NULL;
	int rc = !data ? -1
	         : des ? xmlSecOpenSSLKeyDataDesSet(data, raw, (xmlSecSize)len)
	               : xmlSecOpenSSLKeyDataAesSet(data, raw, (xmlSecSize)len);
	if (rc < 0 || !key || xmlSecKeySetValue(key, data) < 0) {
		if (data)
			xmlSecKeyDataDestroy(data);
		if (key)
			xmlSecKeyDestroy(key);
		return NULL;
	}
	return key;
}

/* The EncryptedKeys: inside EncryptedData's KeyInfo, or beside EncryptedData. */
static size_t find_keys(xmlNode *ea, xmlNode *ed, xmlNode **keys)
{
	size_t n = 0;
	xmlNode *ki = saml_xml_child(ed, SAML_NS_DSIG, "KeyInfo");
	xmlNode *parents[2] = { ki, ea };
	for (size_t p = 0; p < 2; p++)
		for (xmlNode *c = parents[p] ? parents[p]->children : NULL; c; c = c->next)
			if (saml_xml_is(c, SAML_NS_XENC, "EncryptedKey") && n < MAX_ENCRYPTED_KEYS)
				keys[n++] = c;
	return n;
}

static bool is_blank(const xmlNode *n)
{
	if (n->type != XML_TEXT_NODE)
		return false;
	for (const xmlChar *p = n->content; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return false;
	return true;
}

/*
 * The plaintext parsed where the EncryptedData stood (its prefixes declared there),
 * its one element copied into a document of its own (declaring the namespaces it
 * uses) so nothing else of the message is reachable from it.
 */
static xmlDoc *parse_plaintext(xmlNode *ea, const unsigned char *xml, size_t len)
{
	xmlNode *list = NULL, *elem = NULL;
	bool ok = len < INT_MAX && !memchr(xml, 0, len);
	if (ok && xmlParseInNodeContext(ea, (const char *)xml, (int)len,
	                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING,
	                                &list) != XML_ERR_OK)
		ok = false;
	for (xmlNode *n = list; ok && n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !elem)
			elem = n;
		else if (!is_blank(n))
			ok = false;
	}
	xmlDoc *doc = ok && elem ? xmlNewDoc(BAD_CAST "1.0") : NULL;
	xmlNode *copy = doc ? xmlDocCopyNode(elem, doc, 1) : NULL;
	if (copy)
		xmlDocSetRootElement(doc, copy);
	else if (doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeNodeList(list);
	return doc;
}

xmlDoc *saml_dsig_decrypt(const struct saml_dsig_keys *k, xmlNode *encrypted_assertion)
{
	xmlNode *ed = saml_xml_child(encrypted_assertion, SAML_NS_XENC, "EncryptedData");
	xmlNode *keys[MAX_ENCRYPTED_KEYS];
	size_t nkeys = ed && k->enc ? find_keys(encrypted_assertion, ed, keys) : 0;
	unsigned char *raw = NULL, *plain = NULL;
	size_t raw_len = 0, plain_len = 0;
	for (size_t i = 0; i < nkeys && !raw; i++)
		raw = decrypt_node(xmlSecKeyDuplicate(k->enc), keys[i], true, &raw_len);
	if (raw) {
		plain = decrypt_node(session_key(ed, raw, raw_len), ed, false, &plain_len);
		OPENSSL_cleanse(raw, raw_len);
		free(raw);
	}
	xmlDoc *doc = plain ? parse_plaintext(encrypted_assertion, plain, plain_len) : NULL;
	if (plain) {
		OPENSSL_cleanse(plain, plain_len);
		free(plain);
	}
	return doc;
}
