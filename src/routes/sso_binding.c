/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Login CSRF: an enterprise sign-in ends only in the browser that started it
 * (see sso.h and routes/README.md for the design and why).
 *
 *  /sso/start      sets the binding cookie (a random 256-bit value, reused if
 *                  the browser already has one, so several tabs can sign in)
 *                  and binds the authorization request to its SHA-256.
 *  OIDC callback   a top-level GET: the cookie (SameSite=Lax) comes along and
 *                  is compared inside the transaction that issues the code.
 *  SAML ACS        a cross-site POST: a Lax cookie does not come along. The ACS
 *                  validates and completes, then answers 303 to
 *                  GET /sso/finish/{request}?h=..., a top-level GET on which the
 *                  cookie does come along; h is sealed (AES-256-GCM under a key
 *                  derived from the instance key) and carries the redirect with
 *                  the code, the bound hash and a 60 s expiry, so the code goes
 *                  only to a browser presenting the bound cookie.
 */
#include "base/common.h"

#include "app/diagnostics.h"
#include "app/oauth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "base/url.h"
#include "crypto/crypto.h"
#include "routes/sso.h"

#include <ctype.h>
#include <strings.h>

#define COOKIE_SECURE "__Host-gh_sso" /* https: Secure, Path=/, no Domain (no tossing) */
#define COOKIE_PLAIN  "gh_sso"        /* http (tests, local development) */
#define TOKEN_LEN     43              /* crypto_token_new: 256 bits in base64url */
#define HANDOFF_TTL_S 60              /* as long as the code it carries */

static bool https(const struct route_ctx *ctx)
{
	const char *u = ctx->app->cfg->public_url;
	return u && !strncasecmp(u, "https://", 8);
}

static const char *cookie_name(const struct route_ctx *ctx)
{
	return https(ctx) ? COOKIE_SECURE : COOKIE_PLAIN;
}

static bool is_token(const char *s, size_t n)
{
	if (n != TOKEN_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* The binding token this request carries (RFC 6265 5.4 Cookie header), or NULL; caller frees. */
static char *token_of(const struct route_ctx *ctx)
{
	const char *h = http_request_header(ctx->req, "Cookie");
	const char *name = cookie_name(ctx);
	size_t nlen = strlen(name);
	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = p + strcspn(p, ";");
		if ((size_t)(end - p) > nlen && !strncmp(p, name, nlen) && p[nlen] == '=' &&
		    is_token(p + nlen + 1, (size_t)(end - p) - nlen - 1))
			return xstrndup(p + nlen + 1, TOKEN_LEN);
		p = end;
	}
	return NULL;
}

bool routes_sso_browser_hash(const struct route_ctx *ctx, char out[CRYPTO_SHA256_HEX_LEN])
{
	char *t = token_of(ctx);
	if (!t)
		return false;
	crypto_sha256_hex(out, t, strlen(t));
	explicit_bzero(t, strlen(t));
	free(t);
	return true;
}

int routes_sso_bind(struct route_ctx *ctx, const char *auth_request_id)
{
	char *t = token_of(ctx);
	if (!t)
		t = crypto_token_new("");
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, t, strlen(t));
	int rc = app_oauth_request_bind(ctx->app, auth_request_id, hash);
	if (rc == 0) {
		char *c = xasprintf("%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
		                    cookie_name(ctx), t, APP_OAUTH_REQUEST_TTL_S,
		                    https(ctx) ? "; Secure" : "");
		http_response_header(ctx->res, "Set-Cookie", c);
		free(c);
	}
	explicit_bzero(t, strlen(t));
	free(t);
	return rc;
}

/* The handoff key: the instance key is for data at rest; this one only seals handoffs. */
static void handoff_key(const struct route_ctx *ctx, unsigned char key[CRYPTO_AEAD_KEY_LEN])
{
	static const char label[] = "gatehouse sso handoff v1";
	crypto_hmac_sha256(key, ctx->app->seal_key, sizeof(ctx->app->seal_key), label,
	                   sizeof(label) - 1);
}

int routes_sso_handoff(struct route_ctx *ctx, const char *auth_request_id, const char *conn_id,
                       const struct signin_finished *done)
{
	unsigned char key[CRYPTO_AEAD_KEY_LEN];
	handoff_key(ctx, key);
	char *plain = xasprintf("%s\n%lld\n%s\n%s\n%s", auth_request_id,
	                        (long long)(clock_now() + HANDOFF_TTL_S), done->browser_hash,
	                        conn_id, done->redirect);
	char *sealed = crypto_seal(key, plain);
	explicit_bzero(plain, strlen(plain));
	explicit_bzero(key, sizeof(key));
	free(plain);
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_appendf(&b, "%s/sso/finish/%s", ctx->app->cfg->public_url, auth_request_id);
	url_append_param(&b, '?', "h", sealed);
	free(sealed);
	route_redirect(ctx, b.data);
	ctx->res->status = 303; /* See Other: the browser follows with a GET */
	buf_release(&b);
	return 0;
}

struct handoff {
	char *text; /* owned; the fields below point into it */
	const char *request_id, *browser_hash, *conn_id, *redirect;
	int64_t expires_at;
};

static int handoff_open(const struct route_ctx *ctx, struct handoff *h, const char *sealed)
{
	unsigned char key[CRYPTO_AEAD_KEY_LEN];
	char *f[5] = { 0 };
	handoff_key(ctx, key);
	int rc = sealed ? crypto_open(&h->text, key, sealed) : ERR_INVALID;
	explicit_bzero(key, sizeof(key));
	size_t n = 0;
	for (char *p = rc == 0 ? h->text : NULL; p && n < 5; n++) {
		f[n] = p;
		p = n < 4 ? strchr(p, '\n') : NULL;
		if (p)
			*p++ = '\0';
	}
	if (n != 5)
		return error_setc(ERR_INVALID, "handoff_invalid",
		                  "the sign-in hand-off is not one this server sealed");
	h->request_id = f[0];
	h->expires_at = strtoll(f[1], NULL, 10);
	h->browser_hash = f[2];
	h->conn_id = f[3];
	h->redirect = f[4];
	return 0;
}

/* GET /sso/finish/{request}?h=...: the SAML ACS's hand-off, checked against the cookie. */
int routes_sso_finish(struct route_ctx *ctx)
{
	struct handoff h = { 0 };
	char presented[CRYPTO_SHA256_HEX_LEN];
	if (routes_sso_limit_reached(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip))
		return routes_sso_limited(ctx);
	int rc = handoff_open(ctx, &h, http_request_query(ctx->req, "h"));
	if (rc == 0 && strcmp(h.request_id, route_param(ctx, "request")) != 0)
		rc = error_setc(ERR_INVALID, "handoff_invalid",
		                "the hand-off is for another sign-in");
	if (rc == 0 && h.expires_at <= clock_now())
		rc = error_setc(ERR_INVALID, "handoff_expired",
		                "the hand-off is older than %d seconds", HANDOFF_TTL_S);
	if (rc == 0 && (!routes_sso_browser_hash(ctx, presented) ||
	                !crypto_equal_str(presented, h.browser_hash)))
		rc = error_setc(ERR_FORBIDDEN, "browser_mismatch",
		                "sign-in %s is finishing in another browser than the one that "
		                "started it (a login CSRF attempt, or cookies were cleared)",
		                h.request_id);
	if (rc == 0) {
		rc = route_redirect(ctx, h.redirect);
	} else {
		const struct error_state *e = error_get();
		app_sign_in_failure_record(ctx->app, h.conn_id, NULL, e->stable, e->detail,
		                           ctx->req->id);
		error_clear();
		routes_sso_limit_take(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip);
		rc = routes_sso_sign_in_failed(ctx, 400);
	}
	if (h.text) {
		explicit_bzero(h.text, strlen(h.text));
		free(h.text);
	}
	return rc;
}
