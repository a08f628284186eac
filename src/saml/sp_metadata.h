/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SP metadata document of one connection, served at
 * {public_url}/saml/{connection}/metadata and pasted into the IdP: entity ID, the
 * ACS (HTTP-POST binding), the signing and encryption certificates, the NameID
 * formats we accept, AuthnRequestsSigned and WantAssertionsSigned.
 */
#ifndef GATEHOUSE_SAML_SP_METADATA_H
#define GATEHOUSE_SAML_SP_METADATA_H

#include "saml/sp.h"

/*
 * Writes the metadata XML to *out (caller frees). Returns 0, or ERR_INVALID
 * "invalid_sp_config" when an identifier or a certificate is missing or malformed.
 * Thread-safe.
 */
int saml_sp_metadata_build(char **out, const struct saml_sp_config *sp);

#endif
