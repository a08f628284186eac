/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACS: validating a SAMLResponse (HTTP-POST binding) for one connection.
 *
 * Order of work, each step refusing what the next must not see:
 *  1. size cap (512 KiB of base64), base64, XML parse without DTD or network;
 *  2. shape (structure.h): one Assertion or EncryptedAssertion as a direct child and
 *     none anywhere else, unique IDs, signatures only on what we read, allowed
 *     algorithms (XSW1-8, comment and entity tricks end here);
 *  3. xmlsec, on our own parse (dsig.h): signature verification with the pinned IdP
 *     keys only (KeyInfo in the message is only a hint of which to try first), only
 *     the consumed element's ID registered, the one reference required to name it;
 *     the Response's signature before decryption of an EncryptedAssertion, the
 *     assertion's after;
 *  4. our rules (rules.h): issuer, audience, recipient, destination, InResponseTo,
 *     time windows with bounded skew, subject, AuthnStatement, signing policy.
 * Replay is left to the caller, who owns the database: it must refuse an
 * assertion_id it has seen before, and remember it until replay_until_at.
 *
 * Problem codes (stable; several may be reported at once):
 *   too_large, invalid_base64, invalid_xml, dtd_forbidden, not_a_response,
 *   unsupported_version, status_not_success, no_assertion, multiple_assertions,
 *   duplicate_id, unexpected_signature, multiple_signatures,
 *   signature_reference_mismatch, invalid_assertion, unsupported_algorithm,
 *   sha1_not_allowed, weak_key_transport, invalid_encrypted_assertion,
 *   decryption_failed, unsigned_assertion,
 *   unsigned_response, unencrypted_assertion, signature_invalid,
 *   unknown_certificate, wrong_issuer, missing_issuer, wrong_audience, unknown_condition,
 *   wrong_destination, no_bearer_confirmation, wrong_recipient,
 *   missing_not_on_or_after, invalid_time, expired, not_yet_valid, clock_skew,
 *   in_response_to_mismatch, unsolicited_response, missing_name_id,
 *   invalid_name_id, missing_authn_statement, too_many_attributes, rejected
 *   (kept for compatibility: lasso refused for a reason none of the above names;
 *   no longer produced since xmlsec verifies).
 */
#ifndef GATEHOUSE_SAML_RESPONSE_H
#define GATEHOUSE_SAML_RESPONSE_H

#include "saml/idp_metadata.h"
#include "saml/problem.h"
#include "saml/sp.h"
#include "saml/sp_ctx.h"

#define SAML_RESPONSE_MAX_B64     (512u * 1024)
#define SAML_MAX_ATTRIBUTES       256
#define SAML_MAX_ATTRIBUTE_VALUES 256

struct saml_attribute {
	char *name;          /* the Name attribute, as sent */
	char *friendly_name; /* NULL when absent */
	size_t nvalues;
	char **values; /* full text of each AttributeValue, untrimmed (xsi:nil ones skipped) */
};

struct saml_assertion_result {
	bool ok; /* every check passed: the fields below may be trusted */
	/* What came back. On failure they are filled as far as the message could be read,
	 * for the test sign-in page; they are unverified and must not sign anyone in. */
	char *idp_entity_id;  /* the assertion's Issuer */
	char *name_id;        /* full text (comments cannot cut it) */
	char *name_id_format; /* NULL when absent (= unspecified) */
	char *session_index;  /* NULL when absent */
	char *assertion_id;   /* for the replay cache */
	char *in_response_to; /* as sent, NULL when absent */
	int64_t issue_instant_at;
	int64_t not_on_or_after_at;         /* the earliest NotOnOrAfter of the assertion */
	int64_t replay_until_at;            /* keep assertion_id in the replay cache until then */
	int64_t session_not_on_or_after_at; /* 0 when absent */
	bool response_signed, assertion_signed, encrypted;
	size_t nattributes;
	struct saml_attribute *attributes; /* same Name merged, in document order */
	struct saml_problems problems;     /* empty when ok */
};

/*
 * Validates a SAMLResponse form value (base64, whitespace allowed; len bytes, not
 * NUL-terminated necessarily) against ctx, at time now. expected_in_response_to is
 * the ID of the AuthnRequest the caller stored for this browser, or NULL when none
 * is pending (then only IdP-initiated sign-in can succeed, if allowed).
 *
 * Returns 0 with out->ok set, or ERR_TOO_LARGE "too_large" / ERR_INVALID with the
 * first problem's code as the stable code and out->problems listing them all.
 * Release out with saml_response_result_release in both cases. Thread-safe.
 */
int saml_response_validate_ctx(struct saml_assertion_result *out, struct saml_sp_ctx *ctx,
                               const char *saml_response_b64, size_t len,
                               const char *expected_in_response_to, int64_t now);

/*
 * A SAMLResponse form value decoded and parsed once, by the same steps as the
 * validation (size cap, strict base64, XML without DTD or network), so the ACS can
 * read which request it answers (peek.h) and validate it without a second decode
 * and parse. Never NULL: a message that cannot be read is kept with its verdict,
 * which saml_response_validate_msg reports as the problem. b64 is not kept.
 */
struct saml_response_msg;
struct saml_response_msg *saml_response_msg_parse(const char *saml_response_b64, size_t len);
void saml_response_msg_free(struct saml_response_msg *m); /* NULL-tolerant */

/*
 * saml_response_validate_ctx on a parsed message: the same checks, on the same
 * bytes and the same tree. Validate a message once; free it afterwards.
 */
int saml_response_validate_msg(struct saml_assertion_result *out, struct saml_sp_ctx *ctx,
                               const struct saml_response_msg *msg,
                               const char *expected_in_response_to, int64_t now);

/*
 * The same, building a throw-away context from sp and idp first (about 65 ms): for
 * one-off uses. The ACS route keeps a cached context and calls the _ctx variant.
 */
int saml_response_validate(struct saml_assertion_result *out, const struct saml_sp_config *sp,
                           const struct saml_idp *idp, const char *saml_response_b64, size_t len,
                           const char *expected_in_response_to, int64_t now);

/* The attribute with this Name, or NULL. Borrowed from r. */
const struct saml_attribute *saml_response_attribute(const struct saml_assertion_result *r,
                                                     const char *name);
/* Frees everything r owns and zeroes it. NULL-tolerant. */
void saml_response_result_release(struct saml_assertion_result *r);

#endif
