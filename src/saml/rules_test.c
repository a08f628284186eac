/* SPDX-License-Identifier: Apache-2.0 */
/* Each post-validation rule on hand-made views (no XML, no signatures). */
#include "base/common.h"

#include "saml/rules.h"
#include "test/harness/test.h"

#define SP   "https://sso.acme.test/saml/c1"
#define ACS  SP "/acs"
#define IDP  "https://idp.acme.test"
#define NOW  1790000000
#define SKEW 120

static const struct saml_rules_input input = {
	.sp_entity_id = SP,
	.acs_url = ACS,
	.idp_entity_id = IDP,
	.expected_in_response_to = "_req",
	.allow_idp_initiated = false,
	.max_skew_s = SKEW,
	.now = NOW,
};

static struct saml_view_time at(int64_t t)
{
	return (struct saml_view_time){ .present = true, .valid = true, .at = t, .raw = "" };
}

/* A view every rule accepts; tests break one thing at a time. Strings are static. */
static struct saml_view good(void)
{
	static char issuer[] = IDP, name_id[] = "alice@acme.test", aud[] = SP;
	struct saml_view v = { 0 };
	v.destination = ACS;
	v.response_in_response_to = "_req";
	v.response_issuer = issuer;
	v.assertion_id = "_a1";
	v.assertion_issuer = issuer;
	v.issue_instant = at(NOW - 5);
	v.has_conditions = true;
	v.not_before = at(NOW - 5);
	v.not_on_or_after = at(NOW + 300);
	v.nrestrictions = 1;
	v.naudiences = 1;
	v.audiences[0].value = aud;
	v.nconfirmations = 1;
	v.confirmations[0] = (struct saml_view_confirmation){
		.method = SAML_CM_BEARER,
		.recipient = ACS,
		.in_response_to = "_req",
		.not_on_or_after = at(NOW + 300),
	};
	v.has_subject = true;
	v.name_id = name_id;
	v.has_authn_statement = true;
	return v;
}

typedef void (*rule_fn)(const struct saml_view *, const struct saml_rules_input *,
                        struct saml_problems *);

/* Runs one rule; returns the code of its only problem, "" when none, "many" if more. */
static const char *run(rule_fn rule, const struct saml_view *v, const struct saml_rules_input *in,
                       struct saml_problems *p)
{
	memset(p, 0, sizeof(*p));
	rule(v, in, p);
	return p->n == 0 ? "" : p->n == 1 ? p->items[0].code : "many";
}

TEST(saml_rules, good_view_passes_all)
{
	struct saml_view v = good();
	struct saml_problems p = { 0 };
	saml_rules_check_all(&v, &input, &p);
	ASSERT_INT_EQ(p.n, 0);
}

TEST(saml_rules, issuer)
{
	struct saml_problems p;
	struct saml_view v = good();
	char evil[] = "https://evil.test";
	ASSERT_STR_EQ(run(saml_rules_issuer, &v, &input, &p), "");
	v.response_issuer = NULL; /* optional on the Response (SAML Core 3.2.2) */
	ASSERT_STR_EQ(run(saml_rules_issuer, &v, &input, &p), "");
	v.response_issuer = evil;
	ASSERT_STR_EQ(run(saml_rules_issuer, &v, &input, &p), "wrong_issuer");
	ASSERT(strstr(p.items[0].detail, evil) && strstr(p.items[0].detail, IDP));
	v = good();
	v.assertion_issuer = NULL; /* required on the Assertion */
	ASSERT_STR_EQ(run(saml_rules_issuer, &v, &input, &p), "wrong_issuer");
	v = good();
	v.assertion_issuer_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
	ASSERT_STR_EQ(run(saml_rules_issuer, &v, &input, &p), "wrong_issuer");
}

TEST(saml_rules, audience)
{
	struct saml_problems p;
	struct saml_view v = good();
	char other[] = "https://other.test", mine[] = SP;
	v.audiences[0].value = other;
	ASSERT_STR_EQ(run(saml_rules_audience, &v, &input, &p), "wrong_audience");
	ASSERT(strstr(p.items[0].detail, other) && strstr(p.items[0].detail, SP));
	/* Any audience of a restriction may match... */
	v.naudiences = 2;
	v.audiences[1].value = mine;
	ASSERT_STR_EQ(run(saml_rules_audience, &v, &input, &p), "");
	/* ...but every restriction must be met (SAML Core 2.5.1.4). */
	v.nrestrictions = 2;
	v.audiences[1].restriction = 1;
	ASSERT_STR_EQ(run(saml_rules_audience, &v, &input, &p), "wrong_audience");
	v = good();
	v.nrestrictions = v.naudiences = 0;
	ASSERT_STR_EQ(run(saml_rules_audience, &v, &input, &p), "wrong_audience");
	v = good();
	v.unknown_condition = "Condition";
	ASSERT_STR_EQ(run(saml_rules_audience, &v, &input, &p), "unknown_condition");
}

TEST(saml_rules, destination)
{
	struct saml_problems p;
	struct saml_view v = good();
	v.destination = NULL; /* optional when the Response is not signed */
	ASSERT_STR_EQ(run(saml_rules_destination, &v, &input, &p), "");
	v.destination = ACS "/";
	ASSERT_STR_EQ(run(saml_rules_destination, &v, &input, &p), "wrong_destination");
	ASSERT(strstr(p.items[0].detail, ACS "/\""));
}

TEST(saml_rules, bearer)
{
	struct saml_problems p;
	struct saml_view v = good();
	v.confirmations[0].recipient = "https://evil.test/acs";
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "wrong_recipient");
	ASSERT(strstr(p.items[0].detail, "https://evil.test/acs") &&
	       strstr(p.items[0].detail, ACS));
	/* A second bearer confirmation for our ACS is the one judged. */
	v.nconfirmations = 2;
	v.confirmations[1] = good().confirmations[0];
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "");
	v = good();
	v.confirmations[0].method = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "no_bearer_confirmation");
	v = good();
	v.confirmations[0].not_on_or_after.present = false;
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "missing_not_on_or_after");
	v = good();
	v.confirmations[0].not_on_or_after = at(NOW - SKEW);
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "expired");
	ASSERT_INT_EQ(p.items[0].offset_s, SKEW);
	v.confirmations[0].not_on_or_after = at(NOW - SKEW + 1);
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "");
	v.confirmations[0].not_on_or_after.valid = false;
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "invalid_time");
	v = good();
	v.nconfirmations = 0;
	ASSERT_STR_EQ(run(saml_rules_bearer, &v, &input, &p), "no_bearer_confirmation");
}

TEST(saml_rules, in_response_to)
{
	struct saml_problems p;
	struct saml_rules_input in = input;
	struct saml_view v = good();
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "");
	v.confirmations[0].in_response_to = "_other";
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "in_response_to_mismatch");
	ASSERT(strstr(p.items[0].detail, "_other") && strstr(p.items[0].detail, "_req"));
	v = good();
	v.response_in_response_to = "_other"; /* the Response's own attribute must agree too */
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "in_response_to_mismatch");
	v = good();
	v.confirmations[0].in_response_to = NULL; /* a request is pending: it must be answered */
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "in_response_to_mismatch");

	/* No request pending. */
	in.expected_in_response_to = NULL;
	v = good();
	v.confirmations[0].in_response_to = v.response_in_response_to = NULL;
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "unsolicited_response");
	in.allow_idp_initiated = true;
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "");
	v.confirmations[0].in_response_to = "_stale";
	ASSERT_STR_EQ(run(saml_rules_in_response_to, &v, &in, &p), "in_response_to_mismatch");
}

TEST(saml_rules, time_windows)
{
	struct saml_problems p;
	struct saml_view v = good();
	v.not_before = at(NOW + SKEW);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "");
	v.not_before = at(NOW + SKEW + 1);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "not_yet_valid");
	ASSERT_INT_EQ(p.items[0].offset_s, SKEW + 1);
	v = good();
	v.not_on_or_after = at(NOW - SKEW + 1);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "");
	v.not_on_or_after = at(NOW - SKEW);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "expired");
	v = good();
	v.not_before.present = v.not_on_or_after.present = false; /* both optional */
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "");
	v.issue_instant = at(NOW + 300);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "clock_skew");
	ASSERT_INT_EQ(p.items[0].offset_s, 300);
	ASSERT(strstr(p.items[0].detail, "300 s ahead"));
	v.issue_instant = at(NOW + SKEW);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "");
	v.issue_instant.valid = false;
	ASSERT_STR_EQ(run(saml_rules_time, &v, &input, &p), "invalid_time");
}

TEST(saml_rules, zero_skew)
{
	struct saml_problems p;
	struct saml_rules_input in = input;
	struct saml_view v = good();
	in.max_skew_s = 0;
	v.not_on_or_after = at(NOW);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &in, &p), "expired");
	v.not_on_or_after = at(NOW + 1);
	v.not_before = at(NOW);
	ASSERT_STR_EQ(run(saml_rules_time, &v, &in, &p), "");
}

TEST(saml_rules, subject_and_authn_statement)
{
	struct saml_problems p;
	struct saml_view v = good();
	char empty[] = "";
	v.name_id = NULL;
	ASSERT_STR_EQ(run(saml_rules_subject, &v, &input, &p), "missing_name_id");
	v.name_id = empty;
	ASSERT_STR_EQ(run(saml_rules_subject, &v, &input, &p), "missing_name_id");
	v.name_id = NULL;
	v.encrypted_id = true;
	ASSERT_STR_EQ(run(saml_rules_subject, &v, &input, &p), "missing_name_id");
	ASSERT(strstr(p.items[0].detail, "EncryptedID"));
	char *long_id = xmalloc(1100);
	memset(long_id, 'a', 1099);
	long_id[1099] = '\0';
	v.name_id = long_id;
	ASSERT_STR_EQ(run(saml_rules_subject, &v, &input, &p), "invalid_name_id");
	free(long_id);
	v = good();
	v.has_authn_statement = false;
	ASSERT_STR_EQ(run(saml_rules_authn_statement, &v, &input, &p), "missing_authn_statement");
}

TEST(saml_rules, problem_list_is_bounded)
{
	struct saml_problems p = { 0 };
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < SAML_PROBLEMS_MAX + 5; i++)
		saml_problem_add(&p, "wrong_audience", "audience %s", big);
	ASSERT_INT_EQ(p.n, SAML_PROBLEMS_MAX);
	ASSERT(strlen(p.items[0].detail) < sizeof(p.items[0].detail));
}
