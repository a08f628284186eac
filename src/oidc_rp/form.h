/* SPDX-License-Identifier: Apache-2.0 */
/*
 * application/x-www-form-urlencoded pieces for what we send to an IdP: the
 * query of the authorization URL and the token request body. Every byte but
 * the RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) is percent-encoded,
 * so the result is the same in a query and in a form body.
 */
#ifndef GATEHOUSE_OIDC_RP_FORM_H
#define GATEHOUSE_OIDC_RP_FORM_H

#include "base/buf.h"

/* Percent-encodes s. Caller frees. */
char *oidc_rp_form_encode(const char *s);
/*
 * Appends "name=value" to b, preceded by sep ('&', '?' or 0 for none). A NULL
 * value appends nothing. Returns 0 or ERR_TOO_LARGE (b's ceiling).
 */
int oidc_rp_form_add(struct buf *b, char sep, const char *name, const char *value);

#endif
