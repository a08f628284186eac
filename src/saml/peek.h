/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A look at a SAMLResponse before it is validated: which AuthnRequest it says it
 * answers, so the ACS can take that request's stored row (and the sign-in it
 * belongs to) and hand its ID to saml_response_validate_ctx as the expected
 * InResponseTo. Nothing read here is trusted: the validation compares the signed
 * values with the stored ID, so a wrong answer only makes the validation fail.
 *
 * Bounded like the validation itself: the same size cap, strict base64, and the
 * same parser (no DTD, no network).
 */
#ifndef GATEHOUSE_SAML_PEEK_H
#define GATEHOUSE_SAML_PEEK_H

#define SAML_REQUEST_ID_MAX 256 /* longer InResponseTo values are never ours */

/*
 * The Response's InResponseTo, else that of the bearer SubjectConfirmationData of
 * a plain (not encrypted) Assertion that is a direct child, else NULL. *out is a
 * copy (caller frees) or NULL; also NULL when the message cannot be read or the
 * value is longer than SAML_REQUEST_ID_MAX (the validation reports why).
 */
void saml_response_peek_in_response_to(char **out, const char *saml_response_b64, size_t len);

/* The same, read from a message parsed once (response.h) that is then validated. */
struct saml_response_msg;
void saml_response_msg_in_response_to(char **out, const struct saml_response_msg *m);

#endif
