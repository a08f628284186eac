/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate reading and fingerprints with OpenSSL (see cert.h). */
#include "base/common.h"

#include "saml/cert.h"

#include "base/error.h"
#include "crypto/crypto.h"
#include "saml/b64.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <time.h>

void saml_cert_fingerprint(char out[SAML_CERT_FP_LEN], const unsigned char *der, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[CRYPTO_SHA256_LEN];
	crypto_sha256(md, der, len);
	for (size_t i = 0; i < sizeof(md); i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 15];
		out[3 * i + 2] = i + 1 < sizeof(md) ? ':' : '\0';
	}
}

/*
 * RSA of 2048 bits or more only: lasso 2.8.1 enables no ECDSA transform in its
 * signature contexts (xmlsec reports "transform disabled"), so an EC certificate
 * could never verify anything; refusing it at import says so up front.
 */
static int check_key(struct saml_cert *c, X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k)
		return error_setc(ERR_INVALID, "invalid_certificate",
		                  "certificate has no usable public key");
	c->key_bits = EVP_PKEY_get_bits(k);
	c->is_rsa = EVP_PKEY_is_a(k, "RSA");
	if (!c->is_rsa)
		return error_setc(
		        ERR_INVALID, "unsupported_certificate_key",
		        "the certificate holds a %s key; only RSA signing certificates are supported",
		        EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "non-RSA");
	if (c->key_bits < 2048)
		return error_setc(
		        ERR_INVALID, "weak_certificate_key",
		        "the certificate's RSA key has %d bits; 2048 or more are required",
		        c->key_bits);
	return 0;
}

static int64_t asn1_time_unix(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static char *pem_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL, *out = NULL;
	if (!b)
		die("out of memory");
	if (PEM_write_bio_X509(b, x) == 1) {
		long n = BIO_get_mem_data(b, &data);
		out = xstrndup(data, (size_t)n);
	}
	BIO_free(b);
	return out;
}

int saml_cert_from_der(struct saml_cert *out, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	memset(out, 0, sizeof(*out));
	X509 *x = len <= 64 * 1024 ? d2i_X509(NULL, &p, (long)len) : NULL;
	if (!x || p != der + len) {
		X509_free(x);
		return error_setc(ERR_INVALID, "invalid_certificate", "not an X.509 certificate");
	}
	int rc = check_key(out, x);
	if (rc == 0) {
		saml_cert_fingerprint(out->sha256, der, len);
		X509_NAME_oneline(X509_get_subject_name(x), out->subject, sizeof(out->subject));
		out->not_after = asn1_time_unix(X509_get0_notAfter(x));
		out->pem = pem_of(x);
		if (!out->pem)
			rc = error_setc(ERR_INVALID, "invalid_certificate",
			                "certificate cannot be written as PEM");
	}
	X509_free(x);
	if (rc != 0)
		saml_cert_release(out);
	return rc;
}

int saml_cert_from_b64(struct saml_cert *out, const char *b64, size_t len)
{
	unsigned char *der = NULL;
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	if (saml_b64_decode(&der, &n, b64, len) != 0)
		return error_setc(ERR_INVALID, "invalid_certificate",
		                  "certificate is not valid base64");
	int rc = saml_cert_from_der(out, der, n);
	free(der);
	return rc;
}

int saml_cert_from_pem(struct saml_cert *out, const char *pem)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	memset(out, 0, sizeof(*out));
	const char *b = strstr(pem, begin);
	const char *e = b ? strstr(b, end) : NULL;
	if (!b || !e)
		return error_setc(ERR_INVALID, "invalid_certificate",
		                  "not a PEM certificate (BEGIN CERTIFICATE)");
	b += sizeof(begin) - 1;
	return saml_cert_from_b64(out, b, (size_t)(e - b));
}

int saml_cert_copy(struct saml_cert *out, const struct saml_cert *in)
{
	*out = *in;
	out->pem = xstrdup(in->pem);
	return 0;
}

void saml_cert_release(struct saml_cert *c)
{
	if (!c)
		return;
	free(c->pem);
	memset(c, 0, sizeof(*c));
}

static X509 *x509_of(const struct saml_cert *c)
{
	BIO *b = BIO_new_mem_buf(c->pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

char *saml_cert_der_b64(const struct saml_cert *c)
{
	X509 *x = x509_of(c);
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : -1;
	char *out = n > 0 ? crypto_b64_encode(der, (size_t)n) : xstrdup("");
	OPENSSL_free(der);
	X509_free(x);
	return out;
}

static char *bn_b64(const BIGNUM *bn)
{
	int n = BN_num_bytes(bn);
	unsigned char *buf = xmalloc(n > 0 ? (size_t)n : 1);
	BN_bn2bin(bn, buf);
	char *out = crypto_b64_encode(buf, (size_t)n);
	free(buf);
	return out;
}

int saml_cert_rsa_key_value(const struct saml_cert *c, char **modulus_b64, char **exponent_b64)
{
	BIGNUM *n = NULL, *e = NULL;
	X509 *x = x509_of(c);
	EVP_PKEY *k = x ? X509_get0_pubkey(x) : NULL;
	int rc = 0;

	*modulus_b64 = *exponent_b64 = NULL;
	if (!k || !EVP_PKEY_is_a(k, "RSA") ||
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
		rc = error_setc(ERR_INVALID, "invalid_certificate", "not an RSA certificate");
		goto cleanup;
	}
	*modulus_b64 = bn_b64(n);
	*exponent_b64 = bn_b64(e);
cleanup:
	BN_free(n);
	BN_free(e);
	X509_free(x);
	return rc;
}
