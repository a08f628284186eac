/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SAML connections at the HTTP edge (see saml.h): SP keys, the context cache,
 * the start of a sign-in and the SP metadata document.
 */
#include "base/common.h"

#include "routes/saml.h"

#include "app/connection.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "crypto/crypto.h"
#include "routes/sso.h"
#include "saml/authn_request.h"
#include "saml/sp.h"
#include "saml/sp_metadata.h"

#include <pthread.h>

#define CACHE_BUCKETS 64
#define CACHE_IDLE_S  3600 /* a context unused this long is dropped (deleted elsewhere?) */

/* --- SP keys ------------------------------------------------------------------------- */

static int generate(struct saml_sp_keys *out, const char *conn_id)
{
	struct saml_sp_keypair sign = { 0 }, enc = { 0 };
	char cn[128];
	int64_t now = clock_now();
	memset(out, 0, sizeof(*out));
	xsnprintf(cn, sizeof(cn), "gatehouse SAML SP %s", conn_id);
	int rc = saml_sp_keypair_new(&sign, cn, now);
	if (rc == 0)
		rc = saml_sp_keypair_new(&enc, cn, now);
	if (rc == 0) {
		out->signing_key_pem = xstrdup(sign.key_pem);
		out->signing_cert_pem = xstrdup(sign.cert_pem);
		out->encryption_key_pem = xstrdup(enc.key_pem);
		out->encryption_cert_pem = xstrdup(enc.cert_pem);
	}
	saml_sp_keypair_release(&sign);
	saml_sp_keypair_release(&enc);
	return rc;
}

int routes_saml_keys(struct app *a, const struct actor *who, const char *conn_id,
                     struct saml_sp_keys *out)
{
	int rc = app_saml_sp_keys_get(a, conn_id, out);
	if (rc != ERR_CONFLICT)
		return rc;
	error_clear();
	struct saml_sp_keys fresh;
	rc = generate(&fresh, conn_id);
	if (rc == 0)
		rc = app_saml_sp_keys_ensure(a, who, conn_id, &fresh, out);
	if (rc == 0)
		log_info("SAML SP key pairs created", "connection=%s", conn_id);
	saml_sp_keys_release(&fresh);
	return rc;
}

/* --- the context cache ------------------------------------------------------------------ */

struct ctx_entry {
	char conn_id[ID_MAX];
	char *settings; /* settings_text() of the connection the context was built from */
	size_t settings_len;
	struct saml_sp_ctx *ctx;
	int64_t used_at; /* written under cache_lock */
	struct ctx_entry *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ctx_entry *cache[CACHE_BUCKETS];

static size_t bucket(const char *conn_id)
{
	size_t h = 5381;
	for (const char *p = conn_id; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return h % CACHE_BUCKETS;
}

static struct saml_sp_ctx *cache_get(const char *conn_id, const char *text, size_t len)
{
	struct saml_sp_ctx *found = NULL;
	pthread_mutex_lock(&cache_lock);
	for (struct ctx_entry *e = cache[bucket(conn_id)]; e; e = e->next)
		if (!strcmp(e->conn_id, conn_id) && e->settings_len == len &&
		    !memcmp(e->settings, text, len)) {
			found = saml_sp_ctx_ref(e->ctx);
			e->used_at = clock_now();
		}
	pthread_mutex_unlock(&cache_lock);
	return found;
}

/*
 * Unlinks the entries idle since before idle_before, or the one of conn_id
 * (either may be NULL/0), onto *dropped (caller holds cache_lock, then unrefs
 * outside it): the contexts of deleted connections must not stay in memory.
 */
static void cache_unlink(const char *conn_id, int64_t idle_before, struct ctx_entry **dropped)
{
	for (size_t b = 0; b < CACHE_BUCKETS; b++) {
		for (struct ctx_entry **p = &cache[b]; *p;) {
			struct ctx_entry *e = *p;
			if ((conn_id && !strcmp(e->conn_id, conn_id)) ||
			    (idle_before && e->used_at < idle_before)) {
				*p = e->next;
				e->next = *dropped;
				*dropped = e;
			} else {
				p = &e->next;
			}
		}
	}
}

static void free_dropped(struct ctx_entry *e)
{
	while (e) {
		struct ctx_entry *next = e->next;
		log_info("SAML connection context evicted", "connection=%s", e->conn_id);
		saml_sp_ctx_unref(e->ctx); /* requests in flight keep theirs by reference */
		free(e->settings);
		free(e);
		e = next;
	}
}

void routes_saml_ctx_evict(const char *conn_id)
{
	struct ctx_entry *dropped = NULL;
	pthread_mutex_lock(&cache_lock);
	cache_unlink(conn_id, 0, &dropped);
	pthread_mutex_unlock(&cache_lock);
	free_dropped(dropped);
}

/* Replaces the connection's entry; the old context lives on while requests hold it. */
static void cache_put(const char *conn_id, char *text, size_t len, struct saml_sp_ctx *ctx)
{
	struct saml_sp_ctx *old = NULL;
	struct ctx_entry *dropped = NULL;
	pthread_mutex_lock(&cache_lock);
	cache_unlink(NULL, clock_now() - CACHE_IDLE_S, &dropped); /* builds are rare: prune here */
	struct ctx_entry **slot = &cache[bucket(conn_id)], *e = *slot;
	while (e && strcmp(e->conn_id, conn_id) != 0)
		e = e->next;
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		xsnprintf(e->conn_id, sizeof(e->conn_id), "%s", conn_id);
		e->next = *slot;
		*slot = e;
	}
	old = e->ctx;
	e->ctx = saml_sp_ctx_ref(ctx);
	e->used_at = clock_now();
	free(e->settings);
	e->settings = text; /* taken */
	e->settings_len = len;
	pthread_mutex_unlock(&cache_lock);
	saml_sp_ctx_unref(old);
	free_dropped(dropped);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/*
 * Every setting the context is built from (the IdP document only by its length), as
 * one text compared in full with the cached one: appended, not formatted, and not
 * hashed, since this runs on every ACS request. Caller frees.
 */
static char *settings_text(const struct connection *c, size_t *len)
{
	const char *parts[] = { c->saml_idp_entity_id, c->saml_idp_sso_url,
		                c->saml_idp_certificates, c->saml_sp_signing_cert,
		                c->saml_sp_encryption_cert };
	struct buf b;
	buf_init(&b, SIZE_MAX);
	buf_appendf(&b, "%lld\n%d%d%d%d%d\n%zu", (long long)c->updated_at,
	            c->saml_sign_authn_requests, c->saml_want_encrypted_assertions,
	            c->saml_allow_sha1, c->saml_require_signed_response, c->allow_idp_initiated,
	            c->saml_idp_metadata_xml ? strlen(c->saml_idp_metadata_xml) : 0);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		/* a length prefix keeps the parts apart whatever they hold */
		size_t n = parts[i] ? strlen(parts[i]) : 0;
		buf_appendf(&b, "\n%zu%c", n, parts[i] ? ':' : '-');
		buf_append(&b, parts[i] ? parts[i] : "", n);
	}
	return buf_detach(&b, len);
}

static int incomplete(const struct connection *c)
{
	return error_setc(ERR_CONFLICT, "connection_incomplete",
	                  "connection %s has no usable IdP settings: set saml.idp_metadata_url or "
	                  "saml.idp_metadata_xml, or the IdP's entity ID, SSO URL and signing "
	                  "certificate",
	                  c->id);
}

/* The IdP from the stored columns; the pasted or fetched document adds its binding. */
static int idp_from_connection(struct saml_idp *idp, const struct connection *c)
{
	json_t *certs = json_loads(or_empty(c->saml_idp_certificates), 0, NULL);
	const char *pems[SAML_IDP_MAX_CERTS];
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(certs, i, v)
	{
		if (json_is_string(v) && n < SAML_IDP_MAX_CERTS)
			pems[n++] = json_string_value(v);
	}
	int rc = !c->saml_idp_entity_id || !c->saml_idp_sso_url || n == 0
	                 ? incomplete(c)
	                 : saml_idp_metadata_from_parts(idp, c->saml_idp_entity_id,
	                                                c->saml_idp_sso_url, pems, n);
	json_decref(certs);
	if (rc || !c->saml_idp_metadata_xml)
		return rc;
	struct saml_idp doc;
	if (saml_idp_metadata_parse(&doc, c->saml_idp_metadata_xml,
	                            strlen(c->saml_idp_metadata_xml)) == 0) {
		if (!strcmp(doc.sso_url, idp->sso_url))
			idp->sso_binding = doc.sso_binding;
		idp->want_authn_requests_signed = doc.want_authn_requests_signed;
		saml_idp_metadata_release(&doc);
	}
	error_clear();
	return 0;
}

static int sp_from_connection(struct saml_sp_config *sp, const struct config *cfg,
                              const struct connection *c, const struct saml_sp_keys *k,
                              const struct saml_idp *idp)
{
	saml_sp_config_init(sp);
	int rc = saml_sp_config_set_urls(sp, cfg->public_url, c->id);
	if (rc)
		return rc;
	sp->signing_key_pem = xstrdup(k->signing_key_pem);
	sp->signing_cert_pem = xstrdup(k->signing_cert_pem);
	if (k->encryption_key_pem && k->encryption_cert_pem) {
		sp->encryption_key_pem = xstrdup(k->encryption_key_pem);
		sp->encryption_cert_pem = xstrdup(k->encryption_cert_pem);
	}
	sp->sign_authn_requests = c->saml_sign_authn_requests || idp->want_authn_requests_signed;
	sp->want_encrypted_assertions = c->saml_want_encrypted_assertions;
	sp->allow_idp_initiated = c->allow_idp_initiated;
	sp->allow_sha1 = c->saml_allow_sha1;
	sp->require_signed_response = c->saml_require_signed_response;
	return 0;
}

static int build(struct app *a, const struct connection *c, struct saml_sp_ctx **out)
{
	struct saml_sp_keys k = { 0 };
	struct saml_idp idp = { 0 };
	struct saml_sp_config sp = { 0 };
	struct actor system = { "system", NULL };
	int rc = idp_from_connection(&idp, c);
	if (rc == 0)
		rc = routes_saml_keys(a, &system, c->id, &k);
	if (rc == 0)
		rc = sp_from_connection(&sp, a->cfg, c, &k, &idp);
	if (rc == 0)
		rc = saml_sp_ctx_new(out, &sp, &idp);
	if (rc == 0)
		log_info("SAML connection context built", "connection=%s", c->id);
	saml_sp_config_release(&sp);
	saml_idp_metadata_release(&idp);
	saml_sp_keys_release(&k);
	return rc;
}

int routes_saml_ctx(struct app *a, const struct connection *conn, struct saml_sp_ctx **out)
{
	size_t len = 0;
	*out = NULL;
	if (strcmp(conn->protocol, "saml") != 0)
		return error_setc(ERR_CONFLICT, "wrong_protocol",
		                  "connection %s speaks %s, not SAML", conn->id, conn->protocol);
	char *text = settings_text(conn, &len);
	*out = cache_get(conn->id, text, len);
	if (*out) {
		free(text);
		return 0;
	}
	int rc = build(a, conn, out);
	if (rc) {
		free(text);
		return rc;
	}
	/*
	 * Made keys change the connection (certificates, updated_at): the next lookup
	 * reads the new row and builds once more, which is rare (first use only).
	 */
	cache_put(conn->id, text, len, *out);
	return 0;
}

/* --- the start of a sign-in ----------------------------------------------------------- */

void routes_saml_relay_state(const struct app *a, char out[SAML_RELAY_MAX_HEX + 1],
                             const char *for_id)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[CRYPTO_SHA256_LEN];
	char *msg = xasprintf("gatehouse saml relay state\n%s", for_id);
	crypto_hmac_sha256(mac, a->seal_key, sizeof(a->seal_key), msg, strlen(msg));
	free(msg);
	for (size_t i = 0; i < SAML_RELAY_MAX_HEX / 2; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[SAML_RELAY_MAX_HEX] = '\0';
}

/* An IdP that takes the HTTP-POST binding only: a form the person submits (no scripts). */
static int post_form(struct route_ctx *ctx, const struct saml_authn_request *r)
{
	struct buf b;
	buf_init(&b, 256 * 1024);
	buf_appends(
	        &b,
	        "<p>Continue to your organization's identity provider.</p><form method=\"post\" "
	        "action=\"");
	route_html_escape(&b, r->url);
	buf_appends(&b, "\"><input type=\"hidden\" name=\"SAMLRequest\" value=\"");
	route_html_escape(&b, r->post_body);
	buf_appends(&b, "\">");
	if (r->relay_state) {
		buf_appends(&b, "<input type=\"hidden\" name=\"RelayState\" value=\"");
		route_html_escape(&b, r->relay_state);
		buf_appends(&b, "\">");
	}
	buf_appends(&b, "<button type=\"submit\">Continue</button></form>");
	int rc = routes_sso_page(ctx, 200, "Sign in", b.data);
	buf_release(&b);
	return rc;
}

static enum saml_hint_style hint_style(const struct connection *conn)
{
	if (!strcmp(conn->provider, "microsoft_entra_id"))
		return SAML_HINT_QUERY;
	if (!strcmp(conn->provider, "okta") || !strcmp(conn->provider, "custom_saml"))
		return SAML_HINT_SUBJECT;
	return SAML_HINT_NONE;
}

int routes_saml_begin(struct route_ctx *ctx, const struct connection *conn,
                      const char *auth_request_id, const char *test_id, const char *login_hint)
{
	struct saml_login_hint hint = { login_hint, hint_style(conn) };
	struct saml_sp_ctx *sctx = NULL;
	struct saml_authn_request r = { 0 };
	char relay[SAML_RELAY_MAX_HEX + 1];
	if (auth_request_id && strcmp(conn->status, "active") != 0)
		return error_setc(ERR_FORBIDDEN, "connection_inactive",
		                  "connection %s is %s: only an active connection signs users in",
		                  conn->id, conn->status);
	routes_saml_relay_state(ctx->app, relay, auth_request_id ? auth_request_id : test_id);
	int rc = routes_saml_ctx(ctx->app, conn, &sctx);
	if (rc == 0)
		rc = saml_authn_request_build_hinted(&r, sctx, relay, &hint, clock_now());
	if (rc == 0)
		rc = app_saml_request_save(ctx->app, conn->id, r.request_id, auth_request_id,
		                           test_id);
	if (rc == 0)
		rc = r.binding == SAML_BINDING_POST ? post_form(ctx, &r)
		                                    : route_redirect(ctx, r.url);
	saml_authn_request_release(&r);
	saml_sp_ctx_unref(sctx);
	return rc;
}

/* --- GET /saml/{conn}/metadata ------------------------------------------------------------ */

static int metadata(struct route_ctx *ctx)
{
	struct connection c = { 0 };
	struct saml_sp_keys k = { 0 };
	struct saml_sp_config sp;
	struct actor system = { "system", NULL };
	char *xml = NULL;
	saml_sp_config_init(&sp);
	int rc = app_connection_get(ctx->app, route_param(ctx, "conn"), &c);
	if (rc == 0 && strcmp(c.protocol, "saml") != 0)
		rc = error_setc(ERR_NOT_FOUND, "connection_not_found",
		                "connection %s is not a SAML connection", c.id);
	if (rc == 0)
		rc = routes_saml_keys(ctx->app, &system, c.id, &k);
	if (rc == 0)
		rc = saml_sp_config_set_urls(&sp, ctx->app->cfg->public_url, c.id);
	if (rc == 0) {
		sp.signing_cert_pem = xstrdup(k.signing_cert_pem);
		sp.encryption_cert_pem =
		        k.encryption_cert_pem ? xstrdup(k.encryption_cert_pem) : NULL;
		sp.sign_authn_requests = c.saml_sign_authn_requests;
		sp.want_encrypted_assertions = c.saml_want_encrypted_assertions;
		rc = saml_sp_metadata_build(&xml, &sp);
	}
	if (rc == 0) {
		buf_reset(&ctx->res->body);
		buf_appends(&ctx->res->body, xml);
		ctx->res->status = 200;
		ctx->res->content_type = "application/samlmetadata+xml";
		http_response_header(ctx->res, "Cache-Control", "public, max-age=300");
		http_response_header(ctx->res, "X-Content-Type-Options", "nosniff");
		char *name = xasprintf("attachment; filename=\"gatehouse-%s-metadata.xml\"", c.id);
		if (http_request_query(ctx->req, "download"))
			http_response_header(ctx->res, "Content-Disposition", name);
		free(name);
	}
	free(xml);
	saml_sp_config_release(&sp);
	saml_sp_keys_release(&k);
	connection_release(&c);
	return rc;
}

/* clang-format off */
const struct route routes_saml[] = {
	{ "GET", "/saml/{conn}/metadata", metadata, AUTH_NONE, BODY_NONE, "saml.metadata" },
	{ "POST", "/saml/{conn}/acs", routes_saml_acs, AUTH_NONE, SAML_ACS_BODY_MAX, "saml.acs" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
