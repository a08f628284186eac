/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Micro-benchmark: saml_response_validate_ctx calls per second on one thread (and
 * on several threads sharing one context), for the committed pysaml2 fixtures,
 * built once and validated N times at the fake clock (TEST_FAKE_NOW) with the
 * replay check left to the caller, as the ACS route will do it.
 *
 *   make bench-saml                  (runs it from the repository root)
 *   build/bench/saml_response [N] [THREADS] [NAME-FILTER]
 */
#include "base/common.h"

#include "base/clock.h"
#include "base/error.h"
#include "saml/response.h"
#include "saml/saml.h"

#include <pthread.h>
#include <time.h>

#define NOW 1790000000 /* test/harness/test.h TEST_FAKE_NOW */
#define DIR "test/fixtures/saml/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: run from the repository root", path);
	char *b = xcalloc(1, 1 << 20);
	size_t n = fread(b, 1, (1 << 20) - 1, f);
	fclose(f);
	while (n && (b[n - 1] == '\n' || b[n - 1] == '\r'))
		b[--n] = '\0';
	if (len)
		*len = n;
	return b;
}

static struct saml_sp_ctx *context(void)
{
	struct saml_sp_config sp;
	struct saml_idp idp;
	struct saml_sp_ctx *ctx = NULL;
	char *pems[2] = { slurp(DIR "keys/idp-cert.pem", NULL),
		          slurp(DIR "keys/idp-rollover-cert.pem", NULL) };
	saml_sp_config_init(&sp);
	saml_sp_config_set_urls(&sp, "https://sso.acme.test", "conn_test");
	sp.signing_key_pem = slurp(DIR "keys/sp-sign-key.pem", NULL);
	sp.signing_cert_pem = slurp(DIR "keys/sp-sign-cert.pem", NULL);
	sp.encryption_key_pem = slurp(DIR "keys/sp-enc-key.pem", NULL);
	sp.encryption_cert_pem = slurp(DIR "keys/sp-enc-cert.pem", NULL);
	if (saml_idp_metadata_from_parts(&idp, "https://idp.example.test/metadata",
	                                 "https://idp.example.test/sso", (const char *const *)pems,
	                                 2) != 0)
		die("idp: %s", error_get()->detail);
	int64_t t0 = clock_mono_us();
	if (saml_sp_ctx_new(&ctx, &sp, &idp) != 0)
		die("context: %s", error_get()->detail);
	printf("context build (LassoServer, once per connection): %.1f ms\n",
	       (double)(clock_mono_us() - t0) / 1000.0);
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
	free(pems[0]);
	free(pems[1]);
	return ctx;
}

struct job {
	struct saml_sp_ctx *ctx;
	const char *b64;
	size_t len;
	long n;
};

static void *run(void *arg)
{
	struct job *j = arg;
	for (long i = 0; i < j->n; i++) {
		struct saml_assertion_result r;
		if (saml_response_validate_ctx(&r, j->ctx, j->b64, j->len, "_gh_req_1", NOW) != 0)
			die("validation failed: %s", error_get()->detail);
		saml_response_result_release(&r);
	}
	return NULL;
}

/* Calls per second with `threads` threads each validating n times. */
static double measure(struct saml_sp_ctx *ctx, const char *b64, size_t len, long n, int threads)
{
	pthread_t th[16];
	struct job j = { ctx, b64, len, n };
	int64_t t0 = clock_mono_us();
	for (int t = 0; t < threads; t++)
		pthread_create(&th[t], NULL, run, &j);
	for (int t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	return (double)n * threads * 1e6 / (double)(clock_mono_us() - t0);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "entra-assertion-signed", "okta-assertion-signed",
		                             "okta-response-signed",   "okta-both-signed",
		                             "encrypted-aes128",       "encrypted-aes256-gcm" };
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2;
	setenv("TZ", "UTC", 1); /* STACK.md pitfall 5, as main does */
	tzset();
	if (n < 1 || threads < 1 || threads > 16 || saml_global_init() != 0)
		die("usage: saml_response [N] [THREADS 1-16]");
	struct saml_sp_ctx *ctx = context();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (argc > 3 && !strstr(names[i], argv[3]))
			continue;
		char *path = xasprintf(DIR "responses/%s.b64", names[i]);
		size_t len;
		char *b64 = slurp(path, &len);
		measure(ctx, b64, len, n / 20 + 1, 1); /* warm-up */
		double one = measure(ctx, b64, len, n, 1);
		printf("%-24s %5zu B xml  1 thread: %6.0f/s (%4.0f us)", names[i], len * 3 / 4, one,
		       1e6 / one);
		if (threads > 1)
			printf("  %d threads: %6.0f/s", threads,
			       measure(ctx, b64, len, n, threads));
		printf("\n");
		free(b64);
		free(path);
	}
	saml_sp_ctx_unref(ctx);
	return 0;
}
