/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenID Provider metadata (OIDC Discovery 1.0): the discovery URL of an
 * issuer, and the parse + validation of the document it serves.
 *
 * Checks (section 4.3 and what a relying party relies on): one JSON object of
 * at most OIDC_RP_DISCOVERY_MAX_BYTES without duplicate members; "issuer"
 * exactly equal to the issuer we asked (no normalisation: a trailing slash is
 * a different issuer); authorization_endpoint, token_endpoint and jwks_uri
 * present and https URLs (http only when the policy allows it, for tests);
 * response_types_supported, when present, offering "code";
 * id_token_signing_alg_values_supported offering RS256 or ES256 (the
 * algorithms we verify; "none" and HS* are never accepted).
 *
 * Errors: ERR_INVALID with a stable code that is also the problem code shown
 * to admins: discovery_invalid, wrong_issuer, insecure_endpoint,
 * alg_not_allowed; ERR_TOO_LARGE discovery_too_large.
 */
#ifndef GATEHOUSE_OIDC_RP_DISCOVERY_H
#define GATEHOUSE_OIDC_RP_DISCOVERY_H

#define OIDC_RP_DISCOVERY_MAX_BYTES (64 * 1024)
#define OIDC_RP_URL_MAX             2048

/* Signing algorithms of ID tokens, as a set. */
enum oidc_rp_alg_flags {
	OIDC_RP_ALG_ES256 = 1 << 0,
	OIDC_RP_ALG_RS256 = 1 << 1,
};

struct oidc_rp_discovery {
	char *issuer, *authorization_endpoint, *token_endpoint, *jwks_uri;
	char *userinfo_endpoint; /* NULL when not advertised */
	unsigned algs;           /* enum oidc_rp_alg_flags we and the provider share */
	bool pkce_s256;          /* code_challenge_methods_supported lists S256 */
};

/*
 * An endpoint URL we may call or send a browser to: at most OIDC_RP_URL_MAX
 * printable ASCII characters, "https://" and a host (or "http://" when
 * allow_http), no fragment. The HTTP client's SSRF guard still applies when
 * the URL is fetched. ERR_INVALID (insecure_endpoint) naming what.
 */
int oidc_rp_url_check(const char *what, const char *url, bool allow_http);

/* {issuer without a trailing '/'}/.well-known/openid-configuration. Caller frees. */
char *oidc_rp_discovery_url(const char *issuer);

/* Parses and validates a discovery document served for expected_issuer. Release on success. */
int oidc_rp_discovery_parse(struct oidc_rp_discovery *out, const char *json, size_t len,
                            const char *expected_issuer, bool allow_http);
/*
 * Metadata configured by hand instead of discovered: the issuer and the three
 * endpoints are required and checked as above; algs are RS256 and ES256.
 */
int oidc_rp_discovery_explicit(struct oidc_rp_discovery *out, const char *issuer,
                               const char *authorization_endpoint, const char *token_endpoint,
                               const char *jwks_uri, bool allow_http);
/*
 * Replaces the discovered endpoints with the configured ones that are set
 * (non-NULL, non-empty), each checked like a discovered one.
 */
int oidc_rp_discovery_override(struct oidc_rp_discovery *d, const char *authorization_endpoint,
                               const char *token_endpoint, const char *jwks_uri, bool allow_http);
/* A deep copy. */
void oidc_rp_discovery_copy(struct oidc_rp_discovery *out, const struct oidc_rp_discovery *d);
void oidc_rp_discovery_release(struct oidc_rp_discovery *d);

#endif
