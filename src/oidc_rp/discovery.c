/* SPDX-License-Identifier: Apache-2.0 */
/* OIDC Discovery documents (see discovery.h). */
#include "base/common.h"

#include "oidc_rp/discovery.h"

#include "base/error.h"

#include <jansson.h>

static int invalid(const char *detail)
{
	return error_setc(ERR_INVALID, "discovery_invalid", "%s", detail);
}

static int missing(const char *member)
{
	return error_setc(ERR_INVALID, "discovery_invalid",
	                  "the discovery document has no %s (a string)", member);
}

int oidc_rp_url_check(const char *what, const char *url, bool allow_http)
{
	size_t n = url ? strlen(url) : 0;
	const char *host = NULL;
	if (n >= 8 && !strncmp(url, "https://", 8))
		host = url + 8;
	else if (allow_http && n >= 7 && !strncmp(url, "http://", 7))
		host = url + 7;
	bool ok = host && *host && *host != '/' && *host != '?' && n <= OIDC_RP_URL_MAX &&
	          !strchr(url, '#');
	for (size_t i = 0; ok && i < n; i++)
		ok = url[i] > 0x20 && url[i] < 0x7f;
	if (!ok)
		return error_setc(ERR_INVALID, "insecure_endpoint",
		                  "the %s \"%.200s\" is not an https URL (without fragment)", what,
		                  url ? url : "");
	return 0;
}

char *oidc_rp_discovery_url(const char *issuer)
{
	size_t n = strlen(issuer);
	/* OIDC Discovery 4: a terminating '/' is removed before appending the well-known path. */
	if (n && issuer[n - 1] == '/')
		n--;
	return xasprintf("%.*s/.well-known/openid-configuration", (int)n, issuer);
}

void oidc_rp_discovery_release(struct oidc_rp_discovery *d)
{
	free(d->issuer);
	free(d->authorization_endpoint);
	free(d->token_endpoint);
	free(d->jwks_uri);
	free(d->userinfo_endpoint);
	memset(d, 0, sizeof(*d));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void oidc_rp_discovery_copy(struct oidc_rp_discovery *out, const struct oidc_rp_discovery *d)
{
	out->issuer = dup_or_null(d->issuer);
	out->authorization_endpoint = dup_or_null(d->authorization_endpoint);
	out->token_endpoint = dup_or_null(d->token_endpoint);
	out->jwks_uri = dup_or_null(d->jwks_uri);
	out->userinfo_endpoint = dup_or_null(d->userinfo_endpoint);
	out->algs = d->algs;
	out->pkce_s256 = d->pkce_s256;
}

/* A required endpoint member: a string that passes oidc_rp_url_check. */
static int endpoint(const json_t *j, const char *name, bool required, bool allow_http, char **out)
{
	const json_t *v = json_object_get(j, name);
	if (!v && !required)
		return 0;
	if (!json_is_string(v))
		return missing(name);
	int rc = oidc_rp_url_check(name, json_string_value(v), allow_http);
	if (rc == 0)
		*out = xstrdup(json_string_value(v));
	return rc;
}

/* True when the array member name is absent (absent_ok) or lists value. */
static bool lists(const json_t *j, const char *name, const char *value, bool absent_ok)
{
	const json_t *a = json_object_get(j, name);
	if (!a)
		return absent_ok;
	size_t i;
	const json_t *item;
	json_array_foreach(a, i, item)
	{
		if (json_is_string(item) && !strcmp(json_string_value(item), value))
			return true;
	}
	return false;
}

static int check_issuer(const json_t *j, const char *expected)
{
	const char *iss = json_string_value(json_object_get(j, "issuer"));
	if (!iss)
		return missing("issuer");
	/* OIDC Discovery 4.3: exactly the issuer used to find the document. */
	if (strcmp(iss, expected) != 0)
		return error_setc(
		        ERR_INVALID, "wrong_issuer",
		        "the IdP's discovery document names the issuer \"%.200s\", but this "
		        "connection is configured with \"%.200s\"; they must be identical",
		        iss, expected);
	return 0;
}

static int check_algs(const json_t *j, struct oidc_rp_discovery *out)
{
	if (lists(j, "id_token_signing_alg_values_supported", "ES256", false))
		out->algs |= OIDC_RP_ALG_ES256;
	if (lists(j, "id_token_signing_alg_values_supported", "RS256", false))
		out->algs |= OIDC_RP_ALG_RS256;
	if (!out->algs)
		return error_setc(
		        ERR_INVALID, "alg_not_allowed",
		        "the IdP signs ID tokens with none of the algorithms gatehouse "
		        "accepts (RS256, ES256): see id_token_signing_alg_values_supported");
	return 0;
}

static int parse_members(struct oidc_rp_discovery *out, const json_t *j, const char *expected,
                         bool allow_http)
{
	int rc = check_issuer(j, expected);
	if (rc == 0)
		rc = endpoint(j, "authorization_endpoint", true, allow_http,
		              &out->authorization_endpoint);
	if (rc == 0)
		rc = endpoint(j, "token_endpoint", true, allow_http, &out->token_endpoint);
	if (rc == 0)
		rc = endpoint(j, "jwks_uri", true, allow_http, &out->jwks_uri);
	if (rc == 0)
		rc = endpoint(j, "userinfo_endpoint", false, allow_http, &out->userinfo_endpoint);
	if (rc == 0 && !lists(j, "response_types_supported", "code", true))
		rc = invalid("the IdP does not offer the authorization code flow "
		             "(response_types_supported has no \"code\")");
	if (rc == 0)
		rc = check_algs(j, out);
	out->pkce_s256 = lists(j, "code_challenge_methods_supported", "S256", false);
	return rc;
}

int oidc_rp_discovery_parse(struct oidc_rp_discovery *out, const char *json, size_t len,
                            const char *expected_issuer, bool allow_http)
{
	memset(out, 0, sizeof(*out));
	if (len > OIDC_RP_DISCOVERY_MAX_BYTES)
		return error_setc(ERR_TOO_LARGE, "discovery_too_large",
		                  "the discovery document is larger than %d bytes",
		                  OIDC_RP_DISCOVERY_MAX_BYTES);
	json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	int rc = json_is_object(j) ? parse_members(out, j, expected_issuer, allow_http)
	                           : invalid("the discovery document is not one JSON object "
	                                     "without duplicate members");
	json_decref(j);
	if (rc)
		oidc_rp_discovery_release(out);
	else
		out->issuer = xstrdup(expected_issuer);
	return rc;
}

int oidc_rp_discovery_explicit(struct oidc_rp_discovery *out, const char *issuer,
                               const char *authorization_endpoint, const char *token_endpoint,
                               const char *jwks_uri, bool allow_http)
{
	memset(out, 0, sizeof(*out));
	if (!issuer || !*issuer)
		return error_setc(ERR_INVALID, "connection_incomplete",
		                  "set oidc.issuer: every ID token is checked against it");
	int rc = oidc_rp_url_check("issuer", issuer, allow_http);
	if (rc == 0)
		rc = oidc_rp_url_check("authorization_endpoint", authorization_endpoint,
		                       allow_http);
	if (rc == 0)
		rc = oidc_rp_url_check("token_endpoint", token_endpoint, allow_http);
	if (rc == 0)
		rc = oidc_rp_url_check("jwks_uri", jwks_uri, allow_http);
	if (rc)
		return rc;
	out->issuer = xstrdup(issuer);
	out->authorization_endpoint = xstrdup(authorization_endpoint);
	out->token_endpoint = xstrdup(token_endpoint);
	out->jwks_uri = xstrdup(jwks_uri);
	out->algs = OIDC_RP_ALG_ES256 | OIDC_RP_ALG_RS256;
	return 0;
}

static int replace(char **dst, const char *what, const char *url, bool allow_http)
{
	if (!url || !*url)
		return 0;
	int rc = oidc_rp_url_check(what, url, allow_http);
	if (rc == 0) {
		free(*dst);
		*dst = xstrdup(url);
	}
	return rc;
}

int oidc_rp_discovery_override(struct oidc_rp_discovery *d, const char *authorization_endpoint,
                               const char *token_endpoint, const char *jwks_uri, bool allow_http)
{
	int rc = replace(&d->authorization_endpoint, "authorization_endpoint",
	                 authorization_endpoint, allow_http);
	if (rc == 0)
		rc = replace(&d->token_endpoint, "token_endpoint", token_endpoint, allow_http);
	if (rc == 0)
		rc = replace(&d->jwks_uri, "jwks_uri", jwks_uri, allow_http);
	return rc;
}
