/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-validation rules (see rules.h). References: SAML Core 2.3-2.7 (assertions),
 * 3.2.2 (Response), Profiles 4.1.4.2-4.1.4.3 (Web Browser SSO), Bindings 3.5.5.2.
 */
#include "base/common.h"

#include "saml/rules.h"

#define ENTITY_FORMAT "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
#define NAME_ID_MAX   1024

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static void check_one_issuer(const char *what, const char *issuer, const char *format,
                             const struct saml_rules_input *in, struct saml_problems *p)
{
	if (format && strcmp(format, ENTITY_FORMAT) != 0)
		saml_problem_add(p, "wrong_issuer",
		                 "the %s Issuer has Format \"%.100s\"; an entity ID is expected",
		                 what, format);
	else if (!issuer || strcmp(issuer, in->idp_entity_id) != 0)
		saml_problem_add(
		        p, "wrong_issuer",
		        "the %s was issued by \"%.120s\", but this connection trusts the IdP \"%.120s\"",
		        what, or_none(issuer), in->idp_entity_id);
}

void saml_rules_issuer(const struct saml_view *v, const struct saml_rules_input *in,
                       struct saml_problems *p)
{
	/* SAML Core 3.2.2: the Response Issuer is optional; when present it must match. */
	if (v->response_issuer)
		check_one_issuer("Response", v->response_issuer, v->response_issuer_format, in, p);
	check_one_issuer("assertion", v->assertion_issuer, v->assertion_issuer_format, in, p);
}

void saml_rules_audience(const struct saml_view *v, const struct saml_rules_input *in,
                         struct saml_problems *p)
{
	if (v->unknown_condition)
		saml_problem_add(
		        p, "unknown_condition",
		        "the assertion carries a condition we do not understand (<%.60s>), so it cannot be accepted",
		        v->unknown_condition);
	if (v->nrestrictions == 0) {
		saml_problem_add(
		        p, "wrong_audience",
		        "the assertion names no audience; it must be restricted to this SP's entity ID \"%.150s\"",
		        in->sp_entity_id);
		return;
	}
	/* SAML Core 2.5.1.4: each AudienceRestriction must be satisfied on its own. */
	for (size_t r = 0; r < v->nrestrictions; r++) {
		const char *seen = NULL;
		bool ok = false;
		for (size_t i = 0; i < v->naudiences && !ok; i++) {
			if (v->audiences[i].restriction != r)
				continue;
			seen = seen ? seen : v->audiences[i].value;
			ok = strcmp(v->audiences[i].value, in->sp_entity_id) == 0;
		}
		if (!ok) {
			saml_problem_add(
			        p, "wrong_audience",
			        "the assertion is for the audience \"%.150s\", but this SP's entity ID is \"%.150s\"",
			        or_none(seen), in->sp_entity_id);
			return;
		}
	}
}

void saml_rules_destination(const struct saml_view *v, const struct saml_rules_input *in,
                            struct saml_problems *p)
{
	if (v->destination && strcmp(v->destination, in->acs_url) != 0)
		saml_problem_add(
		        p, "wrong_destination",
		        "the Response was sent to \"%.150s\", but this connection's ACS URL is \"%.150s\"",
		        v->destination, in->acs_url);
}

static bool is_bearer(const struct saml_view_confirmation *c)
{
	return c->method && strcmp(c->method, SAML_CM_BEARER) == 0;
}

const struct saml_view_confirmation *saml_rules_pick_bearer(const struct saml_view *v,
                                                            const struct saml_rules_input *in)
{
	const struct saml_view_confirmation *first = NULL;
	size_t n = v->nconfirmations < SAML_VIEW_MAX_CONFIRMATIONS ? v->nconfirmations
	                                                           : SAML_VIEW_MAX_CONFIRMATIONS;
	for (size_t i = 0; i < n; i++) {
		const struct saml_view_confirmation *c = &v->confirmations[i];
		if (!is_bearer(c))
			continue;
		if (c->recipient && strcmp(c->recipient, in->acs_url) == 0)
			return c;
		first = first ? first : c;
	}
	return first;
}

/* now >= t + skew: how many seconds past the allowed end, else -1. */
static int64_t seconds_expired(int64_t t, const struct saml_rules_input *in)
{
	return in->now >= t + in->max_skew_s ? in->now - t : -1;
}

static void report_expired(const char *what, int64_t t, const struct saml_rules_input *in,
                           struct saml_problems *p)
{
	int64_t late = seconds_expired(t, in);
	if (late >= 0)
		saml_problem_add_offset(
		        p, "expired", late,
		        "the %s expired %lld s ago (allowed clock skew: %lld s); if the sign-in was just made, the IdP's clock is behind ours",
		        what, (long long)late, (long long)in->max_skew_s);
}

void saml_rules_bearer(const struct saml_view *v, const struct saml_rules_input *in,
                       struct saml_problems *p)
{
	const struct saml_view_confirmation *c = saml_rules_pick_bearer(v, in);
	if (!c) {
		saml_problem_add(
		        p, "no_bearer_confirmation",
		        "the assertion has no SubjectConfirmation with Method %s (found: %.120s)",
		        SAML_CM_BEARER,
		        v->nconfirmations ? or_none(v->confirmations[0].method) : "none");
		return;
	}
	if (!c->recipient || strcmp(c->recipient, in->acs_url) != 0)
		saml_problem_add(
		        p, "wrong_recipient",
		        "the assertion's Recipient is \"%.150s\", but this connection's ACS URL is \"%.150s\"",
		        or_none(c->recipient), in->acs_url);
	if ((c->not_on_or_after.present && !c->not_on_or_after.valid) ||
	    (c->not_before.present && !c->not_before.valid))
		saml_problem_add(p, "invalid_time",
		                 "the SubjectConfirmationData has a malformed time");
	else if (!c->not_on_or_after.present)
		saml_problem_add(p, "missing_not_on_or_after",
		                 "the bearer SubjectConfirmationData has no NotOnOrAfter");
	else
		report_expired("subject confirmation", c->not_on_or_after.at, in, p);
}

void saml_rules_in_response_to(const struct saml_view *v, const struct saml_rules_input *in,
                               struct saml_problems *p)
{
	const struct saml_view_confirmation *c = saml_rules_pick_bearer(v, in);
	const char *scd = c ? c->in_response_to : NULL;
	const char *resp = v->response_in_response_to;
	const char *want = in->expected_in_response_to;

	if (!want) {
		if (!in->allow_idp_initiated)
			saml_problem_add(
			        p, "unsolicited_response",
			        "no sign-in was started here (IdP-initiated sign-in is off for this connection, or the request expired)");
		else if (scd || resp)
			saml_problem_add(
			        p, "in_response_to_mismatch",
			        "the response answers request \"%.80s\", which was not sent from here or has expired",
			        scd ? scd : resp);
		return;
	}
	if (!scd || strcmp(scd, want) != 0 || (resp && strcmp(resp, want) != 0))
		saml_problem_add(
		        p, "in_response_to_mismatch",
		        "the response answers request \"%.80s\", but this sign-in sent \"%.80s\"",
		        or_none(scd ? scd : resp), want);
}

void saml_rules_time(const struct saml_view *v, const struct saml_rules_input *in,
                     struct saml_problems *p)
{
	if ((v->not_before.present && !v->not_before.valid) ||
	    (v->not_on_or_after.present && !v->not_on_or_after.valid) ||
	    (v->issue_instant.present && !v->issue_instant.valid)) {
		saml_problem_add(p, "invalid_time", "the assertion has a malformed time value");
		return;
	}
	if (v->issue_instant.present && v->issue_instant.at - in->now > in->max_skew_s) {
		int64_t ahead = v->issue_instant.at - in->now;
		saml_problem_add_offset(
		        p, "clock_skew", ahead,
		        "the IdP's clock is %lld s ahead of ours (allowed: %lld s): the assertion was issued in the future; check NTP on the IdP side",
		        (long long)ahead, (long long)in->max_skew_s);
	}
	if (v->not_before.present && in->now + in->max_skew_s < v->not_before.at) {
		int64_t early = v->not_before.at - in->now;
		saml_problem_add_offset(
		        p, "not_yet_valid", early,
		        "the assertion becomes valid only in %lld s (allowed clock skew: %lld s)",
		        (long long)early, (long long)in->max_skew_s);
	}
	if (v->not_on_or_after.present)
		report_expired("assertion", v->not_on_or_after.at, in, p);
}

void saml_rules_subject(const struct saml_view *v, const struct saml_rules_input *in,
                        struct saml_problems *p)
{
	UNUSED(in);
	if (!v->name_id || !*v->name_id)
		saml_problem_add(
		        p, "missing_name_id", "%s",
		        v->encrypted_id
		                ? "the subject's NameID is encrypted (EncryptedID), which is not supported"
		                : "the assertion's Subject has no NameID");
	else if (strlen(v->name_id) > NAME_ID_MAX)
		saml_problem_add(p, "invalid_name_id", "the NameID is longer than %d characters",
		                 NAME_ID_MAX);
}

void saml_rules_authn_statement(const struct saml_view *v, const struct saml_rules_input *in,
                                struct saml_problems *p)
{
	UNUSED(in);
	if (!v->has_authn_statement)
		saml_problem_add(
		        p, "missing_authn_statement",
		        "the assertion has no AuthnStatement, so it does not say the user signed in");
}

void saml_rules_check_all(const struct saml_view *v, const struct saml_rules_input *in,
                          struct saml_problems *p)
{
	saml_rules_issuer(v, in, p);
	saml_rules_audience(v, in, p);
	saml_rules_destination(v, in, p);
	saml_rules_bearer(v, in, p);
	saml_rules_in_response_to(v, in, p);
	saml_rules_time(v, in, p);
	saml_rules_subject(v, in, p);
	saml_rules_authn_statement(v, in, p);
}
