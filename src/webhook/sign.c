/* SPDX-License-Identifier: Apache-2.0 */
/* Standard Webhooks v1 signatures (see sign.h). */
#include "base/common.h"

#include "webhook/sign.h"

#include "base/error.h"
#include "base/rand.h"
#include "crypto/crypto.h"

#include <inttypes.h>

#define SIG_PREFIX     "v1,"
#define SIG_PREFIX_LEN 3

char *webhook_sign_secret_new(void)
{
	unsigned char key[WEBHOOK_SIGN_KEY_BYTES];
	rand_bytes(key, sizeof(key));
	char *b64 = crypto_b64_encode(key, sizeof(key));
	char *secret = xasprintf("%s%s", WEBHOOK_SIGN_SECRET_PREFIX, b64);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(b64, strlen(b64));
	free(b64);
	return secret;
}

/* Decodes the key of a whsec_ secret into *key (caller wipes and frees). */
static int secret_decode(unsigned char **key, size_t *key_len, const char *secret)
{
	size_t plen = strlen(WEBHOOK_SIGN_SECRET_PREFIX);
	*key = NULL;
	if (!secret || strncmp(secret, WEBHOOK_SIGN_SECRET_PREFIX, plen) != 0)
		return error_setc(ERR_INVALID, "invalid_secret",
		                  "webhook secret must start with whsec_");
	if (crypto_b64_decode(key, key_len, secret + plen) != 0)
		return error_setc(ERR_INVALID, "invalid_secret",
		                  "webhook secret is not base64 after whsec_");
	if (*key_len < WEBHOOK_SIGN_KEY_MIN || *key_len > WEBHOOK_SIGN_KEY_MAX) {
		explicit_bzero(*key, *key_len);
		free(*key);
		*key = NULL;
		return error_setc(ERR_INVALID, "invalid_secret",
		                  "webhook secret must hold 24 to 64 bytes, not %zu", *key_len);
	}
	return 0;
}

static int message_check(const char *msg_id, int64_t timestamp)
{
	size_t n = msg_id ? strlen(msg_id) : 0;
	if (n == 0 || n > WEBHOOK_SIGN_MSG_ID_MAX)
		return error_setc(ERR_INVALID, "invalid_message",
		                  "webhook message id must be 1 to 255 bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg_id[i];
		if (c <= ' ' || c > '~' || c == '.')
			return error_setc(ERR_INVALID, "invalid_message",
			                  "webhook message id must be printable ASCII without '.'");
	}
	if (timestamp < 0)
		return error_setc(ERR_INVALID, "invalid_message",
		                  "webhook timestamp must not be negative");
	return 0;
}

/* The raw MAC over "{msg_id}.{timestamp}.{body}". Inputs already checked. */
static int compute_mac(unsigned char mac[CRYPTO_SHA256_LEN], const char *secret, const char *msg_id,
                       int64_t timestamp, const char *body, size_t body_len)
{
	unsigned char *key = NULL;
	size_t key_len = 0;
	int rc = secret_decode(&key, &key_len, secret);
	if (rc)
		return rc;

	char head[WEBHOOK_SIGN_MSG_ID_MAX + 24];
	int hn = snprintf(head, sizeof(head), "%s.%" PRId64 ".", msg_id, timestamp);
	if (hn < 0 || (size_t)hn >= sizeof(head))
		die("webhook_sign: message head does not fit");
	size_t total = (size_t)hn + body_len;
	char *content = xmalloc(total);
	memcpy(content, head, (size_t)hn);
	if (body_len)
		memcpy(content + hn, body, body_len);

	crypto_hmac_sha256(mac, key, key_len, content, total);
	if (key)
		explicit_bzero(key, key_len);
	free(key);
	free(content);
	return 0;
}

int webhook_sign(char **out, const char *secret, const char *msg_id, int64_t timestamp,
                 const char *body, size_t body_len)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	*out = NULL;
	int rc = message_check(msg_id, timestamp);
	if (rc)
		return rc;
	if (!body && body_len)
		return error_setc(ERR_INVALID, "invalid_message", "webhook body is NULL");
	rc = compute_mac(mac, secret, msg_id, timestamp, body, body_len);
	if (rc)
		return rc;
	char *b64 = crypto_b64_encode(mac, sizeof(mac));
	*out = xasprintf(SIG_PREFIX "%s", b64);
	free(b64);
	return 0;
}

/* True when one space-separated item of header is "v1,<expected>". */
static bool header_has(const char *header, const char *expected)
{
	size_t elen = strlen(expected);
	bool found = false;
	const char *p = header;
	while (*p) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > SIG_PREFIX_LEN && strncmp(p, SIG_PREFIX, SIG_PREFIX_LEN) == 0 &&
		    crypto_equal(p + SIG_PREFIX_LEN, n - SIG_PREFIX_LEN, expected, elen))
			found = true;
		p += n;
		while (*p == ' ')
			p++;
	}
	return found;
}

int webhook_sign_verify(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
                        size_t body_len, const char *header, int64_t now, int tolerance_s)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	int rc = message_check(msg_id, timestamp);
	if (rc)
		return rc;
	if (tolerance_s < 0 || (!body && body_len))
		return error_setc(ERR_INVALID, "invalid_message",
		                  "webhook verify: negative tolerance or NULL body");
	rc = compute_mac(mac, secret, msg_id, timestamp, body, body_len);
	if (rc)
		return rc;
	if (timestamp < now - tolerance_s || timestamp > now + tolerance_s)
		return error_setc(ERR_UNAUTHENTICATED, "timestamp_out_of_tolerance",
		                  "webhook timestamp is more than %d seconds from now",
		                  tolerance_s);
	if (!header || strlen(header) > WEBHOOK_SIGN_HEADER_MAX)
		return error_setc(ERR_UNAUTHENTICATED, "signature_mismatch",
		                  "webhook signature header is missing or too long");
	char *expected = crypto_b64_encode(mac, sizeof(mac));
	bool ok = header_has(header, expected);
	free(expected);
	if (!ok)
		return error_setc(ERR_UNAUTHENTICATED, "signature_mismatch",
		                  "no v1 webhook signature matches");
	return 0;
}
