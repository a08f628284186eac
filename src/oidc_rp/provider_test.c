/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oidc_rp/provider: snapshots, freshness, fingerprints, the rate limit on
 * JWKS refetches, and snapshots swapped while other threads read them.
 */
#include "base/common.h"

#include "oidc_rp/provider.h"
#include "test/harness/test.h"

#include <pthread.h>

static struct oidc_rp_provider *snapshot(const char *jwks_uri, const char *fp, int64_t at)
{
	struct oidc_rp_discovery d;
	oidc_rp_discovery_explicit(&d, "https://idp.example", "https://idp.example/a",
	                           "https://idp.example/t", jwks_uri, false);
	struct jose_jwk *k = NULL;
	jose_jwk_generate(&k);
	struct oidc_rp_provider *p = oidc_rp_provider_new(&d, jose_jwks_new(&k, 1), fp, at);
	oidc_rp_discovery_release(&d);
	return p;
}

TEST(oidc_rp, provider_cache_freshness_and_fingerprints)
{
	struct oidc_rp_cache *c = oidc_rp_cache_new();
	bool fresh = true;
	ASSERT(!oidc_rp_cache_get(c, "conn_1", "fp1", TEST_FAKE_NOW, &fresh));
	ASSERT(!fresh);
	oidc_rp_cache_put(c, "conn_1", snapshot("https://idp.example/j", "fp1", TEST_FAKE_NOW));
	struct oidc_rp_provider *p =
	        oidc_rp_cache_get(c, "conn_1", "fp1", TEST_FAKE_NOW + 10, &fresh);
	ASSERT(p && fresh);
	ASSERT_STR_EQ(oidc_rp_provider_metadata(p)->jwks_uri, "https://idp.example/j");
	ASSERT_STR_EQ(oidc_rp_provider_fingerprint(p), "fp1");
	ASSERT_INT_EQ(jose_jwks_count(oidc_rp_provider_keys(p)), 1);
	oidc_rp_provider_unref(p);
	/* stale: still returned (a failed refetch may fall back on it), but not fresh */
	p = oidc_rp_cache_get(c, "conn_1", "fp1", TEST_FAKE_NOW + OIDC_RP_PROVIDER_TTL_S, &fresh);
	ASSERT(p && !fresh);
	oidc_rp_provider_unref(p);
	/* the connection was edited: the old provider's keys are never used */
	ASSERT(!oidc_rp_cache_get(c, "conn_1", "fp2", TEST_FAKE_NOW, &fresh));
	ASSERT(!oidc_rp_cache_get(c, "conn_2", "fp1", TEST_FAKE_NOW, &fresh));
	/* a reader keeps its snapshot alive across a swap */
	p = oidc_rp_cache_get(c, "conn_1", "fp1", TEST_FAKE_NOW, &fresh);
	oidc_rp_cache_put(c, "conn_1", snapshot("https://idp.example/j2", "fp1", TEST_FAKE_NOW));
	ASSERT_STR_EQ(oidc_rp_provider_metadata(p)->jwks_uri, "https://idp.example/j");
	struct jose_jwk *k = NULL;
	jose_jwk_generate(&k);
	struct oidc_rp_provider *rotated = oidc_rp_provider_with_keys(p, jose_jwks_new(&k, 1));
	ASSERT_INT_EQ(oidc_rp_provider_fetched_at(rotated), oidc_rp_provider_fetched_at(p));
	ASSERT(oidc_rp_provider_keys(rotated) != oidc_rp_provider_keys(p));
	oidc_rp_provider_unref(p);
	oidc_rp_provider_unref(rotated);
	p = oidc_rp_cache_get(c, "conn_1", "fp1", TEST_FAKE_NOW, &fresh);
	ASSERT_STR_EQ(oidc_rp_provider_metadata(p)->jwks_uri, "https://idp.example/j2");
	oidc_rp_provider_unref(p);
	oidc_rp_cache_free(c);
}

TEST(oidc_rp, provider_cache_rate_limits_refetches)
{
	struct oidc_rp_cache *c = oidc_rp_cache_new();
	int64_t t = TEST_FAKE_NOW;
	ASSERT(oidc_rp_cache_claim_refetch(c, "conn_1", t));
	ASSERT(!oidc_rp_cache_claim_refetch(c, "conn_1", t + 1));
	ASSERT(!oidc_rp_cache_claim_refetch(c, "conn_1", t + OIDC_RP_JWKS_REFETCH_MIN_S - 1));
	/* per connection */
	ASSERT(oidc_rp_cache_claim_refetch(c, "conn_2", t + 1));
	ASSERT(oidc_rp_cache_claim_refetch(c, "conn_1", t + OIDC_RP_JWKS_REFETCH_MIN_S));
	ASSERT(!oidc_rp_cache_claim_refetch(c, "conn_1", t + OIDC_RP_JWKS_REFETCH_MIN_S + 5));
	oidc_rp_cache_free(c);
}

TEST(oidc_rp, provider_cache_is_bounded)
{
	struct oidc_rp_cache *c = oidc_rp_cache_new();
	char id[32];
	for (int i = 0; i <= OIDC_RP_CACHE_MAX; i++) {
		xsnprintf(id, sizeof(id), "conn_%d", i);
		oidc_rp_cache_claim_refetch(c, id, TEST_FAKE_NOW);
	}
	/* the table was emptied when full: conn_0 may refetch again */
	ASSERT(oidc_rp_cache_claim_refetch(c, "conn_0", TEST_FAKE_NOW));
	oidc_rp_cache_free(c);
}

struct race {
	struct oidc_rp_cache *c;
	int rounds;
	bool bad;
};

static void *reader(void *arg)
{
	struct race *r = arg;
	for (int i = 0; i < r->rounds; i++) {
		bool fresh;
		struct oidc_rp_provider *p =
		        oidc_rp_cache_get(r->c, "conn_1", "fp", TEST_FAKE_NOW, &fresh);
		if (!p || jose_jwks_count(oidc_rp_provider_keys(p)) != 1 ||
		    strncmp(oidc_rp_provider_metadata(p)->jwks_uri, "https://idp.example/", 20) !=
		            0)
			r->bad = true;
		oidc_rp_provider_unref(p);
	}
	return NULL;
}

TEST(oidc_rp, provider_snapshots_swap_while_threads_read)
{
	struct race r = { .c = oidc_rp_cache_new(), .rounds = 20000 };
	oidc_rp_cache_put(r.c, "conn_1", snapshot("https://idp.example/0", "fp", TEST_FAKE_NOW));
	pthread_t th[3];
	for (size_t i = 0; i < ARRAY_SIZE(th); i++)
		pthread_create(&th[i], NULL, reader, &r);
	for (int i = 0; i < 200; i++) {
		char uri[64];
		xsnprintf(uri, sizeof(uri), "https://idp.example/%d", i);
		oidc_rp_cache_put(r.c, "conn_1", snapshot(uri, "fp", TEST_FAKE_NOW));
	}
	for (size_t i = 0; i < ARRAY_SIZE(th); i++)
		pthread_join(th[i], NULL);
	ASSERT(!r.bad);
	oidc_rp_cache_free(r.c);
}
