/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sign-in through OIDC and EASIE connections: the HTTP side of oidc_rp/.
 *
 * oidc_rp_idp.c talks to the connection's IdP through http/client.h (SSRF
 * guard, https only unless --allow-loopback-targets): discovery and JWKS,
 * cached per connection as immutable snapshots (oidc_rp/provider.h), and the
 * code exchange. oidc_rp.c runs the flow: routes_oidc_rp_begin() sends the
 * browser to the IdP; GET /oidc/{conn}/callback finishes a test sign-in
 * (recorded, never provisions) or a real one (JIT provisioning, then the
 * OpenID Provider, app_oauth_complete()).
 */
#ifndef GATEHOUSE_ROUTES_OIDC_RP_H
#define GATEHOUSE_ROUTES_OIDC_RP_H

#include "model/connection.h"
#include "oidc_rp/id_token.h"
#include "oidc_rp/provider.h"
#include "oidc_rp/token.h"
#include "routes/routes.h"
#include "store/signin.h"

/* What a connection's settings make of its IdP. */
struct rp_idp {
	const struct connection *conn; /* borrowed */
	char *issuer;                  /* the issuer every token must name */
	enum oidc_rp_tenant_rule rule; /* EASIE tenant pinning */
	char *redirect_uri;            /* {public_url}/oidc/{conn}/callback */
	bool allow_http;               /* test mode: http:// to loopback */
	char *fingerprint;             /* the settings the cached snapshot must match */
};

/*
 * Derives the IdP of an oidc or easie connection. ERR_CONFLICT with a stable
 * code (connection_incomplete, invalid_tenant, wrong_protocol) when its
 * settings cannot sign anyone in. Release with routes_oidc_rp_idp_release.
 */
int routes_oidc_rp_idp_init(struct rp_idp *out, const struct config *cfg,
                            const struct connection *conn);
void routes_oidc_rp_idp_release(struct rp_idp *i);
/*
 * The IdP's metadata and keys: the cached snapshot while fresh, else fetched
 * again (a stale snapshot is used when the refetch fails). Caller unrefs.
 * Errors carry problem codes: discovery_failed, jwks_failed, wrong_issuer,
 * insecure_endpoint, alg_not_allowed, ...
 */
int routes_oidc_rp_idp_provider(const struct rp_idp *i, struct oidc_rp_provider **out);
/*
 * After a token signed with an unknown kid: fetches the keys again, at most
 * once a minute per connection, and replaces *p (ERR_RATE_LIMITED when too
 * soon; *p is left as it was on failure).
 */
int routes_oidc_rp_idp_rekey(const struct rp_idp *i, struct oidc_rp_provider **p);
/* Exchanges code at the token endpoint with client_secret_basic and the PKCE verifier. */
int routes_oidc_rp_idp_exchange(const struct rp_idp *i, const struct oidc_rp_provider *p,
                                const char *client_secret, const char *code,
                                const char *code_verifier, struct oidc_rp_token_response *out);
/* {public_url}/oidc/{conn}/callback. Caller frees. */
char *routes_oidc_rp_redirect_uri(const struct config *cfg, const char *conn_id);

/*
 * Starts a sign-in through conn (protocol oidc or easie) for an OAuth
 * authorization request (auth_request_id) or a test sign-in (test_id):
 * provider metadata, a stored state/nonce/PKCE verifier, and the IdP URL to
 * redirect the browser to (*url_out, caller frees). login_hint may be NULL.
 */
int routes_oidc_rp_begin(struct route_ctx *ctx, const struct connection *conn,
                         const char *auth_request_id, const char *test_id, const char *login_hint,
                         char **url_out);

/* The page that shows a test sign-in's outcome to the admin who ran it. */
int routes_oidc_rp_test_page(struct route_ctx *ctx, const struct test_sign_in *t,
                             const struct oidc_rp_problems *p);
/*
 * Records the outcome of test sign-in test_id ("passed" when p is empty; id
 * may be NULL when nothing trustworthy came back), moves a passed
 * connection from draft to tested, and shows the outcome page.
 */
int routes_oidc_rp_test_record(struct route_ctx *ctx, const char *test_id, const char *conn_id,
                               const struct oidc_rp_identity *id, const struct oidc_rp_problems *p);

#endif
