/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The post-validation rules lasso does not apply (STACK.md pitfall 1), one named
 * function per check in the shape of mod_auth_mellon's am_validate_*: each reads a
 * saml_view and the connection's expectations, and appends problems in plain words
 * with a stable code. Pure functions of their inputs (time included), so each one
 * has its own unit tests (rules_test.c).
 *
 * Time windows (SAML Core 2.5.1.2, 2.4.1.2) allow max_skew_s either way:
 *   valid while NotBefore - skew <= now < NotOnOrAfter + skew.
 */
#ifndef GATEHOUSE_SAML_RULES_H
#define GATEHOUSE_SAML_RULES_H

#include "saml/problem.h"
#include "saml/view.h"

#define SAML_CM_BEARER "urn:oasis:names:tc:SAML:2.0:cm:bearer"

struct saml_rules_input {
	const char *sp_entity_id;
	const char *acs_url;
	const char *idp_entity_id;
	const char *expected_in_response_to; /* NULL: no request is pending (IdP-initiated) */
	bool allow_idp_initiated;
	int64_t max_skew_s;
	int64_t now;
};

/* Issuer of the Response (when present) and of the Assertion == the IdP: wrong_issuer. */
void saml_rules_issuer(const struct saml_view *v, const struct saml_rules_input *in,
                       struct saml_problems *p);
/* Every AudienceRestriction names our SP entity ID: wrong_audience. Unknown conditions:
 * unknown_condition (SAML Core 2.5.1: a condition not understood makes it invalid). */
void saml_rules_audience(const struct saml_view *v, const struct saml_rules_input *in,
                         struct saml_problems *p);
/* Response Destination, when present, is our ACS URL: wrong_destination. */
void saml_rules_destination(const struct saml_view *v, const struct saml_rules_input *in,
                            struct saml_problems *p);
/* A bearer SubjectConfirmation for our ACS, not expired: no_bearer_confirmation,
 * wrong_recipient, missing_not_on_or_after, expired, invalid_time. */
void saml_rules_bearer(const struct saml_view *v, const struct saml_rules_input *in,
                       struct saml_problems *p);
/* InResponseTo of the Response and of the bearer confirmation against the request we
 * sent: in_response_to_mismatch, unsolicited_response. */
void saml_rules_in_response_to(const struct saml_view *v, const struct saml_rules_input *in,
                               struct saml_problems *p);
/* Conditions NotBefore / NotOnOrAfter: not_yet_valid, expired; IssueInstant ahead of
 * our clock by more than the skew: clock_skew (with the measured offset). */
void saml_rules_time(const struct saml_view *v, const struct saml_rules_input *in,
                     struct saml_problems *p);
/* A Subject with a usable NameID: missing_name_id, invalid_name_id. */
void saml_rules_subject(const struct saml_view *v, const struct saml_rules_input *in,
                        struct saml_problems *p);
/* An AuthnStatement (Profiles 4.1.4.2): missing_authn_statement. */
void saml_rules_authn_statement(const struct saml_view *v, const struct saml_rules_input *in,
                                struct saml_problems *p);
/* All of the above, in this order. */
void saml_rules_check_all(const struct saml_view *v, const struct saml_rules_input *in,
                          struct saml_problems *p);

/* The bearer confirmation the rules judge: the first whose Recipient is our ACS URL,
 * else the first bearer one, else NULL. */
const struct saml_view_confirmation *saml_rules_pick_bearer(const struct saml_view *v,
                                                            const struct saml_rules_input *in);

#endif
