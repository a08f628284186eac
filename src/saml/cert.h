/* SPDX-License-Identifier: Apache-2.0 */
/*
 * X.509 certificates an IdP signs with, as we pin them: the PEM we store, the
 * SHA-256 fingerprint an IdP console shows (for diagnostics and for naming an
 * unknown signer), and the public key. Only the key is trusted: IdP certificates
 * are self-signed by custom, so their chain and expiry are not checked (the
 * expiry is kept for display).
 *
 * Keys accepted: RSA of 2048 bits or more (lasso 2.8.1 cannot verify ECDSA).
 * Thread-safe; no global state.
 */
#ifndef GATEHOUSE_SAML_CERT_H
#define GATEHOUSE_SAML_CERT_H

#define SAML_CERT_FP_LEN 96 /* "AB:CD:...:EF" with NUL */

struct saml_cert {
	char *pem;                     /* owned; "-----BEGIN CERTIFICATE-----\n..." */
	char sha256[SAML_CERT_FP_LEN]; /* uppercase, colon-separated SHA-256 of the DER */
	char subject[256];             /* OpenSSL's one-line form, for display */
	int64_t not_after;             /* for display only */
	bool is_rsa;
	int key_bits;
};

/*
 * Reads a certificate from DER, PEM, or the base64 text of a ds:X509Certificate
 * element (whitespace allowed). Returns 0, or ERR_INVALID with stable code
 * "invalid_certificate" (not a certificate), "unsupported_certificate_key" (not
 * RSA) or "weak_certificate_key" (under 2048 bits).
 */
int saml_cert_from_der(struct saml_cert *out, const unsigned char *der, size_t len);
int saml_cert_from_pem(struct saml_cert *out, const char *pem);
int saml_cert_from_b64(struct saml_cert *out, const char *b64, size_t len);
int saml_cert_copy(struct saml_cert *out, const struct saml_cert *in);
void saml_cert_release(struct saml_cert *c);

/* The DER as one line of base64 (the text of a ds:X509Certificate). Caller frees. */
char *saml_cert_der_b64(const struct saml_cert *c);
/*
 * An RSA key as the base64 ds:Modulus and ds:Exponent of an RSAKeyValue. Caller
 * frees both. ERR_INVALID when the key is not RSA.
 */
int saml_cert_rsa_key_value(const struct saml_cert *c, char **modulus_b64, char **exponent_b64);
/* SHA-256 fingerprint of DER bytes in the saml_cert.sha256 format. */
void saml_cert_fingerprint(char out[SAML_CERT_FP_LEN], const unsigned char *der, size_t len);

#endif
