/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oidc_rp/: every ID token rule with its tamper cases (alg none, HS256 made
 * with the public key, unknown kid, foreign key, duplicate header members,
 * expired, wrong iss/aud/azp, nonce, email_verified, EASIE hd/tid), with keys
 * generated here and the clock fixed at TEST_FAKE_NOW; EASIE issuers; the
 * provider snapshot cache.
 */
#include "base/common.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "oidc_rp/discovery.h"
#include "oidc_rp/easie.h"
#include "oidc_rp/id_token.h"
#include "oidc_rp/provider.h"
#include "test/harness/test.h"

#include <jansson.h>
#include <pthread.h>

#define ISS   "https://idp.example"
#define CID   "client-1"
#define NONCE "n-0123456789"

struct idp {
	struct jose_jwk *key;  /* the IdP's signing key */
	struct jose_jwks *set; /* its published (public) JWKS */
	char *pub;             /* the public JWK text */
};

static void idp_init(struct idp *f)
{
	jose_jwk_generate(&f->key);
	f->pub = jose_jwk_public_json(f->key);
	struct jose_jwk *p = NULL;
	jose_jwk_parse(&p, f->pub, strlen(f->pub));
	f->set = jose_jwks_new(&p, 1);
}

static void idp_release(struct idp *f)
{
	jose_jwks_unref(f->set);
	jose_jwk_free(f->key);
	free(f->pub);
}

/* Good claims with overrides merged in; an override whose value is null removes the claim. */
static char *claims_with(const char *overrides)
{
	json_t *c =
	        json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:b,s:s,s:s,s:[s,s]}", "iss", ISS, "sub",
	                  "00u-alice", "aud", CID, "exp", (json_int_t)TEST_FAKE_NOW + 300, "iat",
	                  (json_int_t)TEST_FAKE_NOW - 5, "nonce", NONCE, "email", "alice@acme.com",
	                  "email_verified", 1, "given_name", "Alice", "family_name", "Liddell",
	                  "groups", "eng", "ops");
	json_t *o = overrides ? json_loads(overrides, 0, NULL) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (json_is_null(v))
			json_object_del(c, k);
		else
			json_object_set(c, k, v);
	}
	json_decref(o);
	char *s = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	return s;
}

/* Signed by f's key. (noinline: gcc 12 -Wdangling-pointer misreads the out parameter.) */
__attribute__((noinline)) static char *token_with(const struct idp *f, const char *overrides)
{
	char *claims = claims_with(overrides), *t = NULL;
	jose_jwt_sign(&t, f->key, claims);
	free(claims);
	return t;
}

static struct oidc_rp_expect expect(void)
{
	struct oidc_rp_expect e = { .issuer = ISS,
		                    .client_id = CID,
		                    .nonce = NONCE,
		                    .now = TEST_FAKE_NOW,
		                    .skew_s = OIDC_RP_SKEW_S,
		                    .require_email_verified = true };
	return e;
}

/* Validates token; returns the problem codes joined by ',' ("" when it passed). */
static char *outcome(const char *token, const struct jose_jwks *keys,
                     const struct oidc_rp_expect *e)
{
	struct oidc_rp_problems p = { 0 };
	struct oidc_rp_identity id;
	int rc = oidc_rp_id_token_validate(&id, &p, token, strlen(token), keys, e);
	oidc_rp_identity_release(&id);
	char buf[512] = "";
	for (size_t i = 0; i < p.n; i++)
		xsnprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "," : "",
		          p.items[i].code);
	if ((rc == 0) != (p.n == 0))
		return xstrdup("(rc and problems disagree)");
	return xstrdup(buf);
}

static char *check(const struct idp *f, const char *overrides)
{
	struct oidc_rp_expect e = expect();
	char *t = token_with(f, overrides);
	char *r = outcome(t, f->set, &e);
	free(t);
	return r;
}

#define ASSERT_OUTCOME(f, overrides, want)                                                         \
	do {                                                                                       \
		char *got_ = check((f), (overrides));                                              \
		bool same_ = !strcmp(got_, (want));                                                \
		if (!same_)                                                                        \
			ASSERT_STR_EQ(got_, (want));                                               \
		free(got_);                                                                        \
	} while (0)

/* A compact token with this header and payload text and a signature segment. */
static char *forge(const char *header, const char *payload, const char *sig_b64)
{
	char *h = jose_b64url_encode(header, strlen(header));
	char *p = jose_b64url_encode(payload, strlen(payload));
	char *t = xasprintf("%s.%s.%s", h, p, sig_b64);
	free(h);
	free(p);
	return t;
}

static bool json_is(const json_t *v, const char *text)
{
	json_t *want = json_loads(text, JSON_DECODE_ANY, NULL);
	bool same = json_equal(v, want);
	json_decref(want);
	return same;
}

TEST(oidc_rp, id_token_good_one_passes_with_its_identity)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	char *t = token_with(&f, NULL);
	struct oidc_rp_problems p = { 0 };
	struct oidc_rp_identity id;
	ASSERT_INT_EQ(oidc_rp_id_token_validate(&id, &p, t, strlen(t), f.set, &e), 0);
	ASSERT_INT_EQ(p.n, 0);
	ASSERT_STR_EQ(id.sub, "00u-alice");
	ASSERT_STR_EQ(id.email, "alice@acme.com");
	ASSERT(id.email_verified);
	ASSERT_STR_EQ(id.given_name, "Alice");
	ASSERT_STR_EQ(id.family_name, "Liddell");
	/* every claim as a list of values, for custom attributes (oidc_claim) */
	json_t *a = json_loads(id.attributes_json, 0, NULL);
	ASSERT(json_is(json_object_get(a, "groups"), "[\"eng\",\"ops\"]"));
	ASSERT(json_is(json_object_get(a, "email"), "[\"alice@acme.com\"]"));
	ASSERT(json_is(json_object_get(a, "email_verified"), "[true]"));
	json_decref(a);
	oidc_rp_identity_release(&id);
	free(t);
	idp_release(&f);
}

TEST(oidc_rp, id_token_alg_none_is_refused)
{
	struct idp f;
	idp_init(&f);
	char *claims = claims_with(NULL);
	char *hdr = xasprintf("{\"alg\":\"none\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	char *t = forge(hdr, claims, "AAAA");
	struct oidc_rp_expect e = expect();
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "alg_not_allowed");
	free(r);
	free(t);
	/* and with an empty signature segment */
	t = forge(hdr, claims, "");
	r = outcome(t, f.set, &e);
	ASSERT(strcmp(r, "") != 0);
	free(r);
	free(t);
	free(hdr);
	free(claims);
	idp_release(&f);
}

TEST(oidc_rp, id_token_hs256_made_with_the_public_key_is_refused)
{
	struct idp f;
	idp_init(&f);
	char *claims = claims_with(NULL);
	char *hdr = xasprintf("{\"alg\":\"HS256\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	char *unsigned_part = forge(hdr, claims, "");
	unsigned_part[strlen(unsigned_part) - 1] = '\0';
	unsigned char mac[CRYPTO_SHA256_LEN];
	crypto_hmac_sha256(mac, f.pub, strlen(f.pub), unsigned_part, strlen(unsigned_part));
	char *sig = jose_b64url_encode(mac, sizeof(mac));
	char *t = xasprintf("%s.%s", unsigned_part, sig);
	struct oidc_rp_expect e = expect();
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "alg_not_allowed");
	ASSERT(strstr(error_get()->detail, "HS256"));
	free(r);
	free(t);
	free(sig);
	free(unsigned_part);
	free(hdr);
	free(claims);
	idp_release(&f);
}

TEST(oidc_rp, id_token_unknown_kid_and_foreign_key)
{
	struct idp f, mallory;
	idp_init(&f);
	idp_init(&mallory);
	struct oidc_rp_expect e = expect();
	/* signed by a key the IdP does not publish: its kid is unknown */
	char *t = token_with(&mallory, NULL);
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "unknown_key");
	ASSERT(strstr(error_get()->detail, jose_jwk_kid(mallory.key)));
	free(r);
	/* mallory's signature under the IdP's kid */
	char *claims = claims_with(NULL);
	char *hdr = xasprintf("{\"alg\":\"ES256\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	char *forged = forge(hdr, claims, strrchr(t, '.') + 1);
	r = outcome(forged, f.set, &e);
	ASSERT_STR_EQ(r, "bad_signature");
	free(r);
	free(forged);
	free(hdr);
	/* no kid, several keys: no key can be chosen */
	struct jose_jwk *k1 = NULL, *k2 = NULL;
	jose_jwk_parse(&k1, f.pub, strlen(f.pub));
	jose_jwk_parse(&k2, mallory.pub, strlen(mallory.pub));
	struct jose_jwk *both[] = { k1, k2 };
	struct jose_jwks *two = jose_jwks_new(both, 2);
	forged = forge("{\"alg\":\"ES256\"}", claims, strrchr(t, '.') + 1);
	r = outcome(forged, two, &e);
	ASSERT_STR_EQ(r, "unknown_key");
	free(r);
	free(forged);
	jose_jwks_unref(two);
	free(claims);
	free(t);
	idp_release(&mallory);
	idp_release(&f);
}

TEST(oidc_rp, id_token_tampered_payload_and_malformed_tokens)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	char *t = token_with(&f, NULL);
	char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
	char *hdr = xstrndup(t, (size_t)(dot1 - t));
	char *evil = claims_with("{\"email\":\"ceo@acme.com\"}");
	char *p = jose_b64url_encode(evil, strlen(evil));
	char *tampered = xasprintf("%s.%s%s", hdr, p, dot2);
	char *r = outcome(tampered, f.set, &e);
	ASSERT_STR_EQ(r, "bad_signature");
	free(r);
	static const char *const bad[] = { "", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.e30" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		r = outcome(bad[i], f.set, &e);
		ASSERT(!strcmp(r, "malformed_token") || !strcmp(r, "alg_not_allowed"));
		free(r);
	}
	free(tampered);
	free(p);
	free(evil);
	free(hdr);
	free(t);
	idp_release(&f);
}

TEST(oidc_rp, id_token_duplicate_members_are_refused)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	char *good = token_with(&f, NULL);
	char *claims = claims_with(NULL);
	/* {"alg":"ES256",...,"alg":"none"}: cjose alone would let the last one win */
	char *hdr = xasprintf("{\"alg\":\"ES256\",\"kid\":\"%s\",\"alg\":\"none\"}",
	                      jose_jwk_kid(f.key));
	char *dup = forge(hdr, claims, strrchr(good, '.') + 1);
	char *r = outcome(dup, f.set, &e);
	ASSERT_STR_EQ(r, "malformed_token");
	free(r);
	free(dup);
	free(hdr);
	/* a properly signed token whose claims name "email" twice */
	char *twice =
	        xasprintf("%.*s,\"email\":\"ceo@acme.com\"}", (int)strlen(claims) - 1, claims);
	char *t = NULL;
	jose_jwt_sign(&t, f.key, twice);
	r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "malformed_token");
	free(r);
	free(t);
	free(twice);
	free(claims);
	free(good);
	idp_release(&f);
}

TEST(oidc_rp, id_token_alg_must_be_one_the_idp_advertises)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	e.algs = OIDC_RP_ALG_RS256; /* discovery listed RS256 only; the token is ES256 */
	char *t = token_with(&f, NULL);
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "alg_not_allowed");
	free(r);
	e.algs = OIDC_RP_ALG_RS256 | OIDC_RP_ALG_ES256;
	r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "");
	free(r);
	free(t);
	idp_release(&f);
}

TEST(oidc_rp, id_token_time_rules_with_offsets)
{
	struct idp f;
	idp_init(&f);
	char o[128];
	xsnprintf(o, sizeof(o), "{\"exp\":%d}", TEST_FAKE_NOW - 200);
	ASSERT_OUTCOME(&f, o, "expired");
	ASSERT(strstr(error_get()->detail, "expired 200 s ago"));
	xsnprintf(o, sizeof(o), "{\"exp\":%d}", TEST_FAKE_NOW - 100); /* within the skew */
	ASSERT_OUTCOME(&f, o, "");
	xsnprintf(o, sizeof(o), "{\"iat\":%d}", TEST_FAKE_NOW + 600);
	ASSERT_OUTCOME(&f, o, "issued_in_future");
	ASSERT(strstr(error_get()->detail, "600 s in the future"));
	xsnprintf(o, sizeof(o), "{\"nbf\":%d}", TEST_FAKE_NOW + 300);
	ASSERT_OUTCOME(&f, o, "not_yet_valid");
	xsnprintf(o, sizeof(o), "{\"nbf\":%d}", TEST_FAKE_NOW + 60);
	ASSERT_OUTCOME(&f, o, "");
	ASSERT_OUTCOME(&f, "{\"exp\":null}", "malformed_token");
	ASSERT_OUTCOME(&f, "{\"iat\":null}", "malformed_token");
	/* a registered claim of the wrong type refuses the whole token */
	ASSERT_OUTCOME(&f, "{\"exp\":\"tomorrow\"}", "malformed_token");
	idp_release(&f);
}

TEST(oidc_rp, id_token_issuer_audience_and_azp)
{
	struct idp f;
	idp_init(&f);
	ASSERT_OUTCOME(&f, "{\"iss\":\"https://evil.example\"}", "wrong_issuer");
	ASSERT(strstr(error_get()->detail, "https://evil.example"));
	ASSERT(strstr(error_get()->detail, ISS));
	ASSERT_OUTCOME(&f, "{\"iss\":\"https://idp.example/\"}", "wrong_issuer");
	ASSERT_OUTCOME(&f, "{\"iss\":null}", "wrong_issuer");
	ASSERT_OUTCOME(&f, "{\"aud\":\"client-2\"}", "wrong_audience");
	ASSERT(strstr(error_get()->detail, "client-2"));
	ASSERT_OUTCOME(&f, "{\"aud\":null}", "wrong_audience");
	ASSERT_OUTCOME(&f, "{\"aud\":[\"client-2\",\"client-1\"]}", "azp_mismatch");
	ASSERT_OUTCOME(&f, "{\"aud\":[\"client-2\",\"client-1\"],\"azp\":\"client-2\"}",
	               "azp_mismatch");
	ASSERT_OUTCOME(&f, "{\"aud\":[\"client-2\",\"client-1\"],\"azp\":\"client-1\"}", "");
	ASSERT_OUTCOME(&f, "{\"azp\":\"client-2\"}", "azp_mismatch");
	ASSERT_OUTCOME(&f, "{\"sub\":null}", "malformed_token");
	idp_release(&f);
}

TEST(oidc_rp, id_token_nonce)
{
	struct idp f;
	idp_init(&f);
	ASSERT_OUTCOME(&f, "{\"nonce\":\"n-other\"}", "nonce_mismatch");
	ASSERT_OUTCOME(&f, "{\"nonce\":null}", "nonce_mismatch");
	ASSERT(strstr(error_get()->detail, "no nonce"));
	ASSERT_OUTCOME(&f, "{\"nonce\":\"n-0123456789 \"}", "nonce_mismatch");
	idp_release(&f);
}

TEST(oidc_rp, id_token_email_and_email_verified)
{
	struct idp f;
	idp_init(&f);
	ASSERT_OUTCOME(&f, "{\"email\":null}", "missing_email");
	ASSERT_OUTCOME(&f, "{\"email\":\"alice\"}", "missing_email");
	ASSERT_OUTCOME(&f, "{\"email\":\"a@b@c\"}", "missing_email");
	ASSERT_OUTCOME(&f, "{\"email\":[\"alice@acme.com\"]}", "missing_email");
	ASSERT_OUTCOME(&f, "{\"email_verified\":false}", "email_not_verified");
	ASSERT(strstr(error_get()->detail, "alice@acme.com"));
	ASSERT_OUTCOME(&f, "{\"email_verified\":null}", "email_not_verified");
	ASSERT_OUTCOME(&f, "{\"email_verified\":\"false\"}", "email_not_verified");
	ASSERT_OUTCOME(&f, "{\"email_verified\":1}", "email_not_verified");
	ASSERT_OUTCOME(&f, "{\"email_verified\":\"true\"}", "");
	/* Entra ID: no email_verified, but the domain owner verified the address */
	ASSERT_OUTCOME(&f, "{\"email_verified\":null,\"xms_edov\":true}", "");
	ASSERT_OUTCOME(&f, "{\"email_verified\":null,\"xms_edov\":false}", "email_not_verified");
	/* a connection that allows unverified addresses */
	struct oidc_rp_expect e = expect();
	e.require_email_verified = false;
	char *t = token_with(&f, "{\"email_verified\":false}");
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "");
	free(r);
	free(t);
	idp_release(&f);
}

TEST(oidc_rp, id_token_lists_every_claim_problem_and_keeps_the_identity)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	char o[256];
	xsnprintf(o, sizeof(o),
	          "{\"iss\":\"https://other.example\",\"exp\":%d,\"nonce\":\"x\","
	          "\"email_verified\":false}",
	          TEST_FAKE_NOW - 1000);
	char *t = token_with(&f, o);
	struct oidc_rp_problems p = { 0 };
	struct oidc_rp_identity id;
	ASSERT_INT_EQ(oidc_rp_id_token_validate(&id, &p, t, strlen(t), f.set, &e), ERR_INVALID);
	ASSERT_INT_EQ(p.n, 4);
	ASSERT_STR_EQ(p.items[0].code, "wrong_issuer");
	ASSERT_STR_EQ(p.items[1].code, "expired");
	ASSERT_STR_EQ(p.items[2].code, "nonce_mismatch");
	ASSERT_STR_EQ(p.items[3].code, "email_not_verified");
	/* the first problem is also in the error slot */
	ASSERT_STR_EQ(error_get()->stable, "wrong_issuer");
	/* the token is authentic, so a test sign-in may show what it said */
	ASSERT_STR_EQ(id.email, "alice@acme.com");
	oidc_rp_identity_release(&id);
	free(t);
	/* after a signature problem nothing of the token is kept */
	struct idp other;
	idp_init(&other);
	t = token_with(&other, NULL);
	p.n = 0;
	ASSERT_INT_EQ(oidc_rp_id_token_validate(&id, &p, t, strlen(t), f.set, &e), ERR_INVALID);
	ASSERT(!id.email && !id.attributes_json);
	oidc_rp_identity_release(&id);
	free(t);
	idp_release(&other);
	idp_release(&f);
}

TEST(oidc_rp, id_token_easie_google_hd)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	e.tenant_rule = OIDC_RP_TENANT_GOOGLE_HD;
	e.tenant = "acme.com";
	static const struct {
		const char *claims, *want;
	} cases[] = {
		{ "{\"hd\":\"acme.com\"}", "" },
		{ "{\"hd\":\"ACME.com\"}", "" },
		{ "{\"hd\":\"evil.com\"}", "wrong_tenant" },
		{ "{\"hd\":\"acme.com.evil.com\"}", "wrong_tenant" },
		{ "{}", "wrong_tenant" }, /* a consumer gmail.com account has no hd */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *t = token_with(&f, cases[i].claims);
		char *r = outcome(t, f.set, &e);
		ASSERT_STR_EQ(r, cases[i].want);
		free(r);
		free(t);
	}
	idp_release(&f);
}

TEST(oidc_rp, id_token_easie_microsoft_tid)
{
	struct idp f;
	idp_init(&f);
	struct oidc_rp_expect e = expect();
	e.tenant_rule = OIDC_RP_TENANT_MICROSOFT_TID;
	e.tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
	char *t = token_with(&f, "{\"tid\":\"72F988BF-86F1-41AF-91AB-2D7CD011DB47\"}");
	char *r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "");
	free(r);
	free(t);
	t = token_with(&f, "{\"tid\":\"9188040d-6c67-4c5b-b112-36a304b66dad\"}");
	r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "wrong_tenant");
	ASSERT(strstr(error_get()->detail, "9188040d-6c67-4c5b-b112-36a304b66dad"));
	free(r);
	free(t);
	t = token_with(&f, NULL);
	r = outcome(t, f.set, &e);
	ASSERT_STR_EQ(r, "wrong_tenant");
	free(r);
	free(t);
	idp_release(&f);
}

TEST(oidc_rp, easie_issuers_and_tenants)
{
	char *iss = NULL;
	ASSERT_INT_EQ(oidc_rp_easie_rule("google_workspace"), OIDC_RP_TENANT_GOOGLE_HD);
	ASSERT_INT_EQ(oidc_rp_easie_rule("microsoft_entra_id"), OIDC_RP_TENANT_MICROSOFT_TID);
	ASSERT_INT_EQ(oidc_rp_easie_rule("okta"), OIDC_RP_TENANT_NONE);
	ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_GOOGLE_HD,
	                                   "https://accounts.google.com",
	                                   "https://login.microsoftonline.com", "acme.com"),
	              0);
	ASSERT_STR_EQ(iss, "https://accounts.google.com");
	free(iss);
	ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_MICROSOFT_TID, "x",
	                                   "https://login.microsoftonline.com/",
	                                   "72f988bf-86f1-41af-91ab-2d7cd011db47"),
	              0);
	ASSERT_STR_EQ(
	        iss, "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0");
	free(iss);
	static const char *const bad_ms[] = { "common",
		                              "organizations",
		                              "contoso.com",
		                              "",
		                              "72f988bf-86f1-41af-91ab-2d7cd011db4",
		                              "72f988bf/86f1-41af-91ab-2d7cd011db47" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_ms); i++) {
		ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_MICROSOFT_TID, "x", "y",
		                                   bad_ms[i]),
		              ERR_INVALID);
		ASSERT_STR_EQ(error_get()->stable, "invalid_tenant");
	}
	ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_GOOGLE_HD, "x", "y", "gmail"),
	              ERR_INVALID);
	ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_GOOGLE_HD, "x", "y", "a/b.com"),
	              ERR_INVALID);
	ASSERT_INT_EQ(oidc_rp_easie_issuer(&iss, OIDC_RP_TENANT_NONE, "x", "y", "acme.com"),
	              ERR_INVALID);
	ASSERT(!iss);
}

/* RFC 7518 RS256 through the same rule, with a token made by python3-jwcrypto. */
TEST(oidc_rp, rs256_signature_from_another_implementation)
{
	static const char jwk[] =
	        "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"kid\":\"rsa-test-1\",\"n\":\"1MyKZ0jBRFT031ZVVyO0tW4R"
	        "qpMq2BvnWj4sku3idZjbV3-KwuUWc-SF7hfOUy1Fw_lQV8jjlOaUK7SbS6KLdcvpr9UUgm2BdFrFnz8HkuT4Q9"
	        "gx0nVrDLOQBhy7oxzCfBdt6laSZpCM2H2U02zf2AdxZsn_OoJbj24gC24cCBIUXlCDZDqlDRXtJ8uK8p7hAxY1"
	        "kBNZtpp5iEWEtKKiCzifhE__9LIUz7qa4gS4cbJSV_JTtUjVcaKWAbuPCXmBpg6xOr9HgGecSH972C21KsoDrJ"
	        "eGq84w2wse9ysgtwDjAf9mOIVcD3_z7qRsh8-WmkDrM-vwOW-EI9RAMdlWow\"}";
	static const char token[] =
	        "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS10ZXN0LTEifQ."
	        "eyJhdWQiOiJjMSIsImV4cCI6MTc5MDAwMzYwMCwiaWF0IjoxNzkwMDAwMDAwLCJpc3MiOiJodHRwczovL2lkcC5l"
	        "eGFtcGxlIiwic3ViIjoidTEifQ."
	        "yoLS-tMeJRqGuu7_B-tuUocK72KqOAjty26GhuM5TGSrnZWY9XtVzYig9HdVUdIpxnUA1XMuOEc7Ku8Z3TQDYK4S"
	        "MYg1WGlwUwDP_A3EmhA2XOlxyE2eTidalOxq82A_XrL9OP0GI7NAbROHf3201nMoJ0JA1M2NXtdbpC-f8VwFCf7k"
	        "vwe0BE_Gm805nG6hmk3LNmoXN-0XZbOiOGNEsND6jzVFIaWjbl0hNSHygEnMx_wvOMN4Yw0M7nHEE1mYFToI8CBn"
	        "te-SBe0PngQibYtNkELEGU5sE50uFlUrqoUpobRb3WXsB4SWx8tL278RAn5ThjEC-zGnaWku7LlULA";
	struct jose_jwk *k = NULL;
	ASSERT_INT_EQ(jose_jwk_parse(&k, jwk, strlen(jwk)), 0);
	struct jose_jwks *set = jose_jwks_new(&k, 1);
	struct jose_claims c;
	ASSERT_INT_EQ(oidc_rp_check_signature(&c, token, strlen(token), set, OIDC_RP_ALG_RS256), 0);
	ASSERT_INT_EQ(oidc_rp_check_issuer(&c, "https://idp.example"), 0);
	ASSERT_INT_EQ(oidc_rp_check_audience(&c, "c1"), 0);
	ASSERT_INT_EQ(oidc_rp_check_time(&c, TEST_FAKE_NOW, OIDC_RP_SKEW_S), 0);
	ASSERT_INT_EQ(oidc_rp_check_nonce(&c, NONCE), ERR_INVALID);
	jose_claims_release(&c);
	ASSERT_INT_EQ(oidc_rp_check_signature(&c, token, strlen(token), set, OIDC_RP_ALG_ES256),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "alg_not_allowed");
	jose_jwks_unref(set);
}
