/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The identity provider of one connection: entity ID, where to send the browser
 * (SSO URL and binding), the certificates whose keys may sign its responses, and
 * the NameID formats it announces. Built from IdP metadata XML (pasted, or fetched
 * by the caller) or from values an administrator typed in.
 *
 * Metadata is untrusted input: parsed without network or DTD, at most 1 MiB, and
 * only the SAML 2.0 IDPSSODescriptor of exactly one entity is read. Its signature
 * (Entra ID signs its documents) is not checked: the administrator who pastes the
 * document vouches for it, as with the values typed in by hand.
 */
#ifndef GATEHOUSE_SAML_IDP_METADATA_H
#define GATEHOUSE_SAML_IDP_METADATA_H

#include "saml/cert.h"

#define SAML_IDP_MAX_CERTS          5 /* enough for a rotation with overlap */
#define SAML_IDP_MAX_NAMEID_FORMATS 8
#define SAML_METADATA_MAX_BYTES     (1u << 20)
#define SAML_ENTITY_ID_MAX_LEN      1024
#define SAML_URL_MAX_LEN            2048

enum saml_binding {
	SAML_BINDING_REDIRECT = 1, /* the AuthnRequest goes in the URL query */
	SAML_BINDING_POST = 2,     /* the AuthnRequest goes in an auto-submitted form */
};

struct saml_idp {
	char *entity_id;
	char *sso_url;
	enum saml_binding sso_binding; /* HTTP-Redirect when offered, else HTTP-POST */
	size_t ncerts;
	struct saml_cert certs[SAML_IDP_MAX_CERTS]; /* distinct, in document order */
	size_t nformats;
	char *nameid_formats[SAML_IDP_MAX_NAMEID_FORMATS];
	bool want_authn_requests_signed;
};

/*
 * Parses IdP metadata (an EntityDescriptor, or an EntitiesDescriptor holding exactly
 * one SAML 2.0 IdP). On success *out owns copies of everything (release with
 * saml_idp_metadata_release). On failure *out is empty and the error slot holds
 * ERR_TOO_LARGE "too_large" or ERR_INVALID with one of: "invalid_metadata" (not
 * well-formed, not SAML metadata), "dtd_forbidden", "no_idp", "multiple_idps",
 * "no_entity_id", "no_sso_url", "invalid_sso_url", "no_signing_certificate",
 * "too_many_certificates", "invalid_certificate", "unsupported_certificate_key",
 * "weak_certificate_key".
 */
int saml_idp_metadata_parse(struct saml_idp *out, const char *xml, size_t len);

/*
 * Builds the IdP from typed-in values: entity ID, SSO URL (HTTP-Redirect binding),
 * and 1..5 PEM certificates. Same errors as above.
 */
int saml_idp_metadata_from_parts(struct saml_idp *out, const char *entity_id, const char *sso_url,
                                 const char *const *cert_pems, size_t ncerts);

/* Deep copy. */
void saml_idp_metadata_copy(struct saml_idp *out, const struct saml_idp *in);
void saml_idp_metadata_release(struct saml_idp *idp);

#endif
