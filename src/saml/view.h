/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The values of a Response and of its consumed Assertion that the rules check, read
 * once into plain C data. Separating the reading (XML, here) from the judging
 * (rules.h) lets every rule be tested with a hand-made view.
 *
 * Text content is read with concatenation (saml_xml_text), so a comment inside a
 * NameID cannot cut it short. Attribute values are borrowed from the tree: a view
 * lives no longer than the documents it was read from.
 */
#ifndef GATEHOUSE_SAML_VIEW_H
#define GATEHOUSE_SAML_VIEW_H

#include <libxml/tree.h>

#define SAML_VIEW_MAX_CONFIRMATIONS 4
#define SAML_VIEW_MAX_AUDIENCES     16

struct saml_view_time {
	bool present;
	bool valid; /* parsed as an xs:dateTime */
	int64_t at;
	const char *raw;
};

struct saml_view_confirmation {
	const char *method;
	const char *recipient;
	const char *in_response_to;
	struct saml_view_time not_before; /* must be absent for bearer (Profiles 4.1.4.2) */
	struct saml_view_time not_on_or_after;
};

struct saml_view_audience {
	char *value;
	size_t restriction; /* index of its AudienceRestriction */
};

struct saml_view {
	/* Response */
	const char *destination;
	const char *response_in_response_to;
	char *response_issuer; /* NULL when absent */
	const char *response_issuer_format;
	/* Assertion */
	const char *assertion_id;
	char *assertion_issuer; /* NULL when absent */
	const char *assertion_issuer_format;
	struct saml_view_time issue_instant;
	bool has_conditions;
	struct saml_view_time not_before, not_on_or_after;
	size_t nrestrictions, naudiences;
	struct saml_view_audience audiences[SAML_VIEW_MAX_AUDIENCES];
	const char *unknown_condition; /* a condition we do not understand, or NULL */
	size_t nconfirmations;         /* counted beyond the array's size too */
	struct saml_view_confirmation confirmations[SAML_VIEW_MAX_CONFIRMATIONS];
	bool has_subject;
	char *name_id; /* NULL when absent */
	const char *name_id_format;
	bool encrypted_id;
	bool has_authn_statement;
	const char *session_index;
	struct saml_view_time session_not_on_or_after;
};

/* Reads response (may be NULL) and assertion. Release with saml_view_release. */
void saml_view_read(struct saml_view *v, const xmlNode *response, const xmlNode *assertion);
void saml_view_release(struct saml_view *v);

#endif
