/* SPDX-License-Identifier: Apache-2.0 */
/* SP metadata (see sp_metadata.h). SAML Metadata 2.0, section 2.4.4. */
#include "base/common.h"

#include "saml/sp_metadata.h"

#include "base/buf.h"
#include "base/error.h"
#include "saml/cert.h"
#include "saml/xml.h"

#define METADATA_MAX_BYTES (256 * 1024) /* inputs are bounded below, so never reached */
#define NF_11              "urn:oasis:names:tc:SAML:1.1:nameid-format:"
#define NF_20              "urn:oasis:names:tc:SAML:2.0:nameid-format:"

static int put_key(struct buf *b, const char *use, const char *cert_pem, bool encryption)
{
	struct saml_cert c;
	if (saml_cert_from_pem(&c, cert_pem) != 0)
		return error_setc(ERR_INVALID, "invalid_sp_config",
		                  "the SP %s certificate is not a usable PEM certificate", use);
	char *der = saml_cert_der_b64(&c);
	buf_appendf(
	        b,
	        "    <md:KeyDescriptor use=\"%s\">\n"
	        "      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n",
	        use, der);
	if (encryption)
		/* What we decrypt, best first (SAML Metadata 2.4.1.1; XML Encryption 1.1). */
		buf_appends(
		        b,
		        "      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>\n"
		        "      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes128-gcm\"/>\n"
		        "      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\"/>\n"
		        "      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>\n"
		        "      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>\n");
	buf_appends(b, "    </md:KeyDescriptor>\n");
	free(der);
	saml_cert_release(&c);
	return 0;
}

int saml_sp_metadata_build(char **out, const struct saml_sp_config *sp)
{
	struct buf b;
	int rc;

	*out = NULL;
	if (!sp->entity_id || !*sp->entity_id || !sp->acs_url || !*sp->acs_url ||
	    strlen(sp->entity_id) > 1024 || strlen(sp->acs_url) > 2048)
		return error_setc(ERR_INVALID, "invalid_sp_config",
		                  "the SP entity ID and ACS URL are needed");
	if ((sp->signing_cert_pem && strlen(sp->signing_cert_pem) > 16384) ||
	    (sp->encryption_cert_pem && strlen(sp->encryption_cert_pem) > 16384))
		return error_setc(ERR_INVALID, "invalid_sp_config",
		                  "an SP certificate is larger than 16 KiB");
	buf_init(&b, METADATA_MAX_BYTES);
	buf_appends(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	                "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"");
	saml_xml_put_escaped(&b, sp->entity_id);
	buf_appendf(
	        &b,
	        "\">\n  <md:SPSSODescriptor AuthnRequestsSigned=\"%s\" WantAssertionsSigned=\"true\" "
	        "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n",
	        sp->sign_authn_requests ? "true" : "false");
	rc = put_key(&b, "signing", sp->signing_cert_pem ? sp->signing_cert_pem : "", false);
	if (rc == 0 && sp->encryption_cert_pem)
		rc = put_key(&b, "encryption", sp->encryption_cert_pem, true);
	if (rc != 0) {
		buf_release(&b);
		return rc;
	}
	buf_appends(
	        &b,
	        "    <md:NameIDFormat>" NF_11 "emailAddress</md:NameIDFormat>\n"
	        "    <md:NameIDFormat>" NF_11 "unspecified</md:NameIDFormat>\n"
	        "    <md:NameIDFormat>" NF_20 "persistent</md:NameIDFormat>\n"
	        "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"");
	saml_xml_put_escaped(&b, sp->acs_url);
	buf_appends(
	        &b,
	        "\" index=\"0\" isDefault=\"true\"/>\n  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n");
	*out = buf_detach(&b, NULL);
	return 0;
}
