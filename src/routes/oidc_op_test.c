/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenID Provider over real HTTP, in process: the routes served by the
 * real server on a loopback port, driven by a minimal HTTP/1.1 client, on
 * SQLite and PostgreSQL. Discovery → JWKS → authorize → sign-in page →
 * app_oauth_complete (what SAML/OIDC sign-in will call) → token → ID token
 * verified against the served JWKS → userinfo → refresh (rotation, reuse) →
 * revoke → logout, and the token endpoint's errors.
 */
#include "base/common.h"

#include "app/oauth.h"
#include "app/oauth_app.h"
#include "base/clock.h"
#include "base/error.h"
#include "crypto/crypto.h"
#include "jose/jwt.h"
#include "routes/routes.h"
#include "test/harness/fixture.h"
#include "test/harness/test.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define VERIFIER     "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define BROWSER_HASH "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define CB           "http://127.0.0.1:9/cb"
#define CB_ENC       "http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fcb" /* inside format strings */
#define BYE          "http://127.0.0.1:9/bye"

struct reply {
	int status;
	char *head, *body;
};

static void reply_release(struct reply *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* A response header's value (copied), or NULL. */
static char *header(const struct reply *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = r->head; p && (p = strstr(p, "\r\n")); p += 2)
		if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':') {
			const char *v = p + 3 + n;
			v += strspn(v, " ");
			return xstrndup(v, strcspn(v, "\r\n"));
		}
	return NULL;
}

/* One request on a fresh connection (Connection: close), the whole reply read. */
static struct reply http(unsigned port, const char *method, const char *path, const char *headers,
                         const char *body)
{
	struct reply r = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return r;
	}
	char *req = xasprintf("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
	                      "Content-Length: %zu\r\n\r\n%s",
	                      method, path, headers ? headers : "", body ? strlen(body) : 0,
	                      body ? body : "");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		r.status = -1;
	free(req);
	struct buf b;
	buf_init(&b, 1 << 20);
	char chunk[4096];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)got);
	close(fd);
	const char *end = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
	if (end && sscanf(b.data, "HTTP/1.1 %d", &r.status) == 1) {
		r.head = xstrndup(b.data, (size_t)(end - b.data) + 2);
		r.body = xstrdup(end + 4);
	}
	buf_release(&b);
	return r;
}

struct op_world {
	struct fixture f;
	struct http_server *srv;
	unsigned port;
	struct oauth_app client;
	char *secret, *basic;
	char user[ID_MAX], org[ID_MAX];
};

static bool op_open(struct op_world *w, bool pg)
{
	memset(w, 0, sizeof(*w));
	if (!fixture_open(&w->f, pg, "http://127.0.0.1:1")) {
		fixture_close(&w->f);
		return false;
	}
	w->f.cfg.secret_key = xstrdup("sk_test_routes");
	struct http_server_config hc = { .listen = "127.0.0.1:0",
		                         .max_connections = 64,
		                         .max_connections_per_ip = 64,
		                         .idle_timeout_s = 5,
		                         .begin = routes_begin,
		                         .handle = routes_handle,
		                         .finished = routes_finished,
		                         .payload = w->f.app };
	if (http_server_start(&w->srv, &hc))
		die("server: %s", error_get()->detail);
	w->port = http_server_port(w->srv);
	free(w->f.cfg.public_url);
	w->f.cfg.public_url = xasprintf("http://127.0.0.1:%u", w->port);
	const char *uris[] = { CB }, *bye[] = { BYE };
	struct oauth_app_input in = { .name = "App",
		                      .redirect_uris = uris,
		                      .nredirect_uris = 1,
		                      .post_logout_redirect_uris = bye,
		                      .npost_logout_redirect_uris = 1,
		                      .has_name = true,
		                      .has_redirect_uris = true,
		                      .has_post_logout_redirect_uris = true };
	struct actor who = { "test", NULL };
	if (app_oauth_app_create(w->f.app, &who, &in, &w->client, &w->secret) ||
	    fixture_user(&w->f, "alice@acme.com", "{\"dept\":\"eng\"}", w->user) ||
	    fixture_member(&w->f, "acme", w->user, "org:admin", w->org))
		die("setup: %s", error_get()->detail);
	char *pair = xasprintf("%s:%s", w->client.client_id, w->secret);
	char *b64 = crypto_b64_encode(pair, strlen(pair));
	w->basic = xasprintf("Authorization: Basic %s\r\nContent-Type: "
	                     "application/x-www-form-urlencoded\r\n",
	                     b64);
	free(b64);
	free(pair);
	return true;
}

static void op_close(struct op_world *w)
{
	http_server_drain(w->srv, 2);
	oauth_app_release(&w->client);
	free(w->secret);
	free(w->basic);
	free(w->f.cfg.secret_key);
	w->f.cfg.secret_key = NULL;
	fixture_close(&w->f);
}

/* authorize over HTTP, then complete the sign-in as SSO will: returns the code. */
static char *sign_in(struct op_world *w, char **request_id_out)
{
	char *path =
	        xasprintf("/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	                  "&scope=openid%%20email&state=xyz&nonce=nonce-1&code_challenge=" CHALLENGE
	                  "&code_challenge_method=S256",
	                  w->client.client_id);
	struct reply r = http(w->port, "GET", path, NULL, NULL);
	free(path);
	char *loc = header(&r, "Location");
	reply_release(&r);
	const char *id = loc ? strstr(loc, "request=") : NULL;
	char *request_id = id ? xstrdup(id + 8) : xstrdup("");
	char *redirect = NULL;
	char *code = NULL;
	if (app_oauth_request_bind(w->f.app, request_id, BROWSER_HASH) == 0 &&
	    app_oauth_complete(w->f.app, request_id, BROWSER_HASH, w->user, w->org, &redirect) ==
	            0) {
		const char *c = strstr(redirect, "code=");
		code = xstrndup(c + 5, strcspn(c + 5, "&"));
	}
	free(redirect);
	free(loc);
	if (request_id_out)
		*request_id_out = request_id;
	else
		free(request_id);
	return code ? code : xstrdup("");
}

static json_t *token(struct op_world *w, const char *form, int *status)
{
	struct reply r = http(w->port, "POST", "/oauth2/token", w->basic, form);
	*status = r.status;
	json_t *j = r.body ? json_loads(r.body, 0, NULL) : NULL;
	reply_release(&r);
	return j;
}

static json_t *code_grant(struct op_world *w, const char *code, const char *verifier, int *status)
{
	char *form = xasprintf("grant_type=authorization_code&code=%s&redirect_uri=" CB_ENC
	                       "&code_verifier=%s",
	                       code, verifier);
	json_t *j = token(w, form, status);
	free(form);
	return j;
}

static int userinfo(struct op_world *w, const char *access, char **www_auth)
{
	char *h = xasprintf("Authorization: Bearer %s\r\n", access);
	struct reply r = http(w->port, "GET", "/oauth2/userinfo", h, NULL);
	free(h);
	if (www_auth)
		*www_auth = header(&r, "WWW-Authenticate");
	int status = r.status;
	reply_release(&r);
	return status;
}

static const char *jstr(json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

static void full_flow(bool pg)
{
	struct op_world w;
	if (!op_open(&w, pg))
		test_skip("TEST_PG_DSN not set or unreachable");
	/* discovery and JWKS */
	struct reply r = http(w.port, "GET", "/.well-known/openid-configuration", NULL, NULL);
	ASSERT_INT_EQ(r.status, 200);
	json_t *d = json_loads(r.body, 0, NULL);
	ASSERT_STR_EQ(jstr(d, "issuer"), w.f.cfg.public_url);
	json_decref(d);
	reply_release(&r);
	r = http(w.port, "GET", "/oauth2/jwks", NULL, NULL);
	ASSERT_INT_EQ(r.status, 200);
	struct jose_jwks *keys = NULL;
	ASSERT_INT_EQ(jose_jwks_parse(&keys, r.body, strlen(r.body)), 0);
	ASSERT(strstr(r.body, "\"d\"") == NULL);
	reply_release(&r);

	/* authorize → the email-first page → the router's honest answer */
	char *request_id = NULL;
	char *path =
	        xasprintf("/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	                  "&scope=openid&code_challenge=" CHALLENGE "&code_challenge_method=S256",
	                  w.client.client_id);
	r = http(w.port, "GET", path, NULL, NULL);
	free(path);
	ASSERT_INT_EQ(r.status, 302);
	char *loc = header(&r, "Location");
	char *want = xasprintf("%s/sign-in?request=areq_", w.f.cfg.public_url);
	ASSERT(loc && !strncmp(loc, want, strlen(want)));
	reply_release(&r);
	r = http(w.port, "GET", loc + strlen(w.f.cfg.public_url), NULL, NULL);
	ASSERT_INT_EQ(r.status, 200);
	char *csp = header(&r, "Content-Security-Policy");
	ASSERT(csp && strstr(csp, "default-src 'none'"));
	ASSERT(strstr(r.body, "<form method=\"post\" action=\"/sign-in\">") != NULL);
	ASSERT(strstr(r.body, "<script") == NULL);
	free(csp);
	reply_release(&r);
	char *form = xasprintf("request=%s&email=alice%%40acme.com", strstr(loc, "areq_"));
	r = http(w.port, "POST", "/sign-in", "Content-Type: application/x-www-form-urlencoded\r\n",
	         form);
	ASSERT_INT_EQ(r.status, 404);
	ASSERT(strstr(r.body, "No enterprise connection covers acme.com") != NULL);
	reply_release(&r);
	free(form);
	free(want);
	free(loc);

	/* code → tokens; the ID token verifies against the served JWKS */
	char *code = sign_in(&w, &request_id);
	int status = 0;
	json_t *t = code_grant(&w, code, VERIFIER, &status);
	ASSERT_INT_EQ(status, 200);
	ASSERT_STR_EQ(jstr(t, "token_type"), "Bearer");
	struct jose_claims c;
	const char *idt = jstr(t, "id_token");
	ASSERT_INT_EQ(jose_jwt_decode(&c, idt, strlen(idt), keys), 0);
	ASSERT_INT_EQ(jose_jwt_check_iss(&c, w.f.cfg.public_url), 0);
	ASSERT_INT_EQ(jose_jwt_check_aud(&c, w.client.client_id), 0);
	ASSERT_INT_EQ(jose_jwt_check_time(&c, clock_now(), 60, 600), 0);
	ASSERT_INT_EQ(jose_jwt_check_nonce(&c, "nonce-1"), 0);
	ASSERT_STR_EQ(c.sub, w.user);
	ASSERT(c.sid && !strncmp(c.sid, "sess_", 5));
	ASSERT(strstr(c.json, "\"org_role\":\"org:admin\"") &&
	       strstr(c.json, "\"org_slug\":\"acme\""));
	ASSERT(strstr(c.json, "\"public_metadata\":{\"dept\":\"eng\"}"));
	ASSERT(strstr(c.json, "\"email\":\"alice@acme.com\""));
	char *sid = xstrdup(c.sid);
	jose_claims_release(&c);
	/* the code again: invalid_grant, and the tokens it gave are revoked */
	json_t *again = code_grant(&w, code, VERIFIER, &status);
	ASSERT_INT_EQ(status, 400);
	ASSERT_STR_EQ(jstr(again, "error"), "invalid_grant");
	json_decref(again);
	char *www = NULL;
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), &www), 401);
	ASSERT(www && strstr(www, "error=\"invalid_token\""));
	free(www);
	json_decref(t);
	free(code);
	free(request_id);
	free(sid);

	/* a fresh sign-in: userinfo, refresh with rotation, reuse detection */
	code = sign_in(&w, NULL);
	t = code_grant(&w, code, VERIFIER, &status);
	ASSERT_INT_EQ(status, 200);
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), NULL), 200);
	char *rf = xasprintf("grant_type=refresh_token&refresh_token=%s", jstr(t, "refresh_token"));
	json_t *t2 = token(&w, rf, &status);
	ASSERT_INT_EQ(status, 200);
	ASSERT(strcmp(jstr(t2, "refresh_token"), jstr(t, "refresh_token")) != 0);
	idt = jstr(t2, "id_token");
	ASSERT_INT_EQ(jose_jwt_decode(&c, idt, strlen(idt), keys), 0);
	ASSERT(c.nonce == NULL);
	jose_claims_release(&c);
	ASSERT_INT_EQ(userinfo(&w, jstr(t2, "access_token"), NULL), 200);
	json_t *reuse = token(&w, rf, &status);
	ASSERT_INT_EQ(status, 400);
	ASSERT_STR_EQ(jstr(reuse, "error"), "invalid_grant");
	json_decref(reuse);
	ASSERT_INT_EQ(userinfo(&w, jstr(t2, "access_token"), NULL), 401);
	free(rf);
	json_decref(t);
	json_decref(t2);
	free(code);

	/* revocation (RFC 7009) of the refresh token ends the access token too */
	code = sign_in(&w, NULL);
	t = code_grant(&w, code, VERIFIER, &status);
	form = xasprintf("token=%s&token_type_hint=refresh_token", jstr(t, "refresh_token"));
	r = http(w.port, "POST", "/oauth2/revoke", w.basic, form);
	ASSERT_INT_EQ(r.status, 200);
	reply_release(&r);
	free(form);
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), NULL), 401);
	json_decref(t);
	free(code);

	/* the Backend API's session revocation kills the tokens */
	code = sign_in(&w, NULL);
	t = code_grant(&w, code, VERIFIER, &status);
	idt = jstr(t, "id_token");
	ASSERT_INT_EQ(jose_jwt_decode(&c, idt, strlen(idt), keys), 0);
	path = xasprintf("/v1/sessions/%s/revoke", c.sid);
	r = http(w.port, "POST", path,
	         "Authorization: Bearer sk_test_routes\r\nContent-Type: application/json\r\n",
	         "{}");
	ASSERT_INT_EQ(r.status, 200);
	reply_release(&r);
	free(path);
	jose_claims_release(&c);
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), NULL), 401);
	rf = xasprintf("grant_type=refresh_token&refresh_token=%s", jstr(t, "refresh_token"));
	json_t *dead = token(&w, rf, &status);
	ASSERT_INT_EQ(status, 400);
	json_decref(dead);
	free(rf);
	json_decref(t);
	free(code);

	/* RP-initiated logout: registered post_logout_redirect_uri only, state echoed */
	code = sign_in(&w, NULL);
	t = code_grant(&w, code, VERIFIER, &status);
	path = xasprintf("/oauth2/logout?id_token_hint=%s&post_logout_redirect_uri="
	                 "http%%3A%%2F%%2Fevil.example%%2Fbye&state=z",
	                 jstr(t, "id_token"));
	r = http(w.port, "GET", path, NULL, NULL);
	ASSERT_INT_EQ(r.status, 400);
	loc = header(&r, "Location");
	ASSERT(loc == NULL);
	reply_release(&r);
	free(path);
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), NULL), 200);
	path = xasprintf("/oauth2/logout?id_token_hint=%s&post_logout_redirect_uri="
	                 "http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fbye&state=z",
	                 jstr(t, "id_token"));
	r = http(w.port, "GET", path, NULL, NULL);
	ASSERT_INT_EQ(r.status, 302);
	loc = header(&r, "Location");
	ASSERT_STR_EQ(loc, BYE "?state=z");
	free(loc);
	reply_release(&r);
	free(path);
	ASSERT_INT_EQ(userinfo(&w, jstr(t, "access_token"), NULL), 401);
	json_decref(t);
	free(code);
	jose_jwks_unref(keys);
	op_close(&w);
}

TEST(routes_oidc, full_flow_sqlite)
{
	full_flow(false);
}

TEST(routes_oidc, full_flow_pg)
{
	full_flow(true);
}

static void token_errors(bool pg)
{
	struct op_world w;
	if (!op_open(&w, pg))
		test_skip("TEST_PG_DSN not set or unreachable");
	int status = 0;
	char *code = sign_in(&w, NULL);
	/* PKCE mismatch */
	json_t *j = code_grant(&w, code, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", &status);
	ASSERT_INT_EQ(status, 400);
	ASSERT_STR_EQ(jstr(j, "error"), "invalid_grant");
	json_decref(j);
	/* unsupported grant type */
	j = token(&w, "grant_type=client_credentials", &status);
	ASSERT_INT_EQ(status, 400);
	ASSERT_STR_EQ(jstr(j, "error"), "unsupported_grant_type");
	json_decref(j);
	/* wrong secret: 401 invalid_client with a Basic challenge */
	char *pair = xasprintf("%s:wrong", w.client.client_id);
	char *b64 = crypto_b64_encode(pair, strlen(pair));
	char *h = xasprintf("Authorization: Basic %s\r\nContent-Type: "
	                    "application/x-www-form-urlencoded\r\n",
	                    b64);
	struct reply r = http(w.port, "POST", "/oauth2/token", h,
	                      "grant_type=refresh_token&refresh_token=x");
	ASSERT_INT_EQ(r.status, 401);
	char *www = header(&r, "WWW-Authenticate");
	ASSERT(www && !strncmp(www, "Basic", 5));
	ASSERT(strstr(r.body, "\"error\":\"invalid_client\""));
	free(www);
	reply_release(&r);
	/* client_secret_post works as well */
	char *form = xasprintf("grant_type=authorization_code&code=%s&redirect_uri=" CB_ENC
	                       "&code_verifier=" VERIFIER "&client_id=%s&client_secret=%s",
	                       code, w.client.client_id, w.secret);
	r = http(w.port, "POST", "/oauth2/token",
	         "Content-Type: application/x-www-form-urlencoded\r\n", form);
	ASSERT_INT_EQ(r.status, 200);
	char *cache = header(&r, "Cache-Control");
	ASSERT_STR_EQ(cache, "no-store");
	free(cache);
	reply_release(&r);
	/* JSON is not a token request */
	r = http(w.port, "POST", "/oauth2/token", "Content-Type: application/json\r\n", "{}");
	ASSERT_INT_EQ(r.status, 400);
	ASSERT(strstr(r.body, "\"error\":\"invalid_request\""));
	reply_release(&r);
	free(form);
	free(h);
	free(b64);
	free(pair);
	free(code);
	op_close(&w);
}

TEST(routes_oidc, token_errors_sqlite)
{
	token_errors(false);
}

TEST(routes_oidc, token_errors_pg)
{
	token_errors(true);
}
