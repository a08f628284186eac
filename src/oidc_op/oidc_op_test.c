/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oidc_op/: PKCE (RFC 7636 Appendix B), every /oauth2/authorize error in its
 * order (never a redirect for a bad client or redirect_uri), client
 * authentication parsing, token request checks, claim assembly, logout hints.
 */
#include "base/common.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "oidc_op/oidc_op.h"
#include "test/harness/test.h"

#include <jansson.h>

#define ISS       "https://gh.example"
#define CID       "gh_client_0123456789abcdef01234567"
#define REDIRECT  "https://app.example/cb"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define MUT(s)    ((char *)(uintptr_t)(s)) /* a literal where a struct wants char * */

TEST(oidc_op, pkce_rfc7636_appendix_b)
{
	char *c = oidc_op_pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	ASSERT_STR_EQ(c, CHALLENGE);
	free(c);
	ASSERT(oidc_op_pkce_verifier_is_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
	ASSERT(!oidc_op_pkce_verifier_is_valid("short"));
	ASSERT(!oidc_op_pkce_verifier_is_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+"));
	ASSERT(oidc_op_pkce_challenge_is_valid(CHALLENGE));
	ASSERT(!oidc_op_pkce_challenge_is_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"));
	ASSERT(!oidc_op_pkce_challenge_is_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c="));
}

static struct oauth_app client(void)
{
	static char *uris[] = { MUT(REDIRECT), NULL };
	struct oauth_app a = { .client_id = (char *)(uintptr_t)CID,
		               .redirect_uris = uris,
		               .nredirect_uris = 1 };
	return a;
}

static const char *base_query =
        "response_type=code&client_id=" CID "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"
        "&scope=openid+email+groups&state=s1&nonce=n1&code_challenge=" CHALLENGE
        "&code_challenge_method=S256";

/* Checks base_query with extra appended (or a replacement query). */
static struct oidc_op_authorize_result check(const char *query, bool known_client)
{
	struct url_params q;
	struct oidc_op_authorize_result r;
	struct oauth_app a = client();
	memset(&r, 0, sizeof(r));
	if (url_params_parse(&q, query, strlen(query)))
		return r;
	oidc_op_authorize_check(&q, known_client ? &a : NULL, ISS, &r);
	url_params_release(&q);
	return r;
}

TEST(oidc_op, authorize_ok_keeps_what_the_request_named)
{
	char *qs = xasprintf("%s&login_hint=alice%%40acme.com&prompt=login", base_query);
	struct oidc_op_authorize_result r = check(qs, true);
	ASSERT_INT_EQ(r.verdict, OIDC_OP_AUTHORIZE_OK);
	ASSERT_STR_EQ(r.req.client_id, CID);
	ASSERT_STR_EQ(r.req.redirect_uri, REDIRECT);
	ASSERT_STR_EQ(r.req.scope, "openid email"); /* unknown scopes are not granted */
	ASSERT_STR_EQ(r.req.state, "s1");
	ASSERT_STR_EQ(r.req.nonce, "n1");
	ASSERT_STR_EQ(r.req.code_challenge, CHALLENGE);
	ASSERT_STR_EQ(r.req.login_hint, "alice@acme.com");
	ASSERT(r.req.organization == NULL);
	oidc_op_authorize_result_release(&r);
	free(qs);
}

/* Bad client or redirect URI: a page, never a redirect (open-redirect safety). */
TEST(oidc_op, authorize_bad_client_or_redirect_never_redirects)
{
	static const char *const pages[] = {
		"response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
		"client_id=" CID "&response_type=code",
		"client_id=" CID "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code",
		"client_id=" CID
		"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%2F&response_type=code",
		"client_id=" CID "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1",
		"client_id=" CID
		"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&redirect_uri=https%3A%2F%2Fevil.example",
		"client_id=" CID
		"&client_id=gh_client_evil&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
		"client_id=" CID "&redirect_uri=HTTPS%3A%2F%2Fapp.example%2Fcb",
	};
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++) {
		struct oidc_op_authorize_result r = check(pages[i], true);
		ASSERT_INT_EQ(r.verdict, OIDC_OP_AUTHORIZE_ERROR_PAGE);
		ASSERT(r.redirect == NULL);
		oidc_op_authorize_result_release(&r);
	}
	/* an unknown client: a page even with a perfect query */
	struct oidc_op_authorize_result r = check(base_query, false);
	ASSERT_INT_EQ(r.verdict, OIDC_OP_AUTHORIZE_ERROR_PAGE);
	ASSERT_STR_EQ(r.error, "invalid_client");
	oidc_op_authorize_result_release(&r);
}

TEST(oidc_op, authorize_errors_after_the_redirect_is_trusted)
{
	static const struct {
		const char *from, *to, *error;
	} cases[] = {
		{ "response_type=code", "response_type=token", "unsupported_response_type" },
		{ "response_type=code", "response_type=", "invalid_request" },
		{ "scope=openid+email+groups", "scope=email", "invalid_scope" },
		{ "&code_challenge_method=S256", "&code_challenge_method=plain",
		  "invalid_request" },
		{ "&code_challenge_method=S256", "", "invalid_request" },
		{ "&code_challenge=" CHALLENGE, "&code_challenge=short", "invalid_request" },
		{ "&code_challenge=" CHALLENGE, "", "invalid_request" },
		{ "state=s1", "state=s1&prompt=none", "login_required" },
		{ "state=s1", "state=s1&request=eyJ", "request_not_supported" },
		{ "state=s1", "state=s1&request_uri=https%3A%2F%2Fx", "request_uri_not_supported" },
		{ "state=s1", "state=s1&response_mode=fragment", "invalid_request" },
		{ "nonce=n1", "nonce=n1&nonce=n2", "invalid_request" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *at = strstr(base_query, cases[i].from);
		ASSERT(at != NULL);
		char *qs = xasprintf("%.*s%s%s", (int)(at - base_query), base_query, cases[i].to,
		                     at + strlen(cases[i].from));
		struct oidc_op_authorize_result r = check(qs, true);
		if (r.verdict != OIDC_OP_AUTHORIZE_ERROR_REDIRECT ||
		    strcmp(r.error, cases[i].error))
			test_fail(__FILE__, __LINE__, "case %zu (%s): verdict %d error %s", i, qs,
			          r.verdict, r.error);
		else if (strncmp(r.redirect, REDIRECT "?error=", strlen(REDIRECT) + 7) != 0 ||
		         !strstr(r.redirect, "&iss=https%3A%2F%2Fgh.example") ||
		         !strstr(r.redirect, "&state=s1"))
			test_fail(__FILE__, __LINE__, "case %zu: redirect %s", i, r.redirect);
		oidc_op_authorize_result_release(&r);
		free(qs);
	}
	/* a very long state is not echoed */
	char *qs = xasprintf("%s&prompt=none&state=%01100d", base_query, 7);
	struct oidc_op_authorize_result r = check(qs, true);
	ASSERT_INT_EQ(r.verdict, OIDC_OP_AUTHORIZE_ERROR_REDIRECT);
	oidc_op_authorize_result_release(&r);
	free(qs);
}

static struct url_params form(const char *s)
{
	struct url_params p;
	if (url_params_parse(&p, s, strlen(s)))
		memset(&p, 0, sizeof(p));
	return p;
}

TEST(oidc_op, client_authentication_parsing)
{
	struct oidc_op_client_credentials c;
	struct url_params f = form("grant_type=x");
	/* RFC 6749 2.3.1: the Basic parts are form-encoded ("a:b%2B" is id "a", secret "b+") */
	char *b64 = crypto_b64_encode("gh_client_1:s%2Bcret%3A", 23);
	char *h = xasprintf("Basic %s", b64);
	ASSERT_INT_EQ(oidc_op_client_auth_parse(&c, h, &f), 0);
	ASSERT_STR_EQ(c.client_id, "gh_client_1");
	ASSERT_STR_EQ(c.client_secret, "s+cret:");
	ASSERT_STR_EQ(c.method, "client_secret_basic");
	oidc_op_client_credentials_release(&c);
	url_params_release(&f);
	f = form("client_id=gh_client_1&client_secret=abc");
	ASSERT_INT_EQ(oidc_op_client_auth_parse(&c, NULL, &f), 0);
	ASSERT_STR_EQ(c.method, "client_secret_post");
	oidc_op_client_credentials_release(&c);
	/* both methods at once */
	ASSERT_INT_EQ(oidc_op_client_auth_parse(&c, h, &f), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_request");
	url_params_release(&f);
	/* neither */
	f = form("client_id=gh_client_1");
	ASSERT_INT_EQ(oidc_op_client_auth_parse(&c, NULL, &f), ERR_UNAUTHENTICATED);
	ASSERT_STR_EQ(error_get()->stable, "invalid_client");
	ASSERT_INT_EQ(oidc_op_client_auth_parse(&c, "Basic !!!", &f), ERR_UNAUTHENTICATED);
	url_params_release(&f);
	free(h);
	free(b64);
}

TEST(oidc_op, token_request_checks)
{
	struct oidc_op_token_request t;
	struct url_params f = form("grant_type=authorization_code&code=c&redirect_uri=x"
	                           "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	ASSERT_INT_EQ(oidc_op_token_request_parse(&t, &f), 0);
	ASSERT_INT_EQ(t.grant, OIDC_OP_GRANT_CODE);
	url_params_release(&f);
	static const struct {
		const char *form, *error;
	} bad[] = {
		{ "", "invalid_request" },
		{ "grant_type=password&username=a", "unsupported_grant_type" },
		{ "grant_type=client_credentials", "unsupported_grant_type" },
		{ "grant_type=authorization_code&redirect_uri=x&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		  "invalid_request" },
		{ "grant_type=authorization_code&code=c&redirect_uri=x", "invalid_request" },
		{ "grant_type=authorization_code&code=c&redirect_uri=x&code_verifier=short",
		  "invalid_request" },
		{ "grant_type=refresh_token", "invalid_request" },
		{ "grant_type=refresh_token&refresh_token=a&refresh_token=b", "invalid_request" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		f = form(bad[i].form);
		ASSERT_INT_EQ(oidc_op_token_request_parse(&t, &f), ERR_INVALID);
		ASSERT_STR_EQ(error_get()->stable, bad[i].error);
		url_params_release(&f);
	}
}

TEST(oidc_op, id_token_claims_carry_the_organization)
{
	char *perms[] = { MUT("org:sys_domains:read"), MUT("org:sys_entconns"), NULL };
	struct oauth_identity who = { .user_id = "user_1",
		                      .email = MUT("alice@acme.com"),
		                      .first_name = MUT("Alice"),
		                      .public_metadata = MUT("{\"dept\":\"eng\"}"),
		                      .org_id = MUT("org_1"),
		                      .org_slug = MUT("acme"),
		                      .org_role = MUT("org:admin"),
		                      .org_permissions = perms,
		                      .norg_permissions = 2 };
	struct oidc_op_id_token_in in = { .issuer = ISS,
		                          .client_id = CID,
		                          .nonce = "n1",
		                          .sid = "sess_1",
		                          .access_token = "gh_at_x",
		                          .auth_time = 100,
		                          .now = 200,
		                          .ttl_s = 3600,
		                          .who = &who };
	char *text = oidc_op_id_token_claims(&in);
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	ASSERT(j != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "iss")), ISS);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "sub")), "user_1");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "aud")), CID);
	ASSERT_INT_EQ(json_integer_value(json_object_get(j, "exp")), 3800);
	ASSERT_INT_EQ(json_integer_value(json_object_get(j, "iat")), 200);
	ASSERT_INT_EQ(json_integer_value(json_object_get(j, "auth_time")), 100);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "nonce")), "n1");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "sid")), "sess_1");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "email")), "alice@acme.com");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "org_id")), "org_1");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "org_slug")), "acme");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "org_role")), "org:admin");
	ASSERT_INT_EQ(json_array_size(json_object_get(j, "org_permissions")), 2);
	ASSERT_STR_EQ(
	        json_string_value(json_object_get(json_object_get(j, "public_metadata"), "dept")),
	        "eng");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "name")), "Alice");
	/* at_hash: left half of SHA-256("gh_at_x"), base64url */
	ASSERT_INT_EQ(strlen(json_string_value(json_object_get(j, "at_hash"))), 22);
	json_decref(j);
	free(text);
	/* no organization, no nonce (a refresh): those claims are absent */
	struct oauth_identity plain = { .user_id = "user_2", .public_metadata = MUT("not json") };
	in.who = &plain;
	in.nonce = NULL;
	text = oidc_op_id_token_claims(&in);
	j = json_loads(text, 0, NULL);
	ASSERT(json_object_get(j, "org_id") == NULL && json_object_get(j, "nonce") == NULL);
	ASSERT(json_is_object(json_object_get(j, "public_metadata")));
	json_decref(j);
	free(text);
	text = oidc_op_userinfo_json(&who);
	ASSERT(strstr(text, "\"sub\":\"user_1\"") && strstr(text, "\"org_role\":\"org:admin\""));
	free(text);
}

TEST(oidc_op, logout_hint_rules)
{
	const char *client = NULL, *sid = NULL;
	struct jose_claims c;
	const char *good = "{\"iss\":\"" ISS "\",\"aud\":\"" CID "\",\"sid\":\"sess_1\"}";
	ASSERT_INT_EQ(jose_claims_parse(&c, good, strlen(good)), 0);
	ASSERT_INT_EQ(oidc_op_logout_check_hint(&c, ISS, NULL, &client, &sid), 0);
	ASSERT_STR_EQ(client, CID);
	ASSERT_STR_EQ(sid, "sess_1");
	ASSERT_INT_EQ(oidc_op_logout_check_hint(&c, ISS, CID, &client, &sid), 0);
	ASSERT_INT_EQ(oidc_op_logout_check_hint(&c, ISS, "gh_client_other", &client, &sid),
	              ERR_INVALID);
	ASSERT_INT_EQ(oidc_op_logout_check_hint(&c, "https://other", NULL, &client, &sid),
	              ERR_INVALID);
	jose_claims_release(&c);
	const char *nosid = "{\"iss\":\"" ISS "\",\"aud\":[\"a\",\"b\"]}";
	ASSERT_INT_EQ(jose_claims_parse(&c, nosid, strlen(nosid)), 0);
	ASSERT_INT_EQ(oidc_op_logout_check_hint(&c, ISS, NULL, &client, &sid), ERR_INVALID);
	jose_claims_release(&c);
}

TEST(oidc_op, discovery_document)
{
	char *text = oidc_op_discovery_json(ISS);
	json_t *d = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "issuer")), ISS);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "jwks_uri")), ISS "/oauth2/jwks");
	ASSERT_STR_EQ(json_string_value(json_array_get(
	                      json_object_get(d, "code_challenge_methods_supported"), 0)),
	              "S256");
	ASSERT_INT_EQ(json_array_size(json_object_get(d, "code_challenge_methods_supported")), 1);
	ASSERT_INT_EQ(json_array_size(json_object_get(d, "response_types_supported")), 1);
	ASSERT(strstr(text, "\"org_permissions\"") && strstr(text, "client_secret_post"));
	json_decref(d);
	free(text);
}

TEST(oidc_op, redirect_uri_rules)
{
	static const char *const good[] = { "https://app.example/cb",
		                            "https://app.example:8443/a?b=c",
		                            "http://localhost:3000/cb", "http://127.0.0.1/cb",
		                            "http://[::1]:8080/cb" };
	static const char *const bad[] = {
		"http://app.example/cb",       "https://app.example/cb#x",
		"https://*.example/cb",        "https://user@app.example/cb",
		"ftp://app.example/cb",        "https:///cb",
		"https://App.example/cb",      "https://app.example:99999/cb",
		"https://app.example/c b",     "javascript:alert(1)",
		"http://localhost.evil.com/cb"
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ASSERT_INT_EQ(oauth_redirect_uri_check(good[i]), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (oauth_redirect_uri_check(bad[i]) != ERR_INVALID)
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
}

TEST(oidc_op, form_parsing)
{
	struct url_params p;
	const char *s = "a=1&b=x+y%2Bz&&c&a=2";
	ASSERT_INT_EQ(url_params_parse(&p, s, strlen(s)), 0);
	ASSERT_INT_EQ(p.n, 4);
	ASSERT_STR_EQ(url_params_get(&p, "a"), "1");
	ASSERT_STR_EQ(url_params_get(&p, "b"), "x y+z");
	ASSERT_STR_EQ(url_params_get(&p, "c"), "");
	ASSERT_STR_EQ(p.duplicate, "a");
	url_params_release(&p);
	static const char *const bad[] = { "a=%", "a=%4", "a=%zz", "a=%00", "a=%ff" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_INT_EQ(url_params_parse(&p, bad[i], strlen(bad[i])), ERR_INVALID);
	struct buf b;
	buf_init(&b, 1024);
	buf_appends(&b, "https://x/cb");
	url_append_param(&b, '?', "state", "a b&c=d/é");
	ASSERT_STR_EQ(b.data, "https://x/cb?state=a%20b%26c%3Dd%2F%C3%A9");
	buf_release(&b);
}
