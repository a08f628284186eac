/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SP-initiated sign-in: the AuthnRequest that sends the browser to the IdP.
 *
 * With the HTTP-Redirect binding (the usual case) the result is one URL to answer
 * with 302; the request rides in the query, DEFLATE-compressed, and is signed there
 * (SigAlg RSA-SHA256) when the connection signs requests. An IdP that offers only
 * HTTP-POST gets a form instead: post_body is the SAMLRequest value to auto-submit
 * to url. The caller stores request_id server-side with a short expiry and passes
 * it to saml_response_validate as expected_in_response_to (InResponseTo check).
 */
#ifndef GATEHOUSE_SAML_AUTHN_REQUEST_H
#define GATEHOUSE_SAML_AUTHN_REQUEST_H

#include "saml/idp_metadata.h"
#include "saml/sp_ctx.h"

#define SAML_RELAY_STATE_MAX 80 /* SAML Bindings 3.4.3 */

struct saml_authn_request {
	enum saml_binding binding;
	char *url;         /* Redirect: the full Location; POST: the form's action */
	char *post_body;   /* POST only: base64 SAMLRequest; NULL for Redirect */
	char *request_id;  /* the AuthnRequest ID ("_" + 32 hex) */
	char *relay_state; /* a copy of the caller's RelayState, or NULL */
	int64_t issued_at; /* IssueInstant, = now */
};

/*
 * Builds an AuthnRequest for ctx's IdP, issued at now, asking for the response at
 * our ACS URL with the HTTP-POST binding and for the NameID format configured (else
 * unspecified). relay_state may be NULL; at most 80 bytes. Thread-safe.
 * Returns 0, ERR_INVALID "relay_state_too_long", or ERR_INTERNAL
 * "authn_request_failed". *out is empty on failure.
 */
int saml_authn_request_build(struct saml_authn_request *out, struct saml_sp_ctx *ctx,
                             const char *relay_state, int64_t now);
void saml_authn_request_release(struct saml_authn_request *r);

/* How an IdP takes the email a sign-in is for (the app's login_hint). */
enum saml_hint_style {
	SAML_HINT_NONE = 0,
	/*
	 * <saml:Subject><saml:NameID>email</saml:NameID></saml:Subject> in the
	 * AuthnRequest (SAML Core 3.4.1; no Format, so only the value has to match
	 * what the IdP asserts, 3.4.1.4).
	 */
	SAML_HINT_SUBJECT = 1,
	/* login_hint=email on the SSO URL, outside the request (Microsoft Entra ID
	 * refuses a Subject in an AuthnRequest and takes this instead). */
	SAML_HINT_QUERY = 2,
};
struct saml_login_hint {
	const char *email; /* ignored unless it looks like an address of at most 254 bytes */
	enum saml_hint_style style;
};
/* saml_authn_request_build with a login hint (hint may be NULL). */
int saml_authn_request_build_hinted(struct saml_authn_request *out, struct saml_sp_ctx *ctx,
                                    const char *relay_state, const struct saml_login_hint *hint,
                                    int64_t now);

#endif
