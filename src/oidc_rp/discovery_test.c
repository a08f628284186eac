/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oidc_rp/: discovery documents, authorization URLs (RFC 7636 Appendix B
 * vector), the token request and the bounded token response parse, form
 * encoding and problem lists.
 */
#include "base/common.h"

#include "base/error.h"
#include "base/url.h"
#include "crypto/crypto.h"
#include "oidc_rp/auth_request.h"
#include "oidc_rp/discovery.h"
#include "oidc_rp/problem.h"
#include "oidc_rp/token.h"
#include "test/harness/test.h"

#include <jansson.h>

static const char good_doc[] =
        "{\"issuer\":\"https://idp.example\","
        "\"authorization_endpoint\":\"https://idp.example/authorize\","
        "\"token_endpoint\":\"https://idp.example/token\","
        "\"jwks_uri\":\"https://idp.example/jwks\","
        "\"userinfo_endpoint\":\"https://idp.example/userinfo\","
        "\"response_types_supported\":[\"code\",\"id_token\"],"
        "\"code_challenge_methods_supported\":[\"S256\"],"
        "\"id_token_signing_alg_values_supported\":[\"RS256\",\"HS256\",\"none\"]}";

static int parse_doc(struct oidc_rp_discovery *d, const char *doc, const char *issuer,
                     bool allow_http)
{
	return oidc_rp_discovery_parse(d, doc, strlen(doc), issuer, allow_http);
}

/* good_doc with one member replaced (or removed when value is NULL). */
static char *doc_with(const char *member, const char *value)
{
	json_t *j = json_loads(good_doc, 0, NULL);
	if (value)
		json_object_set_new(j, member, json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(j, member);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static const char *refusal(const char *member, const char *value, bool allow_http)
{
	struct oidc_rp_discovery d;
	char *doc = doc_with(member, value);
	int rc = parse_doc(&d, doc, "https://idp.example", allow_http);
	free(doc);
	if (rc == 0) {
		oidc_rp_discovery_release(&d);
		return "(accepted)";
	}
	return error_get()->stable;
}

TEST(oidc_rp, discovery_accepts_a_good_document)
{
	struct oidc_rp_discovery d;
	ASSERT_INT_EQ(parse_doc(&d, good_doc, "https://idp.example", false), 0);
	ASSERT_STR_EQ(d.issuer, "https://idp.example");
	ASSERT_STR_EQ(d.authorization_endpoint, "https://idp.example/authorize");
	ASSERT_STR_EQ(d.token_endpoint, "https://idp.example/token");
	ASSERT_STR_EQ(d.jwks_uri, "https://idp.example/jwks");
	ASSERT_STR_EQ(d.userinfo_endpoint, "https://idp.example/userinfo");
	/* HS256 and none are listed but never become usable */
	ASSERT_INT_EQ(d.algs, OIDC_RP_ALG_RS256);
	ASSERT(d.pkce_s256);
	struct oidc_rp_discovery copy = { 0 };
	oidc_rp_discovery_copy(&copy, &d);
	ASSERT_STR_EQ(copy.jwks_uri, d.jwks_uri);
	oidc_rp_discovery_release(&copy);
	oidc_rp_discovery_release(&d);
}

TEST(oidc_rp, discovery_issuer_must_match_exactly)
{
	struct oidc_rp_discovery d;
	ASSERT_INT_EQ(parse_doc(&d, good_doc, "https://idp.example/", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "wrong_issuer");
	/* both values, in plain words */
	ASSERT(strstr(error_get()->detail, "\"https://idp.example\""));
	ASSERT(strstr(error_get()->detail, "\"https://idp.example/\""));
	ASSERT_INT_EQ(parse_doc(&d, good_doc, "https://IDP.example", false), ERR_INVALID);
	ASSERT_STR_EQ(refusal("issuer", NULL, false), "discovery_invalid");
	ASSERT_STR_EQ(refusal("issuer", "42", false), "discovery_invalid");
}

TEST(oidc_rp, discovery_endpoints_must_be_https)
{
	ASSERT_STR_EQ(refusal("token_endpoint", "\"http://idp.example/token\"", false),
	              "insecure_endpoint");
	ASSERT(strstr(error_get()->detail, "token_endpoint"));
	ASSERT_STR_EQ(refusal("jwks_uri", "\"https://\"", false), "insecure_endpoint");
	ASSERT_STR_EQ(refusal("jwks_uri", "\"https://idp.example/k#frag\"", false),
	              "insecure_endpoint");
	ASSERT_STR_EQ(refusal("jwks_uri", "\"https://idp.example/a b\"", false),
	              "insecure_endpoint");
	ASSERT_STR_EQ(refusal("authorization_endpoint", "\"javascript:alert(1)\"", false),
	              "insecure_endpoint");
	ASSERT_STR_EQ(refusal("userinfo_endpoint", "\"ftp://idp.example\"", false),
	              "insecure_endpoint");
	ASSERT_STR_EQ(refusal("jwks_uri", NULL, false), "discovery_invalid");
	ASSERT_STR_EQ(refusal("token_endpoint", "[\"https://idp.example/t\"]", false),
	              "discovery_invalid");
	/* the test policy lets http through (the HTTP client still guards the address) */
	ASSERT_STR_EQ(refusal("token_endpoint", "\"http://127.0.0.1:9/token\"", true),
	              "(accepted)");
	ASSERT_STR_EQ(refusal("userinfo_endpoint", NULL, false), "(accepted)");
}

TEST(oidc_rp, discovery_needs_code_flow_and_an_algorithm_we_verify)
{
	ASSERT_STR_EQ(refusal("response_types_supported", "[\"id_token\"]", false),
	              "discovery_invalid");
	ASSERT_STR_EQ(refusal("response_types_supported", NULL, false), "(accepted)");
	ASSERT_STR_EQ(
	        refusal("id_token_signing_alg_values_supported", "[\"HS256\",\"none\"]", false),
	        "alg_not_allowed");
	ASSERT_STR_EQ(refusal("id_token_signing_alg_values_supported", NULL, false),
	              "alg_not_allowed");
	ASSERT_STR_EQ(
	        refusal("id_token_signing_alg_values_supported", "[\"ES256\",\"RS256\"]", false),
	        "(accepted)");
}

TEST(oidc_rp, discovery_refuses_malformed_and_oversized_documents)
{
	struct oidc_rp_discovery d;
	static const char *const bad[] = {
		"",
		"[]",
		"null",
		"{",
		"{\"issuer\":\"https://idp.example\"}",
		"{\"issuer\":\"https://idp.example\",\"issuer\":\"https://evil.example\"}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_INT_EQ(parse_doc(&d, bad[i], "https://idp.example", false), ERR_INVALID);
		ASSERT(error_get()->stable[0]);
	}
	/* a duplicate member anywhere refuses the document (pitfall 20) */
	char *dup = xasprintf("%.*s,\"jwks_uri\":\"https://evil.example/jwks\"}",
	                      (int)strlen(good_doc) - 1, good_doc);
	ASSERT_INT_EQ(parse_doc(&d, dup, "https://idp.example", false), ERR_INVALID);
	free(dup);
	size_t n = OIDC_RP_DISCOVERY_MAX_BYTES + 1;
	char *big = xmalloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	ASSERT_INT_EQ(parse_doc(&d, big, "https://idp.example", false), ERR_TOO_LARGE);
	ASSERT_STR_EQ(error_get()->stable, "discovery_too_large");
	free(big);
}

TEST(oidc_rp, discovery_url_explicit_and_overrides)
{
	char *u = oidc_rp_discovery_url("https://idp.example/tenant/");
	ASSERT_STR_EQ(u, "https://idp.example/tenant/.well-known/openid-configuration");
	free(u);
	u = oidc_rp_discovery_url("https://idp.example");
	ASSERT_STR_EQ(u, "https://idp.example/.well-known/openid-configuration");
	free(u);
	struct oidc_rp_discovery d;
	ASSERT_INT_EQ(
	        oidc_rp_discovery_explicit(&d, NULL, "https://a", "https://t", "https://j", false),
	        ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "connection_incomplete");
	ASSERT_INT_EQ(oidc_rp_discovery_explicit(&d, "https://i", "https://a", "http://t",
	                                         "https://j", false),
	              ERR_INVALID);
	ASSERT_INT_EQ(oidc_rp_discovery_explicit(&d, "https://i", "https://a", "https://t",
	                                         "https://j", false),
	              0);
	ASSERT_INT_EQ(d.algs, OIDC_RP_ALG_ES256 | OIDC_RP_ALG_RS256);
	ASSERT_INT_EQ(oidc_rp_discovery_override(&d, NULL, "", "https://j2", false), 0);
	ASSERT_STR_EQ(d.token_endpoint, "https://t");
	ASSERT_STR_EQ(d.jwks_uri, "https://j2");
	ASSERT_INT_EQ(oidc_rp_discovery_override(&d, "http://a", NULL, NULL, false), ERR_INVALID);
	ASSERT_STR_EQ(d.authorization_endpoint, "https://a");
	oidc_rp_discovery_release(&d);
}

/* The value of query parameter name in url (percent-encoded as sent), or NULL. Caller frees. */
static char *query_value(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);
	for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
		if (!strncmp(p + 1, name, n) && p[1 + n] == '=') {
			const char *v = p + 2 + n, *end = strchr(v, '&');
			return xstrndup(v, end ? (size_t)(end - v) : strlen(v));
		}
	}
	return NULL;
}

static bool query_is(const char *url, const char *name, const char *want)
{
	char *v = query_value(url, name);
	bool same = v && want && !strcmp(v, want);
	free(v);
	return same || (!v && !want);
}

TEST(oidc_rp, pkce_rfc7636_appendix_b)
{
	char c[OIDC_RP_PKCE_CHALLENGE_LEN + 1];
	oidc_rp_pkce_challenge(c, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	ASSERT_STR_EQ(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	ASSERT(oidc_rp_pkce_verifier_is_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
	ASSERT(!oidc_rp_pkce_verifier_is_valid("short"));
	ASSERT(!oidc_rp_pkce_verifier_is_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+"));
	ASSERT(!oidc_rp_pkce_verifier_is_valid(NULL));
}

TEST(oidc_rp, authorization_url_carries_every_parameter_encoded)
{
	struct oidc_rp_auth_request r = {
		.authorization_endpoint = "https://idp.example/authorize",
		.client_id = "client 1&x",
		.redirect_uri = "https://gh.example/oidc/conn_1/callback",
		.state = "st",
		.nonce = "no",
		.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		.login_hint = "alice+1@acme.com",
	};
	char *url = NULL;
	ASSERT_INT_EQ(oidc_rp_auth_url(&url, &r), 0);
	ASSERT(!strncmp(url, "https://idp.example/authorize?response_type=code&", 49));
	ASSERT(query_is(url, "client_id", "client%201%26x"));
	ASSERT(query_is(url, "redirect_uri",
	                "https%3A%2F%2Fgh.example%2Foidc%2Fconn_1%2Fcallback"));
	ASSERT(query_is(url, "scope", "openid%20email%20profile"));
	ASSERT(query_is(url, "state", "st"));
	ASSERT(query_is(url, "nonce", "no"));
	ASSERT(query_is(url, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
	ASSERT(query_is(url, "code_challenge_method", "S256"));
	ASSERT(query_is(url, "login_hint", "alice%2B1%40acme.com"));
	ASSERT(query_is(url, "hd", NULL));
	/* the verifier itself never leaves gatehouse in the browser */
	ASSERT(!strstr(url, "dBjftJeZ4CVP"));
	free(url);
	r.authorization_endpoint = "https://idp.example/authorize?tenant=x";
	r.hd = "acme.com";
	r.scope = "email openid";
	ASSERT_INT_EQ(oidc_rp_auth_url(&url, &r), 0);
	ASSERT(!strncmp(url, "https://idp.example/authorize?tenant=x&response_type=code", 57));
	ASSERT(query_is(url, "hd", "acme.com"));
	ASSERT(query_is(url, "scope", "email%20openid"));
	free(url);
}

TEST(oidc_rp, authorization_url_refuses_incomplete_requests)
{
	struct oidc_rp_auth_request r = {
		.authorization_endpoint = "https://idp.example/authorize",
		.client_id = "c",
		.redirect_uri = "https://gh.example/cb",
		.state = "st",
		.nonce = "no",
		.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		.scope = "email profile openidx",
	};
	char *url = NULL;
	ASSERT_INT_EQ(oidc_rp_auth_url(&url, &r), ERR_INVALID);
	ASSERT(!url);
	r.scope = NULL;
	r.nonce = "";
	ASSERT_INT_EQ(oidc_rp_auth_url(&url, &r), ERR_INVALID);
	r.nonce = "no";
	r.code_verifier = "plain";
	ASSERT_INT_EQ(oidc_rp_auth_url(&url, &r), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "auth_request_invalid");
}

TEST(oidc_rp, form_encoding)
{
	char *e = url_encode("a b+c/é~._-");
	ASSERT_STR_EQ(e, "a%20b%2Bc%2F%C3%A9~._-");
	free(e);
	struct buf b;
	buf_init(&b, 64);
	ASSERT_INT_EQ(url_append_param(&b, 0, "k", "v=1"), 0);
	ASSERT_INT_EQ(url_append_param(&b, '&', "x", NULL), 0);
	ASSERT_INT_EQ(url_append_param(&b, '&', "n", ""), 0);
	ASSERT_STR_EQ(b.data, "k=v%3D1&n=");
	ASSERT_INT_EQ(url_append_param(&b, '&', "long",
	                               "0123456789012345678901234567890123456789"
	                               "0123456789"),
	              ERR_TOO_LARGE);
	buf_release(&b);
}

TEST(oidc_rp, token_request_and_client_secret_basic)
{
	char *body = oidc_rp_token_request_body("c/1", "https://gh.example/cb", "v");
	ASSERT_STR_EQ(body, "grant_type=authorization_code&code=c%2F1&redirect_uri=https%3A%2F%2F"
	                    "gh.example%2Fcb&code_verifier=v");
	free(body);
	/* RFC 6749 2.3.1: both halves form-encoded before base64 */
	char *h = oidc_rp_client_secret_basic("client:1", "s&cret");
	char *want = crypto_b64_encode("client%3A1:s%26cret", 19);
	char *full = xasprintf("Basic %s", want);
	ASSERT_STR_EQ(h, full);
	free(full);
	free(want);
	free(h);
}

static int parse_token(struct oidc_rp_token_response *t, int status, const char *body)
{
	return oidc_rp_token_response_parse(t, status, body, strlen(body));
}

TEST(oidc_rp, token_response_parse)
{
	struct oidc_rp_token_response t;
	ASSERT_INT_EQ(parse_token(&t, 200,
	                          "{\"access_token\":\"a\",\"token_type\":\"Bearer\","
	                          "\"id_token\":\"h.p.s\",\"expires_in\":3600}"),
	              0);
	ASSERT_STR_EQ(t.id_token, "h.p.s");
	oidc_rp_token_response_release(&t);
	ASSERT_INT_EQ(parse_token(&t, 401,
	                          "{\"error\":\"invalid_client\","
	                          "\"error_description\":\"client authentication failed\"}"),
	              ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "idp_error");
	ASSERT(strstr(error_get()->detail, "invalid_client"));
	ASSERT(strstr(error_get()->detail, "client authentication failed"));
	ASSERT(!t.id_token);
	ASSERT_INT_EQ(parse_token(&t, 500, "<html>oops</html>"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "token_request_failed");
	ASSERT(strstr(error_get()->detail, "500"));
	ASSERT_INT_EQ(parse_token(&t, 503, "{}"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "token_request_failed");
	ASSERT_INT_EQ(parse_token(&t, 200, "{\"access_token\":\"a\"}"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "missing_id_token");
	ASSERT_INT_EQ(parse_token(&t, 200, "{\"id_token\":42}"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "missing_id_token");
	ASSERT_INT_EQ(parse_token(&t, 200, "{\"id_token\":\"a\",\"id_token\":\"b\"}"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "token_response_invalid");
	ASSERT_INT_EQ(parse_token(&t, 200, "not json"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "token_response_invalid");
	/* an error with a 200 status is still an error */
	ASSERT_INT_EQ(parse_token(&t, 200, "{\"error\":\"invalid_grant\"}"), ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "idp_error");
}

TEST(oidc_rp, token_response_bounds_and_idp_text)
{
	struct oidc_rp_token_response t;
	size_t n = OIDC_RP_TOKEN_RESPONSE_MAX_BYTES + 1;
	char *big = xmalloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	ASSERT_INT_EQ(parse_token(&t, 200, big), ERR_TOO_LARGE);
	ASSERT_STR_EQ(error_get()->stable, "token_response_too_large");
	free(big);
	/* control characters, quotes and over-long text from the IdP are dropped or cut */
	ASSERT_INT_EQ(oidc_rp_idp_error("access_denied\r\n<b>", "user said \"no\"\x01"), ERR_PEER);
	ASSERT(strstr(error_get()->detail, "access_denied<b>: user said no"));
	char longtext[600];
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	oidc_rp_idp_error("e", longtext);
	ASSERT(strlen(error_get()->detail) < 300);
	oidc_rp_idp_error(NULL, NULL);
	ASSERT(strstr(error_get()->detail, "(unnamed)"));
}

TEST(oidc_rp, problem_lists)
{
	struct oidc_rp_problems p = { 0 };
	ASSERT_INT_EQ(oidc_rp_problems_take(&p, 0, "x"), 0);
	ASSERT_INT_EQ(p.n, 0);
	error_setc(ERR_INVALID, "wrong_issuer", "issuer \"a\" is not \"b\"");
	ASSERT_INT_EQ(oidc_rp_problems_take(&p, ERR_INVALID, "x"), ERR_INVALID);
	error_set(ERR_PEER, "no stable code");
	oidc_rp_problems_take(&p, ERR_PEER, "fallback");
	ASSERT(oidc_rp_problems_has(&p, "wrong_issuer"));
	ASSERT(oidc_rp_problems_has(&p, "fallback"));
	ASSERT(!oidc_rp_problems_has(&p, "expired"));
	char *j = oidc_rp_problems_to_json(&p);
	ASSERT_STR_EQ(j, "[{\"code\":\"wrong_issuer\",\"message\":\"issuer \\\"a\\\" is not "
	                 "\\\"b\\\"\"},{\"code\":\"fallback\",\"message\":\"no stable code\"}]");
	free(j);
	j = oidc_rp_problems_join(&p);
	ASSERT_STR_EQ(j, "wrong_issuer: issuer \"a\" is not \"b\"; fallback: no stable code");
	free(j);
	for (int i = 0; i < 20; i++)
		oidc_rp_problems_add(&p, "x", "%d", i);
	ASSERT_INT_EQ(p.n, OIDC_RP_MAX_PROBLEMS);
	struct oidc_rp_problems empty = { 0 };
	j = oidc_rp_problems_join(&empty);
	ASSERT_STR_EQ(j, "");
	free(j);
}
