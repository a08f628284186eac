/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whole ACS validation path on arbitrary bytes: base64, XML parse, shape checks,
 * xmlsec (signatures, decryption; saml/dsig.c), rules. The first byte picks the encoding: odd, the
 * rest is the SAMLResponse form value as sent (base64 text); even, the rest is the
 * XML, base64-encoded here so mutations reach the parser and the checks. The
 * context is the fixtures' connection (test/fixtures/saml/keys from the repository
 * root, or $SAML_FIXTURES_DIR/keys) at TEST_FAKE_NOW, so the seed responses validate and mutations
 * start from accepted messages.
 *
 * Invariants: success exactly when the problem list is empty; a failure leaves the
 * first problem's stable code in the error slot, and every code is a known one.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "saml/response.h"
#include "saml/saml.h"

#define FUZZ_NOW 1790000000 /* test/harness/test.h TEST_FAKE_NOW */

static const char *const known_codes[] = {
	"too_large",
	"invalid_base64",
	"invalid_xml",
	"dtd_forbidden",
	"not_a_response",
	"unsupported_version",
	"status_not_success",
	"no_assertion",
	"multiple_assertions",
	"duplicate_id",
	"unexpected_signature",
	"multiple_signatures",
	"signature_reference_mismatch",
	"invalid_assertion",
	"unsupported_algorithm",
	"sha1_not_allowed",
	"weak_key_transport",
	"invalid_encrypted_assertion",
	"decryption_failed",
	"unsigned_assertion",
	"unsigned_response",
	"unencrypted_assertion",
	"signature_invalid",
	"unknown_certificate",
	"wrong_issuer",
	"missing_issuer",
	"wrong_audience",
	"unknown_condition",
	"wrong_destination",
	"no_bearer_confirmation",
	"wrong_recipient",
	"missing_not_on_or_after",
	"invalid_time",
	"expired",
	"not_yet_valid",
	"clock_skew",
	"in_response_to_mismatch",
	"unsolicited_response",
	"missing_name_id",
	"invalid_name_id",
	"missing_authn_statement",
	"too_many_attributes",
	"rejected",
};

/* keys/NAME from $SAML_FIXTURES_DIR, else test/fixtures/saml (the repository root). */
static char *slurp(const char *name)
{
	const char *dir = getenv("SAML_FIXTURES_DIR");
	char *path = xasprintf("%s/keys/%s", dir && *dir ? dir : "test/fixtures/saml", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz_saml_response: %s: run from the repository root\n", path);
		abort();
	}
	free(path);
	char *buf = xcalloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct saml_sp_ctx *context(void)
{
	static struct saml_sp_ctx *ctx;
	if (ctx)
		return ctx;
	struct saml_sp_config sp;
	struct saml_idp idp;
	char *pems[2] = { slurp("idp-cert.pem"), slurp("idp-rollover-cert.pem") };
	if (saml_global_init() != 0)
		abort();
	saml_sp_config_init(&sp);
	saml_sp_config_set_urls(&sp, "https://sso.acme.test", "conn_test");
	sp.signing_key_pem = slurp("sp-sign-key.pem");
	sp.signing_cert_pem = slurp("sp-sign-cert.pem");
	sp.encryption_key_pem = slurp("sp-enc-key.pem");
	sp.encryption_cert_pem = slurp("sp-enc-cert.pem");
	if (saml_idp_metadata_from_parts(&idp, "https://idp.example.test/metadata",
	                                 "https://idp.example.test/sso", (const char *const *)pems,
	                                 2) != 0 ||
	    saml_sp_ctx_new(&ctx, &sp, &idp) != 0) {
		fprintf(stderr, "fuzz_saml_response: %s\n", error_get()->detail);
		abort();
	}
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
	free(pems[0]);
	free(pems[1]);
	return ctx;
}

static bool is_known(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_codes); i++)
		if (strcmp(code, known_codes[i]) == 0)
			return true;
	return false;
}

static void check(const struct saml_assertion_result *r, int rc)
{
	if ((rc == 0) != r->ok || r->ok != (r->problems.n == 0))
		abort();
	if (rc == 0 && (!r->name_id || !r->assertion_id || !r->idp_entity_id))
		abort();
	if (rc != 0 && strcmp(error_get()->stable, r->problems.items[0].code) != 0)
		abort();
	for (size_t i = 0; i < r->problems.n; i++)
		if (!is_known(r->problems.items[i].code))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saml_assertion_result r;
	struct saml_sp_ctx *ctx = context();
	if (size == 0)
		return 0;
	char *b64 = data[0] & 1 ? xstrndup((const char *)data + 1, size - 1)
	                        : crypto_b64_encode(data + 1, size - 1);
	size_t len = data[0] & 1 ? size - 1 : strlen(b64);
	error_clear();
	int rc = saml_response_validate_ctx(&r, ctx, b64, len, "_gh_req_1", FUZZ_NOW);
	check(&r, rc);
	saml_response_result_release(&r);
	free(b64);
	return 0;
}
