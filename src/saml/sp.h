/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Our side of one SAML connection: the service provider's identifiers, keys and
 * the per-connection security switches. The caller (app/) fills it from the
 * connection's stored settings; saml/ never reads storage.
 *
 * Identifiers follow one pattern so the IdP administrator can type them:
 *   entity ID  {public_url}/saml/{connection}
 *   ACS URL    {public_url}/saml/{connection}/acs     (HTTP-POST binding)
 *   metadata   {public_url}/saml/{connection}/metadata (served by routes/)
 */
#ifndef GATEHOUSE_SAML_SP_H
#define GATEHOUSE_SAML_SP_H

#define SAML_DEFAULT_MAX_SKEW_S 120
#define SAML_MAX_SKEW_LIMIT_S   600
#define SAML_CONNECTION_ID_MAX  64

struct saml_sp_config {
	char *entity_id;
	char *acs_url;
	char *signing_key_pem; /* secret: signs AuthnRequests; zeroised on release */
	char *signing_cert_pem;
	char *encryption_key_pem; /* secret: decrypts EncryptedAssertions; may be NULL */
	char *encryption_cert_pem;
	char *authn_nameid_format;      /* NameIDPolicy Format requested; NULL = unspecified */
	bool sign_authn_requests;       /* sign the Redirect-binding query (SigAlg RSA-SHA256) */
	bool want_encrypted_assertions; /* refuse assertions that arrive unencrypted */
	bool allow_idp_initiated;       /* accept responses with no InResponseTo (off by default) */
	bool allow_sha1;                /* accept RSA-SHA1 / SHA-1 digests (off by default) */
	bool require_signed_response;   /* the Response element itself must be signed */
	int64_t max_skew_s;             /* allowed clock difference with the IdP, 0..600 */
};

/* Zeroes c and sets the defaults (max_skew_s 120, every switch off). */
void saml_sp_config_init(struct saml_sp_config *c);

/*
 * Sets entity_id and acs_url from the public base URL ("https://sso.example.com",
 * a trailing slash is ignored) and the connection id ([A-Za-z0-9_-], 1..64).
 * Returns 0 or ERR_INVALID "invalid_sp_config".
 */
int saml_sp_config_set_urls(struct saml_sp_config *c, const char *public_url,
                            const char *connection_id);

/*
 * Checks that the configuration can be used: identifiers present and http(s), a
 * signing key with its certificate (and the encryption pair when given or when
 * want_encrypted_assertions is on) that match, skew in range.
 * Returns 0 or ERR_INVALID "invalid_sp_config" with the reason in the detail.
 */
int saml_sp_config_validate(const struct saml_sp_config *c);

void saml_sp_config_copy(struct saml_sp_config *out, const struct saml_sp_config *in);
/* Frees the strings (private keys are wiped first) and zeroes c. NULL-tolerant. */
void saml_sp_config_release(struct saml_sp_config *c);

/* A freshly generated key pair: PKCS#8 PEM private key and self-signed PEM certificate. */
struct saml_sp_keypair {
	char *key_pem; /* secret */
	char *cert_pem;
};

/*
 * Generates an RSA-2048 key and a self-signed certificate for it (SHA-256,
 * CN=common_name, valid from now - 5 min for ten years). One pair signs, another
 * decrypts; both are made per connection. Takes ~50-200 ms (key generation).
 * Returns 0, or ERR_INVALID for a bad name, ERR_INTERNAL if OpenSSL fails.
 */
int saml_sp_keypair_new(struct saml_sp_keypair *out, const char *common_name, int64_t now);
void saml_sp_keypair_release(struct saml_sp_keypair *kp);

#endif
