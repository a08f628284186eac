/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connection contexts (see sp_ctx.h): one LassoServer per connection, built once,
 * which builds AuthnRequests; and the xmlsec keys that verify and decrypt responses
 * (dsig.h), built from the same pinned certificates and our encryption key.
 *
 * lasso is given our own, normalised description of the IdP rather than the
 * customer's metadata document: one entity, one SSO endpoint, and the pinned keys
 * (as ds:RSAKeyValue, from when lasso verified responses: duplicating an
 * X.509-backed xmlsec key re-parses the certificate, a bare RSA key is duplicated
 * by reference count; dsig.c builds its keys the same way).
 */
#include "base/common.h"

#include "saml/sp_ctx.h"

#include "base/buf.h"
#include "base/error.h"
#include "saml/dsig.h"
#include "saml/internal.h"
#include "saml/saml.h"
#include "saml/sp_metadata.h"
#include "saml/xml.h"

#include <stdatomic.h>

struct saml_sp_ctx {
	atomic_int refs;
	struct saml_sp_config sp;
	struct saml_idp idp;
	char *sp_metadata;
	LassoServer *server;        /* signs AuthnRequests */
	struct saml_dsig_keys keys; /* verify and decrypt responses */
};

static void put_signing_key(struct buf *b, const struct saml_cert *c)
{
	char *mod = NULL, *exp = NULL;
	buf_appends(b, "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo>");
	if (c->is_rsa && saml_cert_rsa_key_value(c, &mod, &exp) == 0) {
		buf_appendf(b,
		            "<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>%s</ds:Modulus>"
		            "<ds:Exponent>%s</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>",
		            mod, exp);
	} else {
		char *der = saml_cert_der_b64(c);
		buf_appendf(
		        b, "<ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data>",
		        der);
		free(der);
	}
	buf_appends(b, "</ds:KeyInfo></md:KeyDescriptor>");
	free(mod);
	free(exp);
}

/* The IdP as lasso sees it. */
static char *idp_for_lasso(const struct saml_idp *idp)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_appends(&b, "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	                "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"");
	saml_xml_put_escaped(&b, idp->entity_id);
	buf_appends(&b, "\"><md:IDPSSODescriptor "
	                "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">");
	for (size_t i = 0; i < idp->ncerts; i++)
		put_signing_key(&b, &idp->certs[i]);
	buf_appendf(
	        &b,
	        "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:%s\" Location=\"",
	        idp->sso_binding == SAML_BINDING_POST ? "HTTP-POST" : "HTTP-Redirect");
	saml_xml_put_escaped(&b, idp->sso_url);
	buf_appends(&b, "\"/></md:IDPSSODescriptor></md:EntityDescriptor>");
	return buf_detach(&b, NULL);
}

static int check_idp(const struct saml_idp *idp)
{
	if (!idp->entity_id || !*idp->entity_id || !idp->sso_url || !*idp->sso_url || !idp->ncerts)
		return error_setc(
		        ERR_INVALID, "invalid_idp",
		        "the IdP needs an entity ID, an SSO URL and a signing certificate");
	return 0;
}

static int build_server(struct saml_sp_ctx *c)
{
	/*
	 * No certificate: lasso would reload it for every signature through xmlsec's
	 * xmlSecOpenSSLAppKeyCertLoad, which first tries the PEM text as a file name and
	 * leaks a BIO when that fails (xmlsec 1.2.37; 192 bytes per signed request under
	 * LeakSanitizer). The certificate only adds a KeyInfo to XML signatures; IdPs
	 * take our key from the SP metadata.
	 */
	c->server =
	        lasso_server_new_from_buffers(c->sp_metadata, c->sp.signing_key_pem, NULL, NULL);
	if (!c->server)
		return error_setc(ERR_INTERNAL, "saml_setup_failed",
		                  "lasso refused the SP metadata or signing key");
	c->server->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
	char *md = idp_for_lasso(&c->idp);
	int lrc = lasso_server_add_provider_from_buffer(c->server, LASSO_PROVIDER_ROLE_IDP, md,
	                                                NULL, NULL);
	free(md);
	if (lrc != 0)
		return error_setc(ERR_INTERNAL, "saml_setup_failed", "lasso refused the IdP: %s",
		                  lasso_strerror(lrc));
	return 0;
}

int saml_sp_ctx_new(struct saml_sp_ctx **out, const struct saml_sp_config *sp,
                    const struct saml_idp *idp)
{
	int rc;
	*out = NULL;
	rc = saml_global_init();
	if (rc == 0)
		rc = saml_sp_config_validate(sp);
	if (rc == 0)
		rc = check_idp(idp);
	if (rc != 0)
		return rc;
	struct saml_sp_ctx *c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	saml_sp_config_copy(&c->sp, sp);
	saml_idp_metadata_copy(&c->idp, idp);
	rc = saml_sp_metadata_build(&c->sp_metadata, &c->sp);
	if (rc == 0)
		rc = build_server(c);
	if (rc == 0)
		rc = saml_dsig_keys_build(&c->keys, &c->idp, c->sp.encryption_key_pem);
	if (rc != 0) {
		saml_sp_ctx_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

struct saml_sp_ctx *saml_sp_ctx_ref(struct saml_sp_ctx *ctx)
{
	atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
	return ctx;
}

void saml_sp_ctx_unref(struct saml_sp_ctx *ctx)
{
	if (!ctx || atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (ctx->server)
		g_object_unref(ctx->server);
	saml_dsig_keys_release(&ctx->keys);
	free(ctx->sp_metadata);
	saml_idp_metadata_release(&ctx->idp);
	saml_sp_config_release(&ctx->sp);
	free(ctx);
}

const struct saml_sp_config *saml_sp_ctx_sp(const struct saml_sp_ctx *ctx)
{
	return &ctx->sp;
}

const struct saml_idp *saml_sp_ctx_idp(const struct saml_sp_ctx *ctx)
{
	return &ctx->idp;
}

const char *saml_sp_ctx_metadata(const struct saml_sp_ctx *ctx)
{
	return ctx->sp_metadata;
}

LassoServer *saml_sp_ctx_server(const struct saml_sp_ctx *ctx)
{
	return ctx->server;
}

const struct saml_dsig_keys *saml_sp_ctx_keys(const struct saml_sp_ctx *ctx)
{
	return &ctx->keys;
}
