/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standard Webhooks symmetric signatures (standardwebhooks.com, spec
 * "Signature scheme"): the signed content is "{msg_id}.{timestamp}.{body}",
 * the signature HMAC-SHA256 under the endpoint's secret, sent as
 * "webhook-signature: v1,<base64>" beside "webhook-id" and
 * "webhook-timestamp". Secrets are "whsec_" + base64 of 24 to 64 random
 * bytes; the key is the decoded bytes, not the text.
 *
 * Pure functions of their inputs (plus the kernel RNG for new secrets);
 * thread-safe. Key bytes are wiped after use.
 */
#ifndef GATEHOUSE_WEBHOOK_SIGN_H
#define GATEHOUSE_WEBHOOK_SIGN_H

#define WEBHOOK_SIGN_SECRET_PREFIX "whsec_"
#define WEBHOOK_SIGN_KEY_BYTES     32 /* in a new secret */
#define WEBHOOK_SIGN_KEY_MIN       24 /* accepted range, per the spec */
#define WEBHOOK_SIGN_KEY_MAX       64
#define WEBHOOK_SIGN_MSG_ID_MAX    255
#define WEBHOOK_SIGN_HEADER_MAX    8192 /* longest webhook-signature value verified */

/* A new secret: "whsec_" + base64 of WEBHOOK_SIGN_KEY_BYTES random bytes. Caller frees. */
char *webhook_sign_secret_new(void);

/*
 * Signs one delivery attempt. *out receives "v1,<base64 HMAC-SHA256>" (caller
 * frees), or NULL on failure. msg_id is the event's stable id (1 to 255
 * printable ASCII bytes, no '.' or space, as the spec asks); timestamp is the
 * attempt's Unix time in seconds (>= 0); body is signed byte for byte.
 *
 * Errors: ERR_INVALID with stable code "invalid_secret" (no whsec_ prefix,
 * not base64, key outside 24..64 bytes) or "invalid_message" (msg_id or
 * timestamp refused).
 */
int webhook_sign(char **out, const char *secret, const char *msg_id, int64_t timestamp,
                 const char *body, size_t body_len);

/*
 * Verifies a webhook-signature header value as a receiver would (tests, docs
 * and the "send test event" check). header is a space-separated list of
 * "<version>,<signature>" items; it passes when any "v1" item matches
 * (compared in constant time). The timestamp must lie within tolerance_s
 * seconds of now, either side.
 *
 * Returns 0 or:
 *   ERR_INVALID         "invalid_secret" / "invalid_message": as webhook_sign,
 *                       or tolerance_s < 0
 *   ERR_UNAUTHENTICATED "timestamp_out_of_tolerance": checked first
 *   ERR_UNAUTHENTICATED "signature_mismatch": no v1 item matches, or the header
 *                       is empty or longer than WEBHOOK_SIGN_HEADER_MAX
 */
int webhook_sign_verify(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
                        size_t body_len, const char *header, int64_t now, int tolerance_s);

#endif
