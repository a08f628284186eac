/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jose/: RFC vectors (7515 A.3, 7638 section 3.1, an RS256 token made by
 * python3-jwcrypto), round trips, and the tamper cases a verifier must refuse.
 */
#include "base/common.h"

#include "base/buf.h"
#include "base/error.h"
#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "jose/jwt.h"
#include "test/harness/test.h"

#include <pthread.h>

/* RFC 7515 Appendix A.3 (ES256). */
static const char a3_jwk[] = "{\"kty\":\"EC\",\"crv\":\"P-256\","
                             "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                             "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
static const char a3_token[] =
        "eyJhbGciOiJFUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/* RFC 7638 section 3.1 (also RFC 7517 A.1). */
static const char rfc7638_n[] =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
        "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
        "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

/* An RS256 token and its key, made with python3-jwcrypto 1.1 (an implementation we did not write).
 */
static const char rsa_jwk[] =
        "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"kid\":\"rsa-test-1\",\"n\":\"1MyKZ0jBRFT031ZVVyO0tW4RqpMq2BvnWj"
        "4sku3idZjbV3-KwuUWc-SF7hfOUy1Fw_lQV8jjlOaUK7SbS6KLdcvpr9UUgm2BdFrFnz8HkuT4Q9gx0nVrDLOQBhy7oxz"
        "CfBdt6laSZpCM2H2U02zf2AdxZsn_OoJbj24gC24cCBIUXlCDZDqlDRXtJ8uK8p7hAxY1kBNZtpp5iEWEtKKiCzifhE__9"
        "LIUz7qa4gS4cbJSV_JTtUjVcaKWAbuPCXmBpg6xOr9HgGecSH972C21KsoDrJeGq84w2wse9ysgtwDjAf9mOIVcD3_z7qR"
        "sh8-WmkDrM-vwOW-EI9RAMdlWow\"}";
static const char rsa_token[] =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS10ZXN0LTEifQ."
        "eyJhdWQiOiJjMSIsImV4cCI6MTc5MDAwMzYwMCwiaWF0IjoxNzkwMDAwMDAwLCJpc3MiOiJodHRwczovL2lkcC5leGFtcG"
        "xlIiwic3ViIjoidTEifQ."
        "yoLS-tMeJRqGuu7_B-tuUocK72KqOAjty26GhuM5TGSrnZWY9XtVzYig9HdVUdIpxnUA1XMuOEc7Ku8Z3TQDYK4SMYg1WG"
        "lwUwDP_A3EmhA2XOlxyE2eTidalOxq82A_XrL9OP0GI7NAbROHf3201nMoJ0JA1M2NXtdbpC-f8VwFCf7kvwe0BE_Gm805"
        "nG6hmk3LNmoXN-0XZbOiOGNEsND6jzVFIaWjbl0hNSHygEnMx_wvOMN4Yw0M7nHEE1mYFToI8CBnte-SBe0PngQibYtNkE"
        "LEGU5sE50uFlUrqoUpobRb3WXsB4SWx8tL278RAn5ThjEC-zGnaWku7LlULA";

static struct jose_jwks *set_of(const char *json)
{
	struct jose_jwk *k = NULL;
	if (jose_jwk_parse(&k, json, strlen(json)))
		return NULL;
	return jose_jwks_new(&k, 1);
}

/* A compact token with the given header and payload texts and a signature segment. */
static char *forge(const char *header, const char *payload, const char *sig_b64)
{
	char *h = jose_b64url_encode(header, strlen(header));
	char *p = jose_b64url_encode(payload, strlen(payload));
	char *t = xasprintf("%s.%s.%s", h, p, sig_b64);
	free(h);
	free(p);
	return t;
}

static int verify(const char *token, const struct jose_jwks *keys)
{
	char *payload = NULL;
	size_t n = 0;
	int rc = jose_jws_verify(&payload, &n, NULL, token, strlen(token), keys);
	free(payload);
	return rc;
}

TEST(jose, b64url_round_trip_and_strictness)
{
	for (size_t len = 0; len < 40; len++) {
		unsigned char in[40], *out = NULL;
		size_t n = 0;
		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len);
		char *e = jose_b64url_encode(in, len);
		ASSERT(strchr(e, '=') == NULL && strchr(e, '+') == NULL && strchr(e, '/') == NULL);
		ASSERT_INT_EQ(jose_b64url_decode(&out, &n, e, strlen(e)), 0);
		ASSERT_INT_EQ(n, len);
		ASSERT(len == 0 || memcmp(out, in, len) == 0);
		free(out);
		free(e);
	}
	unsigned char *out = NULL;
	size_t n = 0;
	ASSERT_INT_EQ(jose_b64url_decode(&out, &n, "YQ==", 4), ERR_INVALID); /* padding */
	ASSERT_INT_EQ(jose_b64url_decode(&out, &n, "a+b/", 4), ERR_INVALID); /* base64, not url */
	ASSERT_INT_EQ(jose_b64url_decode(&out, &n, "YR", 2), ERR_INVALID);   /* non-zero pad bits */
	ASSERT_INT_EQ(jose_b64url_decode(&out, &n, "Y", 1), ERR_INVALID);
	ASSERT_INT_EQ(jose_b64url_decode(&out, &n, "YQ", 2), 0);
	ASSERT_STR_EQ((char *)out, "a");
	free(out);
}

TEST(jose, rfc7638_thumbprint)
{
	char *json = xasprintf("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\",\"alg\":\"RS256\","
	                       "\"kid\":\"2011-04-29\"}",
	                       rfc7638_n);
	struct jose_jwk *k = NULL;
	ASSERT_INT_EQ(jose_jwk_parse(&k, json, strlen(json)), 0);
	ASSERT_STR_EQ(jose_jwk_thumbprint(k), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	ASSERT_STR_EQ(jose_jwk_kid(k), "2011-04-29"); /* a peer's kid is kept */
	ASSERT_INT_EQ(jose_jwk_alg(k), JOSE_ALG_RS256);
	ASSERT(!jose_jwk_has_private(k));
	jose_jwk_free(k);
	free(json);
}

TEST(jose, rfc7515_a3_es256_verifies_and_tampering_does_not)
{
	struct jose_jwks *keys = set_of(a3_jwk);
	ASSERT(keys != NULL);
	char *payload = NULL;
	size_t n = 0;
	const struct jose_jwk *used = NULL;
	ASSERT_INT_EQ(jose_jws_verify(&payload, &n, &used, a3_token, strlen(a3_token), keys), 0);
	ASSERT(strstr(payload, "\"iss\":\"joe\"") != NULL);
	ASSERT(used == jose_jwks_at(keys, 0));
	free(payload);
	/* one flipped bit anywhere in the signature */
	char *bad = xstrdup(a3_token);
	char *last = bad + strlen(bad) - 5;
	*last = *last == 'A' ? 'B' : 'A';
	ASSERT_INT_EQ(verify(bad, keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_bad_signature");
	free(bad);
	/* the payload changed under the same signature */
	bad = forge("{\"alg\":\"ES256\"}", "{\"iss\":\"mallory\"}", strrchr(a3_token, '.') + 1);
	ASSERT_INT_EQ(verify(bad, keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_bad_signature");
	free(bad);
	jose_jwks_unref(keys);
}

TEST(jose, rs256_token_from_jwcrypto_verifies)
{
	struct jose_jwks *keys = set_of(rsa_jwk);
	ASSERT(keys != NULL);
	struct jose_claims c;
	ASSERT_INT_EQ(jose_jwt_decode(&c, rsa_token, strlen(rsa_token), keys), 0);
	ASSERT_STR_EQ(c.iss, "https://idp.example");
	ASSERT_STR_EQ(c.sub, "u1");
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "c1"), 0);
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 1790000100, 60, 0), 0);
	jose_claims_release(&c);
	jose_jwks_unref(keys);
}

TEST(jose, generated_key_signs_and_round_trips)
{
	struct jose_jwk *k = NULL;
	ASSERT_INT_EQ(jose_jwk_generate(&k), 0);
	ASSERT_STR_EQ(jose_jwk_kid(k), jose_jwk_thumbprint(k));
	ASSERT_INT_EQ(strlen(jose_jwk_kid(k)), JOSE_THUMBPRINT_LEN);
	char *pub = jose_jwk_public_json(k), *priv = jose_jwk_private_json(k);
	ASSERT(strstr(pub, "\"d\"") == NULL);
	ASSERT(strstr(pub, "\"alg\":\"ES256\"") != NULL);
	ASSERT(strstr(priv, "\"d\":") != NULL);
	/* the private JWK parses back into the same key (kid kept) */
	struct jose_jwk *again = NULL;
	ASSERT_INT_EQ(jose_jwk_parse(&again, priv, strlen(priv)), 0);
	ASSERT_STR_EQ(jose_jwk_kid(again), jose_jwk_kid(k));
	ASSERT(jose_jwk_has_private(again));
	char *token = NULL;
	ASSERT_INT_EQ(jose_jwt_sign(&token, again, "{\"sub\":\"user_1\"}"), 0);
	struct jose_jwk *pk = NULL;
	ASSERT_INT_EQ(jose_jwk_parse(&pk, pub, strlen(pub)), 0);
	struct jose_jwks *keys = jose_jwks_new(&pk, 1);
	struct jose_jws_header h;
	ASSERT_INT_EQ(jose_jws_header_parse(&h, token, strlen(token)), 0);
	ASSERT_STR_EQ(h.kid, jose_jwk_kid(k));
	ASSERT_STR_EQ(h.typ, "JWT");
	char *payload = NULL;
	size_t n = 0;
	ASSERT_INT_EQ(jose_jws_verify(&payload, &n, NULL, token, strlen(token), keys), 0);
	ASSERT_STR_EQ(payload, "{\"sub\":\"user_1\"}");
	free(payload);
	/* a public key cannot sign */
	char *no = NULL;
	ASSERT_INT_EQ(jose_jwt_sign(&no, jose_jwks_at(keys, 0), "{}"), ERR_INVALID);
	jose_jwks_unref(keys);
	jose_jwk_free(again);
	jose_jwk_free(k);
	free(token);
	memset(priv, 0, strlen(priv));
	free(priv);
	free(pub);
}

TEST(jose, thumbprints_are_fixed_width_for_many_keys)
{
	for (int i = 0; i < 64; i++) {
		struct jose_jwk *k = NULL;
		ASSERT_INT_EQ(jose_jwk_generate(&k), 0);
		char *pub = jose_jwk_public_json(k);
		struct jose_jwk *p = NULL;
		ASSERT_INT_EQ(jose_jwk_parse(&p, pub, strlen(pub)), 0);
		ASSERT_STR_EQ(jose_jwk_thumbprint(p), jose_jwk_thumbprint(k));
		jose_jwk_free(p);
		jose_jwk_free(k);
		free(pub);
	}
}

/* A signed ES256 token, its set, and the public key JSON (the HMAC secret of a confusion attack).
 */
struct fixture {
	struct jose_jwk *key;
	struct jose_jwks *keys;
	char *pub;
};

static void fixture_init(struct fixture *f)
{
	jose_jwk_generate(&f->key);
	f->pub = jose_jwk_public_json(f->key);
	struct jose_jwk *p = NULL;
	jose_jwk_parse(&p, f->pub, strlen(f->pub));
	f->keys = jose_jwks_new(&p, 1);
}

static void fixture_release(struct fixture *f)
{
	jose_jwks_unref(f->keys);
	jose_jwk_free(f->key);
	free(f->pub);
}

TEST(jose, alg_none_and_hmac_confusion_are_refused)
{
	struct fixture f;
	fixture_init(&f);
	char *hdr = xasprintf("{\"alg\":\"none\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	char *none = forge(hdr, "{\"sub\":\"admin\"}", "");
	ASSERT_INT_EQ(verify(none, f.keys), ERR_INVALID);
	free(none);
	none = forge(hdr, "{\"sub\":\"admin\"}", "AAAA");
	ASSERT_INT_EQ(verify(none, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_alg_not_allowed");
	free(none);
	free(hdr);
	/* HS256 with the public key as the HMAC secret (what libjwt 1.10 accepted) */
	hdr = xasprintf("{\"alg\":\"HS256\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	char *unsigned_part = forge(hdr, "{\"sub\":\"admin\"}", "");
	unsigned_part[strlen(unsigned_part) - 1] = '\0'; /* drop the final '.' */
	unsigned char mac[CRYPTO_SHA256_LEN];
	crypto_hmac_sha256(mac, f.pub, strlen(f.pub), unsigned_part, strlen(unsigned_part));
	char *sig = jose_b64url_encode(mac, sizeof(mac));
	char *hs = xasprintf("%s.%s", unsigned_part, sig);
	ASSERT_INT_EQ(verify(hs, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_alg_not_allowed");
	free(hs);
	free(sig);
	free(unsigned_part);
	free(hdr);
	fixture_release(&f);
}

TEST(jose, duplicate_header_members_and_crit_are_refused)
{
	struct fixture f;
	fixture_init(&f);
	char *good = NULL;
	ASSERT_INT_EQ(jose_jwt_sign(&good, f.key, "{\"sub\":\"u\"}"), 0);
	const char *sig = strrchr(good, '.') + 1;
	/* {"alg":"ES256","alg":"none"}: cjose alone would take the last one */
	char *hdr = xasprintf("{\"alg\":\"ES256\",\"kid\":\"%s\",\"alg\":\"ES256\"}",
	                      jose_jwk_kid(f.key));
	char *dup = forge(hdr, "{\"sub\":\"u\"}", sig);
	ASSERT_INT_EQ(verify(dup, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_malformed");
	free(dup);
	free(hdr);
	hdr = xasprintf("{\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"exp\"],\"exp\":1}",
	                jose_jwk_kid(f.key));
	dup = forge(hdr, "{\"sub\":\"u\"}", sig);
	ASSERT_INT_EQ(verify(dup, f.keys), ERR_INVALID);
	free(dup);
	free(hdr);
	/* duplicate claims are refused after the signature check too */
	char *twice = NULL;
	ASSERT_INT_EQ(jose_jwt_sign(&twice, f.key, "{\"sub\":\"u\",\"sub\":\"admin\"}"), 0);
	struct jose_claims c;
	ASSERT_INT_EQ(jose_jwt_decode(&c, twice, strlen(twice), f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_malformed");
	free(twice);
	free(good);
	fixture_release(&f);
}

TEST(jose, wrong_kid_and_alg_mismatch_are_refused)
{
	struct fixture f;
	fixture_init(&f);
	char *good = NULL;
	ASSERT_INT_EQ(jose_jwt_sign(&good, f.key, "{\"sub\":\"u\"}"), 0);
	const char *sig = strrchr(good, '.') + 1;
	char *t = forge("{\"alg\":\"ES256\",\"kid\":\"someone-else\"}", "{\"sub\":\"u\"}", sig);
	ASSERT_INT_EQ(verify(t, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_unknown_kid");
	free(t);
	/* an RS256 header naming our EC key */
	char *hdr = xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	t = forge(hdr, "{\"sub\":\"u\"}", sig);
	ASSERT_INT_EQ(verify(t, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_alg_mismatch");
	free(t);
	free(hdr);
	/* an RSA key set does not verify an ES256 token, nor the reverse */
	struct jose_jwks *rsa = set_of(rsa_jwk);
	ASSERT_INT_EQ(verify(good, rsa), ERR_INVALID);
	ASSERT_INT_EQ(verify(rsa_token, f.keys), ERR_INVALID);
	/* no kid with several keys: ambiguous */
	struct jose_jwk *k1 = NULL, *k2 = NULL;
	jose_jwk_parse(&k1, f.pub, strlen(f.pub));
	jose_jwk_parse(&k2, a3_jwk, strlen(a3_jwk));
	struct jose_jwk *both[2] = { k1, k2 };
	struct jose_jwks *two = jose_jwks_new(both, 2);
	ASSERT_INT_EQ(verify(a3_token, two), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_unknown_kid");
	jose_jwks_unref(two);
	jose_jwks_unref(rsa);
	free(good);
	fixture_release(&f);
}

TEST(jose, malformed_tokens_are_refused)
{
	struct fixture f;
	fixture_init(&f);
	static const char *const bad[] = { "",
		                           ".",
		                           "..",
		                           "a.b",
		                           "a.b.c.d",
		                           "e30.e30.",
		                           "e30..AAAA",
		                           "!!!.e30.AAAA",
		                           "eyJhbGciOiJFUzI1NiJ9.e30.AA==" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_INT_EQ(verify(bad[i], f.keys), ERR_INVALID);
	/* a DER-encoded (not R||S) signature has the wrong length */
	char *hdr = xasprintf("{\"alg\":\"ES256\",\"kid\":\"%s\"}", jose_jwk_kid(f.key));
	unsigned char der[70];
	memset(der, 0x30, sizeof(der));
	char *sig = jose_b64url_encode(der, sizeof(der));
	char *t = forge(hdr, "{}", sig);
	ASSERT_INT_EQ(verify(t, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_bad_signature");
	free(t);
	free(sig);
	free(hdr);
	char *huge = xmalloc(JOSE_JWS_MAX_BYTES + 2);
	memset(huge, 'A', JOSE_JWS_MAX_BYTES + 1);
	huge[JOSE_JWS_MAX_BYTES + 1] = '\0';
	ASSERT_INT_EQ(verify(huge, f.keys), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jws_too_large");
	free(huge);
	fixture_release(&f);
}

static struct jose_claims claims_of(const char *json)
{
	struct jose_claims c;
	if (jose_claims_parse(&c, json, strlen(json)))
		memset(&c, 0, sizeof(c));
	return c;
}

TEST(jose, claim_checks)
{
	struct jose_claims c = claims_of("{\"iss\":\"https://gh.example\",\"aud\":\"app1\","
	                                 "\"exp\":1000,\"iat\":900,\"nonce\":\"n-1\"}");
	ASSERT_INT_EQ(jose_jwt_check_iss(&c, "https://gh.example"), 0);
	ASSERT_INT_EQ(jose_jwt_check_iss(&c, "https://gh.example/"), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_wrong_issuer");
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "app1"), 0);
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "app2"), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_wrong_audience");
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 950, 0, 0), 0);
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 1000, 0, 0), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_expired");
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 1000, 60, 0), 0); /* bounded skew */
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 1060, 60, 0), ERR_INVALID);
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 800, 60, 0), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_issued_in_future");
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 999, 0, 50), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_too_old");
	ASSERT_INT_EQ(jose_jwt_check_nonce(&c, "n-1"), 0);
	ASSERT_INT_EQ(jose_jwt_check_nonce(&c, "n-2"), ERR_INVALID);
	ASSERT_INT_EQ(jose_jwt_check_nonce(&c, "n-"), ERR_INVALID);
	jose_claims_release(&c);

	/* several audiences need azp, and azp must be us */
	c = claims_of("{\"aud\":[\"app1\",\"app2\"],\"exp\":1000,\"iat\":900,\"nbf\":950}");
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "app1"), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_azp_mismatch");
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 940, 0, 0), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "jwt_not_yet_valid");
	ASSERT_INT_EQ(jose_jwt_check_nonce(&c, "n-1"), ERR_INVALID); /* absent nonce */
	jose_claims_release(&c);
	c = claims_of("{\"aud\":[\"app1\",\"app2\"],\"azp\":\"app1\"}");
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "app1"), 0);
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, "app2"), ERR_INVALID);
	ASSERT_INT_EQ(jose_jwt_check_time(&c, 1, 0, 0), ERR_INVALID); /* exp and iat required */
	jose_claims_release(&c);

	struct jose_claims bad;
	static const char *const wrong[] = { "[]",
		                             "{\"exp\":\"1000\"}",
		                             "{\"iss\":7}",
		                             "{\"aud\":[1]}",
		                             "{\"exp\":-1}",
		                             "{\"a\":1,\"a\":2}",
		                             "{\"sub\":\"a\\u0000b\"}" };
	for (size_t i = 0; i < ARRAY_SIZE(wrong); i++)
		ASSERT_INT_EQ(jose_claims_parse(&bad, wrong[i], strlen(wrong[i])), ERR_INVALID);
}

TEST(jose, jwks_parse_bounds_and_skips)
{
	char *doc = xasprintf("{\"keys\":[%s,{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},"
	                      "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"},%s]}",
	                      a3_jwk, rsa_jwk);
	struct jose_jwks *s = NULL;
	ASSERT_INT_EQ(jose_jwks_parse(&s, doc, strlen(doc)), 0);
	ASSERT_INT_EQ(jose_jwks_count(s), 2);
	ASSERT(jose_jwks_find(s, "rsa-test-1") != NULL);
	char *out = jose_jwks_to_json(s);
	struct jose_jwks *again = NULL;
	ASSERT_INT_EQ(jose_jwks_parse(&again, out, strlen(out)), 0);
	ASSERT_INT_EQ(jose_jwks_count(again), 2);
	jose_jwks_unref(again);
	free(out);
	jose_jwks_unref(s);
	free(doc);
	/* two keys with one kid, no usable key, not a set, too many */
	doc = xasprintf("{\"keys\":[%s,%s]}", rsa_jwk, rsa_jwk);
	ASSERT_INT_EQ(jose_jwks_parse(&s, doc, strlen(doc)), ERR_INVALID);
	free(doc);
	static const char *const bad[] = { "{\"keys\":[]}", "{\"keys\":{}}", "[]", "{}",
		                           "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"}]}" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_INT_EQ(jose_jwks_parse(&s, bad[i], strlen(bad[i])), ERR_INVALID);
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_appends(&b, "{\"keys\":[");
	for (int i = 0; i <= JOSE_JWKS_MAX_KEYS; i++)
		buf_appendf(&b, "%s%s", i ? "," : "", a3_jwk);
	buf_appends(&b, "]}");
	ASSERT_INT_EQ(jose_jwks_parse(&s, b.data, b.len), ERR_TOO_LARGE);
	buf_release(&b);
}

TEST(jose, jwk_parse_refuses_what_it_cannot_use)
{
	static const char *const bad[] = {
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}", /* short coordinates
		                                                                 */
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ES384\","
		"\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
		"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"enc\","
		"\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
		"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
		/* a point not on the curve (y changed) */
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
		"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1\"}",
		"{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", /* 24-bit RSA */
		"{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}",
		"{\"kty\":\"EC\",\"kty\":\"RSA\"}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct jose_jwk *k = NULL;
		ASSERT_INT_EQ(jose_jwk_parse(&k, bad[i], strlen(bad[i])), ERR_INVALID);
		ASSERT(k == NULL);
	}
}

struct race {
	struct jose_jwks_slot *slot;
	struct jose_jwk *signer;
	int failures;
};

static void *race_verify(void *arg)
{
	struct race *r = arg;
	for (int i = 0; i < 200; i++) {
		struct jose_jwks *s = jose_jwks_slot_get(r->slot);
		char *t = NULL;
		if (jose_jwt_sign(&t, r->signer, "{\"i\":1}") || verify(t, s))
			r->failures++;
		free(t);
		jose_jwks_unref(s);
	}
	return NULL;
}

TEST(jose, snapshots_swap_while_threads_sign_and_verify)
{
	struct jose_jwk *signer = NULL;
	ASSERT_INT_EQ(jose_jwk_generate(&signer), 0);
	char *pub = jose_jwk_public_json(signer);
	struct jose_jwks_slot slot;
	jose_jwks_slot_init(&slot);
	struct jose_jwk *p = NULL;
	jose_jwk_parse(&p, pub, strlen(pub));
	jose_jwks_slot_set(&slot, jose_jwks_new(&p, 1));
	struct race r[3] = { { &slot, signer, 0 }, { &slot, signer, 0 }, { &slot, signer, 0 } };
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, race_verify, &r[i]);
	for (int i = 0; i < 100; i++) {
		struct jose_jwk *q = NULL;
		jose_jwk_parse(&q, pub, strlen(pub));
		jose_jwks_slot_set(&slot, jose_jwks_new(&q, 1));
	}
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	ASSERT_INT_EQ(r[0].failures + r[1].failures + r[2].failures, 0);
	jose_jwks_slot_release(&slot);
	jose_jwk_free(signer);
	free(pub);
}
