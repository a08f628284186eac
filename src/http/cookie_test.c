/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the Cookie header: exact names, token values only, bounded copies. */
#include "base/common.h"

#include "http/cookie.h"
#include "test/harness/test.h"

TEST(http_cookie, finds_exact_names_only)
{
	char v[64];
	ASSERT(http_cookie_find("a=1; gh_portal=ghp_abc; b=2", "gh_portal", v, sizeof(v)));
	ASSERT_STR_EQ(v, "ghp_abc");
	ASSERT(http_cookie_find("gh_portal=x1;gh_dash=y2", "gh_dash", v, sizeof(v)));
	ASSERT_STR_EQ(v, "y2");
	/* a longer name with the same prefix is another cookie */
	ASSERT(!http_cookie_find("gh_portalx=evil", "gh_portal", v, sizeof(v)));
	ASSERT(!http_cookie_find("xgh_portal=evil", "gh_portal", v, sizeof(v)));
	/* two of one name: one may be planted (cookie tossing); neither is taken */
	ASSERT(!http_cookie_find("gh_dash=first; gh_dash=second", "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find("gh_dash=first; x=1; gh_dash=", "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find(NULL, "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find("", "gh_dash", v, sizeof(v)));
}

TEST(http_cookie, refuses_values_that_are_not_tokens)
{
	char v[8];
	ASSERT(!http_cookie_find("gh_dash=", "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find("gh_dash=\"quoted\"", "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find("gh_dash=a b", "gh_dash", v, sizeof(v)));
	ASSERT(!http_cookie_find("gh_dash=a%20b", "gh_dash", v, sizeof(v)));
	/* too long for the buffer: refused, not cut */
	ASSERT(!http_cookie_find("gh_dash=12345678", "gh_dash", v, sizeof(v)));
	ASSERT(http_cookie_find("gh_dash=1234567", "gh_dash", v, sizeof(v)));
	ASSERT_STR_EQ(v, "1234567");
	/* trailing spaces before the separator are not part of the value */
	ASSERT(http_cookie_find("gh_dash=abc  ; x=1", "gh_dash", v, sizeof(v)));
	ASSERT_STR_EQ(v, "abc");
}

TEST(http_cookie, set_cookie_carries_every_attribute)
{
	struct http_response res;
	memset(&res, 0, sizeof(res));
	struct http_cookie c = { .name = "gh_dash",
		                 .value = "ghd_x",
		                 .path = "/",
		                 .same_site = "Strict",
		                 .secure = true,
		                 .http_only = true };
	http_cookie_set(&res, &c);
	ASSERT_INT_EQ(res.nheaders, 1);
	ASSERT_STR_EQ(res.headers[0].value,
	              "gh_dash=ghd_x; Path=/; SameSite=Strict; Secure; HttpOnly");
	c.max_age_s = -1;
	c.secure = false;
	http_cookie_set(&res, &c);
	ASSERT_STR_EQ(res.headers[1].value,
	              "gh_dash=; Path=/; Max-Age=0; SameSite=Strict; HttpOnly");
	for (int i = 0; i < res.nheaders; i++)
		free(res.headers[i].value);
}
