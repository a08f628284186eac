/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWK Set and single-JWK parsing on arbitrary bytes (a peer's jwks_uri
 * answer). Invariants: a parsed set has 1..JOSE_JWKS_MAX_KEYS keys with
 * distinct kids, its serialisation parses again to as many keys, and a
 * failure leaves a stable code.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "jose/jwks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	error_clear();
	struct jose_jwks *s = NULL;
	if (jose_jwks_parse(&s, (const char *)data, size) == 0) {
		size_t n = jose_jwks_count(s);
		if (n == 0 || n > JOSE_JWKS_MAX_KEYS)
			abort();
		char *json = jose_jwks_to_json(s);
		struct jose_jwks *again = NULL;
		if (jose_jwks_parse(&again, json, strlen(json)) || jose_jwks_count(again) != n)
			abort();
		jose_jwks_unref(again);
		free(json);
		jose_jwks_unref(s);
	} else if (!error_get()->stable[0]) {
		abort();
	}
	struct jose_jwk *k = NULL;
	if (jose_jwk_parse(&k, (const char *)data, size) == 0) {
		char *pub = jose_jwk_public_json(k);
		free(pub);
		jose_jwk_free(k);
	}
	return 0;
}
