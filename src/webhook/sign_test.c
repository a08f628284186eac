/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for webhook/sign. Expected values come from the Standard Webhooks
 * reference test (libraries/go/webhook_test.go, TestWebhookSign) and from
 * Python's hmac/base64 (/usr/bin/python3), e.g.
 *   k = base64.b64decode(secret[6:])
 *   "v1," + base64.b64encode(hmac.new(k, f"{id}.{ts}.".encode() + body, sha256).digest())
 */
#include "base/common.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "test/harness/test.h"
#include "webhook/sign.h"

/* The Standard Webhooks reference vector (24-byte key). */
static const char ref_secret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
static const char ref_id[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
static const int64_t ref_ts = 1614265330;
static const char ref_body[] = "{\"test\": 2432232314}";
static const char ref_sig[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/* Bytes 0..63 as the key (the 64-byte maximum). */
static const char max_secret[] =
        "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
        "LS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
/* 24 bytes of 0xff. */
static const char ff_secret[] = "whsec_////////////////////////////////";

static int sign_ref(char **out, const char *secret, const char *id, int64_t ts, const char *body)
{
	return webhook_sign(out, secret, id, ts, body, strlen(body));
}

TEST(webhook_sign, known_answers)
{
	char *sig = NULL;
	static const char spec_body[] =
	        "{\"type\":\"contact.created\",\"timestamp\":\"2022-11-03T20:26:10.344522Z\","
	        "\"data\":{\"id\":\"1f81eb52-5198-4599-803e-771906343485\"}}";

	ASSERT_INT_EQ(sign_ref(&sig, ref_secret, ref_id, ref_ts, ref_body), 0);
	ASSERT_STR_EQ(sig, ref_sig);
	free(sig);

	ASSERT_INT_EQ(sign_ref(&sig, max_secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1674087231,
	                       spec_body),
	              0);
	ASSERT_STR_EQ(sig, "v1,9LtGxwbZoGrF8oS2FH4IGhfQpdLVQZEa0OR1k5rX7yE=");
	free(sig);

	ASSERT_INT_EQ(webhook_sign(&sig, ff_secret, "msg_empty", 1790000000, NULL, 0), 0);
	ASSERT_STR_EQ(sig, "v1,YFVzmw+BMY4rmQZbWAVXjJ4zb+AXwuEHy5OwIPTRMw4=");
	free(sig);

	/* The body is signed byte for byte, NUL and newline included. */
	ASSERT_INT_EQ(webhook_sign(&sig, ff_secret, "msg_bin", 1790000000, "a\0b\nc", 5), 0);
	ASSERT_STR_EQ(sig, "v1,8PYvx8FjQOJlZDuZyFQdh6hQEvdvnQWBe2xKLTe4UoQ=");
	free(sig);
}

TEST(webhook_sign, new_secret_shape)
{
	char *a = webhook_sign_secret_new();
	char *b = webhook_sign_secret_new();
	unsigned char *key = NULL;
	size_t key_len = 0;
	char *sig = NULL;

	ASSERT(strncmp(a, "whsec_", 6) == 0);
	ASSERT_INT_EQ(strlen(a), 6 + 44);
	ASSERT(strcmp(a, b) != 0);
	ASSERT_INT_EQ(crypto_b64_decode(&key, &key_len, a + 6), 0);
	ASSERT_INT_EQ(key_len, WEBHOOK_SIGN_KEY_BYTES);
	free(key);

	ASSERT_INT_EQ(sign_ref(&sig, a, ref_id, TEST_FAKE_NOW, ref_body), 0);
	ASSERT_INT_EQ(webhook_sign_verify(a, ref_id, TEST_FAKE_NOW, ref_body, strlen(ref_body), sig,
	                                  TEST_FAKE_NOW, 300),
	              0);
	ASSERT_INT_EQ(webhook_sign_verify(b, ref_id, TEST_FAKE_NOW, ref_body, strlen(ref_body), sig,
	                                  TEST_FAKE_NOW, 300),
	              ERR_UNAUTHENTICATED);
	free(sig);
	free(a);
	free(b);
}

/* Verifies the reference signature against changed inputs; returns the code. */
static int verify_ref(const char *secret, const char *id, int64_t ts, const char *body,
                      const char *header)
{
	return webhook_sign_verify(secret, id, ts, body, strlen(body), header, ref_ts, 300);
}

static bool is_mismatch(int rc)
{
	return rc == ERR_UNAUTHENTICATED && strcmp(error_get()->stable, "signature_mismatch") == 0;
}

TEST(webhook_sign, tampering_fails)
{
	ASSERT_INT_EQ(verify_ref(ref_secret, ref_id, ref_ts, ref_body, ref_sig), 0);
	ASSERT(is_mismatch(
	        verify_ref(ref_secret, ref_id, ref_ts, "{\"test\": 2432232315}", ref_sig)));
	ASSERT(is_mismatch(
	        verify_ref(ref_secret, ref_id, ref_ts, "{\"test\": 2432232314} ", ref_sig)));
	ASSERT(is_mismatch(
	        verify_ref(ref_secret, "msg_p5jXN8AQM9LWM0D4loKWxJeK", ref_ts, ref_body, ref_sig)));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts + 1, ref_body, ref_sig)));
	ASSERT(is_mismatch(verify_ref(ff_secret, ref_id, ref_ts, ref_body, ref_sig)));
	/* Same MAC under another version tag, truncated, or with a flipped character. */
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body,
	                              "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body,
	                              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body,
	                              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1oE=")));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body, "")));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body, "v1,")));
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body, NULL)));
}

TEST(webhook_sign, several_signatures_in_header)
{
	static const char rotated[] =
	        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
	        "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== "
	        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=  "
	        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
	ASSERT_INT_EQ(verify_ref(ref_secret, ref_id, ref_ts, ref_body, rotated), 0);
	ASSERT(is_mismatch(verify_ref(ref_secret, ref_id, ref_ts, ref_body,
	                              "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
	                              "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")));
}

TEST(webhook_sign, timestamp_tolerance)
{
	char *sig = NULL;
	int64_t now = TEST_FAKE_NOW;
	const int64_t attempts[] = { now - 300, now + 300, now - 301, now + 301 };
	const int expected[] = { 0, 0, ERR_UNAUTHENTICATED, ERR_UNAUTHENTICATED };

	for (size_t i = 0; i < ARRAY_SIZE(attempts); i++) {
		ASSERT_INT_EQ(sign_ref(&sig, ref_secret, ref_id, attempts[i], ref_body), 0);
		int rc = webhook_sign_verify(ref_secret, ref_id, attempts[i], ref_body,
		                             strlen(ref_body), sig, now, 300);
		free(sig);
		ASSERT_INT_EQ(rc, expected[i]);
		if (rc)
			ASSERT_STR_EQ(error_get()->stable, "timestamp_out_of_tolerance");
	}
	ASSERT_INT_EQ(verify_ref(ref_secret, ref_id, ref_ts, ref_body, ref_sig), 0);
	ASSERT_INT_EQ(webhook_sign_verify(ref_secret, ref_id, ref_ts, ref_body, strlen(ref_body),
	                                  ref_sig, ref_ts, -1),
	              ERR_INVALID);
}

TEST(webhook_sign, refuses_bad_inputs)
{
	static const char *const bad_secrets[] = {
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",       /* no prefix */
		"whsec_",                                 /* empty */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", /* not base64 */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa",   /* length not a multiple of 4 */
		"whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", /* 22 bytes */
		"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7"
		"PD0+P0A=", /* 65 bytes */
		NULL,
	};
	static char dummy;
	char *sig = &dummy;
	for (size_t i = 0; i < ARRAY_SIZE(bad_secrets); i++) {
		ASSERT_INT_EQ(sign_ref(&sig, bad_secrets[i], ref_id, ref_ts, ref_body),
		              ERR_INVALID);
		ASSERT(sig == NULL);
		ASSERT_STR_EQ(error_get()->stable, "invalid_secret");
	}
	static const char *const bad_ids[] = { "", "msg.1", "msg 1", "msg\n1", "msg_\xc3\xa9" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		ASSERT_INT_EQ(sign_ref(&sig, ref_secret, bad_ids[i], ref_ts, ref_body),
		              ERR_INVALID);
		ASSERT_STR_EQ(error_get()->stable, "invalid_message");
	}
	ASSERT_INT_EQ(sign_ref(&sig, ref_secret, ref_id, -1, ref_body), ERR_INVALID);
	ASSERT_INT_EQ(webhook_sign(&sig, ref_secret, ref_id, ref_ts, NULL, 3), ERR_INVALID);
	ASSERT_INT_EQ(verify_ref(ff_secret + 1, ref_id, ref_ts, ref_body, ref_sig), ERR_INVALID);
}
