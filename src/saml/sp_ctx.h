/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A ready-to-use SAML connection: our SP configuration and the IdP, compiled into
 * the xmlsec keys that verify and decrypt responses (the pinned IdP keys, our
 * encryption key) and the lasso object that builds and signs requests.
 *
 * Building one costs about 65 ms (lasso loads the system CA bundle while setting up
 * its key managers; STACK.md pitfall 4), so the caller builds it once per connection
 * configuration, caches it, and swaps in a new one when the configuration changes.
 * A context is immutable after saml_sp_ctx_new and reference-counted (atomically):
 * take a reference for the length of a request, drop it with saml_sp_ctx_unref.
 *
 * Threads: any number of threads may use one context at the same time. Each
 * validation uses its own xmlsec contexts on its own document, with duplicates of
 * the context's keys (OpenSSL's atomic reference counts); each AuthnRequest its own
 * LassoLogin, the shared LassoServer and its IdP provider only read after
 * construction. sp_ctx_test.c runs validations on several threads against one
 * context. (Under helgrind, when lasso still verified responses, the only race
 * reported was lasso toggling xmlsec's global "default error callback prints" flag,
 * moot since saml_global_init replaces that callback.)
 */
#ifndef GATEHOUSE_SAML_SP_CTX_H
#define GATEHOUSE_SAML_SP_CTX_H

#include "saml/idp_metadata.h"
#include "saml/sp.h"

struct saml_sp_ctx;

/*
 * Builds a context from deep copies of sp and idp (the caller keeps its own).
 * Returns 0, ERR_INVALID "invalid_sp_config" / "invalid_idp" when a value cannot be
 * used, or ERR_INTERNAL "saml_setup_failed" when lasso or xmlsec refuses the keys. *out is
 * NULL on failure.
 */
int saml_sp_ctx_new(struct saml_sp_ctx **out, const struct saml_sp_config *sp,
                    const struct saml_idp *idp);
/* Takes a reference; returns ctx. */
struct saml_sp_ctx *saml_sp_ctx_ref(struct saml_sp_ctx *ctx);
/* Drops a reference; the last one frees the context. NULL-tolerant. */
void saml_sp_ctx_unref(struct saml_sp_ctx *ctx);

/* Borrowed views of the copies held by ctx, valid while the caller holds a reference. */
const struct saml_sp_config *saml_sp_ctx_sp(const struct saml_sp_ctx *ctx);
const struct saml_idp *saml_sp_ctx_idp(const struct saml_sp_ctx *ctx);
/* The SP metadata document (see sp_metadata.h), built once. */
const char *saml_sp_ctx_metadata(const struct saml_sp_ctx *ctx);

#endif
