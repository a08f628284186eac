/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse as the app's OpenID Provider: discovery, JWKS, authorize, token,
 * userinfo, revocation, logout. Glue only: oidc_op/ decides and encodes,
 * app/ keeps the state, jose/ signs with the keyring snapshot.
 */
#include "base/common.h"

#include "oidc_op/oidc_op.h"

#include "app/oauth.h"
#include "app/oauth_app.h"
#include "app/signin.h"
#include "app/signing_key.h"
#include "base/clock.h"
#include "routes/routes.h"

static const char *issuer(struct route_ctx *ctx)
{
	return ctx->app->cfg->public_url;
}

static int reply_text(struct route_ctx *ctx, int status, const char *content_type, char *text,
                      const char *cache)
{
	http_response_text(ctx->res, status, content_type, text);
	free(text);
	http_response_header(ctx->res, "Cache-Control", cache);
	if (!strcmp(cache, "no-store"))
		http_response_header(ctx->res, "Pragma", "no-cache");
	return 0;
}

static int discovery(struct route_ctx *ctx)
{
	return reply_text(ctx, 200, "application/json", oidc_op_discovery_json(issuer(ctx)),
	                  "public, max-age=300");
}

static int jwks(struct route_ctx *ctx)
{
	struct jose_jwks *keys = NULL;
	int rc = app_signing_key_snapshot(ctx->app, true, &keys);
	if (rc)
		return rc;
	char *text = jose_jwks_to_json(keys);
	jose_jwks_unref(keys);
	return reply_text(ctx, 200, "application/jwk-set+json", text, "public, max-age=60");
}

static int authorize(struct route_ctx *ctx)
{
	struct url_params q;
	struct oauth_app client = { 0 };
	struct oidc_op_authorize_result res;
	struct signin_next next;
	int rc = http_request_query_params(ctx->req, &q);
	if (rc)
		return route_html(ctx, 400, "This sign-in link is not valid", error_get()->detail,
		                  NULL);
	const char *cid = url_params_get(&q, "client_id");
	bool known = cid && !strncmp(cid, OAUTH_CLIENT_ID_PREFIX, strlen(OAUTH_CLIENT_ID_PREFIX)) &&
	             app_oauth_app_get(ctx->app, cid, &client) == 0;
	oidc_op_authorize_check(&q, known ? &client : NULL, issuer(ctx), &res);
	oauth_app_release(&client);
	url_params_release(&q);
	error_clear();
	switch (res.verdict) {
	case OIDC_OP_AUTHORIZE_ERROR_PAGE:
		rc = route_html(ctx, 400, "This sign-in link is not valid", res.description, NULL);
		break;
	case OIDC_OP_AUTHORIZE_ERROR_REDIRECT:
		rc = route_redirect(ctx, res.redirect);
		break;
	default:
		rc = app_oauth_request_create(ctx->app, &res.req);
		if (!rc)
			rc = app_signin_begin(ctx->app, &res.req, &next);
		if (!rc)
			rc = routes_signin_next(ctx, &next);
	}
	oidc_op_authorize_result_release(&res);
	return rc;
}

/* Signs an ID token for these tokens with the active key. */
static int id_token(struct route_ctx *ctx, const struct app_oauth_tokens *t, char **out)
{
	struct jose_jwks *keys = NULL;
	int rc = app_signing_key_snapshot(ctx->app, false, &keys);
	if (rc)
		return rc;
	struct oidc_op_id_token_in in = {
		.issuer = issuer(ctx),
		.client_id = t->client_id,
		.nonce = t->nonce,
		.sid = t->session_id,
		.access_token = t->access_token,
		.auth_time = t->auth_time,
		.now = clock_now(),
		.ttl_s = APP_OAUTH_ID_TOKEN_TTL_S,
		.who = &t->who,
	};
	char *claims = oidc_op_id_token_claims(&in);
	rc = jose_jwt_sign(out, jose_jwks_at(keys, 0), claims);
	free(claims);
	jose_jwks_unref(keys);
	return rc;
}

static int token(struct route_ctx *ctx)
{
	struct oidc_op_token_request tr;
	struct app_oauth_tokens t;
	int rc = oidc_op_token_request_parse(&tr, &ctx->form);
	if (rc)
		return rc;
	if (tr.grant == OIDC_OP_GRANT_CODE) {
		char *challenge = oidc_op_pkce_s256(tr.code_verifier);
		struct app_oauth_code_check chk = { ctx->client.client_id, tr.redirect_uri,
			                            challenge };
		rc = app_oauth_exchange_code(ctx->app, tr.code, &chk, &t);
		free(challenge);
	} else {
		rc = app_oauth_refresh(ctx->app, ctx->client.client_id, tr.refresh_token, &t);
	}
	if (rc)
		return rc;
	char *idt = NULL;
	rc = id_token(ctx, &t, &idt);
	if (!rc)
		reply_text(ctx, 200, "application/json",
		           oidc_op_token_response(t.access_token, t.expires_in, t.refresh_token,
		                                  idt, t.scope),
		           "no-store");
	free(idt);
	app_oauth_tokens_release(&t);
	return rc;
}

static int userinfo(struct route_ctx *ctx)
{
	struct oauth_identity who;
	char *scope = NULL;
	int rc = app_oauth_userinfo(ctx->app, ctx->bearer, &who, &scope);
	if (rc)
		return rc;
	reply_text(ctx, 200, "application/json", oidc_op_userinfo_json(&who), "no-store");
	oauth_identity_release(&who);
	free(scope);
	return 0;
}

static int revoke(struct route_ctx *ctx)
{
	const char *tok = url_params_get(&ctx->form, "token");
	if (ctx->form.duplicate[0] || !tok || !*tok)
		return error_setc(ERR_INVALID, "invalid_request",
		                  "token is required (RFC 7009 2.1)");
	int rc = app_oauth_revoke(ctx->app, ctx->client.client_id, tok);
	if (rc)
		return rc;
	return reply_text(ctx, 200, "application/json", xstrdup("{}"), "no-store");
}

static int logout_page(struct route_ctx *ctx, const char *why)
{
	return route_html(ctx, 400, "Sign-out could not finish", why, NULL);
}

/* OIDC RP-Initiated Logout 1.0: id_token_hint, post_logout_redirect_uri (exact), state. */
static int logout(struct route_ctx *ctx)
{
	struct url_params q;
	struct jose_claims hint = { 0 };
	struct oauth_app client = { 0 };
	struct jose_jwks *keys = NULL;
	const char *client_id = NULL, *sid = NULL;
	int rc = http_request_query_params(ctx->req, &q);
	if (rc)
		return logout_page(ctx, error_get()->detail);
	const char *h = url_params_get(&q, "id_token_hint");
	const char *to = url_params_get(&q, "post_logout_redirect_uri");
	const char *state = url_params_get(&q, "state");
	if (q.duplicate[0])
		rc = logout_page(ctx, "A parameter is repeated.");
	else if (!h)
		rc = logout_page(ctx, "The sign-out link has no id_token_hint.");
	else if ((rc = app_signing_key_snapshot(ctx->app, false, &keys)) != 0)
		goto cleanup;
	else if (jose_jwt_decode(&hint, h, strlen(h), keys) ||
	         oidc_op_logout_check_hint(&hint, issuer(ctx), url_params_get(&q, "client_id"),
	                                   &client_id, &sid))
		rc = logout_page(ctx,
		                 "The sign-out link's id_token_hint is not one gatehouse issued.");
	else if (app_oauth_app_get(ctx->app, client_id, &client))
		rc = logout_page(ctx, "The application of this sign-out link no longer exists.");
	else if (to && !oauth_uri_listed(client.post_logout_redirect_uris, to))
		rc = logout_page(
		        ctx, "post_logout_redirect_uri is not registered for this application.");
	else if ((rc = app_oauth_logout(ctx->app, client.client_id, sid)) != 0)
		goto cleanup;
	else if (to) {
		struct buf b;
		buf_init(&b, 16 * 1024);
		buf_appends(&b, to);
		if (state)
			url_append_param(&b, url_query_sep(to), "state", state);
		rc = route_redirect(ctx, b.data);
		buf_release(&b);
	} else {
		rc = route_html(ctx, 200, "You are signed out", "You can close this window.", NULL);
	}
cleanup:
	jose_jwks_unref(keys);
	jose_claims_release(&hint);
	oauth_app_release(&client);
	url_params_release(&q);
	return rc;
}

const struct route routes_oidc_op[] = {
	{ "GET", "/.well-known/openid-configuration", discovery, AUTH_NONE, BODY_NONE,
	  "oidc.discovery" },
	{ "GET", "/oauth2/jwks", jwks, AUTH_NONE, BODY_NONE, "oidc.jwks" },
	{ "GET", "/oauth2/authorize", authorize, AUTH_NONE, BODY_NONE, "oidc.authorize" },
	{ "POST", "/oauth2/token", token, AUTH_CLIENT, BODY_SMALL, "oidc.token" },
	{ "GET", "/oauth2/userinfo", userinfo, AUTH_BEARER, BODY_NONE, "oidc.userinfo" },
	{ "POST", "/oauth2/userinfo", userinfo, AUTH_BEARER, BODY_SMALL, "oidc.userinfo_post" },
	{ "POST", "/oauth2/revoke", revoke, AUTH_CLIENT, BODY_SMALL, "oidc.revoke" },
	{ "GET", "/oauth2/logout", logout, AUTH_NONE, BODY_NONE, "oidc.logout" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
