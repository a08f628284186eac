/* SPDX-License-Identifier: Apache-2.0 */
/* SP configuration, key pairs and SP metadata. */
#include "base/common.h"

#include "base/error.h"
#include "saml/cert.h"
#include "saml/fixture_test.h"
#include "saml/sp.h"
#include "saml/sp_metadata.h"
#include "saml/xml.h"
#include "test/harness/test.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

TEST(saml_sp, config_defaults_and_urls)
{
	struct saml_sp_config c;
	saml_sp_config_init(&c);
	ASSERT_INT_EQ(c.max_skew_s, 120);
	ASSERT(!c.allow_idp_initiated && !c.allow_sha1 && !c.require_signed_response);
	ASSERT_INT_EQ(saml_sp_config_set_urls(&c, "https://sso.example.com//", "conn_2Ab-x"), 0);
	ASSERT_STR_EQ(c.entity_id, "https://sso.example.com/saml/conn_2Ab-x");
	ASSERT_STR_EQ(c.acs_url, "https://sso.example.com/saml/conn_2Ab-x/acs");
	ASSERT_INT_EQ(saml_sp_config_set_urls(&c, "https://sso.example.com", "../admin"),
	              ERR_INVALID);
	ASSERT_INT_EQ(saml_sp_config_set_urls(&c, "javascript:x", "c1"), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_sp_config");
	/* No keys yet. */
	ASSERT_INT_EQ(saml_sp_config_validate(&c), ERR_INVALID);
	saml_sp_config_release(&c);
	saml_sp_config_release(NULL);
}

TEST(saml_sp, validate_pairs_and_skew)
{
	struct saml_sp_config c;
	fixture_sp_config(&c, 0);
	ASSERT_INT_EQ(saml_sp_config_validate(&c), 0);
	c.max_skew_s = 601;
	ASSERT_INT_EQ(saml_sp_config_validate(&c), ERR_INVALID);
	c.max_skew_s = 0;
	ASSERT_INT_EQ(saml_sp_config_validate(&c), 0);
	/* The encryption certificate of the signing key: mismatched pair. */
	char *swap = c.encryption_cert_pem;
	c.encryption_cert_pem = c.signing_cert_pem;
	ASSERT_INT_EQ(saml_sp_config_validate(&c), ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "does not match"));
	c.encryption_cert_pem = swap;
	saml_sp_config_release(&c);
}

TEST(saml_sp, keypair_is_rsa2048_ten_years)
{
	struct saml_sp_keypair kp;
	struct saml_cert c;
	ASSERT_INT_EQ(saml_sp_keypair_new(&kp, "gatehouse SAML conn_1", TEST_FAKE_NOW), 0);
	ASSERT(strncmp(kp.key_pem, "-----BEGIN PRIVATE KEY-----", 27) == 0);
	ASSERT_INT_EQ(saml_cert_from_pem(&c, kp.cert_pem), 0);
	ASSERT(c.is_rsa && c.key_bits == 2048);
	ASSERT_STR_EQ(c.subject, "/CN=gatehouse SAML conn_1");
	ASSERT(c.not_after >= TEST_FAKE_NOW + 3650LL * 86400 - 86400);
	ASSERT(c.not_after <= TEST_FAKE_NOW + 3650LL * 86400 + 86400);
	saml_cert_release(&c);

	/* The pair is usable as an SP configuration. */
	struct saml_sp_config sp;
	struct saml_sp_keypair enc;
	ASSERT_INT_EQ(saml_sp_keypair_new(&enc, "gatehouse SAML conn_1 encryption", TEST_FAKE_NOW),
	              0);
	saml_sp_config_init(&sp);
	saml_sp_config_set_urls(&sp, "https://sso.example.com", "conn_1");
	sp.signing_key_pem = xstrdup(kp.key_pem);
	sp.signing_cert_pem = xstrdup(kp.cert_pem);
	sp.encryption_key_pem = xstrdup(enc.key_pem);
	sp.encryption_cert_pem = xstrdup(enc.cert_pem);
	ASSERT_INT_EQ(saml_sp_config_validate(&sp), 0);
	saml_sp_config_release(&sp);
	saml_sp_keypair_release(&kp);
	saml_sp_keypair_release(&enc);
	ASSERT_INT_EQ(saml_sp_keypair_new(&kp, "", TEST_FAKE_NOW), ERR_INVALID);
}

/* The metadata, parsed back with the module's own safe parser. */
static xmlDoc *metadata_doc(const struct saml_sp_config *sp)
{
	char *xml = NULL;
	enum saml_xml_status st;
	if (saml_sp_metadata_build(&xml, sp) != 0)
		return NULL;
	xmlDoc *d = saml_xml_parse(xml, strlen(xml), &st);
	free(xml);
	return d;
}

static const char *key_text(xmlNode *sso, const char *use)
{
	for (xmlNode *kd = sso->children; kd; kd = kd->next) {
		if (!saml_xml_is(kd, SAML_NS_METADATA, "KeyDescriptor") ||
		    strcmp(saml_xml_attr(kd, "use"), use) != 0)
			continue;
		xmlNode *c =
		        saml_xml_child(saml_xml_child(saml_xml_child(kd, SAML_NS_DSIG, "KeyInfo"),
		                                      SAML_NS_DSIG, "X509Data"),
		                       SAML_NS_DSIG, "X509Certificate");
		return c && c->children ? (const char *)c->children->content : NULL;
	}
	return NULL;
}

TEST(saml_sp_metadata, document)
{
	struct saml_sp_config sp;
	struct saml_cert sign, enc;
	fixture_sp_config(&sp, 0);
	sp.sign_authn_requests = true;
	xmlDoc *d = metadata_doc(&sp);
	ASSERT(d);
	xmlNode *ed = xmlDocGetRootElement(d);
	ASSERT(saml_xml_is(ed, SAML_NS_METADATA, "EntityDescriptor"));
	ASSERT_STR_EQ(saml_xml_attr(ed, "entityID"), FIX_SP_ENTITY);
	xmlNode *sso = saml_xml_child(ed, SAML_NS_METADATA, "SPSSODescriptor");
	ASSERT_STR_EQ(saml_xml_attr(sso, "AuthnRequestsSigned"), "true");
	ASSERT_STR_EQ(saml_xml_attr(sso, "WantAssertionsSigned"), "true");
	xmlNode *acs = saml_xml_child(sso, SAML_NS_METADATA, "AssertionConsumerService");
	ASSERT_STR_EQ(saml_xml_attr(acs, "Location"), FIX_ACS);
	ASSERT_STR_EQ(saml_xml_attr(acs, "Binding"),
	              "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
	ASSERT_INT_EQ(saml_xml_count_children(sso, SAML_NS_METADATA, "NameIDFormat"), 3);
	ASSERT_INT_EQ(saml_cert_from_pem(&sign, sp.signing_cert_pem), 0);
	ASSERT_INT_EQ(saml_cert_from_pem(&enc, sp.encryption_cert_pem), 0);
	const char *t = key_text(sso, "signing");
	struct saml_cert got;
	ASSERT(t && saml_cert_from_b64(&got, t, strlen(t)) == 0);
	ASSERT_STR_EQ(got.sha256, sign.sha256);
	saml_cert_release(&got);
	t = key_text(sso, "encryption");
	ASSERT(t && saml_cert_from_b64(&got, t, strlen(t)) == 0);
	ASSERT_STR_EQ(got.sha256, enc.sha256);
	saml_cert_release(&got);
	saml_cert_release(&sign);
	saml_cert_release(&enc);
	xmlFreeDoc(d);
	saml_sp_config_release(&sp);
}

TEST(saml_sp_metadata, escapes_and_refuses)
{
	struct saml_sp_config sp;
	char *xml = NULL;
	fixture_sp_config(&sp, 0);
	free(sp.entity_id);
	sp.entity_id = xstrdup("urn:x:\"a\"&<b>");
	xmlDoc *d = metadata_doc(&sp);
	ASSERT(d);
	ASSERT_STR_EQ(saml_xml_attr(xmlDocGetRootElement(d), "entityID"), "urn:x:\"a\"&<b>");
	xmlFreeDoc(d);
	free(sp.signing_cert_pem);
	sp.signing_cert_pem = xstrdup("not a certificate");
	ASSERT_INT_EQ(saml_sp_metadata_build(&xml, &sp), ERR_INVALID);
	ASSERT(xml == NULL);
	saml_sp_config_release(&sp);
}
