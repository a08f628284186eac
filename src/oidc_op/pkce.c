/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 7636 PKCE, S256 only (see oidc_op.h). */
#include "base/common.h"

#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "oidc_op/oidc_op.h"

static bool unreserved(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

bool oidc_op_pkce_verifier_is_valid(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 43 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!unreserved(v[i]))
			return false;
	return true;
}

bool oidc_op_pkce_challenge_is_valid(const char *c)
{
	if (!c || strlen(c) != 43)
		return false;
	for (size_t i = 0; i < 43; i++)
		if (!unreserved(c[i]) || c[i] == '.' || c[i] == '~')
			return false;
	return true;
}

char *oidc_op_pkce_s256(const char *verifier)
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(d, verifier, strlen(verifier));
	return jose_b64url_encode(d, sizeof(d));
}
