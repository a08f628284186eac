/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token endpoint's answer on arbitrary bytes: the first byte chooses the
 * HTTP status (200 when even, else a 4xx/5xx), the rest is the body. A parsed
 * response's id_token then goes through the whole ID token validation with
 * a fixed key set, and the body through the identity (claims) parser.
 * Invariants: a success has a non-empty, bounded id_token and only with
 * status 200; failures carry a stable code; what the IdP said is only ever
 * reported as printable ASCII; nothing unsigned validates; parsed
 * attributes are one JSON object.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "oidc_rp/id_token.h"
#include "oidc_rp/token.h"

#include <jansson.h>

static struct jose_jwks *keys;

static void setup(void)
{
	struct jose_jwk *k = NULL;
	if (jose_jwk_generate(&k))
		abort();
	char *pub = jose_jwk_public_json(k);
	struct jose_jwk *p = NULL;
	if (jose_jwk_parse(&p, pub, strlen(pub)))
		abort();
	keys = jose_jwks_new(&p, 1);
	free(pub);
	jose_jwk_free(k);
}

static void printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			abort();
}

static void validate(const char *id_token)
{
	struct oidc_rp_expect e = { .issuer = "https://idp.example",
		                    .client_id = "c1",
		                    .nonce = "n",
		                    .now = 1790000000,
		                    .skew_s = OIDC_RP_SKEW_S,
		                    .require_email_verified = true };
	struct oidc_rp_problems p = { 0 };
	struct oidc_rp_identity id;
	/* no private key exists outside setup(): nothing the fuzzer makes can verify */
	if (oidc_rp_id_token_validate(&id, &p, id_token, strlen(id_token), keys, &e) == 0 ||
	    p.n == 0)
		abort();
	oidc_rp_identity_release(&id);
}

static void identity(const char *body, size_t len)
{
	struct oidc_rp_identity id;
	if (oidc_rp_identity_parse(&id, body, len) == 0) {
		json_t *a = json_loads(id.attributes_json, 0, NULL);
		if (!json_is_object(a))
			abort();
		json_decref(a);
		oidc_rp_identity_release(&id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!keys)
		setup();
	if (size == 0)
		return 0;
	int status = data[0] % 2 == 0 ? 200 : 400 + data[0] % 104;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	error_clear();
	struct oidc_rp_token_response t;
	if (oidc_rp_token_response_parse(&t, status, body, len) == 0) {
		if (status != 200 || !t.id_token[0] || strlen(t.id_token) > JOSE_JWS_MAX_BYTES)
			abort();
		validate(t.id_token);
		oidc_rp_token_response_release(&t);
	} else {
		if (!error_get()->stable[0] || t.id_token)
			abort();
		printable(error_get()->detail);
	}
	identity(body, len);
	return 0;
}
