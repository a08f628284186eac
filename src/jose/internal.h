/* SPDX-License-Identifier: Apache-2.0 */
/* What jose/ files share and nobody else sees: the key struct, with its cjose handle. */
#ifndef GATEHOUSE_JOSE_INTERNAL_H
#define GATEHOUSE_JOSE_INTERNAL_H

#include "jose/jwk.h"

#include <cjose/cjose.h>

struct jose_jwk {
	cjose_jwk_t *cj; /* owned; never retained or released while shared */
	enum jose_alg alg;
	char kid[JOSE_KID_MAX + 1];
	char thumbprint[JOSE_THUMBPRINT_LEN + 1];
	char *x, *y, *d;  /* EC members, base64url (d secret, may be NULL) */
	char *n, *e;      /* RSA members, base64url */
	size_t sig_bytes; /* the exact signature length: 64 for ES256, the modulus for RS256 */
};

#endif
