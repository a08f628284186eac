/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The calls gatehouse makes to a connection's OpenID Provider: discovery,
 * JWKS and the token endpoint, all through http/client.h (see oidc_rp.h).
 * Provider snapshots are cached per process (oidc_rp/provider.h); a node
 * that starts cold fetches them on the first sign-in.
 */
#include "base/common.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "http/client.h"
#include "oidc_rp/easie.h"
#include "routes/oidc_rp.h"

#include <pthread.h>

#define FETCH_TIMEOUT_MS 10000

static struct oidc_rp_cache *cache;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_init(void)
{
	cache = oidc_rp_cache_new(); /* lives as long as the process */
}

static struct oidc_rp_cache *the_cache(void)
{
	pthread_once(&cache_once, cache_init);
	return cache;
}

char *routes_oidc_rp_redirect_uri(const struct config *cfg, const char *conn_id)
{
	return xasprintf("%s/oidc/%s/callback", cfg->public_url, conn_id);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int easie_issuer(struct rp_idp *out, const struct config *cfg, const struct connection *c)
{
	out->rule = oidc_rp_easie_rule(c->provider);
	int rc = oidc_rp_easie_issuer(&out->issuer, out->rule, cfg->easie_google_issuer,
	                              cfg->easie_microsoft_authority, c->easie_tenant);
	if (rc)
		error_set_status(409);
	return rc;
}

int routes_oidc_rp_idp_init(struct rp_idp *out, const struct config *cfg,
                            const struct connection *conn)
{
	memset(out, 0, sizeof(*out));
	out->conn = conn;
	out->allow_http = cfg->allow_loopback_targets;
	int rc = 0;
	if (!strcmp(conn->protocol, "easie"))
		rc = easie_issuer(out, cfg, conn);
	else if (!strcmp(conn->protocol, "oidc") && conn->oidc_issuer && *conn->oidc_issuer)
		out->issuer = xstrdup(conn->oidc_issuer);
	else if (!strcmp(conn->protocol, "oidc"))
		rc = error_setc(ERR_CONFLICT, "connection_incomplete",
		                "set oidc.issuer: every ID token is checked against it");
	else
		rc = error_setc(ERR_CONFLICT, "wrong_protocol", "connection %s speaks %s, not OIDC",
		                conn->id, conn->protocol);
	if (rc == 0 && (!conn->oidc_client_id || !*conn->oidc_client_id))
		rc = error_setc(ERR_CONFLICT, "connection_incomplete",
		                "set oidc.client_id: the IdP's client (application) ID");
	if (rc) {
		routes_oidc_rp_idp_release(out);
		return rc;
	}
	out->redirect_uri = routes_oidc_rp_redirect_uri(cfg, conn->id);
	out->fingerprint = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", conn->protocol, out->issuer,
	                             or_empty(conn->oidc_authorization_endpoint),
	                             or_empty(conn->oidc_token_endpoint),
	                             or_empty(conn->oidc_jwks_uri), or_empty(conn->easie_tenant));
	return 0;
}

void routes_oidc_rp_idp_release(struct rp_idp *i)
{
	free(i->issuer);
	free(i->redirect_uri);
	free(i->fingerprint);
	memset(i, 0, sizeof(*i));
}

/* GETs url; any failure or a status other than 200 becomes code with plain words. */
static int fetch(struct http_client_response *res, const char *url, size_t max, const char *code,
                 const char *what)
{
	static const char *const accept[] = { "Accept: application/json", NULL };
	struct http_client_request req = { .url = url,
		                           .headers = accept,
		                           .timeout_ms = FETCH_TIMEOUT_MS,
		                           .max_response_bytes = max };
	int rc = http_client_send(res, &req);
	if (rc)
		return error_setc(ERR_PEER, code, "could not fetch the IdP's %s at %.300s: %s",
		                  what, url, error_get()->detail);
	if (res->status != 200)
		return error_setc(ERR_PEER, code, "the IdP's %s at %.300s answered HTTP %d", what,
		                  url, res->status);
	return 0;
}

static int fetch_metadata(const struct rp_idp *i, struct oidc_rp_discovery *out)
{
	const struct connection *c = i->conn;
	if (c->oidc_authorization_endpoint && *c->oidc_authorization_endpoint &&
	    c->oidc_token_endpoint && *c->oidc_token_endpoint && c->oidc_jwks_uri &&
	    *c->oidc_jwks_uri)
		return oidc_rp_discovery_explicit(out, i->issuer, c->oidc_authorization_endpoint,
		                                  c->oidc_token_endpoint, c->oidc_jwks_uri,
		                                  i->allow_http);
	char *url = oidc_rp_discovery_url(i->issuer);
	struct http_client_response res = { 0 };
	int rc = fetch(&res, url, OIDC_RP_DISCOVERY_MAX_BYTES, "discovery_failed",
	               "discovery document");
	if (rc == 0)
		rc = oidc_rp_discovery_parse(out, res.body, res.body_len, i->issuer, i->allow_http);
	if (rc == 0)
		rc = oidc_rp_discovery_override(out, c->oidc_authorization_endpoint,
		                                c->oidc_token_endpoint, c->oidc_jwks_uri,
		                                i->allow_http);
	if (rc && !strcmp(error_get()->stable, "discovery_invalid"))
		error_prefix("%s: ", url);
	http_client_response_release(&res);
	free(url);
	return rc;
}

static int fetch_keys(const char *jwks_uri, struct jose_jwks **out)
{
	struct http_client_response res = { 0 };
	int rc = fetch(&res, jwks_uri, JOSE_JWKS_MAX_BYTES, "jwks_failed", "signing keys (JWKS)");
	if (rc == 0 && jose_jwks_parse(out, res.body, res.body_len))
		rc = error_setc(ERR_PEER, "jwks_failed",
		                "the IdP's JWKS at %.300s has no usable signing key: %s", jwks_uri,
		                error_get()->detail);
	http_client_response_release(&res);
	return rc;
}

static int fetch_provider(const struct rp_idp *i, struct oidc_rp_provider **out)
{
	struct oidc_rp_discovery d = { 0 };
	struct jose_jwks *keys = NULL;
	int rc = fetch_metadata(i, &d);
	if (rc == 0)
		rc = fetch_keys(d.jwks_uri, &keys);
	if (rc == 0)
		*out = oidc_rp_provider_new(&d, keys, i->fingerprint, clock_now());
	oidc_rp_discovery_release(&d);
	return rc;
}

int routes_oidc_rp_idp_provider(const struct rp_idp *i, struct oidc_rp_provider **out)
{
	bool fresh = false;
	*out = NULL;
	struct oidc_rp_provider *cached =
	        oidc_rp_cache_get(the_cache(), i->conn->id, i->fingerprint, clock_now(), &fresh);
	if (cached && fresh) {
		*out = cached;
		return 0;
	}
	struct oidc_rp_provider *p = NULL;
	int rc = fetch_provider(i, &p);
	if (rc == 0) {
		oidc_rp_cache_put(the_cache(), i->conn->id, oidc_rp_provider_ref(p));
		oidc_rp_provider_unref(cached);
		*out = p;
		return 0;
	}
	if (!cached)
		return rc;
	log_warn("IdP metadata refetch failed; using the cached copy", "connection=%s err=\"%s\"",
	         i->conn->id, error_get()->detail);
	error_clear();
	*out = cached;
	return 0;
}

int routes_oidc_rp_idp_rekey(const struct rp_idp *i, struct oidc_rp_provider **p)
{
	if (!oidc_rp_cache_claim_refetch(the_cache(), i->conn->id, clock_now()))
		return error_setc(ERR_RATE_LIMITED, "unknown_key",
		                  "the IdP's keys were fetched again less than %d s ago",
		                  OIDC_RP_JWKS_REFETCH_MIN_S);
	struct jose_jwks *keys = NULL;
	int rc = fetch_keys(oidc_rp_provider_metadata(*p)->jwks_uri, &keys);
	if (rc)
		return rc;
	struct oidc_rp_provider *next = oidc_rp_provider_with_keys(*p, keys);
	oidc_rp_cache_put(the_cache(), i->conn->id, oidc_rp_provider_ref(next));
	oidc_rp_provider_unref(*p);
	*p = next;
	log_info("IdP signing keys fetched again for an unknown kid", "connection=%s", i->conn->id);
	return 0;
}

int routes_oidc_rp_idp_exchange(const struct rp_idp *i, const struct oidc_rp_provider *p,
                                const char *client_secret, const char *code,
                                const char *code_verifier, struct oidc_rp_token_response *out)
{
	const struct oidc_rp_discovery *d = oidc_rp_provider_metadata(p);
	memset(out, 0, sizeof(*out));
	char *auth = oidc_rp_client_secret_basic(i->conn->oidc_client_id, client_secret);
	char *auth_header = xasprintf("Authorization: %s", auth);
	const char *headers[] = { auth_header, "Accept: application/json",
		                  "Content-Type: application/x-www-form-urlencoded", NULL };
	char *body = oidc_rp_token_request_body(code, i->redirect_uri, code_verifier);
	struct http_client_request req = { .method = "POST",
		                           .url = d->token_endpoint,
		                           .headers = headers,
		                           .body = body,
		                           .body_len = strlen(body),
		                           .timeout_ms = FETCH_TIMEOUT_MS,
		                           .max_response_bytes = OIDC_RP_TOKEN_RESPONSE_MAX_BYTES };
	struct http_client_response res = { 0 };
	int rc = http_client_send(&res, &req);
	if (rc)
		rc = error_setc(ERR_PEER, "token_request_failed",
		                "could not reach the IdP's token endpoint %.300s: %s",
		                d->token_endpoint, error_get()->detail);
	else
		rc = oidc_rp_token_response_parse(out, res.status, res.body, res.body_len);
	http_client_response_release(&res);
	explicit_bzero(auth, strlen(auth));
	explicit_bzero(auth_header, strlen(auth_header));
	free(auth);
	free(auth_header);
	free(body);
	return rc;
}
