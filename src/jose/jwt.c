/* SPDX-License-Identifier: Apache-2.0 */
/* JWT claims and their checks (see jwt.h). */
#include "base/common.h"

#include "jose/jwt.h"

#include "base/error.h"
#include "crypto/crypto.h"

#include <jansson.h>

#define STRING_CLAIM_MAX 4096
#define NUMERIC_DATE_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

static int malformed(const char *claim)
{
	return error_setc(ERR_INVALID, "jwt_malformed", "claim %s has the wrong type", claim);
}

void jose_claims_release(struct jose_claims *c)
{
	free(c->iss);
	free(c->sub);
	free(c->azp);
	free(c->nonce);
	free(c->jti);
	free(c->sid);
	for (size_t i = 0; i < c->naud; i++)
		free(c->aud[i]);
	free(c->json);
	memset(c, 0, sizeof(*c));
}

static int string_claim(const json_t *j, const char *name, char **out)
{
	const json_t *v = json_object_get(j, name);
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) > STRING_CLAIM_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return malformed(name);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* RFC 7519 section 2 NumericDate: seconds, possibly fractional (the fraction is dropped). */
static int date_claim(const json_t *j, const char *name, int64_t *out, bool *has)
{
	const json_t *v = json_object_get(j, name);
	if (!v)
		return 0;
	double d = json_number_value(v);
	if (!json_is_number(v) || d < 0 || d > (double)NUMERIC_DATE_MAX)
		return malformed(name);
	*out = json_is_integer(v) ? (int64_t)json_integer_value(v) : (int64_t)d;
	*has = true;
	return 0;
}

static int aud_claim(const json_t *j, struct jose_claims *c)
{
	const json_t *v = json_object_get(j, "aud");
	if (!v)
		return 0;
	if (json_is_string(v)) {
		c->aud[c->naud++] = xstrdup(json_string_value(v));
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > JOSE_JWT_AUD_MAX)
		return malformed("aud");
	size_t i;
	const json_t *item;
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return malformed("aud");
		c->aud[c->naud++] = xstrdup(json_string_value(item));
	}
	return 0;
}

int jose_claims_parse(struct jose_claims *out, const char *json, size_t len)
{
	memset(out, 0, sizeof(*out));
	json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return error_setc(ERR_INVALID, "jwt_malformed",
		                  "the claims are not one JSON object without duplicate members");
	}
	int rc = string_claim(j, "iss", &out->iss);
	if (!rc)
		rc = string_claim(j, "sub", &out->sub);
	if (!rc)
		rc = string_claim(j, "azp", &out->azp);
	if (!rc)
		rc = string_claim(j, "nonce", &out->nonce);
	if (!rc)
		rc = string_claim(j, "jti", &out->jti);
	if (!rc)
		rc = string_claim(j, "sid", &out->sid);
	if (!rc)
		rc = aud_claim(j, out);
	if (!rc)
		rc = date_claim(j, "exp", &out->exp, &out->has_exp);
	if (!rc)
		rc = date_claim(j, "iat", &out->iat, &out->has_iat);
	if (!rc)
		rc = date_claim(j, "nbf", &out->nbf, &out->has_nbf);
	if (!rc)
		rc = date_claim(j, "auth_time", &out->auth_time, &out->has_auth_time);
	json_decref(j);
	if (rc) {
		jose_claims_release(out);
		return rc;
	}
	out->json = xstrndup(json, len);
	return 0;
}

int jose_jwt_check_iss(const struct jose_claims *c, const char *issuer)
{
	if (!c->iss || strcmp(c->iss, issuer) != 0)
		return error_setc(ERR_INVALID, "jwt_wrong_issuer",
		                  "the token's issuer is %.200s, not %.200s",
		                  c->iss ? c->iss : "(none)", issuer);
	return 0;
}

int jose_jwt_check_aud(const struct jose_claims *c, const char *client_id)
{
	bool found = false;
	for (size_t i = 0; i < c->naud; i++)
		found |= strcmp(c->aud[i], client_id) == 0;
	if (!found)
		return error_setc(ERR_INVALID, "jwt_wrong_audience",
		                  "the token is not for this client (aud %.200s)",
		                  c->naud ? c->aud[0] : "(none)");
	if (c->naud > 1 && !c->azp)
		return error_setc(ERR_INVALID, "jwt_azp_mismatch",
		                  "a token for several audiences must name its azp");
	if (c->azp && strcmp(c->azp, client_id) != 0)
		return error_setc(ERR_INVALID, "jwt_azp_mismatch",
		                  "the token's azp is another client");
	return 0;
}

int jose_jwt_check_time(const struct jose_claims *c, int64_t now, int64_t skew_s, int64_t max_age_s)
{
	if (!c->has_exp || !c->has_iat)
		return error_setc(ERR_INVALID, "jwt_malformed", "the token has no exp or iat");
	if (now >= c->exp + skew_s)
		return error_setc(ERR_INVALID, "jwt_expired", "the token expired %lld s ago",
		                  (long long)(now - c->exp));
	if (c->iat > now + skew_s)
		return error_setc(ERR_INVALID, "jwt_issued_in_future",
		                  "the token was issued %lld s in the future (clock skew?)",
		                  (long long)(c->iat - now));
	if (max_age_s > 0 && c->iat < now - max_age_s - skew_s)
		return error_setc(ERR_INVALID, "jwt_too_old", "the token was issued %lld s ago",
		                  (long long)(now - c->iat));
	if (c->has_nbf && c->nbf > now + skew_s)
		return error_setc(ERR_INVALID, "jwt_not_yet_valid",
		                  "the token is valid only in %lld s", (long long)(c->nbf - now));
	return 0;
}

int jose_jwt_check_nonce(const struct jose_claims *c, const char *expected)
{
	if (!c->nonce || !expected || !crypto_equal_str(c->nonce, expected))
		return error_setc(ERR_INVALID, "jwt_nonce_mismatch",
		                  "the token's nonce is not the one this sign-in sent");
	return 0;
}

int jose_jwt_decode(struct jose_claims *out, const char *token, size_t len,
                    const struct jose_jwks *keys)
{
	char *payload = NULL;
	size_t plen = 0;
	memset(out, 0, sizeof(*out));
	int rc = jose_jws_verify(&payload, &plen, NULL, token, len, keys);
	if (rc == 0)
		rc = jose_claims_parse(out, payload, plen);
	free(payload);
	return rc;
}

int jose_jwt_sign(char **out, const struct jose_jwk *key, const char *claims_json)
{
	return jose_jws_sign(out, key, "JWT", claims_json, strlen(claims_json));
}
