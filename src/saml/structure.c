/* SPDX-License-Identifier: Apache-2.0 */
/* Shape and algorithm checks before any value is trusted (see structure.h). */
#include "base/common.h"

#include "saml/structure.h"

#include "saml/deps.h"
#include "saml/xml.h"

#define NS_XML      "http://www.w3.org/XML/1998/namespace"
#define XMLENC11    "http://www.w3.org/2009/xmlenc11#"
#define DSIG_MORE   "http://www.w3.org/2001/04/xmldsig-more#"
#define STATUS_OK   "urn:oasis:names:tc:SAML:2.0:status:Success"
#define MAX_ALLOWED 2

/* What a walk over a subtree found. */
struct walk {
	const xmlNode *allowed_sig_parent[MAX_ALLOWED]; /* where a ds:Signature may sit */
	size_t nassertions;                             /* Assertion + EncryptedAssertion */
	bool stray_signature;
	const char *stray_parent;
	const char **ids;
	size_t nids, cap;
};

static void add_id(struct walk *w, const char *v)
{
	if (!v)
		return;
	if (w->nids == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->ids = xrealloc(w->ids, w->cap * sizeof(*w->ids));
	}
	w->ids[w->nids++] = v;
}

/* Every attribute that can name an element for a "#..." reference. */
static void collect_ids(struct walk *w, const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		const char *v = a->children && a->children->type == XML_TEXT_NODE
		                        ? (const char *)a->children->content
		                        : NULL;
		bool xml_id = a->ns && a->ns->href &&
		              strcmp((const char *)a->ns->href, NS_XML) == 0 &&
		              strcmp(name, "id") == 0;
		bool plain = !a->ns &&
		             (strcmp(name, "ID") == 0 || strcmp(name, "Id") == 0 ||
		              strcmp(name, "AssertionID") == 0 || strcmp(name, "ResponseID") == 0);
		if (xml_id || plain)
			add_id(w, v ? v : "");
	}
}

static void visit(struct walk *w, const xmlNode *n)
{
	collect_ids(w, n);
	if (saml_xml_is(n, SAML_NS_ASSERTION, "Assertion") ||
	    saml_xml_is(n, SAML_NS_ASSERTION, "EncryptedAssertion"))
		w->nassertions++;
	if (!saml_xml_is(n, SAML_NS_DSIG, "Signature"))
		return;
	for (size_t i = 0; i < MAX_ALLOWED; i++)
		if (w->allowed_sig_parent[i] && n->parent == w->allowed_sig_parent[i])
			return;
	if (!w->stray_signature)
		w->stray_parent = n->parent ? (const char *)n->parent->name : "?";
	w->stray_signature = true;
}

/* Pre-order walk over the elements of the subtree at top (no recursion). */
static void walk_tree(struct walk *w, const xmlNode *top)
{
	const xmlNode *n = top;
	while (n) {
		if (n->type == XML_ELEMENT_NODE)
			visit(w, n);
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n != top && !n->next)
			n = n->parent;
		n = n == top ? NULL : n->next;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reports the walk's findings; returns true when it found nothing wrong. */
static bool report_walk(struct walk *w, size_t max_assertions, struct saml_problems *p)
{
	size_t before = p->n;
	if (w->nassertions > max_assertions)
		saml_problem_add(
		        p, "multiple_assertions",
		        "the message holds %zu assertions; exactly one is accepted, as a direct child of the Response (signature wrapping)",
		        w->nassertions);
	if (w->stray_signature)
		saml_problem_add(
		        p, "unexpected_signature",
		        "a signature inside <%.40s> covers nothing we read; signatures may only sign the Response or its Assertion",
		        w->stray_parent);
	if (w->nids > 1)
		qsort(w->ids, w->nids, sizeof(*w->ids), cmp_str);
	for (size_t i = 1; i < w->nids; i++) {
		if (strcmp(w->ids[i - 1], w->ids[i]) == 0) {
			saml_problem_add(
			        p, "duplicate_id",
			        "two elements share the ID \"%.80s\"; a reference to it would be ambiguous",
			        w->ids[i]);
			break;
		}
	}
	free(w->ids);
	w->ids = NULL;
	return p->n == before;
}

/* The one Signature child of parent, which must reference "#" + parent's ID. */
static bool check_signature(const xmlNode *parent, xmlNode **sig_out, struct saml_problems *p)
{
	const char *what = (const char *)parent->name;
	*sig_out = saml_xml_child(parent, SAML_NS_DSIG, "Signature");
	if (!*sig_out)
		return true;
	if (saml_xml_count_children(parent, SAML_NS_DSIG, "Signature") > 1) {
		saml_problem_add(p, "multiple_signatures", "the %s carries more than one signature",
		                 what);
		return false;
	}
	const char *id = saml_xml_attr(parent, "ID");
	xmlNode *si = saml_xml_child(*sig_out, SAML_NS_DSIG, "SignedInfo");
	xmlNode *ref = saml_xml_child(si, SAML_NS_DSIG, "Reference");
	const char *uri = saml_xml_attr(ref, "URI");
	if (!id || !*id || !ref || saml_xml_count_children(si, SAML_NS_DSIG, "Reference") != 1 ||
	    !uri || uri[0] != '#' || strcmp(uri + 1, id) != 0) {
		saml_problem_add(
		        p, "signature_reference_mismatch",
		        "the %s's signature covers \"%.80s\", not the %s itself (ID \"%.80s\")",
		        what, uri ? uri : "(nothing)", what, id ? id : "");
		return false;
	}
	return true;
}

static void read_status(struct saml_structure *s)
{
	xmlNode *st = saml_xml_child(s->response, SAML_NS_PROTOCOL, "Status");
	xmlNode *c1 = saml_xml_child(st, SAML_NS_PROTOCOL, "StatusCode");
	xmlNode *c2 = saml_xml_child(c1, SAML_NS_PROTOCOL, "StatusCode");
	xmlNode *msg = saml_xml_child(st, SAML_NS_PROTOCOL, "StatusMessage");
	s->status = saml_xml_attr(c1, "Value");
	s->status2 = saml_xml_attr(c2, "Value");
	s->status_message = msg ? saml_xml_text(msg, true) : NULL;
}

/* The short name of a status URN ("...:status:Requester" -> "Requester"). */
static const char *status_name(const char *urn)
{
	const char *c = urn ? strrchr(urn, ':') : NULL;
	return c ? c + 1 : urn ? urn : "(none)";
}

static bool check_status(struct saml_structure *s, struct saml_problems *p)
{
	read_status(s);
	if (s->status && strcmp(s->status, STATUS_OK) == 0)
		return true;
	saml_problem_add(p, "status_not_success", "the IdP answered %s%s%s%s%.200s",
	                 status_name(s->status), s->status2 ? "/" : "",
	                 s->status2 ? status_name(s->status2) : "", s->status_message ? ": " : "",
	                 s->status_message ? s->status_message : "");
	return false;
}

/* Finds the one Assertion / EncryptedAssertion among the Response's children. */
static bool find_assertion(struct saml_structure *s, struct saml_problems *p)
{
	size_t plain = saml_xml_count_children(s->response, SAML_NS_ASSERTION, "Assertion");
	size_t enc = saml_xml_count_children(s->response, SAML_NS_ASSERTION, "EncryptedAssertion");
	if (plain + enc > 1) {
		saml_problem_add(p, "multiple_assertions",
		                 "the Response holds %zu assertions; exactly one is accepted",
		                 plain + enc);
		return false;
	}
	if (plain + enc == 0) {
		saml_problem_add(p, "no_assertion",
		                 "the Response holds no assertion as a direct child");
		return false;
	}
	s->assertion = saml_xml_child(s->response, SAML_NS_ASSERTION, "Assertion");
	s->encrypted = saml_xml_child(s->response, SAML_NS_ASSERTION, "EncryptedAssertion");
	return true;
}

static bool check_version(const xmlNode *n, struct saml_problems *p)
{
	const char *v = saml_xml_attr(n, "Version");
	if (v && strcmp(v, "2.0") == 0)
		return true;
	saml_problem_add(p, "unsupported_version",
	                 "the %s has Version \"%.20s\"; SAML 2.0 is expected",
	                 (const char *)n->name, v ? v : "");
	return false;
}

bool saml_structure_check_response(struct saml_structure *out, xmlDoc *doc, struct saml_problems *p)
{
	struct walk w = { 0 };
	size_t before = p->n;

	memset(out, 0, sizeof(*out));
	out->response = xmlDocGetRootElement(doc);
	if (!saml_xml_is(out->response, SAML_NS_PROTOCOL, "Response")) {
		saml_problem_add(p, "not_a_response",
		                 "the message is a <%.40s>, not a samlp:Response",
		                 out->response ? (const char *)out->response->name : "");
		out->response = NULL;
		return false;
	}
	if (!check_version(out->response, p) || !check_status(out, p) || !find_assertion(out, p))
		return false;
	if (out->assertion && !check_version(out->assertion, p))
		return false;
	w.allowed_sig_parent[0] = out->response;
	w.allowed_sig_parent[1] = out->assertion;
	walk_tree(&w, out->response);
	if (!report_walk(&w, 1, p))
		return false;
	check_signature(out->response, &out->response_sig, p);
	if (out->assertion)
		check_signature(out->assertion, &out->assertion_sig, p);
	return p->n == before;
}

void saml_structure_release(struct saml_structure *s)
{
	if (s)
		free(s->status_message);
}

bool saml_structure_check_assertion(xmlNode *assertion, xmlNode **sig_out, struct saml_problems *p)
{
	struct walk w = { 0 };
	*sig_out = NULL;
	if (!saml_xml_is(assertion, SAML_NS_ASSERTION, "Assertion")) {
		saml_problem_add(p, "invalid_assertion",
		                 "the decrypted content is not a saml:Assertion");
		return false;
	}
	if (!check_version(assertion, p))
		return false;
	w.allowed_sig_parent[0] = assertion;
	walk_tree(&w, assertion);
	if (!report_walk(&w, 1, p))
		return false;
	return check_signature(assertion, sig_out, p);
}

/* --- algorithms -------------------------------------------------------------------- */

static bool in_list(const char *alg, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(alg, *list) == 0)
			return true;
	return false;
}

static const char *const c14n_algs[] = {
	"http://www.w3.org/2001/10/xml-exc-c14n#",
	"http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
	"http://www.w3.org/2006/12/xml-c14n11",
	NULL,
};
/* RSA only: lasso 2.8.1 enables no ECDSA transform (see cert.c). */
static const char *const sig_algs[] = {
	DSIG_MORE "rsa-sha256",
	DSIG_MORE "rsa-sha384",
	DSIG_MORE "rsa-sha512",
	NULL,
};
static const char *const sig_algs_sha1[] = { "http://www.w3.org/2000/09/xmldsig#rsa-sha1", NULL };
static const char *const digest_algs[] = {
	"http://www.w3.org/2001/04/xmlenc#sha256",
	DSIG_MORE "sha384",
	"http://www.w3.org/2001/04/xmlenc#sha512",
	NULL,
};
static const char *const digest_algs_sha1[] = { "http://www.w3.org/2000/09/xmldsig#sha1", NULL };
static const char *const transform_algs[] = {
	"http://www.w3.org/2000/09/xmldsig#enveloped-signature",
	"http://www.w3.org/2001/10/xml-exc-c14n#",
	"http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
	"http://www.w3.org/2006/12/xml-c14n11",
	NULL,
};

/* One algorithm against its allow-list (and the SHA-1 list when not allowed). */
static bool check_alg(const char *what, const char *alg, const char *const *ok,
                      const char *const *sha1, bool allow_sha1, struct saml_problems *p)
{
	if (alg && in_list(alg, ok))
		return true;
	if (alg && sha1 && in_list(alg, sha1)) {
		if (allow_sha1)
			return true;
		saml_problem_add(
		        p, "sha1_not_allowed",
		        "the %s uses SHA-1 (%s); enable SHA-1 for this connection only if the IdP cannot use SHA-256",
		        what, alg);
		return false;
	}
	saml_problem_add(p, "unsupported_algorithm", "the %s algorithm \"%.100s\" is not accepted",
	                 what, alg ? alg : "(none)");
	return false;
}

bool saml_structure_check_algorithms(const xmlNode *sig, bool allow_sha1, struct saml_problems *p)
{
	xmlNode *si = saml_xml_child(sig, SAML_NS_DSIG, "SignedInfo");
	xmlNode *ref = saml_xml_child(si, SAML_NS_DSIG, "Reference");
	xmlNode *tr = saml_xml_child(ref, SAML_NS_DSIG, "Transforms");
	bool ok =
	        check_alg("canonicalization",
	                  saml_xml_attr(saml_xml_child(si, SAML_NS_DSIG, "CanonicalizationMethod"),
	                                "Algorithm"),
	                  c14n_algs, NULL, allow_sha1, p);
	ok &= check_alg(
	        "signature",
	        saml_xml_attr(saml_xml_child(si, SAML_NS_DSIG, "SignatureMethod"), "Algorithm"),
	        sig_algs, sig_algs_sha1, allow_sha1, p);
	ok &= check_alg(
	        "digest",
	        saml_xml_attr(saml_xml_child(ref, SAML_NS_DSIG, "DigestMethod"), "Algorithm"),
	        digest_algs, digest_algs_sha1, allow_sha1, p);
	for (xmlNode *t = tr ? tr->children : NULL; t; t = t->next)
		if (saml_xml_is(t, SAML_NS_DSIG, "Transform"))
			ok &= check_alg("transform", saml_xml_attr(t, "Algorithm"), transform_algs,
			                NULL, allow_sha1, p);
	return ok;
}

static const char *const data_algs[] = {
	"http://www.w3.org/2001/04/xmlenc#aes128-cbc",
	"http://www.w3.org/2001/04/xmlenc#aes192-cbc",
	"http://www.w3.org/2001/04/xmlenc#aes256-cbc",
	"http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
	XMLENC11 "aes128-gcm",
	XMLENC11 "aes192-gcm",
	XMLENC11 "aes256-gcm",
	NULL,
};
static const char *const key_algs[] = {
	"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
	XMLENC11 "rsa-oaep",
	NULL,
};

/* An xenc element with an EncryptionMethod (Algorithm set) and CipherData/CipherValue. */
static bool enc_parts_ok(const xmlNode *n)
{
	xmlNode *m = saml_xml_child(n, SAML_NS_XENC, "EncryptionMethod");
	xmlNode *cd = saml_xml_child(n, SAML_NS_XENC, "CipherData");
	return m && saml_xml_attr(m, "Algorithm") &&
	       saml_xml_child(cd, SAML_NS_XENC, "CipherValue");
}

/*
 * The shape decryption (dsig.c) expects: one EncryptedData and at least one
 * EncryptedKey (inside its KeyInfo or beside it), each complete. (lasso 2.8.1, which
 * decrypted before dsig.c, leaked its copy of our private key when one of these was
 * missing, found by fuzzing; anything else is still refused before decryption.)
 */
static bool encrypted_shape_ok(const xmlNode *ea, struct saml_problems *p)
{
	xmlNode *ed = saml_xml_child(ea, SAML_NS_XENC, "EncryptedData");
	xmlNode *ki = saml_xml_child(ed, SAML_NS_DSIG, "KeyInfo");
	size_t nkeys = 0;
	bool ok =
	        saml_xml_count_children(ea, SAML_NS_XENC, "EncryptedData") == 1 && enc_parts_ok(ed);
	for (xmlNode *c = ea->children; ok && c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c == ed)
			continue;
		ok = saml_xml_is(c, SAML_NS_XENC, "EncryptedKey") && enc_parts_ok(c);
		nkeys++;
	}
	for (xmlNode *c = ki ? ki->children : NULL; ok && c; c = c->next) {
		if (!saml_xml_is(c, SAML_NS_XENC, "EncryptedKey"))
			continue;
		ok = enc_parts_ok(c);
		nkeys++;
	}
	if (ok && nkeys > 0)
		return true;
	saml_problem_add(
	        p, "invalid_encrypted_assertion",
	        "the EncryptedAssertion is malformed: it needs one EncryptedData with its method and cipher value, and an EncryptedKey");
	return false;
}

/* Every xenc:EncryptionMethod under the EncryptedAssertion, by what it encrypts. */
bool saml_structure_check_encryption(const xmlNode *encrypted, struct saml_problems *p)
{
	if (!encrypted_shape_ok(encrypted, p))
		return false;
	bool ok = true;
	const xmlNode *n = encrypted;
	while (n) {
		if (saml_xml_is(n, SAML_NS_XENC, "EncryptionMethod") && n->parent) {
			const char *alg = saml_xml_attr(n, "Algorithm");
			bool key = saml_xml_is(n->parent, SAML_NS_XENC, "EncryptedKey");
			if (key && alg &&
			    strcmp(alg, "http://www.w3.org/2001/04/xmlenc#rsa-1_5") == 0) {
				saml_problem_add(
				        p, "weak_key_transport",
				        "the assertion key is encrypted with RSA PKCS#1 v1.5 (rsa-1_5), which is open to padding-oracle attacks; configure the IdP for RSA-OAEP");
				ok = false;
			} else {
				ok &= check_alg(key ? "key transport" : "encryption", alg,
				                key ? key_algs : data_algs, NULL, false, p);
			}
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n != encrypted && !n->next)
			n = n->parent;
		n = n == encrypted ? NULL : n->next;
	}
	return ok;
}
