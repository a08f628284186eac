/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OIDC discovery documents on arbitrary bytes (what an issuer's
 * /.well-known/openid-configuration answers). The first byte chooses the
 * policy (https only, or http to loopback as in tests); the rest is the
 * document. Invariants: a parsed document names exactly the issuer asked
 * for, has the three endpoints with an allowed scheme, at least one
 * algorithm we verify and nothing else, and copies faithfully; a failure
 * always leaves a stable code. The same bytes are also checked as an
 * endpoint URL.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "oidc_rp/discovery.h"

#define ISSUER "https://idp.example"

static bool scheme_ok(const char *url, bool allow_http)
{
	return url && (!strncmp(url, "https://", 8) || (allow_http && !strncmp(url, "http://", 7)));
}

static void check_parsed(const struct oidc_rp_discovery *d, bool allow_http)
{
	if (strcmp(d->issuer, ISSUER) != 0 || !scheme_ok(d->authorization_endpoint, allow_http) ||
	    !scheme_ok(d->token_endpoint, allow_http) || !scheme_ok(d->jwks_uri, allow_http) ||
	    (d->userinfo_endpoint && !scheme_ok(d->userinfo_endpoint, allow_http)))
		abort();
	if (!d->algs || (d->algs & ~(unsigned)(OIDC_RP_ALG_ES256 | OIDC_RP_ALG_RS256)))
		abort();
	struct oidc_rp_discovery copy = { 0 };
	oidc_rp_discovery_copy(&copy, d);
	if (strcmp(copy.jwks_uri, d->jwks_uri) != 0 || copy.algs != d->algs)
		abort();
	oidc_rp_discovery_release(&copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	bool allow_http = data[0] & 1;
	const char *doc = (const char *)data + 1;
	size_t len = size - 1;
	error_clear();
	struct oidc_rp_discovery d;
	if (oidc_rp_discovery_parse(&d, doc, len, ISSUER, allow_http) == 0) {
		check_parsed(&d, allow_http);
		oidc_rp_discovery_release(&d);
	} else if (!error_get()->stable[0]) {
		abort();
	}
	char *url = xstrndup(doc, len);
	if (oidc_rp_url_check("url", url, allow_http) == 0 && !scheme_ok(url, allow_http))
		abort();
	free(url);
	return 0;
}
