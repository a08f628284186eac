/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connection contexts: construction errors, reference counting, and one context
 * shared by several threads validating good and forged responses at once, each
 * result the same as on one thread.
 */
#include "base/common.h"

#include "base/error.h"
#include "saml/fixture_test.h"
#include "saml/response.h"
#include "saml/sp_ctx.h"
#include "test/harness/test.h"

#include <pthread.h>

TEST(saml_sp_ctx, construction_errors)
{
	struct saml_sp_config sp;
	struct saml_idp idp;
	struct saml_sp_ctx *ctx = (struct saml_sp_ctx *)&sp;
	fixture_sp_config(&sp, 0);
	fixture_idp(&idp, 0);
	free(sp.signing_key_pem);
	sp.signing_key_pem = xstrdup("nope");
	ASSERT_INT_EQ(saml_sp_ctx_new(&ctx, &sp, &idp), ERR_INVALID);
	ASSERT(ctx == NULL);
	saml_sp_config_release(&sp);
	fixture_sp_config(&sp, 0);
	free(idp.sso_url);
	idp.sso_url = NULL;
	ASSERT_INT_EQ(saml_sp_ctx_new(&ctx, &sp, &idp), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_idp");
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
}

TEST(saml_sp_ctx, holds_copies_and_counts_references)
{
	struct saml_sp_config sp;
	struct saml_idp idp;
	struct saml_sp_ctx *ctx = NULL;
	fixture_sp_config(&sp, 0);
	fixture_idp(&idp, 0);
	ASSERT_INT_EQ(saml_sp_ctx_new(&ctx, &sp, &idp), 0);
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
	ASSERT_STR_EQ(saml_sp_ctx_sp(ctx)->acs_url, FIX_ACS);
	ASSERT_STR_EQ(saml_sp_ctx_idp(ctx)->entity_id, FIX_IDP_ENTITY);
	ASSERT(strstr(saml_sp_ctx_metadata(ctx), FIX_ACS));
	struct saml_sp_ctx *again = saml_sp_ctx_ref(ctx);
	ASSERT(again == ctx);
	saml_sp_ctx_unref(ctx);
	/* Still alive through the second reference (ASan would catch a use after free). */
	ASSERT_STR_EQ(saml_sp_ctx_sp(again)->entity_id, FIX_SP_ENTITY);
	saml_sp_ctx_unref(again);
	saml_sp_ctx_unref(NULL);
}

#define THREADS 4
#define ROUNDS  24

static const struct {
	const char *name;
	const char *code; /* NULL: accepted */
} mix[] = {
	{ "okta-assertion-signed", NULL },
	{ "okta-response-signed", NULL },
	{ "encrypted-aes128", NULL },
	{ "entra-assertion-signed", NULL },
	{ "unknown-key", "unknown_certificate" },
	{ "nameid-modified", "signature_invalid" },
	{ "xsw4", "multiple_assertions" },
	{ "wrong-audience", "wrong_audience" },
	{ "encrypted-unsigned", "unsigned_assertion" },
};

struct worker {
	struct saml_sp_ctx *ctx;
	char *msgs[ARRAY_SIZE(mix)];
	size_t lens[ARRAY_SIZE(mix)];
	int seed;
	int wrong;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < ROUNDS; i++) {
		size_t k = (size_t)(i + w->seed) % ARRAY_SIZE(mix);
		struct saml_assertion_result r;
		int rc = saml_response_validate_ctx(&r, w->ctx, w->msgs[k], w->lens[k],
		                                    FIX_REQUEST_ID, TEST_FAKE_NOW);
		bool ok = mix[k].code ? rc != 0 && saml_problem_has(&r.problems, mix[k].code)
		                      : rc == 0 && r.ok && !strcmp(r.name_id, "alice@acme.test");
		w->wrong += !ok;
		saml_response_result_release(&r);
	}
	return NULL;
}

TEST(saml_sp_ctx, shared_by_threads)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct saml_sp_ctx *ctx = fixture_ctx(0);
	for (int t = 0; t < THREADS; t++) {
		w[t].ctx = ctx;
		w[t].seed = t * 3;
		w[t].wrong = 0;
		for (size_t k = 0; k < ARRAY_SIZE(mix); k++) {
			char *rel = xasprintf("responses/%s.b64", mix[k].name);
			w[t].msgs[k] = fixture_read(rel, &w[t].lens[k]);
			free(rel);
		}
	}
	for (int t = 0; t < THREADS; t++)
		ASSERT_INT_EQ(pthread_create(&th[t], NULL, work, &w[t]), 0);
	int wrong = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		wrong += w[t].wrong;
		for (size_t k = 0; k < ARRAY_SIZE(mix); k++)
			free(w[t].msgs[k]);
	}
	saml_sp_ctx_unref(ctx);
	ASSERT_INT_EQ(wrong, 0);
}
