/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenID Provider's state machine on both backends (SQLite always,
 * PostgreSQL with TEST_PG_DSN): sign-in completion, the code grant with PKCE
 * and single use, refresh rotation and reuse detection, revocation, and that
 * ending a session or deactivating a user kills its tokens. Also OAuth
 * application secrets and the signing keyring.
 */
#include "base/common.h"

#include "app/oauth.h"
#include "app/oauth_app.h"
#include "app/session.h"
#include "app/signing_key.h"
#include "base/clock.h"
#include "base/error.h"
#include "jose/jwk.h"
#include "test/harness/fixture.h"
#include "test/harness/test.h"

/* RFC 7636 Appendix B. */
#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define BROWSER   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define OTHER     "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define REDIRECT  "https://app.example/callback"

#define BOTH(name)                                                                                 \
	static void name(bool pg);                                                                 \
	TEST(app_oauth, name##_sqlite)                                                             \
	{                                                                                          \
		name(false);                                                                       \
	}                                                                                          \
	TEST(app_oauth, name##_pg)                                                                 \
	{                                                                                          \
		name(true);                                                                        \
	}                                                                                          \
	static void name(bool pg)

struct world {
	struct fixture f;
	struct oauth_app client;
	char *secret;
	char user[ID_MAX], org[ID_MAX];
};

static bool world_open(struct world *w, bool pg)
{
	memset(w, 0, sizeof(*w));
	if (!fixture_open(&w->f, pg, "https://gh.example")) {
		fixture_close(&w->f);
		return false;
	}
	const char *uris[] = { REDIRECT };
	struct oauth_app_input in = { .name = "App",
		                      .redirect_uris = uris,
		                      .nredirect_uris = 1,
		                      .has_name = true,
		                      .has_redirect_uris = true };
	struct actor who = { "test", NULL };
	if (app_oauth_app_create(w->f.app, &who, &in, &w->client, &w->secret) ||
	    fixture_user(&w->f, "alice@acme.com", "{\"dept\":\"eng\"}", w->user) ||
	    fixture_member(&w->f, "acme", w->user, "org:admin", w->org))
		die("world setup failed: %s", error_get()->detail);
	return true;
}

static void world_close(struct world *w)
{
	oauth_app_release(&w->client);
	free(w->secret);
	fixture_close(&w->f);
}

#define OPEN_OR_SKIP(w, pg)                                                                        \
	do {                                                                                       \
		if (!world_open(w, pg))                                                            \
			test_skip("TEST_PG_DSN not set or unreachable");                           \
	} while (0)

/* A pending request as /oauth2/authorize would store it. */
static void start(struct world *w, struct auth_request *r)
{
	memset(r, 0, sizeof(*r));
	r->client_id = xstrdup(w->client.client_id);
	r->redirect_uri = xstrdup(REDIRECT);
	r->state = xstrdup("st&te=1");
	r->nonce = xstrdup("n-0S6_WzA2Mj");
	r->code_challenge = xstrdup(CHALLENGE);
	r->scope = xstrdup("openid email");
	r->status = xstrdup("pending");
	if (app_oauth_request_create(w->f.app, r))
		die("request: %s", error_get()->detail);
	/* /sso/start binds every real sign-in to the browser that starts it */
	if (app_oauth_request_bind(w->f.app, r->id, BROWSER))
		die("bind: %s", error_get()->detail);
}

/* The code of a redirect (codes are base64url: no escaping). */
static char *code_of(const char *redirect)
{
	const char *p = strstr(redirect, "code=");
	if (!p)
		return xstrdup("");
	p += 5;
	return xstrndup(p, strcspn(p, "&"));
}

/* authorize → complete → code. */
static char *sign_in(struct world *w, const char *org, char **redirect_out)
{
	struct auth_request r;
	char *redirect = NULL;
	start(w, &r);
	if (app_oauth_complete(w->f.app, r.id, BROWSER, w->user, org, &redirect))
		die("complete: %s", error_get()->detail);
	auth_request_release(&r);
	char *code = code_of(redirect);
	if (redirect_out)
		*redirect_out = redirect;
	else
		free(redirect);
	return code;
}

static int exchange(struct world *w, const char *code, const char *challenge,
                    struct app_oauth_tokens *t)
{
	struct app_oauth_code_check chk = { w->client.client_id, REDIRECT, challenge };
	return app_oauth_exchange_code(w->f.app, code, &chk, t);
}

static bool access_works(struct world *w, const char *token)
{
	struct oauth_identity who;
	char *scope = NULL;
	int rc = app_oauth_userinfo(w->f.app, token, &who, &scope);
	if (rc == 0)
		oauth_identity_release(&who);
	free(scope);
	return rc == 0;
}

BOTH(code_flow_with_org_claims)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *redirect = NULL;
	char *code = sign_in(&w, w.org, &redirect);
	ASSERT(!strncmp(redirect, REDIRECT "?code=", strlen(REDIRECT) + 6));
	ASSERT(strstr(redirect, "&state=st%26te%3D1") != NULL);
	ASSERT(strstr(redirect, "&iss=https%3A%2F%2Fgh.example") != NULL);
	struct app_oauth_tokens t;
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &t), 0);
	ASSERT(!strncmp(t.access_token, "gh_at_", 6));
	ASSERT(!strncmp(t.refresh_token, "gh_rt_", 6));
	ASSERT_STR_EQ(t.nonce, "n-0S6_WzA2Mj");
	ASSERT_STR_EQ(t.scope, "openid email");
	ASSERT_STR_EQ(t.who.user_id, w.user);
	ASSERT_STR_EQ(t.who.email, "alice@acme.com");
	ASSERT_STR_EQ(t.who.org_id, w.org);
	ASSERT_STR_EQ(t.who.org_slug, "acme");
	ASSERT_STR_EQ(t.who.org_role, "org:admin");
	ASSERT(t.who.norg_permissions > 3);
	ASSERT_STR_EQ(t.who.public_metadata, "{\"dept\":\"eng\"}");
	ASSERT_INT_EQ(t.auth_time, TEST_FAKE_NOW);
	ASSERT_INT_EQ(t.expires_in, APP_OAUTH_ACCESS_TTL_S);
	ASSERT(!strncmp(t.session_id, "sess_", 5));
	ASSERT(access_works(&w, t.access_token));
	/* the session records the client and the organization */
	struct session s;
	ASSERT_INT_EQ(app_session_get(w.f.app, t.session_id, &s), 0);
	ASSERT_STR_EQ(s.client_id, w.client.client_id);
	ASSERT_STR_EQ(s.org_id, w.org);
	ASSERT_STR_EQ(s.status, "active");
	session_release(&s);
	app_oauth_tokens_release(&t);
	free(code);
	free(redirect);
	world_close(&w);
}

BOTH(code_is_single_use_and_reuse_revokes_its_tokens)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *code = sign_in(&w, NULL, NULL);
	struct app_oauth_tokens t, again;
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &t), 0);
	ASSERT(t.who.org_id == NULL); /* no organization: no org claims */
	ASSERT(access_works(&w, t.access_token));
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &again), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_grant");
	ASSERT(!access_works(&w, t.access_token));
	struct app_oauth_tokens r;
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t.refresh_token, &r),
	              ERR_INVALID);
	app_oauth_tokens_release(&t);
	free(code);
	world_close(&w);
}

BOTH(code_checks_pkce_client_redirect_and_expiry)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *code = sign_in(&w, NULL, NULL);
	struct app_oauth_tokens t;
	/* PKCE: another verifier's challenge */
	ASSERT_INT_EQ(exchange(&w, code, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN", &t),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_grant");
	ASSERT(strstr(error_get()->detail, "PKCE") != NULL);
	struct app_oauth_code_check other_uri = { w.client.client_id, REDIRECT "/x", CHALLENGE };
	ASSERT_INT_EQ(app_oauth_exchange_code(w.f.app, code, &other_uri, &t), ERR_INVALID);
	struct app_oauth_code_check other_client = { "gh_client_000000000000000000000000", REDIRECT,
		                                     CHALLENGE };
	ASSERT_INT_EQ(app_oauth_exchange_code(w.f.app, code, &other_client, &t), ERR_INVALID);
	ASSERT_INT_EQ(exchange(&w, "not-a-code", CHALLENGE, &t), ERR_INVALID);
	/* failed attempts do not consume the code; time does */
	clock_set_fake(TEST_FAKE_NOW + APP_OAUTH_CODE_TTL_S);
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &t), ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "expired") != NULL);
	free(code);
	world_close(&w);
}

BOTH(refresh_rotates_and_reuse_revokes_the_session)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *code = sign_in(&w, w.org, NULL);
	struct app_oauth_tokens t1, t2, t3, bad;
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &t1), 0);
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t1.refresh_token, &t2), 0);
	ASSERT(strcmp(t1.refresh_token, t2.refresh_token) != 0);
	ASSERT(t2.nonce == NULL); /* OIDC Core 12.2 */
	ASSERT_STR_EQ(t2.session_id, t1.session_id);
	ASSERT_INT_EQ(t2.auth_time, t1.auth_time);
	ASSERT_STR_EQ(t2.who.org_role, "org:admin");
	/* another client cannot use it */
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, "gh_client_x", t2.refresh_token, &bad),
	              ERR_INVALID);
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t2.refresh_token, &t3), 0);
	ASSERT(access_works(&w, t3.access_token));
	/* the first token again: the whole family and the session end */
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t1.refresh_token, &bad),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_grant");
	ASSERT(!access_works(&w, t3.access_token));
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t3.refresh_token, &bad),
	              ERR_INVALID);
	struct session s;
	ASSERT_INT_EQ(app_session_get(w.f.app, t1.session_id, &s), 0);
	ASSERT_STR_EQ(s.status, "revoked");
	session_release(&s);
	app_oauth_tokens_release(&t1);
	app_oauth_tokens_release(&t2);
	app_oauth_tokens_release(&t3);
	free(code);
	world_close(&w);
}

BOTH(session_revocation_and_deactivation_kill_tokens)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *c1 = sign_in(&w, NULL, NULL), *c2 = sign_in(&w, NULL, NULL);
	struct app_oauth_tokens a, b, bad;
	ASSERT_INT_EQ(exchange(&w, c1, CHALLENGE, &a), 0);
	ASSERT_INT_EQ(exchange(&w, c2, CHALLENGE, &b), 0);
	ASSERT(strcmp(a.session_id, b.session_id) != 0);
	struct actor who = { "test", NULL };
	struct session s;
	ASSERT_INT_EQ(app_session_revoke(w.f.app, &who, a.session_id, &s), 0);
	session_release(&s);
	ASSERT(!access_works(&w, a.access_token));
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, a.refresh_token, &bad),
	              ERR_INVALID);
	ASSERT(access_works(&w, b.access_token)); /* the other session lives */
	char *sql = xasprintf("UPDATE users SET status = 'deactivated' WHERE id = '%s'", w.user);
	ASSERT_INT_EQ(fixture_exec(&w.f, sql), 0);
	free(sql);
	ASSERT(!access_works(&w, b.access_token));
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, b.refresh_token, &bad),
	              ERR_INVALID);
	/* and a deactivated user cannot complete a sign-in */
	struct auth_request r;
	char *redirect = NULL;
	start(&w, &r);
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, BROWSER, w.user, NULL, &redirect),
	              ERR_FORBIDDEN);
	auth_request_release(&r);
	app_oauth_tokens_release(&a);
	app_oauth_tokens_release(&b);
	free(c1);
	free(c2);
	world_close(&w);
}

BOTH(revocation_and_logout)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	char *code = sign_in(&w, NULL, NULL);
	struct app_oauth_tokens t, bad;
	ASSERT_INT_EQ(exchange(&w, code, CHALLENGE, &t), 0);
	/* another client's revocation is ignored, an unknown token is fine */
	ASSERT_INT_EQ(app_oauth_revoke(w.f.app, "gh_client_other", t.refresh_token), 0);
	ASSERT_INT_EQ(app_oauth_revoke(w.f.app, w.client.client_id, "gh_rt_unknown"), 0);
	ASSERT(access_works(&w, t.access_token));
	/* RFC 7009: revoking the refresh token ends the grant's access tokens */
	ASSERT_INT_EQ(app_oauth_revoke(w.f.app, w.client.client_id, t.refresh_token), 0);
	ASSERT(!access_works(&w, t.access_token));
	ASSERT_INT_EQ(app_oauth_refresh(w.f.app, w.client.client_id, t.refresh_token, &bad),
	              ERR_INVALID);
	/* logout by another client leaves the session; by its client ends it */
	ASSERT_INT_EQ(app_oauth_logout(w.f.app, "gh_client_other", t.session_id), 0);
	struct session s;
	ASSERT_INT_EQ(app_session_get(w.f.app, t.session_id, &s), 0);
	ASSERT_STR_EQ(s.status, "active");
	session_release(&s);
	ASSERT_INT_EQ(app_oauth_logout(w.f.app, w.client.client_id, t.session_id), 0);
	ASSERT_INT_EQ(app_session_get(w.f.app, t.session_id, &s), 0);
	ASSERT_STR_EQ(s.status, "revoked");
	session_release(&s);
	ASSERT_INT_EQ(app_oauth_logout(w.f.app, w.client.client_id, t.session_id), 0); /* again */
	app_oauth_tokens_release(&t);
	free(code);
	world_close(&w);
}

BOTH(requests_complete_once_and_expire)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	struct auth_request r, got;
	char *redirect = NULL;
	start(&w, &r);
	ASSERT_INT_EQ(app_oauth_request_pending(w.f.app, r.id, &got), 0);
	ASSERT_STR_EQ(got.code_challenge, CHALLENGE);
	auth_request_release(&got);
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, BROWSER, w.user, NULL, &redirect), 0);
	free(redirect);
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, BROWSER, w.user, NULL, &redirect),
	              ERR_CONFLICT);
	ASSERT_STR_EQ(error_get()->stable, "auth_request_used");
	ASSERT_INT_EQ(app_oauth_request_pending(w.f.app, r.id, &got), ERR_CONFLICT);
	auth_request_release(&r);
	start(&w, &r);
	clock_set_fake(TEST_FAKE_NOW + APP_OAUTH_REQUEST_TTL_S);
	ASSERT_INT_EQ(app_oauth_request_pending(w.f.app, r.id, &got), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "auth_request_expired");
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, BROWSER, w.user, NULL, &redirect),
	              ERR_INVALID);
	ASSERT_INT_EQ(app_oauth_request_pending(w.f.app, "areq_nope", &got), ERR_NOT_FOUND);
	auth_request_release(&r);
	world_close(&w);
}

BOTH(client_secrets_authenticate_and_rotate)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	struct oauth_app got, rotated;
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, w.client.client_id, w.secret, &got), 0);
	ASSERT_STR_EQ(got.id, w.client.id);
	oauth_app_release(&got);
	char *wrong = xstrdup(w.secret);
	wrong[strlen(wrong) - 1] ^= 1;
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, w.client.client_id, wrong, &got),
	              ERR_UNAUTHENTICATED);
	ASSERT_STR_EQ(error_get()->stable, "invalid_client");
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, w.client.id, w.secret, &got),
	              ERR_UNAUTHENTICATED); /* the app id is not a client_id */
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, "gh_client_nobody", w.secret, &got),
	              ERR_UNAUTHENTICATED);
	struct actor who = { "test", NULL };
	char *fresh = NULL;
	ASSERT_INT_EQ(app_oauth_app_rotate_secret(w.f.app, &who, w.client.id, &rotated, &fresh), 0);
	ASSERT(strcmp(fresh, w.secret) != 0);
	ASSERT(!strncmp(rotated.secret_hint, "gh_secret_...", 13));
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, w.client.client_id, w.secret, &got),
	              ERR_UNAUTHENTICATED);
	ASSERT_INT_EQ(app_oauth_app_authenticate(w.f.app, w.client.client_id, fresh, &got), 0);
	oauth_app_release(&got);
	oauth_app_release(&rotated);
	free(fresh);
	free(wrong);
	world_close(&w);
}

BOTH(keyring_rotation_keeps_the_old_key_for_its_grace)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	struct jose_jwks *s1 = NULL, *s2 = NULL, *s3 = NULL;
	ASSERT_INT_EQ(app_signing_key_snapshot(w.f.app, true, &s1), 0);
	ASSERT_INT_EQ(jose_jwks_count(s1), 1);
	ASSERT(jose_jwk_has_private(jose_jwks_at(s1, 0)));
	const char *kid1 = jose_jwk_kid(jose_jwks_at(s1, 0));
	ASSERT_INT_EQ(app_signing_key_ensure(w.f.app), 0); /* idempotent */
	struct actor who = { "test", NULL };
	char *kid2 = NULL;
	clock_set_fake(TEST_FAKE_NOW + 10);
	ASSERT_INT_EQ(app_signing_key_rotate(w.f.app, &who, &kid2), 0);
	ASSERT_INT_EQ(app_signing_key_snapshot(w.f.app, false, &s2), 0);
	ASSERT_INT_EQ(jose_jwks_count(s2), 2);
	ASSERT_STR_EQ(jose_jwk_kid(jose_jwks_at(s2, 0)), kid2);
	ASSERT_STR_EQ(jose_jwk_kid(jose_jwks_at(s2, 1)), kid1);
	ASSERT(!jose_jwk_has_private(jose_jwks_at(s2, 1))); /* retired: public only */
	/* another node on the same database sees the same keys */
	struct app *peer = NULL;
	ASSERT_INT_EQ(app_open(&peer, &w.f.cfg, false), 0);
	struct jose_jwks *ps = NULL;
	ASSERT_INT_EQ(app_signing_key_snapshot(peer, true, &ps), 0);
	ASSERT_STR_EQ(jose_jwk_kid(jose_jwks_at(ps, 0)), kid2);
	ASSERT_INT_EQ(jose_jwks_count(ps), 2);
	jose_jwks_unref(ps);
	app_free(peer);
	/* after the grace period the retired key is gone */
	clock_set_fake(TEST_FAKE_NOW + 20 + APP_SIGNING_KEY_GRACE_S);
	ASSERT_INT_EQ(app_signing_key_snapshot(w.f.app, true, &s3), 0);
	ASSERT_INT_EQ(jose_jwks_count(s3), 1);
	jose_jwks_unref(s1);
	jose_jwks_unref(s2);
	jose_jwks_unref(s3);
	free(kid2);
	world_close(&w);
}

/* Login CSRF: only the browser that started a sign-in may finish it. */
BOTH(sign_in_is_bound_to_the_starting_browser)
{
	struct world w;
	OPEN_OR_SKIP(&w, pg);
	struct auth_request r;
	char *redirect = NULL;
	start(&w, &r);                                                    /* bound to BROWSER */
	ASSERT_INT_EQ(app_oauth_request_bind(w.f.app, r.id, BROWSER), 0); /* a retry: fine */
	ASSERT_INT_EQ(app_oauth_request_bind(w.f.app, r.id, OTHER), ERR_CONFLICT);
	ASSERT_STR_EQ(error_get()->stable, "browser_mismatch");
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, OTHER, w.user, NULL, &redirect),
	              ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "browser_mismatch");
	ASSERT(!redirect);
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, BROWSER, w.user, NULL, &redirect), 0);
	free(redirect);
	auth_request_release(&r);
	/* a request no browser started (never bound) cannot be completed at all */
	memset(&r, 0, sizeof(r));
	r.client_id = xstrdup(w.client.client_id);
	r.redirect_uri = xstrdup(REDIRECT);
	r.code_challenge = xstrdup(CHALLENGE);
	r.scope = xstrdup("openid");
	r.status = xstrdup("pending");
	ASSERT_INT_EQ(app_oauth_request_create(w.f.app, &r), 0);
	ASSERT_INT_EQ(app_oauth_complete(w.f.app, r.id, NULL, w.user, NULL, &redirect),
	              ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "browser_unbound");
	auth_request_release(&r);
	world_close(&w);
}
