/* SPDX-License-Identifier: Apache-2.0 */
/* JWK parse, generate, thumbprint, serialise (see jwk.h). */
#include "base/common.h"

#include "jose/jwk.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "jose/internal.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#define RSA_MIN_BYTES 256  /* 2048 bits */
#define RSA_MAX_BYTES 1024 /* 8192 bits */

const char *jose_alg_name(enum jose_alg alg)
{
	switch (alg) {
	case JOSE_ALG_ES256:
		return "ES256";
	case JOSE_ALG_RS256:
		return "RS256";
	default:
		return NULL;
	}
}

enum jose_alg jose_alg_from_name(const char *name)
{
	if (name && !strcmp(name, "ES256"))
		return JOSE_ALG_ES256;
	if (name && !strcmp(name, "RS256"))
		return JOSE_ALG_RS256;
	return JOSE_ALG_UNKNOWN;
}

void jose_jwk_free(struct jose_jwk *k)
{
	if (!k)
		return;
	if (k->cj)
		cjose_jwk_release(k->cj);
	if (k->d) {
		memset(k->d, 0, strlen(k->d));
		free(k->d);
	}
	free(k->x);
	free(k->y);
	free(k->n);
	free(k->e);
	free(k);
}

static int invalid(const char *code, const char *detail)
{
	return error_setc(ERR_INVALID, code, "%s", detail);
}

/* RFC 7638 section 3.2: the required members only, in lexicographic order, no whitespace. */
static void thumbprint(struct jose_jwk *k)
{
	char *canon =
	        k->alg == JOSE_ALG_ES256
	                ? xasprintf("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
	                            k->x, k->y)
	                : xasprintf("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", k->e, k->n);
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(d, canon, strlen(canon));
	free(canon);
	char *t = jose_b64url_encode(d, sizeof(d));
	xsnprintf(k->thumbprint, sizeof(k->thumbprint), "%s", t);
	free(t);
}

/* A base64url member of exactly want bytes (want 0: any length within [min,max]). */
static int member_bytes(const json_t *obj, const char *name, size_t min, size_t max, char **out,
                        size_t *len_out)
{
	const char *s = json_string_value(json_object_get(obj, name));
	*out = NULL;
	if (!s)
		return error_setc(ERR_INVALID, "jwk_invalid", "JWK member %s is missing", name);
	unsigned char *raw = NULL;
	size_t n = 0;
	if (jose_b64url_decode(&raw, &n, s, strlen(s)))
		return error_setc(ERR_INVALID, "jwk_invalid", "JWK member %s is not base64url",
		                  name);
	memset(raw, 0, n);
	free(raw);
	if (n < min || n > max)
		return error_setc(ERR_INVALID, "jwk_invalid", "JWK member %s has the wrong length",
		                  name);
	*out = xstrdup(s);
	if (len_out)
		*len_out = n;
	return 0;
}

/* Hands the members to cjose as a minimal JWK (what we checked is what it loads). */
static int load_cjose(struct jose_jwk *k)
{
	char *json;
	if (k->alg == JOSE_ALG_ES256)
		json = k->d ? xasprintf(
		                      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"d\":\"%s\"}",
		                      k->x, k->y, k->d)
		            : xasprintf(
		                      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
		                      k->x, k->y);
	else
		json = xasprintf("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", k->n, k->e);
	cjose_err err;
	k->cj = cjose_jwk_import(json, strlen(json), &err);
	memset(json, 0, strlen(json));
	free(json);
	/* cjose checks that an EC point is on the curve (no invalid-curve keys). */
	if (!k->cj)
		return invalid("jwk_invalid", "the JWK is not a usable key");
	return 0;
}

static int parse_members(struct jose_jwk *k, const json_t *j)
{
	const char *kty = json_string_value(json_object_get(j, "kty"));
	const json_t *alg_j = json_object_get(j, "alg"), *use_j = json_object_get(j, "use");
	const json_t *kid_j = json_object_get(j, "kid");
	if (!kty)
		return invalid("jwk_invalid", "JWK without kty");
	if (use_j && (!json_is_string(use_j) || strcmp(json_string_value(use_j), "sig") != 0))
		return invalid("jwk_unsupported", "JWK not for signatures (use)");
	if (alg_j && !json_is_string(alg_j))
		return invalid("jwk_invalid", "JWK alg is not a string");
	const char *alg = json_string_value(alg_j);
	int rc;
	if (!strcmp(kty, "EC")) {
		const char *crv = json_string_value(json_object_get(j, "crv"));
		if (!crv || strcmp(crv, "P-256") != 0)
			return invalid("jwk_unsupported", "only the P-256 curve is supported");
		if (alg && strcmp(alg, "ES256") != 0)
			return invalid("jwk_unsupported", "a P-256 key signs with ES256 only");
		k->alg = JOSE_ALG_ES256;
		k->sig_bytes = 64;
		rc = member_bytes(j, "x", 32, 32, &k->x, NULL);
		if (!rc)
			rc = member_bytes(j, "y", 32, 32, &k->y, NULL);
		if (!rc && json_object_get(j, "d"))
			rc = member_bytes(j, "d", 32, 32, &k->d, NULL);
	} else if (!strcmp(kty, "RSA")) {
		if (alg && strcmp(alg, "RS256") != 0)
			return invalid("jwk_unsupported", "RSA keys verify RS256 only");
		if (json_object_get(j, "d"))
			return invalid("jwk_unsupported", "private RSA keys are not used");
		k->alg = JOSE_ALG_RS256;
		rc = member_bytes(j, "n", RSA_MIN_BYTES, RSA_MAX_BYTES, &k->n, &k->sig_bytes);
		if (!rc)
			rc = member_bytes(j, "e", 1, 8, &k->e, NULL);
	} else {
		return error_setc(ERR_INVALID, "jwk_unsupported", "unsupported key type %.16s",
		                  kty);
	}
	if (rc)
		return rc;
	thumbprint(k);
	if (kid_j) {
		const char *kid = json_string_value(kid_j);
		if (!kid || !*kid || strlen(kid) > JOSE_KID_MAX)
			return invalid("jwk_invalid",
			               "JWK kid must be a string of 1-128 characters");
		xsnprintf(k->kid, sizeof(k->kid), "%s", kid);
	} else {
		xsnprintf(k->kid, sizeof(k->kid), "%s", k->thumbprint);
	}
	return load_cjose(k);
}

int jose_jwk_parse(struct jose_jwk **out, const char *json, size_t len)
{
	*out = NULL;
	json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return invalid("jwk_invalid",
		               "a JWK must be one JSON object without duplicate members");
	}
	struct jose_jwk *k = xcalloc(1, sizeof(*k));
	int rc = parse_members(k, j);
	json_decref(j);
	if (rc) {
		jose_jwk_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

/* A fixed-width big-endian coordinate as base64url. */
static char *param_b64(EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char buf[32];
	if (!EVP_PKEY_get_bn_param(pkey, name, &bn) || BN_bn2binpad(bn, buf, sizeof(buf)) != 32) {
		BN_clear_free(bn);
		return NULL;
	}
	BN_clear_free(bn);
	char *s = jose_b64url_encode(buf, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	return s;
}

int jose_jwk_generate(struct jose_jwk **out)
{
	*out = NULL;
	EVP_PKEY *pkey = EVP_EC_gen("P-256");
	if (!pkey)
		return error_set(ERR_INTERNAL, "cannot generate a P-256 key");
	struct jose_jwk *k = xcalloc(1, sizeof(*k));
	k->alg = JOSE_ALG_ES256;
	k->sig_bytes = 64;
	k->x = param_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X);
	k->y = param_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y);
	k->d = param_b64(pkey, OSSL_PKEY_PARAM_PRIV_KEY);
	EVP_PKEY_free(pkey);
	int rc = (k->x && k->y && k->d) ? 0 : error_set(ERR_INTERNAL, "cannot export a P-256 key");
	if (rc == 0) {
		thumbprint(k);
		xsnprintf(k->kid, sizeof(k->kid), "%s", k->thumbprint);
		rc = load_cjose(k);
	}
	if (rc) {
		jose_jwk_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

enum jose_alg jose_jwk_alg(const struct jose_jwk *k)
{
	return k->alg;
}

const char *jose_jwk_kid(const struct jose_jwk *k)
{
	return k->kid;
}

const char *jose_jwk_thumbprint(const struct jose_jwk *k)
{
	return k->thumbprint;
}

bool jose_jwk_has_private(const struct jose_jwk *k)
{
	return k->d != NULL;
}

static json_t *public_members(const struct jose_jwk *k)
{
	json_t *j = json_object();
	if (k->alg == JOSE_ALG_ES256) {
		json_object_set_new(j, "kty", json_string("EC"));
		json_object_set_new(j, "crv", json_string("P-256"));
		json_object_set_new(j, "x", json_string(k->x));
		json_object_set_new(j, "y", json_string(k->y));
	} else {
		json_object_set_new(j, "kty", json_string("RSA"));
		json_object_set_new(j, "n", json_string(k->n));
		json_object_set_new(j, "e", json_string(k->e));
	}
	json_object_set_new(j, "kid", json_string(k->kid));
	json_object_set_new(j, "alg", json_string(jose_alg_name(k->alg)));
	json_object_set_new(j, "use", json_string("sig"));
	return j;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		die("json_dumps failed");
	return s;
}

char *jose_jwk_public_json(const struct jose_jwk *k)
{
	return dump(public_members(k));
}

char *jose_jwk_private_json(const struct jose_jwk *k)
{
	if (!k->d)
		return NULL;
	json_t *j = public_members(k);
	json_object_set_new(j, "d", json_string(k->d));
	return dump(j);
}
