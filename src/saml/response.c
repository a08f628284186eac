/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACS validation (see response.h): our shape checks, xmlsec for signatures and
 * decryption (dsig.h), our rules, and the result.
 *
 * Which element is read: for a plain assertion, the saml:Assertion child of our own
 * parse, the very element whose signature xmlsec verified on that same tree (the
 * reference must resolve to it). For an encrypted assertion, the root of the
 * document its decryption produced, verified there after decryption; the Response's
 * signature, which covers the cipher text, is verified before anything is decrypted.
 */
#include "base/common.h"

#include "saml/response.h"

#include "base/error.h"
#include "saml/b64.h"
#include "saml/dsig.h"
#include "saml/internal.h"
#include "saml/rules.h"
#include "saml/structure.h"
#include "saml/view.h"
#include "saml/xml.h"

/* One validation's working state. */
struct run {
	struct saml_sp_ctx *ctx;
	const struct saml_sp_config *sp;
	const struct saml_idp *idp;
	struct saml_assertion_result *out;
	struct saml_problems *p;
	const struct saml_response_msg *msg;
	xmlDoc *doc; /* borrowed from msg */
	struct saml_structure st;
	xmlDoc *decrypted;      /* the decrypted assertion's document, or NULL; owned */
	xmlNode *assertion;     /* the element we read */
	xmlNode *assertion_sig; /* its ds:Signature, or NULL */
	bool response_sig_bad;  /* the Response's signature does not verify */
	bool assertion_sig_bad; /* the assertion's signature does not verify */
	struct saml_view view;
};

/* A SAMLResponse decoded and parsed once (see response.h). */
struct saml_response_msg {
	enum { MSG_OK, MSG_TOO_LARGE, MSG_BASE64, MSG_DTD, MSG_XML } status;
	size_t b64_len;
	unsigned char *xml;
	size_t xml_len;
	xmlDoc *doc; /* NULL unless status is MSG_OK */
};

struct saml_response_msg *saml_response_msg_parse(const char *b64, size_t len)
{
	struct saml_response_msg *m = xcalloc(1, sizeof(*m));
	enum saml_xml_status st;
	m->b64_len = len;
	if (len > SAML_RESPONSE_MAX_B64) {
		m->status = MSG_TOO_LARGE;
		return m;
	}
	if (saml_b64_decode(&m->xml, &m->xml_len, b64, len) != 0) {
		m->status = MSG_BASE64;
		return m;
	}
	m->doc = saml_xml_parse((const char *)m->xml, m->xml_len, &st);
	m->status = m->doc ? MSG_OK : st == SAML_XML_DTD ? MSG_DTD : MSG_XML;
	return m;
}

xmlDoc *saml_response_msg_doc(const struct saml_response_msg *m)
{
	return m ? m->doc : NULL;
}

void saml_response_msg_free(struct saml_response_msg *m)
{
	if (!m)
		return;
	xmlFreeDoc(m->doc);
	free(m->xml);
	free(m);
}

/* Step 1: size, base64, XML (done by saml_response_msg_parse; its verdict reported here). */
static bool decode_and_parse(struct run *r)
{
	const struct saml_response_msg *m = r->msg;
	r->doc = m->doc;
	switch (m->status) {
	case MSG_OK:
		return true;
	case MSG_TOO_LARGE:
		saml_problem_add(r->p, "too_large",
		                 "the SAMLResponse is %zu bytes; the limit is %u", m->b64_len,
		                 SAML_RESPONSE_MAX_B64);
		break;
	case MSG_BASE64:
		saml_problem_add(r->p, "invalid_base64", "the SAMLResponse is not valid base64");
		break;
	case MSG_DTD:
		saml_problem_add(
		        r->p, "dtd_forbidden",
		        "the message has a DOCTYPE; DTDs and entities are refused (XXE, entity expansion)");
		break;
	case MSG_XML:
		saml_problem_add(r->p, "invalid_xml", "the SAMLResponse is not well-formed XML");
		break;
	}
	return false;
}

/* Step 2: shape and algorithms. SHA-1 is reported but does not stop the checks. */
static bool check_shape(struct run *r)
{
	if (!saml_structure_check_response(&r->st, r->doc, r->p))
		return false;
	bool ok = true, sha1 = r->sp->allow_sha1;
	if (r->st.response_sig)
		ok &= saml_structure_check_algorithms(r->st.response_sig, sha1, r->p);
	if (r->st.assertion_sig)
		ok &= saml_structure_check_algorithms(r->st.assertion_sig, sha1, r->p);
	if (r->st.encrypted)
		ok &= saml_structure_check_encryption(r->st.encrypted, r->p);
	if (ok)
		return true;
	/* Never hand xmlsec an algorithm outside the list, nor RSA-1.5 to decrypt. */
	for (size_t i = 0; i < r->p->n; i++)
		if (strcmp(r->p->items[i].code, "sha1_not_allowed") != 0)
			return false;
	return true;
}

/* The SHA-256 of the certificate in a signature's KeyInfo, if it has one. */
static bool signer_fingerprint(const xmlNode *sig, char fp[SAML_CERT_FP_LEN])
{
	xmlNode *ki = saml_xml_child(sig, SAML_NS_DSIG, "KeyInfo");
	xmlNode *xd = saml_xml_child(ki, SAML_NS_DSIG, "X509Data");
	xmlNode *xc = saml_xml_child(xd, SAML_NS_DSIG, "X509Certificate");
	unsigned char *der = NULL;
	size_t n = 0;
	if (!xc)
		return false;
	char *b64 = saml_xml_text(xc, true);
	bool ok = saml_b64_decode(&der, &n, b64, strlen(b64)) == 0;
	if (ok)
		saml_cert_fingerprint(fp, der, n);
	free(b64);
	free(der);
	return ok;
}

static bool is_pinned(const struct saml_idp *idp, const char *fp)
{
	for (size_t i = 0; i < idp->ncerts; i++)
		if (strcmp(idp->certs[i].sha256, fp) == 0)
			return true;
	return false;
}

static void report_bad_signature(struct run *r, const xmlNode *sig, const char *what)
{
	char fp[SAML_CERT_FP_LEN];
	if (sig && signer_fingerprint(sig, fp) && !is_pinned(r->idp, fp))
		saml_problem_add(
		        r->p, "unknown_certificate",
		        "the %s is signed with a certificate this connection does not trust (SHA-256 %s); trusted: %s%s",
		        what, fp, r->idp->certs[0].sha256, r->idp->ncerts > 1 ? " and others" : "");
	else
		saml_problem_add(
		        r->p, "signature_invalid",
		        "the %s's signature does not verify with the IdP's certificate: the message was changed after signing, or signed with another key",
		        what);
}

/* The index of the pinned certificate a signature's KeyInfo names, or -1. */
static int named_key(const struct saml_idp *idp, const xmlNode *sig)
{
	char fp[SAML_CERT_FP_LEN];
	if (!signer_fingerprint(sig, fp))
		return -1;
	for (size_t i = 0; i < idp->ncerts; i++)
		if (strcmp(idp->certs[i].sha256, fp) == 0)
			return (int)i;
	return -1;
}

/* Does sig, the signature of node, verify with a pinned key and cover node? */
static bool verify(struct run *r, xmlNode *node, xmlNode *sig)
{
	return saml_dsig_verify(saml_sp_ctx_keys(r->ctx), node, sig, r->sp->allow_sha1,
	                        named_key(r->idp, sig));
}

/* Step 3a: the Response's signature, before anything is decrypted (it covers the cipher). */
static void verify_response(struct run *r)
{
	if (r->st.response_sig)
		r->response_sig_bad = !verify(r, r->st.response, r->st.response_sig);
}

/* Step 3b: picks the element to read (decrypting it), and verifies its signature. */
static bool pick_assertion(struct run *r)
{
	if (r->st.assertion) {
		r->assertion = r->st.assertion;
		r->assertion_sig = r->st.assertion_sig;
	} else {
		r->decrypted = saml_dsig_decrypt(saml_sp_ctx_keys(r->ctx), r->st.encrypted);
		r->assertion = xmlDocGetRootElement(r->decrypted);
		if (!r->assertion) {
			saml_problem_add(
			        r->p, "decryption_failed",
			        "the assertion could not be decrypted with this connection's encryption key; the IdP may hold an old SP certificate");
			return false;
		}
		if (!saml_structure_check_assertion(r->assertion, &r->assertion_sig, r->p))
			return false;
		if (r->assertion_sig &&
		    !saml_structure_check_algorithms(r->assertion_sig, r->sp->allow_sha1, r->p))
			return false;
	}
	if (r->assertion_sig)
		r->assertion_sig_bad = !verify(r, r->assertion, r->assertion_sig);
	return true;
}

/* Step 4a: who signed what, and our signing policy. */
static void judge_signatures(struct run *r)
{
	bool rs = r->st.response_sig != NULL, as = r->assertion_sig != NULL;
	r->out->response_signed = rs;
	r->out->assertion_signed = as;
	r->out->encrypted = r->st.encrypted != NULL;
	if (!rs && !as) {
		saml_problem_add(
		        r->p, "unsigned_assertion", "%s",
		        r->st.encrypted
		                ? "the encrypted assertion is not signed, nor is the Response; encryption does not prove who wrote it"
		                : "neither the Response nor the assertion is signed");
		return;
	}
	if (r->sp->require_signed_response && !rs)
		saml_problem_add(
		        r->p, "unsigned_response",
		        "this connection requires the Response itself to be signed; only the assertion is");
	if (r->sp->want_encrypted_assertions && !r->st.encrypted)
		saml_problem_add(
		        r->p, "unencrypted_assertion",
		        "this connection requires encrypted assertions; the IdP sent it in clear");
	/* With SHA-1 refused, xmlsec could not check the signature: no verdict to give. */
	if (saml_problem_has(r->p, "sha1_not_allowed"))
		return;
	if (r->response_sig_bad)
		report_bad_signature(r, r->st.response_sig, "Response");
	else if (r->assertion_sig_bad)
		report_bad_signature(r, r->assertion_sig, "assertion");
}

static void add_value(struct saml_attribute *a, const xmlNode *v)
{
	const char *nil = NULL;
	for (const xmlAttr *x = v->properties; x; x = x->next)
		if (x->ns && x->ns->href &&
		    !strcmp((const char *)x->ns->href,
		            "http://www.w3.org/2001/XMLSchema-instance") &&
		    !strcmp((const char *)x->name, "nil") && x->children)
			nil = (const char *)x->children->content;
	if (nil && (!strcmp(nil, "true") || !strcmp(nil, "1")))
		return;
	a->values = xrealloc(a->values, (a->nvalues + 1) * sizeof(*a->values));
	a->values[a->nvalues++] = saml_xml_text(v, false);
}

static struct saml_attribute *attribute_slot(struct saml_assertion_result *o, const xmlNode *at)
{
	const char *name = saml_xml_attr(at, "Name");
	for (size_t i = 0; i < o->nattributes; i++)
		if (strcmp(o->attributes[i].name, name) == 0)
			return &o->attributes[i];
	if (o->nattributes == SAML_MAX_ATTRIBUTES)
		return NULL;
	o->attributes = xrealloc(o->attributes, (o->nattributes + 1) * sizeof(*o->attributes));
	struct saml_attribute *a = &o->attributes[o->nattributes++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	const char *friendly = saml_xml_attr(at, "FriendlyName");
	a->friendly_name = friendly ? xstrdup(friendly) : NULL;
	return a;
}

/* AttributeStatement/Attribute/AttributeValue, same Name merged. */
static void read_attributes(struct run *r)
{
	for (xmlNode *st = r->assertion->children; st; st = st->next) {
		if (!saml_xml_is(st, SAML_NS_ASSERTION, "AttributeStatement"))
			continue;
		for (xmlNode *at = st->children; at; at = at->next) {
			if (!saml_xml_is(at, SAML_NS_ASSERTION, "Attribute") ||
			    !saml_xml_attr(at, "Name"))
				continue;
			struct saml_attribute *a = attribute_slot(r->out, at);
			for (xmlNode *v = at->children; a && v; v = v->next)
				if (saml_xml_is(v, SAML_NS_ASSERTION, "AttributeValue") &&
				    a->nvalues < SAML_MAX_ATTRIBUTE_VALUES)
					add_value(a, v);
			if (!a || saml_xml_count_children(at, SAML_NS_ASSERTION, "AttributeValue") >
			                  SAML_MAX_ATTRIBUTE_VALUES) {
				saml_problem_add(
				        r->p, "too_many_attributes",
				        "the assertion carries more than %d attributes or values per attribute",
				        SAML_MAX_ATTRIBUTES);
				return;
			}
		}
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Earliest and latest NotOnOrAfter among the Conditions and the bearer confirmation. */
static void fill_times(struct run *r, const struct saml_view_confirmation *c)
{
	const struct saml_view *v = &r->view;
	const struct saml_view_time *t[2] = { &v->not_on_or_after, c ? &c->not_on_or_after : NULL };
	int64_t lo = 0, hi = 0;
	for (size_t i = 0; i < 2; i++) {
		if (!t[i] || !t[i]->valid)
			continue;
		lo = lo && lo < t[i]->at ? lo : t[i]->at;
		hi = hi > t[i]->at ? hi : t[i]->at;
	}
	r->out->issue_instant_at = v->issue_instant.valid ? v->issue_instant.at : 0;
	r->out->not_on_or_after_at = lo;
	r->out->replay_until_at = hi ? hi + r->sp->max_skew_s : 0;
	r->out->session_not_on_or_after_at =
	        v->session_not_on_or_after.valid ? v->session_not_on_or_after.at : 0;
}

/* Step 4b: read the values and apply the rules. */
static void check_rules(struct run *r, const char *expected_irt, int64_t now)
{
	struct saml_rules_input in = {
		.sp_entity_id = r->sp->entity_id,
		.acs_url = r->sp->acs_url,
		.idp_entity_id = r->idp->entity_id,
		.expected_in_response_to = expected_irt,
		.allow_idp_initiated = r->sp->allow_idp_initiated,
		.max_skew_s = r->sp->max_skew_s,
		.now = now,
	};
	saml_view_read(&r->view, r->st.response, r->assertion);
	saml_rules_check_all(&r->view, &in, r->p);
	/* Optional in SAML Core 3.2.2, but required here: one more value the IdP must get
	 * right (the rules compare it with the connection's IdP entity ID), and every
	 * common IdP sends one. */
	if (!r->view.response_issuer)
		saml_problem_add(
		        r->p, "missing_issuer",
		        "the Response has no Issuer; gatehouse requires one naming the IdP's entity ID (every common IdP sends one)");
	const struct saml_view_confirmation *c = saml_rules_pick_bearer(&r->view, &in);
	struct saml_assertion_result *o = r->out;
	o->idp_entity_id = dup_or_null(r->view.assertion_issuer);
	o->name_id = dup_or_null(r->view.name_id);
	o->name_id_format = dup_or_null(r->view.name_id_format);
	o->session_index = dup_or_null(r->view.session_index);
	o->assertion_id = dup_or_null(r->view.assertion_id);
	o->in_response_to = dup_or_null(c && c->in_response_to ? c->in_response_to
	                                                       : r->view.response_in_response_to);
	fill_times(r, c);
	read_attributes(r);
}

static int finish(struct run *r)
{
	r->out->ok = r->p->n == 0;
	saml_view_release(&r->view);
	saml_structure_release(&r->st);
	xmlFreeDoc(r->decrypted);
	if (r->out->ok)
		return 0;
	const struct saml_problem *first = &r->p->items[0];
	return error_setc(strcmp(first->code, "too_large") == 0 ? ERR_TOO_LARGE : ERR_INVALID,
	                  first->code, "%s", first->detail);
}

int saml_response_validate_msg(struct saml_assertion_result *out, struct saml_sp_ctx *ctx,
                               const struct saml_response_msg *msg,
                               const char *expected_in_response_to, int64_t now)
{
	struct run r = {
		.ctx = ctx,
		.sp = saml_sp_ctx_sp(ctx),
		.idp = saml_sp_ctx_idp(ctx),
		.out = out,
		.p = &out->problems,
		.msg = msg,
	};
	memset(out, 0, sizeof(*out));
	if (!decode_and_parse(&r) || !check_shape(&r))
		return finish(&r);
	verify_response(&r);
	if (r.st.encrypted && r.response_sig_bad) {
		judge_signatures(&r); /* nothing is decrypted under a bad signature */
		return finish(&r);
	}
	if (!pick_assertion(&r))
		return finish(&r);
	judge_signatures(&r);
	check_rules(&r, expected_in_response_to, now);
	return finish(&r);
}

int saml_response_validate_ctx(struct saml_assertion_result *out, struct saml_sp_ctx *ctx,
                               const char *saml_response_b64, size_t len,
                               const char *expected_in_response_to, int64_t now)
{
	struct saml_response_msg *m = saml_response_msg_parse(saml_response_b64, len);
	int rc = saml_response_validate_msg(out, ctx, m, expected_in_response_to, now);
	saml_response_msg_free(m);
	return rc;
}

int saml_response_validate(struct saml_assertion_result *out, const struct saml_sp_config *sp,
                           const struct saml_idp *idp, const char *saml_response_b64, size_t len,
                           const char *expected_in_response_to, int64_t now)
{
	struct saml_sp_ctx *ctx = NULL;
	memset(out, 0, sizeof(*out));
	int rc = saml_sp_ctx_new(&ctx, sp, idp);
	if (rc != 0)
		return rc;
	rc = saml_response_validate_ctx(out, ctx, saml_response_b64, len, expected_in_response_to,
	                                now);
	saml_sp_ctx_unref(ctx);
	return rc;
}

const struct saml_attribute *saml_response_attribute(const struct saml_assertion_result *r,
                                                     const char *name)
{
	for (size_t i = 0; i < r->nattributes; i++)
		if (strcmp(r->attributes[i].name, name) == 0)
			return &r->attributes[i];
	return NULL;
}

void saml_response_result_release(struct saml_assertion_result *r)
{
	if (!r)
		return;
	free(r->idp_entity_id);
	free(r->name_id);
	free(r->name_id_format);
	free(r->session_index);
	free(r->assertion_id);
	free(r->in_response_to);
	for (size_t i = 0; i < r->nattributes; i++) {
		free(r->attributes[i].name);
		free(r->attributes[i].friendly_name);
		for (size_t j = 0; j < r->attributes[i].nvalues; j++)
			free(r->attributes[i].values[j]);
		free(r->attributes[i].values);
	}
	free(r->attributes);
	memset(r, 0, sizeof(*r));
}
