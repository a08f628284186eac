/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWT parsing and verification on arbitrary bytes: the protected header
 * parse, jose_jwt_decode against a fixed key set (RFC 7515 A.3 EC key and
 * an RSA key), and the claims parser on the raw input. Invariants: a failure
 * always leaves a stable code; nothing unsigned ever verifies.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "jose/jwt.h"

static const char keys_json[] =
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"ec\","
        "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
        "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"},"
        "{\"kty\":\"RSA\",\"kid\":\"rsa-test-1\",\"e\":\"AQAB\",\"n\":\"1MyKZ0jBRFT031ZVVyO0tW4RqpMq2"
        "BvnWj4sku3idZjbV3-KwuUWc-SF7hfOUy1Fw_lQV8jjlOaUK7SbS6KLdcvpr9UUgm2BdFrFnz8HkuT4Q9gx0nVrDLOQB"
        "hy7oxzCfBdt6laSZpCM2H2U02zf2AdxZsn_OoJbj24gC24cCBIUXlCDZDqlDRXtJ8uK8p7hAxY1kBNZtpp5iEWEtKKiC"
        "zifhE__9LIUz7qa4gS4cbJSV_JTtUjVcaKWAbuPCXmBpg6xOr9HgGecSH972C21KsoDrJeGq84w2wse9ysgtwDjAf9mO"
        "IVcD3_z7qRsh8-WmkDrM-vwOW-EI9RAMdlWow\"}]}";

static struct jose_jwks *keys;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!keys && jose_jwks_parse(&keys, keys_json, strlen(keys_json)))
		abort();
	const char *s = (const char *)data;
	error_clear();
	struct jose_jws_header h;
	if (jose_jws_header_parse(&h, s, size) && !error_get()->stable[0])
		abort();
	struct jose_claims c;
	if (jose_jwt_decode(&c, s, size, keys) == 0) {
		(void)jose_jwt_check_iss(&c, "joe");
		(void)jose_jwt_check_aud(&c, "c1");
		(void)jose_jwt_check_time(&c, 1790000000, 60, 3600);
		(void)jose_jwt_check_nonce(&c, "n");
		jose_claims_release(&c);
	} else if (!error_get()->stable[0]) {
		abort();
	}
	if (jose_claims_parse(&c, s, size) == 0)
		jose_claims_release(&c);
	return 0;
}
