/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A SAML connection's IdP settings from metadata (see saml.h): the document
 * pasted (saml.idp_metadata_xml) or fetched from saml.idp_metadata_url through
 * the SSRF guard, on create/update and on demand (POST .../refresh_metadata).
 * The entity ID, SSO URL and signing certificates read from it are stored in
 * the connection's columns (what activation and sign-ins use); the document is
 * kept too. Values the same request sets explicitly win (e.g. a rollover
 * certificate added by hand).
 */
#include "base/common.h"

#include "app/connection.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "http/client.h"
#include "routes/saml.h"
#include "saml/cert.h"

#define FETCH_TIMEOUT_MS         10000
#define CERT_EXPIRY_WARNING_DAYS 30

int routes_saml_fetch_metadata(const char *url, char **out, size_t *out_len)
{
	static const char *const accept[] = {
		"Accept: application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8", NULL
	};
	struct http_client_request req = { .url = url,
		                           .headers = accept,
		                           .timeout_ms = FETCH_TIMEOUT_MS,
		                           .max_response_bytes = SAML_METADATA_MAX_BYTES };
	struct http_client_response res = { 0 };
	*out = NULL;
	*out_len = 0;
	int rc = http_client_send(&res, &req);
	if (rc)
		rc = error_setc(ERR_PEER, "metadata_unreachable",
		                "could not fetch the IdP metadata at %.300s: %s", url,
		                error_get()->detail);
	else if (res.status != 200)
		rc = error_setc(
		        ERR_PEER, "metadata_unreachable",
		        "the IdP metadata URL %.300s answered HTTP %d instead of the document", url,
		        res.status);
	if (rc == 0) {
		*out = res.body;
		*out_len = res.body_len;
		res.body = NULL;
	}
	http_client_response_release(&res);
	return rc;
}

static void warn(json_t *warnings, const char *code, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void warn(json_t *warnings, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *w = json_object();
	json_object_set_new(w, "code", json_string(code));
	json_object_set_new(w, "message", json_string(msg));
	json_array_append_new(warnings, w);
}

/* Expired or soon-expiring IdP certificates: only the key is pinned, so a warning. */
static void check_expiry(json_t *warnings, const struct saml_cert *c)
{
	int64_t now = clock_now();
	char when[32];
	clock_format_rfc3339(when, sizeof(when), c->not_after);
	if (c->not_after && c->not_after <= now)
		warn(warnings, "certificate_expired",
		     "the IdP signing certificate %s (SHA-256 %s) expired on %s; its key still "
		     "verifies signatures, but the IdP is likely to replace it: refresh the metadata "
		     "when it does",
		     c->subject, c->sha256, when);
	else if (c->not_after && c->not_after - now < CERT_EXPIRY_WARNING_DAYS * 86400)
		warn(warnings, "certificate_expiring",
		     "the IdP signing certificate %s (SHA-256 %s) expires on %s", c->subject,
		     c->sha256, when);
}

static int field_error(const char *field)
{
	const struct error_state *e = error_get();
	char code[64], detail[sizeof(e->detail)];
	xsnprintf(code, sizeof(code), "%s", e->stable[0] ? e->stable : "invalid_metadata");
	xsnprintf(detail, sizeof(detail), "%s", e->detail);
	int rc = error_setc(ERR_INVALID, code, "%s: %s", field, detail);
	error_set_status(422);
	error_add_field(field, code);
	return rc;
}

/* The request's explicit certificates must be usable RSA certificates. */
static int check_certs(struct saml_setup *s, const struct connection_input *in)
{
	for (size_t i = 0; i < in->ncerts; i++) {
		struct saml_cert c;
		if (saml_cert_from_pem(&c, in->saml_idp_certificates[i]) != 0)
			return field_error("saml.idp_certificates");
		check_expiry(s->warnings, &c);
		saml_cert_release(&c);
	}
	return 0;
}

static int parse(struct saml_setup *s, const char *xml, size_t len, const char *field)
{
	if (saml_idp_metadata_parse(&s->idp, xml, len) != 0)
		return field_error(field);
	s->have_idp = true;
	for (size_t i = 0; i < s->idp.ncerts; i++)
		check_expiry(s->warnings, &s->idp.certs[i]);
	return 0;
}

/* Fills the explicit IdP fields the request leaves out from the parsed document. */
static void fill_input(struct saml_setup *s, struct connection_input *in)
{
	in->has_saml = true;
	if (!in->has_entity_id || !in->saml_idp_entity_id) {
		in->saml_idp_entity_id = s->idp.entity_id;
		in->has_entity_id = true;
	}
	if (!in->has_sso_url || !in->saml_idp_sso_url) {
		in->saml_idp_sso_url = s->idp.sso_url;
		in->has_sso_url = true;
	}
	if (!in->has_certs || in->ncerts == 0) {
		free(in->saml_idp_certificates);
		in->saml_idp_certificates = xcalloc(s->idp.ncerts + 1, sizeof(char *));
		for (size_t i = 0; i < s->idp.ncerts; i++)
			in->saml_idp_certificates[i] = s->idp.certs[i].pem;
		in->ncerts = s->idp.ncerts;
		in->has_certs = true;
	}
}

int routes_saml_setup_prepare(struct saml_setup *s, struct connection_input *in)
{
	memset(s, 0, sizeof(*s));
	s->warnings = json_array();
	int rc = 0;
	if (in->has_certs && in->ncerts)
		rc = check_certs(s, in);
	if (rc)
		return rc;
	bool url = in->has_metadata_url && in->saml_idp_metadata_url && *in->saml_idp_metadata_url;
	bool xml = in->has_metadata_xml && in->saml_idp_metadata_xml && *in->saml_idp_metadata_xml;
	if (url && !xml) {
		size_t len = 0;
		rc = routes_saml_fetch_metadata(in->saml_idp_metadata_url, &s->fetched_xml, &len);
		if (rc)
			return field_error("saml.idp_metadata_url");
		rc = parse(s, s->fetched_xml, len, "saml.idp_metadata_url");
		in->saml_idp_metadata_xml = s->fetched_xml;
		in->has_metadata_xml = true;
	} else if (xml) {
		rc = parse(s, in->saml_idp_metadata_xml, strlen(in->saml_idp_metadata_xml),
		           "saml.idp_metadata_xml");
		if (!url) { /* a pasted document replaces a URL set before */
			in->saml_idp_metadata_url = NULL;
			in->has_metadata_url = true;
		}
	}
	if (rc == 0 && s->have_idp)
		fill_input(s, in);
	return rc;
}

void routes_saml_setup_release(struct saml_setup *s)
{
	saml_idp_metadata_release(&s->idp);
	free(s->fetched_xml);
	json_decref(s->warnings);
	memset(s, 0, sizeof(*s));
}

/* POST /v1/enterprise_connections/{conn}/refresh_metadata */
int routes_connection_refresh_metadata(struct route_ctx *ctx)
{
	struct connection c = { 0 }, x = { 0 };
	struct connection_input in = { 0 };
	struct saml_setup s = { 0 };
	int rc = app_connection_get(ctx->app, route_param(ctx, "conn"), &c);
	if (rc == 0 && strcmp(c.protocol, "saml") != 0)
		rc = error_setc(ERR_CONFLICT, "wrong_protocol",
		                "connection %s speaks %s: only SAML connections have IdP metadata",
		                c.id, c.protocol);
	if (rc == 0 && !c.saml_idp_metadata_url)
		rc = error_setc(ERR_CONFLICT, "no_metadata_url",
		                "connection %s has no saml.idp_metadata_url to fetch", c.id);
	if (rc == 0) {
		in.saml_idp_metadata_url = c.saml_idp_metadata_url;
		in.has_metadata_url = in.has_saml = true;
		rc = routes_saml_setup_prepare(&s, &in);
	}
	if (rc == 0)
		rc = app_connection_update(ctx->app, &ctx->actor, c.id, &in, &x);
	if (rc == 0)
		routes_saml_ctx_evict(c.id);
	if (rc == 0) {
		log_info("SAML IdP metadata refreshed", "connection=%s certificates=%zu", c.id,
		         s.idp.ncerts);
		json_t *j = connection_to_json(&x, ctx->app->cfg->public_url);
		json_object_set(j, "warnings", s.warnings);
		rc = route_json(ctx, 200, j);
	}
	routes_saml_setup_release(&s);
	connection_input_release(&in);
	connection_release(&x);
	connection_release(&c);
	return rc;
}

/* clang-format off */
const struct route routes_saml_setup[] = {
	{ "POST", "/v1/enterprise_connections/{conn}/refresh_metadata",
	  routes_connection_refresh_metadata, AUTH_SECRET_KEY,
	  BODY_SMALL, "connections.refresh_metadata" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
/* clang-format on */
