/* SPDX-License-Identifier: Apache-2.0 */
/* IdP metadata import (see idp_metadata.h). SAML Metadata 2.0, sections 2.3-2.4. */
#include "base/common.h"

#include "saml/idp_metadata.h"

#include "base/error.h"
#include "saml/deps.h"
#include "saml/xml.h"

#define BINDING_REDIRECT "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
#define BINDING_POST     "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
#define MAX_NESTING      8 /* EntitiesDescriptor inside EntitiesDescriptor */

/* The entities found so far that have a SAML 2.0 IDPSSODescriptor. */
struct idp_search {
	size_t n;
	xmlNode *entity;     /* the first one */
	xmlNode *descriptor; /* its IDPSSODescriptor */
	char others[200];    /* entity IDs of the next ones, for the error message */
};

static bool supports_saml2(const xmlNode *descriptor)
{
	const char *p = saml_xml_attr(descriptor, "protocolSupportEnumeration");
	return p && strstr(p, SAML_NS_PROTOCOL) != NULL;
}

static void search_entity(struct idp_search *s, xmlNode *entity)
{
	for (xmlNode *d = entity->children; d; d = d->next) {
		if (!saml_xml_is(d, SAML_NS_METADATA, "IDPSSODescriptor") || !supports_saml2(d))
			continue;
		if (s->n++ == 0) {
			s->entity = entity;
			s->descriptor = d;
		} else {
			const char *id = saml_xml_attr(entity, "entityID");
			size_t used = strlen(s->others);
			snprintf(s->others + used, sizeof(s->others) - used, "%s%s",
			         used ? ", " : "", id ? id : "(no entityID)");
		}
		return;
	}
}

static void search(struct idp_search *s, xmlNode *n, int depth)
{
	if (saml_xml_is(n, SAML_NS_METADATA, "EntityDescriptor")) {
		search_entity(s, n);
		return;
	}
	if (!saml_xml_is(n, SAML_NS_METADATA, "EntitiesDescriptor") || depth >= MAX_NESTING)
		return;
	for (xmlNode *c = n->children; c; c = c->next)
		search(s, c, depth + 1);
}

static bool is_web_url(const char *url)
{
	size_t n = strlen(url);
	if (n == 0 || n > SAML_URL_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == '"' || url[i] == '<' || url[i] == '>')
			return false;
	/* The browser is sent there: never javascript:, data: and the like. */
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

static int set_entity_id(struct saml_idp *out, const char *id)
{
	if (!id || !*id)
		return error_setc(ERR_INVALID, "no_entity_id", "the IdP has no entityID");
	if (strlen(id) > SAML_ENTITY_ID_MAX_LEN)
		return error_setc(ERR_INVALID, "invalid_metadata",
		                  "the IdP's entityID is longer than %d characters",
		                  SAML_ENTITY_ID_MAX_LEN);
	out->entity_id = xstrdup(id);
	return 0;
}

static int set_sso_url(struct saml_idp *out, const char *url, enum saml_binding binding)
{
	if (!is_web_url(url))
		return error_setc(ERR_INVALID, "invalid_sso_url",
		                  "the SSO URL must be an http(s) URL of at most %d characters",
		                  SAML_URL_MAX_LEN);
	out->sso_url = xstrdup(url);
	out->sso_binding = binding;
	return 0;
}

/* SingleSignOnService: HTTP-Redirect if offered, else HTTP-POST (SAML Bindings 3.4, 3.5). */
static int read_sso(struct saml_idp *out, const xmlNode *descriptor)
{
	const char *post = NULL;
	for (xmlNode *c = descriptor->children; c; c = c->next) {
		if (!saml_xml_is(c, SAML_NS_METADATA, "SingleSignOnService"))
			continue;
		const char *binding = saml_xml_attr(c, "Binding");
		const char *location = saml_xml_attr(c, "Location");
		if (!binding || !location)
			continue;
		if (strcmp(binding, BINDING_REDIRECT) == 0)
			return set_sso_url(out, location, SAML_BINDING_REDIRECT);
		if (strcmp(binding, BINDING_POST) == 0 && !post)
			post = location;
	}
	if (post)
		return set_sso_url(out, post, SAML_BINDING_POST);
	return error_setc(
	        ERR_INVALID, "no_sso_url",
	        "the IdP offers no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding");
}

static bool has_cert(const struct saml_idp *idp, const char *sha256)
{
	for (size_t i = 0; i < idp->ncerts; i++)
		if (strcmp(idp->certs[i].sha256, sha256) == 0)
			return true;
	return false;
}

/* Adds a certificate unless it is a duplicate. */
static int add_cert(struct saml_idp *out, struct saml_cert *c)
{
	if (has_cert(out, c->sha256)) {
		saml_cert_release(c);
		return 0;
	}
	if (out->ncerts == SAML_IDP_MAX_CERTS) {
		saml_cert_release(c);
		return error_setc(ERR_INVALID, "too_many_certificates",
		                  "the IdP lists more than %d signing certificates",
		                  SAML_IDP_MAX_CERTS);
	}
	out->certs[out->ncerts++] = *c;
	return 0;
}

static int read_key_descriptor(struct saml_idp *out, const xmlNode *kd)
{
	const char *use = saml_xml_attr(kd, "use");
	if (use && strcmp(use, "signing") != 0)
		return 0; /* "encryption": not for verifying; absent "use" means both */
	xmlNode *ki = saml_xml_child(kd, SAML_NS_DSIG, "KeyInfo");
	for (xmlNode *xd = ki ? ki->children : NULL; xd; xd = xd->next) {
		if (!saml_xml_is(xd, SAML_NS_DSIG, "X509Data"))
			continue;
		for (xmlNode *xc = xd->children; xc; xc = xc->next) {
			if (!saml_xml_is(xc, SAML_NS_DSIG, "X509Certificate"))
				continue;
			struct saml_cert c;
			char *b64 = saml_xml_text(xc, true);
			int rc = saml_cert_from_b64(&c, b64, strlen(b64));
			free(b64);
			if (rc == 0)
				rc = add_cert(out, &c);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int read_certs(struct saml_idp *out, const xmlNode *descriptor)
{
	for (xmlNode *c = descriptor->children; c; c = c->next) {
		if (!saml_xml_is(c, SAML_NS_METADATA, "KeyDescriptor"))
			continue;
		int rc = read_key_descriptor(out, c);
		if (rc != 0)
			return rc;
	}
	if (out->ncerts == 0)
		return error_setc(
		        ERR_INVALID, "no_signing_certificate",
		        "the IdP lists no signing certificate (KeyDescriptor use=\"signing\" with an X509Certificate)");
	return 0;
}

static void read_formats(struct saml_idp *out, const xmlNode *descriptor)
{
	for (xmlNode *c = descriptor->children; c; c = c->next) {
		if (!saml_xml_is(c, SAML_NS_METADATA, "NameIDFormat"))
			continue;
		char *f = saml_xml_text(c, true);
		bool dup = !*f;
		for (size_t i = 0; i < out->nformats && !dup; i++)
			dup = strcmp(out->nameid_formats[i], f) == 0;
		if (dup || out->nformats == SAML_IDP_MAX_NAMEID_FORMATS || strlen(f) > 256)
			free(f);
		else
			out->nameid_formats[out->nformats++] = f;
	}
}

static int read_idp(struct saml_idp *out, const struct idp_search *s)
{
	int rc = set_entity_id(out, saml_xml_attr(s->entity, "entityID"));
	if (rc == 0)
		rc = read_sso(out, s->descriptor);
	if (rc == 0)
		rc = read_certs(out, s->descriptor);
	if (rc != 0)
		return rc;
	read_formats(out, s->descriptor);
	const char *want = saml_xml_attr(s->descriptor, "WantAuthnRequestsSigned");
	out->want_authn_requests_signed = want && (!strcmp(want, "true") || !strcmp(want, "1"));
	return 0;
}

static int find_idp(struct idp_search *s, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!saml_xml_is(root, SAML_NS_METADATA, "EntityDescriptor") &&
	    !saml_xml_is(root, SAML_NS_METADATA, "EntitiesDescriptor"))
		return error_setc(
		        ERR_INVALID, "invalid_metadata",
		        "this is not SAML metadata: the document is a <%.40s>, not an EntityDescriptor",
		        (const char *)root->name);
	search(s, root, 0);
	const char *first = s->n ? saml_xml_attr(s->entity, "entityID") : NULL;
	if (s->n == 0)
		return error_setc(
		        ERR_INVALID, "no_idp",
		        "the metadata describes no SAML 2.0 identity provider (no IDPSSODescriptor)");
	if (s->n > 1)
		return error_setc(
		        ERR_INVALID, "multiple_idps",
		        "the metadata describes %zu identity providers (%s, %s); paste the metadata of one",
		        s->n, first ? first : "(no entityID)", s->others);
	return 0;
}

int saml_idp_metadata_parse(struct saml_idp *out, const char *xml, size_t len)
{
	enum saml_xml_status st;
	struct idp_search s = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > SAML_METADATA_MAX_BYTES)
		return error_setc(ERR_TOO_LARGE, "too_large",
		                  "the metadata is larger than %u bytes", SAML_METADATA_MAX_BYTES);
	xmlDoc *doc = saml_xml_parse(xml, len, &st);
	if (st == SAML_XML_DTD)
		return error_setc(
		        ERR_INVALID, "dtd_forbidden",
		        "the metadata has a DOCTYPE; documents with DTDs or entities are refused");
	if (!doc)
		return error_setc(ERR_INVALID, "invalid_metadata",
		                  "the metadata is not well-formed XML");
	rc = find_idp(&s, doc);
	if (rc == 0)
		rc = read_idp(out, &s);
	xmlFreeDoc(doc);
	if (rc != 0)
		saml_idp_metadata_release(out);
	return rc;
}

int saml_idp_metadata_from_parts(struct saml_idp *out, const char *entity_id, const char *sso_url,
                                 const char *const *cert_pems, size_t ncerts)
{
	int rc;
	memset(out, 0, sizeof(*out));
	rc = set_entity_id(out, entity_id);
	if (rc == 0)
		rc = set_sso_url(out, sso_url ? sso_url : "", SAML_BINDING_REDIRECT);
	for (size_t i = 0; rc == 0 && i < ncerts; i++) {
		struct saml_cert c;
		rc = saml_cert_from_pem(&c, cert_pems[i] ? cert_pems[i] : "");
		if (rc == 0)
			rc = add_cert(out, &c);
	}
	if (rc == 0 && out->ncerts == 0)
		rc = error_setc(ERR_INVALID, "no_signing_certificate",
		                "at least one signing certificate of the IdP is needed");
	if (rc != 0)
		saml_idp_metadata_release(out);
	return rc;
}

void saml_idp_metadata_copy(struct saml_idp *out, const struct saml_idp *in)
{
	memset(out, 0, sizeof(*out));
	out->entity_id = xstrdup(in->entity_id);
	out->sso_url = xstrdup(in->sso_url);
	out->sso_binding = in->sso_binding;
	out->want_authn_requests_signed = in->want_authn_requests_signed;
	for (size_t i = 0; i < in->ncerts; i++)
		saml_cert_copy(&out->certs[i], &in->certs[i]);
	out->ncerts = in->ncerts;
	for (size_t i = 0; i < in->nformats; i++)
		out->nameid_formats[i] = xstrdup(in->nameid_formats[i]);
	out->nformats = in->nformats;
}

void saml_idp_metadata_release(struct saml_idp *idp)
{
	if (!idp)
		return;
	free(idp->entity_id);
	free(idp->sso_url);
	for (size_t i = 0; i < idp->ncerts; i++)
		saml_cert_release(&idp->certs[i]);
	for (size_t i = 0; i < idp->nformats; i++)
		free(idp->nameid_formats[i]);
	memset(idp, 0, sizeof(*idp));
}
