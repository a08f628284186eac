/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the saml/ unit tests: reading files under test/fixtures/saml/ (or
 * $SAML_FIXTURES_DIR) and the connection the committed fixtures were made for.
 *
 * Fixtures are static and committed (test/fixtures/saml/generate.sh makes them with
 * pysaml2, its clock frozen at TEST_FAKE_NOW - 60 s, assertions valid 300 s), and the
 * tests pass `now` explicitly (STACK.md pitfall 29: a fake clock, not fresh files).
 */
#ifndef GATEHOUSE_SAML_FIXTURE_TEST_H
#define GATEHOUSE_SAML_FIXTURE_TEST_H

#include "saml/idp_metadata.h"
#include "saml/sp.h"
#include "saml/sp_ctx.h"

#define FIX_SP_ENTITY  "https://sso.acme.test/saml/conn_test"
#define FIX_ACS        FIX_SP_ENTITY "/acs"
#define FIX_IDP_ENTITY "https://idp.example.test/metadata"
#define FIX_ISSUED_AT  (TEST_FAKE_NOW - 60)  /* IssueInstant and NotBefore */
#define FIX_EXPIRES_AT (FIX_ISSUED_AT + 300) /* NotOnOrAfter */
#define FIX_REQUEST_ID "_gh_req_1"

/* The file's bytes (NUL-terminated; *len without it) or NULL. Caller frees. */
char *fixture_read(const char *relpath, size_t *len);

enum fixture_flags {
	FIX_ALLOW_IDP_INITIATED = 1 << 0,
	FIX_ALLOW_SHA1 = 1 << 1,
	FIX_REQUIRE_SIGNED_RESPONSE = 1 << 2,
	FIX_WANT_ENCRYPTED = 1 << 3,
	FIX_NO_ROLLOVER_CERT = 1 << 4,
};

/* The SP the fixtures were made for (keys from keys/sp-*.pem). Release it. */
void fixture_sp_config(struct saml_sp_config *sp, unsigned flags);
/* The fixtures' IdP, trusting keys/idp and keys/idp-rollover. Release it. */
void fixture_idp(struct saml_idp *idp, unsigned flags);
/* A context for those (built on first use and kept when flags is 0). Unref it. */
struct saml_sp_ctx *fixture_ctx(unsigned flags);

#endif
