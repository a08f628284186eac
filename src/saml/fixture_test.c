/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture helpers for the saml/ unit tests (see fixture_test.h). */
#include "base/common.h"

#include "saml/fixture_test.h"

#include "base/error.h"
#include "test/harness/test.h"

#include <pthread.h>

char *fixture_read(const char *relpath, size_t *len)
{
	const char *dir = getenv("SAML_FIXTURES_DIR");
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "test/fixtures/saml", relpath);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *data = xmalloc(cap);
	size_t got;
	while ((got = fread(data + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			data = xrealloc(data, cap *= 2);
	}
	fclose(f);
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

static char *must_read(const char *rel)
{
	char *s = fixture_read(rel, NULL);
	if (!s)
		die("fixture %s not found (run from the repository root or set SAML_FIXTURES_DIR)",
		    rel);
	return s;
}

void fixture_sp_config(struct saml_sp_config *sp, unsigned flags)
{
	saml_sp_config_init(sp);
	saml_sp_config_set_urls(sp, "https://sso.acme.test", "conn_test");
	sp->signing_key_pem = must_read("keys/sp-sign-key.pem");
	sp->signing_cert_pem = must_read("keys/sp-sign-cert.pem");
	sp->encryption_key_pem = must_read("keys/sp-enc-key.pem");
	sp->encryption_cert_pem = must_read("keys/sp-enc-cert.pem");
	sp->allow_idp_initiated = flags & FIX_ALLOW_IDP_INITIATED;
	sp->allow_sha1 = flags & FIX_ALLOW_SHA1;
	sp->require_signed_response = flags & FIX_REQUIRE_SIGNED_RESPONSE;
	sp->want_encrypted_assertions = flags & FIX_WANT_ENCRYPTED;
}

void fixture_idp(struct saml_idp *idp, unsigned flags)
{
	char *pems[2] = { must_read("keys/idp-cert.pem"), must_read("keys/idp-rollover-cert.pem") };
	size_t n = flags & FIX_NO_ROLLOVER_CERT ? 1 : 2;
	if (saml_idp_metadata_from_parts(idp, FIX_IDP_ENTITY, "https://idp.example.test/sso",
	                                 (const char *const *)pems, n) != 0)
		die("fixture IdP: %s", error_get()->detail);
	for (size_t i = 0; i < 2; i++)
		free(pems[i]);
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct saml_sp_ctx *cached;

static struct saml_sp_ctx *build(unsigned flags)
{
	struct saml_sp_config sp;
	struct saml_idp idp;
	struct saml_sp_ctx *ctx = NULL;
	fixture_sp_config(&sp, flags);
	fixture_idp(&idp, flags);
	if (saml_sp_ctx_new(&ctx, &sp, &idp) != 0)
		die("fixture context: %s", error_get()->detail);
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
	return ctx;
}

struct saml_sp_ctx *fixture_ctx(unsigned flags)
{
	if (flags)
		return build(flags);
	pthread_mutex_lock(&cache_lock);
	if (!cached)
		cached = build(0);
	struct saml_sp_ctx *c = saml_sp_ctx_ref(cached);
	pthread_mutex_unlock(&cache_lock);
	return c;
}
