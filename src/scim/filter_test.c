/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM filters: every example of RFC 7644 §3.4.2.2 parses, and evaluates as
 * the RFC describes against the RFC 7643 §8.2 full User (Babs Jensen); the
 * shapes Entra ID and Okta send; and the invalidFilter cases.
 */
#include "base/common.h"

#include "base/error.h"
#include "scim/filter.h"
#include "scim/schema.h"
#include "test/harness/test.h"

/* RFC 7643 §8.2, abridged; with the enterprise extension of §8.3. */
static const char *const babs =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\","
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
        "\"id\":\"2819c223-7f76-453a-919d-413861904646\",\"externalId\":\"701984\","
        "\"userName\":\"bjensen@example.com\","
        "\"name\":{\"formatted\":\"Ms. Barbara J Jensen, III\",\"familyName\":\"Jensen\","
        "\"givenName\":\"Barbara\",\"middleName\":\"Jane\"},"
        "\"displayName\":\"Babs Jensen\",\"nickName\":\"Babs\",\"title\":\"Tour Guide\","
        "\"userType\":\"Employee\",\"active\":true,"
        "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true},"
        "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],"
        "\"ims\":[{\"value\":\"someaimhandle\",\"type\":\"aim\"}],"
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":\"701984\","
        "\"department\":\"Tour Operations\",\"manager\":{\"value\":\"26118915-6090-4610-87e4-49d8ca9f808d\"}},"
        "\"meta\":{\"resourceType\":\"User\",\"created\":\"2010-01-23T04:56:22Z\","
        "\"lastModified\":\"2011-05-13T04:42:34Z\",\"version\":\"W/\\\"3694e05e9dff591\\\"\"}}";

static int eval(const char *filter, bool *out)
{
	struct scim_filter *f = NULL;
	json_t *res = json_loads(babs, 0, NULL);
	int rc = scim_filter_parse(&f, filter, strlen(filter));
	if (rc == 0)
		*out = scim_filter_match(f, res, SCIM_URN_USER);
	scim_filter_free(f);
	json_decref(res);
	return rc;
}

#define MATCHES(filter, want)                                                                      \
	do {                                                                                       \
		bool got_ = !(want);                                                               \
		if (eval(filter, &got_) != 0) {                                                    \
			test_fail(__FILE__, __LINE__, "%s did not parse", filter);                 \
			return;                                                                    \
		}                                                                                  \
		if (got_ != (want)) {                                                              \
			test_fail(__FILE__, __LINE__, "%s: got %d", filter, got_);                 \
			return;                                                                    \
		}                                                                                  \
	} while (0)

TEST(scim_filter, rfc7644_examples)
{
	MATCHES("userName eq \"bjensen@example.com\"", true);
	MATCHES("name.familyName co \"O'Malley\"", false);
	MATCHES("userName sw \"J\"", false);
	MATCHES("userName sw \"B\"", true);
	MATCHES("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bjen\"", true);
	MATCHES("title pr", true);
	MATCHES("meta.lastModified gt \"2011-05-13T04:42:34Z\"", false);
	MATCHES("meta.lastModified ge \"2011-05-13T04:42:34Z\"", true);
	MATCHES("meta.lastModified lt \"2011-05-13T04:42:34Z\"", false);
	MATCHES("meta.lastModified le \"2011-05-13T04:42:34Z\"", true);
	MATCHES("title pr and userType eq \"Employee\"", true);
	MATCHES("title pr or userType eq \"Intern\"", true);
	MATCHES("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", true);
	MATCHES("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co "
	        "\"example.org\")",
	        true);
	MATCHES("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co "
	        "\"example.org\")",
	        false);
	MATCHES("userType eq \"Employee\" and (emails.type eq \"work\")", true);
	MATCHES("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
	        true);
	MATCHES("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and "
	        "value co \"@foo.com\"]",
	        true);
}

TEST(scim_filter, case_rules)
{
	/* RFC 7643 §2.1: names are case-insensitive; userName is caseExact false */
	MATCHES("USERNAME EQ \"BJENSEN@EXAMPLE.COM\"", true);
	MATCHES("Name.FamilyName Eq \"jensen\"", true);
	/* id and externalId are caseExact */
	MATCHES("id eq \"2819C223-7F76-453A-919D-413861904646\"", false);
	MATCHES("externalId eq \"701984\"", true);
	MATCHES("not(userName ew \".org\")", true);
	MATCHES("active eq true", true);
	MATCHES("active ne false", true);
	MATCHES("nickName ne \"Barb\"", true);
	MATCHES("profileUrl eq null", true);
}

TEST(scim_filter, extensions_and_idp_shapes)
{
	MATCHES("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "
	        "\"tour operations\"",
	        true);
	MATCHES("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "
	        "\"26118915-6090-4610-87e4-49d8ca9f808d\"",
	        true);
	/* Entra ID: unquoted values, and a value path with a trailing sub-attribute */
	MATCHES("externalId eq 701984", true);
	MATCHES("externalId eq jyoung", false);
	MATCHES("emails[type eq \"work\"].value eq \"bjensen@example.com\"", true);
	MATCHES("emails[type eq \"home\"].value eq \"bjensen@example.com\"", false);
	MATCHES("emails[type eq \"work\"]", true);
	MATCHES("emails[type eq \"xmpp\"]", false);
}

static const char *parse_code(const char *filter)
{
	struct scim_filter *f = NULL;
	error_clear();
	int rc = scim_filter_parse(&f, filter, strlen(filter));
	scim_filter_free(f);
	return rc ? error_get()->stable : "";
}

TEST(scim_filter, invalid_filters)
{
	const char *bad[] = {
		"",
		"userName",
		"userName eq",
		"userName zz \"x\"",
		"userName eq \"x",
		"(userName eq \"x\"",
		"userName eq \"x\")",
		"userName eq \"x\" userName eq \"y\"",
		"emails[type eq \"work\"",
		"emails[type eq \"work\" and ims[type eq \"x\"]]",
		"active gt true",
		"title co null",
		"1abc eq \"x\"",
		"name.givenName.x eq \"y\"",
		"urn:x:y: eq \"z\"",
		"and",
		"not userName eq \"x\"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_STR_EQ(parse_code(bad[i]), "invalidFilter");
}

TEST(scim_filter, bounded_depth_and_size)
{
	char deep[400] = { 0 };
	size_t n = 0;
	for (int i = 0; i < 60; i++)
		deep[n++] = '(';
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "title pr");
	for (int i = 0; i < 60; i++)
		deep[n++] = ')';
	ASSERT_STR_EQ(parse_code(deep), "invalidFilter");
	char *big = xmalloc(SCIM_FILTER_MAX + 10);
	memset(big, 'a', SCIM_FILTER_MAX + 9);
	big[SCIM_FILTER_MAX + 9] = 0;
	ASSERT_STR_EQ(parse_code(big), "invalidFilter");
	free(big);
}

TEST(scim_filter, eq_pushdown)
{
	struct scim_filter *f = NULL;
	const char *text = "userName eq \"A@B.c\" and active eq true";
	ASSERT_INT_EQ(scim_filter_parse(&f, text, strlen(text)), 0);
	ASSERT_STR_EQ(scim_filter_eq_value(f, "username"), "A@B.c");
	ASSERT(scim_filter_eq_value(f, "externalId") == NULL);
	scim_filter_free(f);
	text = "userName eq \"a\" or userName eq \"b\"";
	ASSERT_INT_EQ(scim_filter_parse(&f, text, strlen(text)), 0);
	ASSERT(scim_filter_eq_value(f, "userName") == NULL);
	scim_filter_free(f);
}

static const char *path_code(const char *path)
{
	struct scim_path *p = NULL;
	error_clear();
	int rc = scim_path_parse(&p, path, strlen(path));
	scim_path_free(p);
	return rc ? error_get()->stable : "";
}

TEST(scim_path, rfc7644_examples)
{
	struct scim_path *p = NULL;
	const char *t = "members[value eq \"2819c223-7f76-453a-919d-413861904646\"].displayName";
	ASSERT_INT_EQ(scim_path_parse(&p, t, strlen(t)), 0);
	ASSERT_STR_EQ(p->attr.name, "members");
	ASSERT(p->filter != NULL);
	ASSERT_STR_EQ(p->filter_sub, "displayName");
	scim_path_free(p);
	t = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";
	ASSERT_INT_EQ(scim_path_parse(&p, t, strlen(t)), 0);
	ASSERT_STR_EQ(p->attr.urn, SCIM_URN_ENTERPRISE);
	ASSERT_STR_EQ(p->attr.name, "employeeNumber");
	scim_path_free(p);
	t = SCIM_URN_ENTERPRISE;
	ASSERT_INT_EQ(scim_path_parse(&p, t, strlen(t)), 0);
	ASSERT(p->attr.name == NULL);
	scim_path_free(p);
	ASSERT_STR_EQ(path_code("members"), "");
	ASSERT_STR_EQ(path_code("name.familyName"), "");
	ASSERT_STR_EQ(path_code("addresses[type eq \"work\"]"), "");
	ASSERT_STR_EQ(path_code("emails[type eq \"work\"].value"), "");
	ASSERT_STR_EQ(path_code(""), "invalidPath");
	ASSERT_STR_EQ(path_code("name.familyName[type eq \"x\"]"), "invalidPath");
	ASSERT_STR_EQ(path_code("emails[type eq \"work\""), "invalidPath");
	ASSERT_STR_EQ(path_code("emails x"), "invalidPath");
	ASSERT_STR_EQ(path_code("a.b.c"), "invalidPath");
}
