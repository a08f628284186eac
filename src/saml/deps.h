/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The third-party headers saml/ uses (lasso, xmlsec, libxml2, glib), in one place.
 * Private to saml/: no other module includes it, and no type from these headers
 * appears in a saml/ public header (STYLE.md §3).
 */
#ifndef GATEHOUSE_SAML_DEPS_H
#define GATEHOUSE_SAML_DEPS_H

#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <xmlsec/errors.h>

#endif
