/* SPDX-License-Identifier: Apache-2.0 */
/* OAuth applications, redirect-URI rules, authorization requests (see oauth.h). */
#include "base/common.h"

#include "model/oauth.h"

#include "base/error.h"
#include "base/json_field.h"

static int invalid(const char *field, const char *code, const char *detail)
{
	error_setc(ERR_INVALID, code, "%s", detail);
	error_set_status(422);
	error_add_field(field, code);
	return ERR_INVALID;
}

static bool is_loopback_host(const char *host, size_t n)
{
	return (n == 9 && !memcmp(host, "localhost", 9)) ||
	       (n == 9 && !memcmp(host, "127.0.0.1", 9)) || (n == 5 && !memcmp(host, "[::1]", 5));
}

/* The host[:port] part must be a host name or IP literal with an optional numeric port. */
static bool authority_ok(const char *a, size_t n, bool *loopback)
{
	const char *colon = NULL;
	if (n == 0)
		return false;
	if (a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close)
			return false;
		colon = close + 1 < a + n ? close + 1 : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = memchr(a, ':', n);
	}
	size_t hlen = colon ? (size_t)(colon - a) : n;
	if (hlen == 0)
		return false;
	for (size_t i = 0; i < hlen; i++) {
		char c = a[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '[' || c == ']' || c == ':'))
			return false;
	}
	if (colon) {
		size_t plen = n - hlen - 1;
		if (plen == 0 || plen > 5)
			return false;
		long port = 0;
		for (size_t i = 1; i <= plen; i++) {
			if (colon[i] < '0' || colon[i] > '9')
				return false;
			port = port * 10 + (colon[i] - '0');
		}
		if (port < 1 || port > 65535)
			return false;
	}
	*loopback = is_loopback_host(a, hlen);
	return true;
}

int oauth_redirect_uri_check(const char *uri)
{
	size_t n = strlen(uri);
	const char *code = "invalid_redirect_uri";
	if (n == 0 || n > MODEL_URL_MAX)
		return error_setc(ERR_INVALID, code, "a redirect URI has 1-%d characters",
		                  MODEL_URL_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)uri[i] <= 0x20 || (unsigned char)uri[i] >= 0x7f)
			return error_setc(ERR_INVALID, code,
			                  "a redirect URI is printable ASCII without spaces");
	if (strchr(uri, '#'))
		return error_setc(ERR_INVALID, code,
		                  "a redirect URI must not have a fragment (RFC 6749 3.1.2)");
	if (strchr(uri, '*'))
		return error_setc(ERR_INVALID, code,
		                  "redirect URIs are matched exactly: no wildcards");
	bool https = !strncmp(uri, "https://", 8), http = !strncmp(uri, "http://", 7);
	if (!https && !http)
		return error_setc(ERR_INVALID, code,
		                  "a redirect URI starts with https:// (or http://localhost)");
	const char *a = uri + (https ? 8 : 7);
	size_t alen = strcspn(a, "/?");
	if (memchr(a, '@', alen))
		return error_setc(ERR_INVALID, code, "a redirect URI must not carry user info");
	bool loopback = false;
	if (!authority_ok(a, alen, &loopback))
		return error_setc(ERR_INVALID, code,
		                  "a redirect URI needs a lowercase host (and numeric port)");
	if (http && !loopback)
		return error_setc(
		        ERR_INVALID, code,
		        "http:// is allowed only for localhost, 127.0.0.1 and [::1]; use https://");
	return 0;
}

bool oauth_uri_listed(char *const *list, const char *uri)
{
	for (; list && uri && *list; list++)
		if (!strcmp(*list, uri))
			return true;
	return false;
}

static int check_uris(const char *field, const char *const *uris, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (oauth_redirect_uri_check(uris[i])) {
			char detail[600];
			xsnprintf(detail, sizeof(detail), "%s[%zu]: %s", field, i,
			          error_get()->detail);
			return invalid(field, "invalid_redirect_uri", detail);
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(uris[k], uris[i]))
				return invalid(field, "duplicate", "a URI is listed twice");
	}
	return 0;
}

int oauth_app_input_from_json(struct oauth_app_input *out, json_t *body, bool create)
{
	static const char *const allowed[] = { "name", "redirect_uris", "post_logout_redirect_uris",
		                               NULL };
	memset(out, 0, sizeof(*out));
	int rc = json_field_check_known(body, allowed);
	if (!rc)
		rc = json_field_string(body, "name", MODEL_NAME_MAX, &out->name, &out->has_name);
	if (!rc)
		rc = json_field_string_array(body, "redirect_uris", OAUTH_MAX_REDIRECT_URIS,
		                             MODEL_URL_MAX, &out->redirect_uris,
		                             &out->nredirect_uris, &out->has_redirect_uris);
	if (!rc)
		rc = json_field_string_array(
		        body, "post_logout_redirect_uris", OAUTH_MAX_REDIRECT_URIS, MODEL_URL_MAX,
		        &out->post_logout_redirect_uris, &out->npost_logout_redirect_uris,
		        &out->has_post_logout_redirect_uris);
	if (rc)
		return rc;
	if (create && !out->has_name)
		return json_field_missing("name");
	if (create && !out->has_redirect_uris)
		return json_field_missing("redirect_uris");
	if (out->has_name && (!out->name || !*out->name))
		return invalid("name", "invalid", "name must not be empty");
	if (out->has_redirect_uris && out->nredirect_uris == 0)
		return invalid("redirect_uris", "invalid", "register at least one redirect URI");
	rc = check_uris("redirect_uris", out->redirect_uris, out->nredirect_uris);
	if (!rc)
		rc = check_uris("post_logout_redirect_uris", out->post_logout_redirect_uris,
		                out->npost_logout_redirect_uris);
	return rc;
}

void oauth_app_input_release(struct oauth_app_input *in)
{
	free(in->redirect_uris);
	free(in->post_logout_redirect_uris);
	memset(in, 0, sizeof(*in));
}

void oauth_uris_free(char **uris)
{
	for (char **p = uris; p && *p; p++)
		free(*p);
	free(uris);
}

void oauth_app_release(struct oauth_app *a)
{
	free(a->name);
	free(a->client_id);
	free(a->secret_hint);
	oauth_uris_free(a->redirect_uris);
	oauth_uris_free(a->post_logout_redirect_uris);
	memset(a, 0, sizeof(*a));
}

char *oauth_uris_text(const char *const *uris, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(uris[i]));
	char *t = model_json_text(arr);
	json_decref(arr);
	return t;
}

int oauth_uris_parse(char ***out, size_t *count, const char *json_text)
{
	json_t *arr = json_loads(json_text ? json_text : "[]", 0, NULL);
	*out = NULL;
	*count = 0;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return error_set(ERR_INTERNAL, "stored URI list is not a JSON array");
	}
	size_t n = json_array_size(arr);
	char **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		v[i] = xstrdup(s ? s : "");
	}
	json_decref(arr);
	*out = v;
	*count = n;
	return 0;
}

static json_t *uris_json(char *const *uris)
{
	json_t *arr = json_array();
	for (; uris && *uris; uris++)
		json_array_append_new(arr, json_string(*uris));
	return arr;
}

json_t *oauth_app_to_json(const struct oauth_app *a, const char *secret)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("oauth_application"));
	json_object_set_new(j, "id", json_string(a->id));
	json_object_set_new(j, "name", json_string(a->name));
	json_object_set_new(j, "client_id", json_string(a->client_id));
	if (secret)
		json_object_set_new(j, "client_secret", json_string(secret));
	json_object_set_new(j, "client_secret_hint", json_string(a->secret_hint));
	json_object_set_new(j, "redirect_uris", uris_json(a->redirect_uris));
	json_object_set_new(j, "post_logout_redirect_uris",
	                    uris_json(a->post_logout_redirect_uris));
	model_json_time(j, "created_at", a->created_at);
	model_json_time(j, "updated_at", a->updated_at);
	return j;
}

void auth_request_release(struct auth_request *r)
{
	free(r->client_id);
	free(r->redirect_uri);
	free(r->state);
	free(r->nonce);
	free(r->code_challenge);
	free(r->scope);
	free(r->login_hint);
	free(r->organization);
	free(r->connection);
	free(r->status);
	free(r->browser_hash);
	memset(r, 0, sizeof(*r));
}

void oauth_identity_release(struct oauth_identity *who)
{
	free(who->email);
	free(who->first_name);
	free(who->last_name);
	free(who->public_metadata);
	free(who->status);
	free(who->org_id);
	free(who->org_slug);
	free(who->org_role);
	oauth_uris_free(who->org_permissions);
	memset(who, 0, sizeof(*who));
}
