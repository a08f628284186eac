/* SPDX-License-Identifier: Apache-2.0 */
/* IdP metadata import (fixtures shaped like Okta, Entra ID, Google) and certificates. */
#include "base/common.h"

#include "base/error.h"
#include "saml/fixture_test.h"
#include "saml/idp_metadata.h"
#include "saml/saml.h"
#include "test/harness/test.h"

static int parse_fixture(struct saml_idp *idp, const char *name)
{
	char *rel = xasprintf("metadata/%s.xml", name);
	size_t len = 0;
	char *xml = fixture_read(rel, &len);
	free(rel);
	if (!xml)
		die("missing metadata fixture %s", name);
	error_clear();
	int rc = saml_idp_metadata_parse(idp, xml, len);
	free(xml);
	return rc;
}

/* The fingerprint of keys/NAME-cert.pem. */
static void fingerprint_of(char out[SAML_CERT_FP_LEN], const char *name)
{
	char *rel = xasprintf("keys/%s-cert.pem", name);
	char *pem = fixture_read(rel, NULL);
	struct saml_cert c;
	if (!pem || saml_cert_from_pem(&c, pem) != 0)
		die("cannot read %s", rel);
	memcpy(out, c.sha256, SAML_CERT_FP_LEN);
	saml_cert_release(&c);
	free(pem);
	free(rel);
}

TEST(saml_idp_metadata, okta)
{
	struct saml_idp idp;
	char fp[SAML_CERT_FP_LEN];
	ASSERT_INT_EQ(saml_global_init(), 0);
	ASSERT_INT_EQ(parse_fixture(&idp, "okta"), 0);
	ASSERT_STR_EQ(idp.entity_id, "http://www.okta.com/exk1a2b3c4d5E6F7g8h9");
	/* Redirect preferred although POST comes first. */
	ASSERT_INT_EQ(idp.sso_binding, SAML_BINDING_REDIRECT);
	ASSERT_STR_EQ(idp.sso_url,
	              "https://acme.okta.com/app/acme_gatehouse_1/exk1a2b3c4d5E6F7g8h9/sso/saml");
	ASSERT_INT_EQ(idp.ncerts, 1);
	fingerprint_of(fp, "idp");
	ASSERT_STR_EQ(idp.certs[0].sha256, fp);
	ASSERT(strstr(idp.certs[0].subject, "TEST ONLY idp"));
	ASSERT(idp.certs[0].is_rsa && idp.certs[0].key_bits == 2048);
	ASSERT(strncmp(idp.certs[0].pem, "-----BEGIN CERTIFICATE-----", 27) == 0);
	ASSERT_INT_EQ(idp.nformats, 2);
	ASSERT_STR_EQ(idp.nameid_formats[1],
	              "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
	ASSERT(!idp.want_authn_requests_signed);
	saml_idp_metadata_release(&idp);
}

TEST(saml_idp_metadata, entra_signed_document_two_certs)
{
	struct saml_idp idp;
	char fp0[SAML_CERT_FP_LEN], fp1[SAML_CERT_FP_LEN];
	ASSERT_INT_EQ(parse_fixture(&idp, "entra"), 0);
	ASSERT_STR_EQ(idp.entity_id,
	              "https://sts.windows.net/0b8c4a1e-2f1d-4c53-9d2e-7a41c0f5e6b1/");
	ASSERT_INT_EQ(idp.sso_binding, SAML_BINDING_REDIRECT);
	/* Only the IDPSSODescriptor's keys; a KeyDescriptor without "use" signs too. */
	ASSERT_INT_EQ(idp.ncerts, 2);
	fingerprint_of(fp0, "idp-rollover");
	fingerprint_of(fp1, "idp");
	ASSERT_STR_EQ(idp.certs[0].sha256, fp0);
	ASSERT_STR_EQ(idp.certs[1].sha256, fp1);
	saml_idp_metadata_release(&idp);
}

TEST(saml_idp_metadata, google_and_aggregate_and_post_only)
{
	struct saml_idp idp;
	ASSERT_INT_EQ(parse_fixture(&idp, "google"), 0);
	ASSERT_STR_EQ(idp.entity_id, "https://accounts.google.com/o/saml2?idpid=C01a2b3c4");
	ASSERT_STR_EQ(idp.sso_url, "https://accounts.google.com/o/saml2/idp?idpid=C01a2b3c4");
	saml_idp_metadata_release(&idp);
	ASSERT_INT_EQ(parse_fixture(&idp, "aggregate"), 0);
	ASSERT_STR_EQ(idp.entity_id, "https://idp.example.test/metadata");
	saml_idp_metadata_release(&idp);
	ASSERT_INT_EQ(parse_fixture(&idp, "post-only"), 0);
	ASSERT_INT_EQ(idp.sso_binding, SAML_BINDING_POST);
	ASSERT_STR_EQ(idp.sso_url, "https://idp.example.test/sso/post");
	saml_idp_metadata_release(&idp);
}

static const char *code_of(const char *name)
{
	struct saml_idp idp;
	int rc = parse_fixture(&idp, name);
	if (rc == 0) {
		saml_idp_metadata_release(&idp);
		return "(accepted)";
	}
	if (idp.entity_id || idp.ncerts)
		return "(not emptied)";
	return error_get()->stable;
}

TEST(saml_idp_metadata, errors_in_plain_words)
{
	ASSERT_STR_EQ(code_of("two-idps"), "multiple_idps");
	ASSERT(strstr(error_get()->detail, "https://idp-a.example.test") &&
	       strstr(error_get()->detail, "https://idp-b.example.test"));
	ASSERT_STR_EQ(code_of("no-sso-url"), "no_sso_url");
	ASSERT_STR_EQ(code_of("no-signing-cert"), "no_signing_certificate");
	ASSERT_STR_EQ(code_of("bad-cert"), "invalid_certificate");
	ASSERT_STR_EQ(code_of("sp-only"), "no_idp");
	ASSERT_STR_EQ(code_of("doctype"), "dtd_forbidden");
	ASSERT_STR_EQ(code_of("not-metadata"), "invalid_metadata");
	ASSERT(strstr(error_get()->detail, "<html>"));
}

TEST(saml_idp_metadata, size_and_garbage)
{
	struct saml_idp idp;
	size_t n = SAML_METADATA_MAX_BYTES + 1;
	char *big = xcalloc(1, n + 1);
	memset(big, ' ', n);
	ASSERT_INT_EQ(saml_idp_metadata_parse(&idp, big, n), ERR_TOO_LARGE);
	ASSERT_STR_EQ(error_get()->stable, "too_large");
	free(big);
	ASSERT_INT_EQ(saml_idp_metadata_parse(&idp, "<md:Entity", 10), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_metadata");
	const char *js = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	                 "entityID=\"x\"><md:IDPSSODescriptor protocolSupportEnumeration="
	                 "\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding="
	                 "\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location="
	                 "\"javascript:alert(1)\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
	ASSERT_INT_EQ(saml_idp_metadata_parse(&idp, js, strlen(js)), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_sso_url");
}

TEST(saml_idp_metadata, from_parts)
{
	struct saml_idp idp, copy;
	char *pems[6];
	const char *names[] = { "idp", "idp-rollover", "other", "sp-sign", "sp-enc", "idp" };
	for (size_t i = 0; i < 6; i++) {
		char *rel = xasprintf("keys/%s-cert.pem", names[i]);
		pems[i] = fixture_read(rel, NULL);
		free(rel);
	}
	ASSERT_INT_EQ(saml_idp_metadata_from_parts(&idp, "https://idp.x", "https://idp.x/sso",
	                                           (const char *const *)pems, 2),
	              0);
	ASSERT_INT_EQ(idp.ncerts, 2);
	saml_idp_metadata_copy(&copy, &idp);
	saml_idp_metadata_release(&idp);
	ASSERT_STR_EQ(copy.certs[1].subject,
	              "/O=gatehouse tests/CN=TEST ONLY idp-rollover - never trust");
	saml_idp_metadata_release(&copy);
	/* Duplicates collapse: six PEMs, five distinct. */
	ASSERT_INT_EQ(saml_idp_metadata_from_parts(&idp, "https://idp.x", "https://idp.x/sso",
	                                           (const char *const *)pems, 6),
	              0);
	ASSERT_INT_EQ(idp.ncerts, 5);
	saml_idp_metadata_release(&idp);
	ASSERT_INT_EQ(saml_idp_metadata_from_parts(&idp, "", "https://idp.x/sso",
	                                           (const char *const *)pems, 1),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "no_entity_id");
	ASSERT_INT_EQ(saml_idp_metadata_from_parts(&idp, "https://idp.x", "ftp://idp.x",
	                                           (const char *const *)pems, 1),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_sso_url");
	ASSERT_INT_EQ(
	        saml_idp_metadata_from_parts(&idp, "https://idp.x", "https://idp.x/sso", NULL, 0),
	        ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "no_signing_certificate");
	for (size_t i = 0; i < 6; i++)
		free(pems[i]);
}

TEST(saml_cert, refuses_ec_and_junk)
{
	struct saml_cert c;
	char *pem = fixture_read("keys/idp-ec-cert.pem", NULL);
	ASSERT_INT_EQ(saml_cert_from_pem(&c, pem), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "unsupported_certificate_key");
	free(pem);
	ASSERT_INT_EQ(saml_cert_from_pem(&c, "hello"), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_certificate");
	ASSERT_INT_EQ(saml_cert_from_b64(&c, "AAAA", 4), ERR_INVALID);
	ASSERT(c.pem == NULL);
}

TEST(saml_cert, fingerprint_matches_openssl)
{
	/* As `openssl x509 -in keys/idp-cert.pem -noout -fingerprint -sha256` prints it. */
	struct saml_cert c;
	char *pem = fixture_read("keys/idp-cert.pem", NULL);
	ASSERT_INT_EQ(saml_cert_from_pem(&c, pem), 0);
	ASSERT_STR_EQ(c.sha256, "04:B7:80:42:1A:60:44:49:66:BD:1E:AE:D9:43:6A:52:"
	                        "6C:55:6E:BF:75:D2:2F:5D:55:B5:A9:A6:F4:CB:68:2C");
	ASSERT(c.not_after > TEST_FAKE_NOW);
	char *mod = NULL, *exp = NULL;
	ASSERT_INT_EQ(saml_cert_rsa_key_value(&c, &mod, &exp), 0);
	ASSERT_STR_EQ(exp, "AQAB");
	ASSERT_INT_EQ(strlen(mod), 344); /* 256 bytes */
	free(mod);
	free(exp);
	saml_cert_release(&c);
	free(pem);
}
