/* SPDX-License-Identifier: Apache-2.0 */
/* Private to saml/: the library objects inside a context (see sp_ctx.h). */
#ifndef GATEHOUSE_SAML_INTERNAL_H
#define GATEHOUSE_SAML_INTERNAL_H

#include "saml/deps.h"
#include "saml/sp_ctx.h"

/* Borrowed; valid while the caller holds a reference on ctx. */
LassoServer *saml_sp_ctx_server(const struct saml_sp_ctx *ctx);
/* The keys that verify and decrypt responses (dsig.h), built with the context; borrowed. */
struct saml_dsig_keys;
const struct saml_dsig_keys *saml_sp_ctx_keys(const struct saml_sp_ctx *ctx);

struct saml_response_msg;
/* The parsed document of a message (response.h), or NULL when it could not be read. */
xmlDoc *saml_response_msg_doc(const struct saml_response_msg *m);

#endif
