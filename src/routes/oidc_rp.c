/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sign-in through OIDC and EASIE connections (see oidc_rp.h): the start of a
 * sign-in and GET /oidc/{conn}/callback, which takes the state, exchanges the
 * code, validates the ID token and then records a test sign-in or provisions
 * the user and hands over to the OpenID Provider. End users see a generic
 * page with the request id; the cause goes to the sign-in failure records.
 */
#include "base/common.h"

#include "routes/oidc_rp.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "app/oauth.h"
#include "app/oidc_signin.h"
#include "app/provisioning.h"
#include "app/signin.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "oidc_rp/auth_request.h"
#include "routes/sso.h"

#define CODE_MAX  4096
#define STATE_MAX 256

/* One callback, start to finish. */
struct rp_flow {
	struct route_ctx *ctx;
	const char *conn_id;
	struct oidc_state_row st;
	struct connection conn;
	bool have_conn;
	struct rp_idp idp;
	struct oidc_rp_provider *prov;
	struct oidc_rp_identity id;
	struct oidc_rp_problems problems;
};

int routes_oidc_rp_begin(struct route_ctx *ctx, const struct connection *conn,
                         const char *auth_request_id, const char *test_id, const char *login_hint,
                         char **url_out)
{
	struct rp_idp idp;
	struct oidc_rp_provider *p = NULL;
	struct oidc_signin_start s = { 0 };
	*url_out = NULL;
	/* a draft or inactive connection only runs test sign-ins */
	if (auth_request_id && strcmp(conn->status, "active") != 0)
		return error_setc(ERR_FORBIDDEN, "connection_inactive",
		                  "connection %s is %s: only an active connection signs users in",
		                  conn->id, conn->status);
	int rc = routes_oidc_rp_idp_init(&idp, ctx->app->cfg, conn);
	if (rc)
		return rc;
	rc = routes_oidc_rp_idp_provider(&idp, &p);
	if (rc == 0)
		rc = app_oidc_signin_start(ctx->app, conn->id, auth_request_id, test_id, &s);
	if (rc == 0) {
		struct oidc_rp_auth_request r = {
			.authorization_endpoint =
			        oidc_rp_provider_metadata(p)->authorization_endpoint,
			.client_id = conn->oidc_client_id,
			.redirect_uri = idp.redirect_uri,
			.state = s.state,
			.nonce = s.nonce,
			.code_verifier = s.code_verifier,
			.scope = conn->oidc_scopes,
			.login_hint = login_hint,
			.hd = idp.rule == OIDC_RP_TENANT_GOOGLE_HD ? conn->easie_tenant : NULL,
		};
		rc = oidc_rp_auth_url(url_out, &r);
	}
	oidc_signin_start_release(&s);
	oidc_rp_provider_unref(p);
	routes_oidc_rp_idp_release(&idp);
	return rc;
}

static void flow_release(struct rp_flow *f)
{
	oidc_state_row_release(&f->st);
	if (f->have_conn)
		connection_release(&f->conn);
	routes_oidc_rp_idp_release(&f->idp);
	oidc_rp_provider_unref(f->prov);
	oidc_rp_identity_release(&f->id);
}

static int fail(struct rp_flow *f, int rc, const char *fallback_code)
{
	return oidc_rp_problems_take(&f->problems, rc, fallback_code);
}

static int take_state(struct rp_flow *f)
{
	const char *state = http_request_query(f->ctx->req, "state");
	if (!state || !*state)
		return fail(f,
		            error_setc(ERR_INVALID, "state_missing",
		                       "the IdP's answer carries no state: it was not the answer "
		                       "to a sign-in gatehouse started"),
		            "state_missing");
	if (strlen(state) > STATE_MAX)
		return fail(f, error_setc(ERR_NOT_FOUND, "state_unknown", "the state is too long"),
		            "state_unknown");
	return fail(f, app_oidc_signin_take(f->ctx->app, f->conn_id, state, &f->st),
	            "state_unknown");
}

/* OIDC Core 3.1.2.6: the IdP answered the authorization request with an error. */
static int idp_error_param(struct rp_flow *f)
{
	const char *e = http_request_query(f->ctx->req, "error");
	const char *code = http_request_query(f->ctx->req, "code");
	if (e)
		return fail(
		        f,
		        oidc_rp_idp_error(e, http_request_query(f->ctx->req, "error_description")),
		        "idp_error");
	if (!code || !*code || strlen(code) > CODE_MAX)
		return fail(f,
		            error_setc(ERR_INVALID, "missing_code",
		                       "the IdP's answer carries no usable authorization code"),
		            "missing_code");
	return 0;
}

/* RFC 9207: an IdP that names itself in the answer must name the expected issuer (mix-up). */
static int check_iss_param(struct rp_flow *f)
{
	const char *iss = http_request_query(f->ctx->req, "iss");
	if (!iss || !strcmp(iss, f->idp.issuer))
		return 0;
	return error_setc(ERR_INVALID, "wrong_issuer",
	                  "the authorization response comes from \"%.200s\", but this connection "
	                  "expects \"%.200s\" (RFC 9207 iss)",
	                  iss, f->idp.issuer);
}

static int load_connection(struct rp_flow *f)
{
	int rc = app_connection_get(f->ctx->app, f->conn_id, &f->conn);
	f->have_conn = rc == 0;
	if (rc == 0)
		rc = routes_oidc_rp_idp_init(&f->idp, f->ctx->app->cfg, &f->conn);
	if (rc == 0)
		rc = check_iss_param(f);
	if (rc == 0)
		rc = routes_oidc_rp_idp_provider(&f->idp, &f->prov);
	return fail(f, rc, "connection_incomplete");
}

static int validate(struct rp_flow *f, const char *id_token)
{
	const struct connection *c = &f->conn;
	struct oidc_rp_expect e = {
		.issuer = f->idp.issuer,
		.client_id = c->oidc_client_id,
		.nonce = f->st.nonce,
		.now = clock_now(),
		.skew_s = OIDC_RP_SKEW_S,
		.algs = oidc_rp_provider_metadata(f->prov)->algs,
		.require_email_verified = c->oidc_require_email_verified,
		.tenant_rule = f->idp.rule,
		.tenant = c->easie_tenant,
	};
	size_t before = f->problems.n;
	int rc = oidc_rp_id_token_validate(&f->id, &f->problems, id_token, strlen(id_token),
	                                   oidc_rp_provider_keys(f->prov), &e);
	if (rc == 0 || !oidc_rp_problems_has(&f->problems, "unknown_key") ||
	    routes_oidc_rp_idp_rekey(&f->idp, &f->prov) != 0)
		return rc;
	/* the IdP may have rotated its keys since we fetched them: once more with the new set */
	f->problems.n = before;
	oidc_rp_identity_release(&f->id);
	return oidc_rp_id_token_validate(&f->id, &f->problems, id_token, strlen(id_token),
	                                 oidc_rp_provider_keys(f->prov), &e);
}

static int exchange_and_validate(struct rp_flow *f)
{
	char *secret = NULL;
	struct oidc_rp_token_response t = { 0 };
	int rc = app_oidc_client_secret(f->ctx->app, f->conn_id, &secret);
	if (rc == 0)
		rc = routes_oidc_rp_idp_exchange(&f->idp, f->prov, secret,
		                                 http_request_query(f->ctx->req, "code"),
		                                 f->st.code_verifier, &t);
	if (secret) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	if (rc)
		return fail(f, rc, "token_request_failed");
	rc = validate(f, t.id_token);
	oidc_rp_token_response_release(&t);
	return rc;
}

/* --- test sign-ins ------------------------------------------------------------------ */

static void test_page_body(struct buf *b, const struct test_sign_in *t,
                           const struct oidc_rp_problems *p)
{
	bool passed = !strcmp(t->status, "passed");
	buf_appendf(b, "<p class=\"%s\">", passed ? "passed" : "failed");
	buf_appends(b, passed ? "The identity provider signed you in and every check passed."
	                      : "The sign-in did not pass these checks:");
	buf_appends(b, "</p>");
	if (p->n)
		buf_appends(b, "<ul>");
	for (size_t i = 0; i < p->n; i++) {
		buf_appends(b, "<li><code>");
		route_html_escape(b, p->items[i].code);
		buf_appends(b, "</code> ");
		route_html_escape(b, p->items[i].message);
		buf_appends(b, "</li>");
	}
	if (p->n)
		buf_appends(b, "</ul>");
	if (t->email) {
		buf_appends(b, "<p>Signed in as <code>");
		route_html_escape(b, t->email);
		buf_appends(b, "</code>.</p>");
	}
	buf_appends(b, "<p>No user or membership was created. The full result (claims and "
	               "problems) is in the test sign-in <code>");
	route_html_escape(b, t->id);
	buf_appends(b, "</code>. You can close this window.</p>");
}

int routes_oidc_rp_test_page(struct route_ctx *ctx, const struct test_sign_in *t,
                             const struct oidc_rp_problems *p)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	test_page_body(&b, t, p);
	bool passed = !strcmp(t->status, "passed");
	int rc = routes_sso_page(ctx, 200, passed ? "Test sign-in passed" : "Test sign-in failed",
	                         b.data);
	buf_release(&b);
	return rc;
}

/* The outcome could not be recorded (already completed, database down): say so to the admin. */
static int test_not_recorded(struct route_ctx *ctx)
{
	const struct error_state *e = error_get();
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, "<p class=\"failed\">");
	route_html_escape(&b, e->detail);
	buf_appends(&b, "</p><p>Reference: <code>");
	route_html_escape(&b, ctx->req->id);
	buf_appends(&b, "</code></p>");
	int rc = routes_sso_page(ctx, error_http_status(e), "Test sign-in not recorded", b.data);
	buf_release(&b);
	return rc;
}

int routes_oidc_rp_test_record(struct route_ctx *ctx, const char *test_id, const char *conn_id,
                               const struct oidc_rp_identity *id, const struct oidc_rp_problems *p)
{
	char *problems = oidc_rp_problems_to_json(p);
	struct test_sign_in t = { 0 };
	xsnprintf(t.id, sizeof(t.id), "%s", test_id);
	xsnprintf(t.connection_id, sizeof(t.connection_id), "%s", conn_id);
	t.status = (char *)(uintptr_t)(p->n ? "failed" : "passed"); /* borrowed, never freed */
	t.name_id = id ? id->sub : NULL;
	t.email = id ? id->email : NULL;
	t.attributes = id ? id->attributes_json : NULL;
	t.problems = problems;
	t.completed_at = clock_now();
	int rc = app_test_sign_in_finish(ctx->app, &t);
	free(problems);
	if (rc)
		return test_not_recorded(ctx);
	log_info("test sign-in finished", "connection=%s test=%s status=%s", conn_id, t.id,
	         t.status);
	return routes_oidc_rp_test_page(ctx, &t, p);
}

static int finish_test(struct rp_flow *f)
{
	/* the email-domain rule, as a real sign-in would apply it (never provisions) */
	if (f->problems.n == 0)
		fail(f, app_provision_check_domain(f->ctx->app, &f->conn, f->id.email),
		     "email_domain_not_covered");
	return routes_oidc_rp_test_record(f->ctx, f->st.test_sign_in_id, f->conn_id, &f->id,
	                                  &f->problems);
}

/* --- real sign-ins ------------------------------------------------------------------- */

static int sign_in(struct rp_flow *f, struct signin_finished *done)
{
	if (strcmp(f->conn.status, "active") != 0)
		return error_setc(ERR_FORBIDDEN, "connection_inactive",
		                  "connection %s is %s: only an active connection signs users in",
		                  f->conn.id, f->conn.status);
	struct sso_identity id = { .email = f->id.email,
		                   .first_name = f->id.given_name,
		                   .last_name = f->id.family_name,
		                   .external_id = f->id.sub,
		                   .attributes_json = f->id.attributes_json };
	/* a top-level GET from the IdP brings the SameSite=Lax binding cookie (sso_binding.c) */
	char presented[CRYPTO_SHA256_HEX_LEN];
	if (!routes_sso_browser_hash(f->ctx, presented))
		xsnprintf(presented, sizeof(presented), "%s", "no binding cookie");
	return app_signin_finish(f->ctx->app, &f->conn, &id, NULL, f->st.auth_request_id, presented,
	                         done);
}

static int finish_real(struct rp_flow *f)
{
	struct signin_finished done = { 0 };
	if (f->problems.n == 0)
		fail(f, sign_in(f, &done), "sign_in_failed");
	if (f->problems.n == 0) {
		int rc = route_redirect(f->ctx, done.redirect);
		signin_finished_release(&done);
		return rc;
	}
	signin_finished_release(&done);
	/* the path is the client's: name the connection only when it exists */
	if (!f->have_conn)
		f->have_conn = app_connection_get(f->ctx->app, f->conn_id, &f->conn) == 0;
	char *detail = oidc_rp_problems_join(&f->problems);
	app_sign_in_failure_record(f->ctx->app, f->have_conn ? f->conn.id : NULL,
	                           f->have_conn ? f->conn.org_id : NULL, f->problems.items[0].code,
	                           detail, f->ctx->req->id);
	free(detail);
	return routes_sso_sign_in_failed(f->ctx, 400);
}

static int callback(struct route_ctx *ctx)
{
	struct rp_flow f = { .ctx = ctx, .conn_id = route_param(ctx, "conn") };
	if (routes_sso_limit_reached(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip))
		return routes_sso_limited(ctx);
	int rc = take_state(&f);
	if (rc == 0)
		rc = idp_error_param(&f);
	if (rc == 0)
		rc = load_connection(&f);
	if (rc == 0)
		exchange_and_validate(&f);
	error_clear();
	rc = f.st.test_sign_in_id[0] ? finish_test(&f) : finish_real(&f);
	if (f.problems.n)
		routes_sso_limit_take(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip);
	flow_release(&f);
	return rc;
}

/* clang-format off */
const struct route routes_oidc_rp[] = {
	{ "GET", "/oidc/{conn}/callback", callback, AUTH_NONE, BODY_NONE, "oidc.callback" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
