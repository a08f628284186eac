/* SPDX-License-Identifier: Apache-2.0 */
/* saml_response_peek_in_response_to on pysaml2 fixtures and on what is not a response. */
#include "base/common.h"

#include "crypto/crypto.h"
#include "saml/fixture_test.h"
#include "saml/peek.h"
#include "saml/saml.h"
#include "test/harness/test.h"

/* The InResponseTo peeked from responses/NAME.b64 (caller frees), or NULL. */
static char *peek_fixture(const char *name)
{
	char *rel = xasprintf("responses/%s.b64", name);
	size_t len = 0;
	char *b64 = fixture_read(rel, &len);
	free(rel);
	if (!b64)
		die("missing fixture %s", name);
	char *irt = NULL;
	saml_response_peek_in_response_to(&irt, b64, len);
	free(b64);
	return irt;
}

static char *peek_xml(const char *xml)
{
	char *b64 = crypto_b64_encode((const unsigned char *)xml, strlen(xml));
	char *irt = NULL;
	saml_response_peek_in_response_to(&irt, b64, strlen(b64));
	free(b64);
	return irt;
}

TEST(saml_peek, reads_the_request_id_of_each_shape)
{
	ASSERT_INT_EQ(saml_global_init(), 0);
	static const char *const names[] = { "okta-assertion-signed", "okta-response-signed",
		                             "okta-both-signed", "encrypted-3des",
		                             "entra-assertion-signed" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *irt = peek_fixture(names[i]);
		ASSERT(irt != NULL);
		ASSERT_STR_EQ(irt, FIX_REQUEST_ID);
		free(irt);
	}
}

TEST(saml_peek, unsolicited_and_unreadable_give_none)
{
	ASSERT_INT_EQ(saml_global_init(), 0);
	ASSERT(peek_fixture("idp-initiated") == NULL);
	ASSERT(peek_fixture("doctype") == NULL);
	ASSERT(peek_fixture("xxe") == NULL);
	char *irt = NULL;
	saml_response_peek_in_response_to(&irt, "not base64!", 11);
	ASSERT(irt == NULL);
	ASSERT(peek_xml("<x/>") == NULL);
	ASSERT(peek_xml("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
	                "InResponseTo=\"_a\"/>") == NULL);
}

TEST(saml_peek, falls_back_to_the_assertion_and_bounds_the_value)
{
	ASSERT_INT_EQ(saml_global_init(), 0);
	char *irt = peek_xml(
	        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
	        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Assertion><saml:Subject>"
	        "<saml:SubjectConfirmation><saml:SubjectConfirmationData InResponseTo=\"_from_scd\"/>"
	        "</saml:SubjectConfirmation></saml:Subject></saml:Assertion></samlp:Response>");
	ASSERT(irt != NULL);
	ASSERT_STR_EQ(irt, "_from_scd");
	free(irt);
	char long_id[SAML_REQUEST_ID_MAX + 2];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	char *xml =
	        xasprintf("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
	                  "InResponseTo=\"%s\"/>",
	                  long_id);
	ASSERT(peek_xml(xml) == NULL);
	free(xml);
}
