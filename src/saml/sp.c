/* SPDX-License-Identifier: Apache-2.0 */
/* SP configuration and per-connection key pairs (see sp.h). */
#include "base/common.h"

#include "saml/sp.h"

#include "base/error.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define KEYPAIR_DAYS 3650
#define CONFIG_ERR   "invalid_sp_config"

void saml_sp_config_init(struct saml_sp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_skew_s = SAML_DEFAULT_MAX_SKEW_S;
}

static bool connection_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > SAML_CONNECTION_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static bool http_url_ok(const char *url)
{
	if (!url || strlen(url) > 2048)
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
			return false;
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

int saml_sp_config_set_urls(struct saml_sp_config *c, const char *public_url,
                            const char *connection_id)
{
	if (!public_url || !http_url_ok(public_url))
		return error_setc(ERR_INVALID, CONFIG_ERR, "the public URL must be an http(s) URL");
	if (!connection_id || !connection_id_ok(connection_id))
		return error_setc(ERR_INVALID, CONFIG_ERR,
		                  "the connection id must be 1-%d characters of A-Z a-z 0-9 _ -",
		                  SAML_CONNECTION_ID_MAX);
	size_t n = strlen(public_url);
	while (n > 0 && public_url[n - 1] == '/')
		n--;
	free(c->entity_id);
	free(c->acs_url);
	c->entity_id = xasprintf("%.*s/saml/%s", (int)n, public_url, connection_id);
	c->acs_url = xasprintf("%s/acs", c->entity_id);
	return 0;
}

static EVP_PKEY *read_key(const char *pem)
{
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return k;
}

static X509 *read_cert(const char *pem)
{
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

/* A PEM private key and a PEM certificate that carries its public half. */
static int check_pair(const char *what, const char *key_pem, const char *cert_pem)
{
	EVP_PKEY *k = read_key(key_pem);
	X509 *x = read_cert(cert_pem);
	int rc = 0;
	if (!k || !x)
		rc = error_setc(ERR_INVALID, CONFIG_ERR, "the %s %s is missing or not PEM", what,
		                !k ? "private key" : "certificate");
	else if (X509_check_private_key(x, k) != 1)
		rc = error_setc(ERR_INVALID, CONFIG_ERR,
		                "the %s certificate does not match its private key", what);
	EVP_PKEY_free(k);
	X509_free(x);
	return rc;
}

int saml_sp_config_validate(const struct saml_sp_config *c)
{
	if (!c->entity_id || !*c->entity_id || strlen(c->entity_id) > 1024)
		return error_setc(ERR_INVALID, CONFIG_ERR, "the SP entity ID is missing");
	if (!http_url_ok(c->acs_url))
		return error_setc(ERR_INVALID, CONFIG_ERR, "the ACS URL must be an http(s) URL");
	if (c->max_skew_s < 0 || c->max_skew_s > SAML_MAX_SKEW_LIMIT_S)
		return error_setc(ERR_INVALID, CONFIG_ERR,
		                  "the allowed clock skew must be 0-%d seconds",
		                  SAML_MAX_SKEW_LIMIT_S);
	int rc = check_pair("signing", c->signing_key_pem, c->signing_cert_pem);
	if (rc == 0 &&
	    (c->encryption_key_pem || c->encryption_cert_pem || c->want_encrypted_assertions))
		rc = check_pair("encryption", c->encryption_key_pem, c->encryption_cert_pem);
	return rc;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void saml_sp_config_copy(struct saml_sp_config *out, const struct saml_sp_config *in)
{
	*out = *in;
	out->entity_id = dup_or_null(in->entity_id);
	out->acs_url = dup_or_null(in->acs_url);
	out->signing_key_pem = dup_or_null(in->signing_key_pem);
	out->signing_cert_pem = dup_or_null(in->signing_cert_pem);
	out->encryption_key_pem = dup_or_null(in->encryption_key_pem);
	out->encryption_cert_pem = dup_or_null(in->encryption_cert_pem);
	out->authn_nameid_format = dup_or_null(in->authn_nameid_format);
}

static void free_secret(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void saml_sp_config_release(struct saml_sp_config *c)
{
	if (!c)
		return;
	free(c->entity_id);
	free(c->acs_url);
	free_secret(c->signing_key_pem);
	free(c->signing_cert_pem);
	free_secret(c->encryption_key_pem);
	free(c->encryption_cert_pem);
	free(c->authn_nameid_format);
	memset(c, 0, sizeof(*c));
}

/* Reads a memory BIO into a C string. */
static char *bio_string(BIO *b)
{
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	return n > 0 ? xstrndup(data, (size_t)n) : NULL;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	int ok = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* The certificate body: serial, validity, names, extensions; signed with SHA-256. */
static int fill_cert(X509 *x, EVP_PKEY *k, const char *cn, int64_t now)
{
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	X509_NAME *name = X509_get_subject_name(x);
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		return -1;
	serial[0] &= 0x7f; /* positive */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	ok = ok && X509_set_version(x, 2) == 1;
	ok = ok && ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(now - 300)) != NULL;
	ok = ok && ASN1_TIME_adj(X509_getm_notAfter(x), (time_t)now, KEYPAIR_DAYS, 0) != NULL;
	ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
	                                      -1, -1, 0) == 1;
	ok = ok && X509_set_issuer_name(x, name) == 1 && X509_set_pubkey(x, k) == 1;
	ok = ok && add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == 0;
	ok = ok && add_ext(x, NID_key_usage, "critical,digitalSignature,keyEncipherment") == 0;
	ok = ok && X509_sign(x, k, EVP_sha256()) > 0;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* A memory BIO's buffer is freed without clearing: wipe the private key first. */
static void wipe_bio(BIO *b)
{
	char *data = NULL;
	long n = b ? BIO_get_mem_data(b, &data) : 0;
	if (n > 0)
		OPENSSL_cleanse(data, (size_t)n);
}

int saml_sp_keypair_new(struct saml_sp_keypair *out, const char *common_name, int64_t now)
{
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	BIO *kb = NULL, *cb = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!common_name || !*common_name || strlen(common_name) > 64)
		return error_setc(ERR_INVALID, CONFIG_ERR,
		                  "the certificate name must be 1-64 characters");
	k = EVP_RSA_gen(2048);
	x = X509_new();
	kb = BIO_new(BIO_s_mem());
	cb = BIO_new(BIO_s_mem());
	if (!k || !x || !kb || !cb || fill_cert(x, k, common_name, now) != 0 ||
	    PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_X509(cb, x) != 1) {
		rc = error_setc(ERR_INTERNAL, "keygen_failed", "generating the SP key pair failed");
		goto cleanup;
	}
	out->key_pem = bio_string(kb);
	out->cert_pem = bio_string(cb);
	if (!out->key_pem || !out->cert_pem) {
		saml_sp_keypair_release(out);
		rc = error_setc(ERR_INTERNAL, "keygen_failed", "writing the SP key pair failed");
	}
cleanup:
	EVP_PKEY_free(k);
	X509_free(x);
	wipe_bio(kb);
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}

void saml_sp_keypair_release(struct saml_sp_keypair *kp)
{
	if (!kp)
		return;
	free_secret(kp->key_pem);
	free(kp->cert_pem);
	memset(kp, 0, sizeof(*kp));
}
