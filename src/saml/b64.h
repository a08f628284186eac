/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 as SAML uses it: the HTTP-POST binding's SAMLResponse form value and
 * ds:X509Certificate text both come wrapped in whitespace (line breaks every 64
 * or 76 characters), so the decoder skips ASCII whitespace and is otherwise strict:
 * standard alphabet, "=" padding only at the end, no bits left over.
 */
#ifndef GATEHOUSE_SAML_B64_H
#define GATEHOUSE_SAML_B64_H

/*
 * Decodes len bytes of s into a new buffer (*out, NUL-terminated for convenience,
 * *out_len excludes the NUL). Caller frees. Returns 0 or ERR_INVALID (out NULL).
 */
int saml_b64_decode(unsigned char **out, size_t *out_len, const char *s, size_t len);

#endif
