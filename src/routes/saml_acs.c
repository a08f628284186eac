/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POST /saml/{conn}/acs: the IdP's answer (HTTP-POST binding).
 *
 * The response names the AuthnRequest it answers; that request's stored row
 * (taken once) says what the sign-in is for and gives the InResponseTo the
 * validation must find. Without one, only an IdP-initiated sign-in on a
 * connection that allows it can pass, and as no application asked for it, the
 * person is told to start from their application. After the protocol checks:
 * the replay cache, the identity (email, names, NameID, every attribute), and
 * then a recorded test outcome, or JIT provisioning and the hand-over to the
 * OpenID Provider. End users only ever see a generic page with the request id.
 *
 * Cross-site by nature (the IdP's page posts the form): no cookie is read, and
 * nothing happens unless the signed response answers a request sent from here.
 * The code goes to the app only through /sso/finish, in the browser that
 * started the sign-in (login CSRF: routes/sso_binding.c).
 */
#include "base/common.h"

#include "app/connection.h"
#include "app/diagnostics.h"
#include "app/oauth.h"
#include "app/provisioning.h"
#include "app/signin.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "routes/oidc_rp.h"
#include "routes/saml.h"
#include "routes/sso.h"
#include "saml/peek.h"
#include "saml/response.h"

#include <strings.h>

#define RELAY_STATE_MAX 80 /* SAML Bindings 3.4.3 */

#define NF_EMAIL  "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
#define XS_CLAIMS "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"

/* Where each identity field is looked for, best first (Okta, Entra ID, Google, LDAP OIDs). */
static const char *const email_names[] = {
	"email",
	"mail",
	"Email",
	"emailAddress",
	"EmailAddress",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
	"urn:oid:0.9.2342.19200300.100.1.3",
	"http://schemas.xmlsoap.org/claims/EmailAddress",
	NULL,
};
static const char *const first_names[] = {
	"firstName",
	"givenName",
	"given_name",
	"first_name",
	"FirstName",
	"GivenName",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
	"urn:oid:2.5.4.42",
	NULL,
};
static const char *const last_names[] = {
	"lastName",
	"surname",
	"sn",
	"family_name",
	"last_name",
	"familyName",
	"LastName",
	"Surname",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
	"urn:oid:2.5.4.4",
	NULL,
};

/* One ACS POST, start to finish. */
struct acs_flow {
	struct route_ctx *ctx;
	const char *conn_id;
	char *saml_response, *relay_state;
	size_t saml_response_len;
	struct connection conn;
	bool have_conn;
	struct saml_response_msg *msg; /* decoded and parsed once */
	char *in_response_to;
	bool request_taken;
	char auth_request_id[ID_MAX], test_id[ID_MAX];
	struct saml_sp_ctx *sctx;
	struct saml_assertion_result res;
	bool validated;
	/* the identity (borrowed from res, or owned attributes JSON) */
	char *email, *first_name, *last_name;
	char *attributes_json;
	struct oidc_rp_problems problems;
};

static int fail(struct acs_flow *f, int rc, const char *fallback_code)
{
	return oidc_rp_problems_take(&f->problems, rc, fallback_code);
}

/* --- the form -------------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Percent-decodes s[0..len) ('+' is a space); NULL on a bad escape or a NUL byte.
 * The runs between escapes are copied whole (memchr/memcpy): a SAMLResponse is
 * kilobytes of base64 with few escapes.
 */
static char *form_decode(const char *s, size_t len, size_t *out_len)
{
	char *out = xmalloc(len + 1);
	size_t n = 0, i = 0;
	while (i < len) {
		const char *pct = memchr(s + i, '%', len - i);
		size_t run = (size_t)((pct ? pct : s + len) - (s + i));
		if (memchr(s + i, '\0', run))
			goto bad;
		memcpy(out + n, s + i, run);
		for (char *p = out + n, *end = out + n + run;
		     (p = memchr(p, '+', (size_t)(end - p)));)
			*p++ = ' ';
		n += run;
		i += run;
		if (i == len)
			break;
		int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
		int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		out[n++] = (char)(hi * 16 + lo);
		i += 3;
	}
	out[n] = '\0';
	*out_len = n;
	return out;
bad:
	free(out);
	return NULL;
}

static int bad_form(const char *why)
{
	return error_setc(
	        ERR_INVALID, "invalid_form",
	        "the ACS expects an HTTP-POST binding form (SAMLResponse, RelayState): %s", why);
}

/* Reads SAMLResponse (required, once) and RelayState (optional, once) from the body. */
static int read_form(struct acs_flow *f)
{
	const struct http_request *req = f->ctx->req;
	const char *ct = http_request_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return bad_form("the body is not application/x-www-form-urlencoded");
	const char *p = req->body.data ? req->body.data : "", *end = p + req->body.len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end, *eq = memchr(p, '=', (size_t)(stop - p));
		size_t name_len = (size_t)((eq ? eq : stop) - p);
		char **slot = name_len == 12 && !memcmp(p, "SAMLResponse", 12) ? &f->saml_response
		              : name_len == 10 && !memcmp(p, "RelayState", 10) ? &f->relay_state
		                                                               : NULL;
		if (slot && *slot)
			return bad_form("a field appears twice");
		if (slot) {
			size_t n = 0;
			const char *v = eq ? eq + 1 : stop;
			*slot = form_decode(v, (size_t)(stop - v), &n);
			if (!*slot)
				return bad_form("a value is not valid percent-encoding");
			if (slot == &f->saml_response)
				f->saml_response_len = n;
		}
		p = stop + (amp ? 1 : 0);
	}
	if (!f->saml_response || !f->saml_response_len)
		return error_setc(ERR_INVALID, "missing_saml_response",
		                  "the POST carries no SAMLResponse: it did not come from an IdP");
	if (f->relay_state && strlen(f->relay_state) > RELAY_STATE_MAX)
		return bad_form("RelayState is longer than 80 bytes");
	return 0;
}

/* --- the protocol ---------------------------------------------------------------------- */

static int load_connection(struct acs_flow *f)
{
	int rc = app_connection_get(f->ctx->app, f->conn_id, &f->conn);
	f->have_conn = rc == 0;
	if (rc == 0 && strcmp(f->conn.protocol, "saml") != 0)
		rc = error_setc(ERR_CONFLICT, "wrong_protocol", "connection %s speaks %s, not SAML",
		                f->conn.id, f->conn.protocol);
	return rc;
}

/* The request the response answers: taken once, for this connection only. */
static int take_request(struct acs_flow *f)
{
	f->msg = saml_response_msg_parse(f->saml_response, f->saml_response_len);
	saml_response_msg_in_response_to(&f->in_response_to, f->msg);
	if (!f->in_response_to)
		return 0; /* unsolicited: the validation decides whether that is allowed */
	int rc = app_saml_request_take(f->ctx->app, f->conn_id, f->in_response_to,
	                               f->auth_request_id, f->test_id);
	f->request_taken = rc == 0;
	return rc;
}

/* RelayState, when the IdP sent one back, must be the one sent with the request. */
static int check_relay_state(struct acs_flow *f)
{
	char want[SAML_RELAY_MAX_HEX + 1];
	if (!f->request_taken || !f->relay_state || !*f->relay_state)
		return 0;
	routes_saml_relay_state(f->ctx->app, want,
	                        f->auth_request_id[0] ? f->auth_request_id : f->test_id);
	if (!strcmp(want, f->relay_state))
		return 0;
	return error_setc(ERR_INVALID, "relay_state_mismatch",
	                  "the RelayState that came back is not the one sent with AuthnRequest "
	                  "%.80s",
	                  f->in_response_to);
}

static void add_saml_problems(struct acs_flow *f)
{
	const struct saml_problems *p = &f->res.problems;
	for (size_t i = 0; i < p->n; i++)
		oidc_rp_problems_add(&f->problems, p->items[i].code, "%s", p->items[i].detail);
	if (!f->res.ok && p->n == 0)
		oidc_rp_problems_add(&f->problems, "rejected", "%s", error_get()->detail);
}

static int validate(struct acs_flow *f)
{
	int rc = routes_saml_ctx(f->ctx->app, &f->conn, &f->sctx);
	if (rc)
		return fail(f, rc, "connection_incomplete");
	saml_response_validate_msg(&f->res, f->sctx, f->msg,
	                           f->request_taken ? f->in_response_to : NULL, clock_now());
	f->validated = true;
	add_saml_problems(f);
	error_clear();
	if (f->problems.n == 0)
		fail(f, check_relay_state(f), "relay_state_mismatch");
	if (f->problems.n == 0 && !f->res.assertion_id)
		oidc_rp_problems_add(&f->problems, "invalid_assertion",
		                     "the assertion has no ID, so its replay cannot be refused");
	/* a real sign-in writes its replay entry with its last transaction (app_signin_finish) */
	if (f->problems.n == 0 && !f->auth_request_id[0])
		fail(f,
		     app_saml_assertion_remember(f->ctx->app, f->conn.id, f->res.assertion_id,
		                                 f->res.replay_until_at),
		     "assertion_replayed");
	return f->problems.n ? ERR_INVALID : 0;
}

/* --- the identity ---------------------------------------------------------------------- */

static char *first_value(const struct saml_assertion_result *r, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		const struct saml_attribute *a = saml_response_attribute(r, names[i]);
		for (size_t j = 0; a && j < a->nvalues; j++)
			if (*a->values[j])
				return a->values[j];
	}
	/* then by FriendlyName (urn:oid names usually carry one) */
	for (size_t k = 0; k < r->nattributes; k++) {
		const struct saml_attribute *a = &r->attributes[k];
		for (size_t i = 0; a->friendly_name && names[i]; i++)
			if (!strcmp(a->friendly_name, names[i]) && a->nvalues && *a->values[0])
				return a->values[0];
	}
	return NULL;
}

static bool looks_like_email(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>\"");
}

static char *attributes_json(const struct saml_assertion_result *r)
{
	json_t *o = json_object();
	for (size_t i = 0; i < r->nattributes; i++) {
		json_t *vals = json_array();
		for (size_t j = 0; j < r->attributes[i].nvalues; j++)
			json_array_append_new(vals, json_string(r->attributes[i].values[j]));
		json_object_set_new(o, r->attributes[i].name, vals);
	}
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

/* Reads the identity (also from a refused response, for the test page: shown, never used). */
static void read_identity(struct acs_flow *f)
{
	const struct saml_assertion_result *r = &f->res;
	if (r->name_id && ((r->name_id_format && !strcmp(r->name_id_format, NF_EMAIL)) ||
	                   looks_like_email(r->name_id)))
		f->email = r->name_id;
	else
		f->email = first_value(r, email_names);
	f->first_name = first_value(r, first_names);
	f->last_name = first_value(r, last_names);
	f->attributes_json = attributes_json(r);
	if (f->problems.n == 0 && !looks_like_email(f->email))
		oidc_rp_problems_add(
		        &f->problems, "missing_email",
		        "the assertion carries no email address: the NameID (%.120s, format %.100s) is "
		        "not one, and none of the attributes email, mail or %semailaddress is there; "
		        "send the email as the NameID (format emailAddress) or as an attribute named "
		        "email",
		        r->name_id ? r->name_id : "none",
		        r->name_id_format ? r->name_id_format : "unspecified", XS_CLAIMS);
}

/* --- the outcome ----------------------------------------------------------------------- */

static int finish_test(struct acs_flow *f)
{
	if (f->problems.n == 0)
		fail(f, app_provision_check_domain(f->ctx->app, &f->conn, f->email),
		     "email_domain_not_covered");
	struct oidc_rp_identity id = { .sub = f->res.name_id,
		                       .email = f->email,
		                       .attributes_json = f->attributes_json };
	return routes_oidc_rp_test_record(f->ctx, f->test_id, f->conn.id, f->validated ? &id : NULL,
	                                  &f->problems);
}

static int sign_in(struct acs_flow *f, struct signin_finished *done)
{
	if (strcmp(f->conn.status, "active") != 0)
		return error_setc(ERR_FORBIDDEN, "connection_inactive",
		                  "connection %s is %s: only an active connection signs users in",
		                  f->conn.id, f->conn.status);
	struct sso_identity id = { .email = f->email,
		                   .first_name = f->first_name,
		                   .last_name = f->last_name,
		                   .external_id = f->res.name_id,
		                   .attributes_json = f->attributes_json };
	struct signin_assertion seen = { f->res.assertion_id, f->res.replay_until_at };
	/* a cross-site POST brings no SameSite=Lax cookie: /sso/finish compares it */
	return app_signin_finish(f->ctx->app, &f->conn, &id, &seen, f->auth_request_id, NULL, done);
}

/* A valid IdP-initiated sign-in: no application asked, so there is nowhere to send a code. */
static int unsolicited(struct acs_flow *f)
{
	app_sign_in_failure_record(
	        f->ctx->app, f->conn.id, f->conn.org_id, "idp_initiated_without_request",
	        "a valid IdP-initiated response arrived; gatehouse completes sign-ins only for an "
	        "application's authorization request, so the person was asked to start from the "
	        "application",
	        f->ctx->req->id);
	return route_html(f->ctx, 400, "Start from your application",
	                  "Your identity provider signed you in, but no application asked for this "
	                  "sign-in. Open the application you want to use and sign in from there.",
	                  NULL);
}

static int finish_real(struct acs_flow *f)
{
	struct signin_finished done = { 0 };
	if (f->problems.n == 0 && !f->auth_request_id[0])
		return unsolicited(f);
	if (f->problems.n == 0)
		fail(f, sign_in(f, &done), "sign_in_failed");
	if (f->problems.n == 0) {
		int rc = routes_sso_handoff(f->ctx, f->auth_request_id, f->conn.id, &done);
		signin_finished_release(&done);
		log_info("SAML sign-in", "connection=%s", f->conn.id);
		return rc;
	}
	signin_finished_release(&done);
	char *detail = oidc_rp_problems_join(&f->problems);
	app_sign_in_failure_record(f->ctx->app, f->have_conn ? f->conn.id : NULL,
	                           f->have_conn ? f->conn.org_id : NULL, f->problems.items[0].code,
	                           detail, f->ctx->req->id);
	free(detail);
	return routes_sso_sign_in_failed(f->ctx, 400);
}

static void flow_release(struct acs_flow *f)
{
	free(f->saml_response);
	free(f->relay_state);
	free(f->in_response_to);
	saml_response_msg_free(f->msg);
	free(f->attributes_json);
	if (f->have_conn)
		connection_release(&f->conn);
	saml_response_result_release(&f->res);
	saml_sp_ctx_unref(f->sctx);
}

int routes_saml_acs(struct route_ctx *ctx)
{
	struct acs_flow f = { .ctx = ctx, .conn_id = route_param(ctx, "conn") };
	if (routes_sso_limit_reached(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip))
		return routes_sso_limited(ctx); /* before any parsing or signature work */
	int rc = fail(&f, load_connection(&f), "connection_not_found");
	if (rc == 0)
		rc = fail(&f, read_form(&f), "invalid_form");
	if (rc == 0)
		rc = fail(&f, take_request(&f), "request_unknown");
	if (rc == 0)
		validate(&f); /* its problems are in f.problems */
	if (f.validated)
		read_identity(&f);
	error_clear();
	rc = f.test_id[0] ? finish_test(&f) : finish_real(&f);
	if (f.problems.n)
		routes_sso_limit_take(ctx, SSO_LIMIT_FAIL_IP, ctx->req->remote_ip);
	flow_release(&f);
	return rc;
}
