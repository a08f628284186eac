/* SPDX-License-Identifier: Apache-2.0 */
/* JWS compact sign and verify with the algorithm fixed by the key (see jws.h). */
#include "base/common.h"

#include "jose/jws.h"

#include "base/error.h"
#include "jose/b64url.h"
#include "jose/internal.h"

#include <jansson.h>

static int malformed(const char *what)
{
	return error_setc(ERR_INVALID, "jws_malformed", "malformed JWS: %s", what);
}

int jose_jws_sign(char **out, const struct jose_jwk *key, const char *typ, const void *payload,
                  size_t len)
{
	*out = NULL;
	if (!key->d)
		return error_setc(ERR_INVALID, "jws_no_private_key", "this key cannot sign");
	cjose_err err;
	cjose_header_t *hdr = cjose_header_new(&err);
	if (!hdr)
		die("cjose_header_new failed");
	bool ok = cjose_header_set(hdr, CJOSE_HDR_ALG, jose_alg_name(key->alg), &err) &&
	          cjose_header_set(hdr, CJOSE_HDR_KID, key->kid, &err) &&
	          (!typ || cjose_header_set(hdr, "typ", typ, &err));
	/* cjose_jws_sign reads the key and never retains it: safe on a shared key. */
	cjose_jws_t *jws = ok ? cjose_jws_sign(key->cj, hdr, payload, len, &err) : NULL;
	cjose_header_release(hdr);
	const char *compact = NULL;
	if (!jws || !cjose_jws_export(jws, &compact, &err) || !compact) {
		cjose_jws_release(jws);
		return error_set(ERR_INTERNAL, "JWS signing failed: %s", err.message);
	}
	*out = xstrdup(compact);
	cjose_jws_release(jws);
	return 0;
}

/* Splits compact into its three segments; false unless exactly two dots. */
static bool split(const char *s, size_t len, size_t seg_start[3], size_t seg_len[3])
{
	size_t dots = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (dots > 2)
			return false;
		seg_start[dots] = start;
		seg_len[dots] = i - start;
		dots++;
		start = i + 1;
	}
	return dots == 3;
}

static int header_from_json(struct jose_jws_header *out, const unsigned char *text, size_t n)
{
	json_t *h = json_loadb((const char *)text, n, JSON_REJECT_DUPLICATES, NULL);
	int rc = 0;
	if (!json_is_object(h)) {
		rc = malformed("the header is not one JSON object without duplicate members");
		goto cleanup;
	}
	const char *alg = json_string_value(json_object_get(h, "alg"));
	const json_t *kid = json_object_get(h, "kid"), *typ = json_object_get(h, "typ");
	if (!alg) {
		rc = malformed("the header has no alg");
		goto cleanup;
	}
	/* RFC 7515 section 4.1.11: extensions we do not understand must be refused. */
	if (json_object_get(h, "crit")) {
		rc = error_setc(ERR_INVALID, "jws_malformed",
		                "critical header extensions are not supported");
		goto cleanup;
	}
	if ((kid && (!json_is_string(kid) || strlen(json_string_value(kid)) > JOSE_KID_MAX)) ||
	    (typ && (!json_is_string(typ) || strlen(json_string_value(typ)) >= sizeof(out->typ)))) {
		rc = malformed("kid or typ is not a short string");
		goto cleanup;
	}
	xsnprintf(out->alg_name, sizeof(out->alg_name), "%s", alg);
	out->alg = jose_alg_from_name(alg);
	if (kid)
		xsnprintf(out->kid, sizeof(out->kid), "%s", json_string_value(kid));
	if (typ)
		xsnprintf(out->typ, sizeof(out->typ), "%s", json_string_value(typ));
	if (out->alg == JOSE_ALG_UNKNOWN)
		rc = error_setc(ERR_INVALID, "jws_alg_not_allowed",
		                "the JWS algorithm %.15s is not accepted", out->alg_name);
cleanup:
	json_decref(h);
	return rc;
}

int jose_jws_header_parse(struct jose_jws_header *out, const char *compact, size_t len)
{
	size_t st[3], sl[3];
	memset(out, 0, sizeof(*out));
	if (len > JOSE_JWS_MAX_BYTES)
		return error_setc(ERR_INVALID, "jws_too_large", "the token is longer than %d bytes",
		                  JOSE_JWS_MAX_BYTES);
	if (!split(compact, len, st, sl) || sl[0] == 0 || sl[2] == 0)
		return malformed("not three base64url segments");
	unsigned char *text = NULL;
	size_t n = 0;
	if (jose_b64url_decode(&text, &n, compact + st[0], sl[0]))
		return malformed("the header is not base64url");
	int rc = header_from_json(out, text, n);
	free(text);
	return rc;
}

/* The key the header selects: by kid, or the only key when the token names none. */
static int select_key(const struct jose_jwk **out, const struct jose_jws_header *h,
                      const struct jose_jwks *keys)
{
	const struct jose_jwk *k = NULL;
	if (h->kid[0])
		k = jose_jwks_find(keys, h->kid);
	else if (jose_jwks_count(keys) == 1)
		k = jose_jwks_at(keys, 0);
	if (!k)
		return error_setc(ERR_INVALID, "jws_unknown_kid",
		                  h->kid[0] ? "no key with the token's kid"
		                            : "the token names no kid");
	if (k->alg != h->alg)
		return error_setc(ERR_INVALID, "jws_alg_mismatch",
		                  "the token says %s but its key is for %s", h->alg_name,
		                  jose_alg_name(k->alg));
	*out = k;
	return 0;
}

int jose_jws_verify(char **payload_out, size_t *payload_len, const struct jose_jwk **key_out,
                    const char *compact, size_t len, const struct jose_jwks *keys)
{
	struct jose_jws_header h;
	size_t st[3], sl[3];
	unsigned char *sig = NULL, *payload = NULL;
	size_t sig_len = 0, plen = 0;
	const struct jose_jwk *k = NULL;
	cjose_jws_t *jws = NULL;
	*payload_out = NULL;
	*payload_len = 0;
	int rc = jose_jws_header_parse(&h, compact, len);
	if (rc == 0)
		rc = select_key(&k, &h, keys);
	if (rc)
		return rc;
	if (!k ||
	    !split(compact, len, st, sl)) /* both checked above; said again for the analyzer */
		return malformed("not three base64url segments");
	if (jose_b64url_decode(&sig, &sig_len, compact + st[2], sl[2]) ||
	    jose_b64url_decode(&payload, &plen, compact + st[1], sl[1])) {
		rc = malformed("a segment is not base64url");
		goto cleanup;
	}
	if (sig_len != k->sig_bytes) {
		rc = error_setc(ERR_INVALID, "jws_bad_signature",
		                "the signature has the wrong length");
		goto cleanup;
	}
	cjose_err err;
	jws = cjose_jws_import(compact, len, &err);
	/* cjose_jws_verify only reads the key: safe on a shared snapshot. */
	if (!jws || !cjose_jws_verify(jws, k->cj, &err)) {
		rc = error_setc(ERR_INVALID, "jws_bad_signature", "the signature does not verify");
		goto cleanup;
	}
	*payload_out = (char *)payload;
	*payload_len = plen;
	payload = NULL;
	if (key_out)
		*key_out = k;
cleanup:
	cjose_jws_release(jws);
	free(sig);
	free(payload);
	return rc;
}
