/* SPDX-License-Identifier: Apache-2.0 */
/* Reading InResponseTo ahead of validation (see peek.h). */
#include "base/common.h"

#include "saml/peek.h"

#include "saml/internal.h"
#include "saml/response.h"
#include "saml/xml.h"

static const char *from_assertion(const xmlNode *root)
{
	const xmlNode *a = saml_xml_child(root, SAML_NS_ASSERTION, "Assertion");
	const xmlNode *subject = saml_xml_child(a, SAML_NS_ASSERTION, "Subject");
	if (!subject)
		return NULL;
	for (xmlNode *c = subject->children; c; c = c->next) {
		if (!saml_xml_is(c, SAML_NS_ASSERTION, "SubjectConfirmation"))
			continue;
		const xmlNode *d = saml_xml_child(c, SAML_NS_ASSERTION, "SubjectConfirmationData");
		const char *v = d ? saml_xml_attr(d, "InResponseTo") : NULL;
		if (v)
			return v;
	}
	return NULL;
}

void saml_response_msg_in_response_to(char **out, const struct saml_response_msg *m)
{
	xmlDoc *doc = saml_response_msg_doc(m);
	*out = NULL;
	if (!doc)
		return;
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (saml_xml_is(root, SAML_NS_PROTOCOL, "Response")) {
		const char *v = saml_xml_attr(root, "InResponseTo");
		if (!v)
			v = from_assertion(root);
		if (v && *v && strlen(v) <= SAML_REQUEST_ID_MAX)
			*out = xstrdup(v);
	}
}

void saml_response_peek_in_response_to(char **out, const char *saml_response_b64, size_t len)
{
	struct saml_response_msg *m = saml_response_msg_parse(saml_response_b64, len);
	saml_response_msg_in_response_to(out, m);
	saml_response_msg_free(m);
}
