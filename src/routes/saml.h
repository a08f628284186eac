/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sign-in through SAML connections: the HTTP side of saml/.
 *
 *  saml.c        the per-process cache of compiled connection contexts (one
 *                LassoServer per connection, ~65 ms to build; keyed by the
 *                connection id and a fingerprint of every setting it is built
 *                from, updated_at included, so a change swaps it), the SP key
 *                pairs (made on creation, or on first use for connections made
 *                elsewhere), the start of a sign-in (AuthnRequest, its ID
 *                stored with what it is for) and GET /saml/{conn}/metadata.
 *  saml_acs.c    POST /saml/{conn}/acs: the IdP's answer, validated with the
 *                cached context against the stored request, then a recorded
 *                test outcome or JIT provisioning and app_oauth_complete().
 *  saml_setup.c  IdP metadata on create/update (pasted XML, or a URL fetched
 *                through http/client.h) and POST .../refresh_metadata.
 */
#ifndef GATEHOUSE_ROUTES_SAML_H
#define GATEHOUSE_ROUTES_SAML_H

#include "app/saml_signin.h"
#include "model/connection.h"
#include "routes/routes.h"
#include "saml/idp_metadata.h"
#include "saml/sp_ctx.h"

extern const struct route routes_saml[];

/* The ACS form body: a 512 KiB SAMLResponse and its RelayState, percent-encoded. */
#define SAML_ACS_BODY_MAX (512 * 1024)
/* POST /saml/{conn}/acs (saml_acs.c). */
int routes_saml_acs(struct route_ctx *ctx);

/*
 * The connection's SP key pairs; new ones are generated and stored when it has
 * none (~0.1-0.5 s). Release *out with saml_sp_keys_release.
 */
int routes_saml_keys(struct app *a, const struct actor *who, const char *conn_id,
                     struct saml_sp_keys *out);
/*
 * The compiled context of a SAML connection, from the cache when its settings
 * have not changed. ERR_CONFLICT (connection_incomplete, wrong_protocol) when
 * the settings cannot sign anyone in. Caller unrefs.
 */
int routes_saml_ctx(struct app *a, const struct connection *conn, struct saml_sp_ctx **out);
/*
 * Drops the cached context of a connection this node changed or deleted (the
 * next sign-in builds a new one; requests in flight keep theirs). Other nodes
 * notice a change by its fingerprint on next use, and drop contexts unused for
 * an hour (a connection deleted through another node) whenever one is built.
 */
void routes_saml_ctx_evict(const char *conn_id);
/*
 * Starts a sign-in through conn for an authorization request (auth_request_id)
 * or a test sign-in (test_id): builds the AuthnRequest, stores its ID, and
 * replies with the redirect to the IdP (or, for an IdP that only takes
 * HTTP-POST, a page with the form). On failure nothing is replied. login_hint
 * (the app's, may be NULL) goes to the IdP as its preset takes it: login_hint=
 * on the SSO URL for Microsoft Entra ID (which refuses a Subject), a
 * Subject/NameID in the AuthnRequest for Okta and custom SAML, not at all for
 * Google Workspace.
 */
int routes_saml_begin(struct route_ctx *ctx, const struct connection *conn,
                      const char *auth_request_id, const char *test_id, const char *login_hint);
/*
 * The RelayState sent with a request made for this authorization request or
 * test id: an opaque digest the ACS recomputes from the stored request.
 */
#define SAML_RELAY_MAX_HEX 32
void routes_saml_relay_state(const struct app *a, char out[SAML_RELAY_MAX_HEX + 1],
                             const char *for_id);

/* What a create/update's metadata produced (see saml_setup.c). */
struct saml_setup {
	struct saml_idp idp; /* parsed from the metadata, when there was some */
	bool have_idp;
	char *fetched_xml; /* the document fetched from the URL */
	json_t *warnings;  /* [{code, message}], never NULL after prepare */
};
/*
 * Before app_connection_create/update: reads the IdP metadata the request
 * names (saml.idp_metadata_xml, or saml.idp_metadata_url fetched now) and fills
 * the request's IdP entity ID, SSO URL and certificates from it, unless the
 * request sets them itself; checks explicitly given certificates. Errors are
 * 422 naming the field (metadata_unreachable, invalid_metadata,
 * no_signing_certificate, invalid_certificate, ...). s borrows into *in: release
 * s only after in is no longer used.
 */
int routes_saml_setup_prepare(struct saml_setup *s, struct connection_input *in);
void routes_saml_setup_release(struct saml_setup *s);
/*
 * Fetches IdP metadata from url (https, or http to loopback in test mode)
 * through the SSRF guard: ERR_PEER metadata_unreachable, else *out (caller frees).
 */
int routes_saml_fetch_metadata(const char *url, char **out, size_t *out_len);

#endif
