/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the checked values out of the XML (see view.h). SAML Core 2.3-2.7. */
#include "base/common.h"

#include "saml/view.h"

#include "saml/xml.h"

static void read_time(struct saml_view_time *t, const xmlNode *n, const char *attr)
{
	t->raw = saml_xml_attr(n, attr);
	t->present = t->raw != NULL;
	t->valid = t->present && saml_xml_parse_time(&t->at, t->raw) == 0;
}

static void read_issuer(char **out, const char **format, const xmlNode *parent)
{
	xmlNode *i = saml_xml_child(parent, SAML_NS_ASSERTION, "Issuer");
	*out = i ? saml_xml_text(i, true) : NULL;
	*format = saml_xml_attr(i, "Format");
}

static void read_conditions(struct saml_view *v, const xmlNode *a)
{
	xmlNode *c = saml_xml_child(a, SAML_NS_ASSERTION, "Conditions");
	v->has_conditions = c != NULL;
	read_time(&v->not_before, c, "NotBefore");
	read_time(&v->not_on_or_after, c, "NotOnOrAfter");
	for (xmlNode *k = c ? c->children : NULL; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (saml_xml_is(k, SAML_NS_ASSERTION, "OneTimeUse") ||
		    saml_xml_is(k, SAML_NS_ASSERTION, "ProxyRestriction"))
			continue; /* OneTimeUse: the replay cache; ProxyRestriction: we never proxy
			           */
		if (!saml_xml_is(k, SAML_NS_ASSERTION, "AudienceRestriction")) {
			if (!v->unknown_condition)
				v->unknown_condition = (const char *)k->name;
			continue;
		}
		for (xmlNode *au = k->children; au; au = au->next) {
			if (!saml_xml_is(au, SAML_NS_ASSERTION, "Audience") ||
			    v->naudiences == SAML_VIEW_MAX_AUDIENCES)
				continue;
			v->audiences[v->naudiences].value = saml_xml_text(au, true);
			v->audiences[v->naudiences++].restriction = v->nrestrictions;
		}
		v->nrestrictions++;
	}
}

static void read_subject(struct saml_view *v, const xmlNode *a)
{
	xmlNode *s = saml_xml_child(a, SAML_NS_ASSERTION, "Subject");
	v->has_subject = s != NULL;
	xmlNode *nid = saml_xml_child(s, SAML_NS_ASSERTION, "NameID");
	v->name_id = nid ? saml_xml_text(nid, true) : NULL;
	v->name_id_format = saml_xml_attr(nid, "Format");
	v->encrypted_id = saml_xml_child(s, SAML_NS_ASSERTION, "EncryptedID") != NULL;
	for (xmlNode *sc = s ? s->children : NULL; sc; sc = sc->next) {
		if (!saml_xml_is(sc, SAML_NS_ASSERTION, "SubjectConfirmation"))
			continue;
		if (v->nconfirmations++ >= SAML_VIEW_MAX_CONFIRMATIONS)
			continue;
		struct saml_view_confirmation *c = &v->confirmations[v->nconfirmations - 1];
		xmlNode *d = saml_xml_child(sc, SAML_NS_ASSERTION, "SubjectConfirmationData");
		c->method = saml_xml_attr(sc, "Method");
		c->recipient = saml_xml_attr(d, "Recipient");
		c->in_response_to = saml_xml_attr(d, "InResponseTo");
		read_time(&c->not_before, d, "NotBefore");
		read_time(&c->not_on_or_after, d, "NotOnOrAfter");
	}
}

static void read_authn(struct saml_view *v, const xmlNode *a)
{
	xmlNode *st = saml_xml_child(a, SAML_NS_ASSERTION, "AuthnStatement");
	v->has_authn_statement = st != NULL;
	v->session_index = saml_xml_attr(st, "SessionIndex");
	read_time(&v->session_not_on_or_after, st, "SessionNotOnOrAfter");
}

void saml_view_read(struct saml_view *v, const xmlNode *response, const xmlNode *assertion)
{
	memset(v, 0, sizeof(*v));
	if (response) {
		v->destination = saml_xml_attr(response, "Destination");
		v->response_in_response_to = saml_xml_attr(response, "InResponseTo");
		read_issuer(&v->response_issuer, &v->response_issuer_format, response);
	}
	if (!assertion)
		return;
	v->assertion_id = saml_xml_attr(assertion, "ID");
	read_issuer(&v->assertion_issuer, &v->assertion_issuer_format, assertion);
	read_time(&v->issue_instant, assertion, "IssueInstant");
	read_conditions(v, assertion);
	read_subject(v, assertion);
	read_authn(v, assertion);
}

void saml_view_release(struct saml_view *v)
{
	if (!v)
		return;
	free(v->response_issuer);
	free(v->assertion_issuer);
	free(v->name_id);
	for (size_t i = 0; i < v->naudiences; i++)
		free(v->audiences[i].value);
	memset(v, 0, sizeof(*v));
}
