/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenID Provider Metadata document (OIDC Discovery 1.0 section 3). */
#include "base/common.h"

#include "oidc_op/oidc_op.h"

#include <jansson.h>

static json_t *strings(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static void url(json_t *doc, const char *key, const char *issuer, const char *path)
{
	char *u = xasprintf("%s%s", issuer, path);
	json_object_set_new(doc, key, json_string(u));
	free(u);
}

char *oidc_op_discovery_json(const char *issuer)
{
	static const char *const response_types[] = { "code", NULL };
	static const char *const response_modes[] = { "query", NULL };
	static const char *const grant_types[] = { "authorization_code", "refresh_token", NULL };
	static const char *const subject_types[] = { "public", NULL };
	static const char *const algs[] = { "ES256", NULL };
	static const char *const scopes[] = { "openid", "email", "profile", "offline_access",
		                              NULL };
	static const char *const auth_methods[] = { "client_secret_basic", "client_secret_post",
		                                    NULL };
	static const char *const pkce[] = { "S256", NULL };
	static const char *const claims[] = {
		"iss",
		"sub",
		"aud",
		"exp",
		"iat",
		"auth_time",
		"nonce",
		"at_hash",
		"sid",
		"email",
		"name",
		"given_name",
		"family_name",
		"org_id",
		"org_slug",
		"org_role",
		"org_permissions",
		"public_metadata",
		NULL,
	};
	json_t *d = json_object();
	json_object_set_new(d, "issuer", json_string(issuer));
	url(d, "authorization_endpoint", issuer, "/oauth2/authorize");
	url(d, "token_endpoint", issuer, "/oauth2/token");
	url(d, "userinfo_endpoint", issuer, "/oauth2/userinfo");
	url(d, "jwks_uri", issuer, "/oauth2/jwks");
	url(d, "revocation_endpoint", issuer, "/oauth2/revoke");
	url(d, "end_session_endpoint", issuer, "/oauth2/logout");
	json_object_set_new(d, "response_types_supported", strings(response_types));
	json_object_set_new(d, "response_modes_supported", strings(response_modes));
	json_object_set_new(d, "grant_types_supported", strings(grant_types));
	json_object_set_new(d, "subject_types_supported", strings(subject_types));
	json_object_set_new(d, "id_token_signing_alg_values_supported", strings(algs));
	json_object_set_new(d, "scopes_supported", strings(scopes));
	json_object_set_new(d, "token_endpoint_auth_methods_supported", strings(auth_methods));
	json_object_set_new(d, "revocation_endpoint_auth_methods_supported", strings(auth_methods));
	json_object_set_new(d, "code_challenge_methods_supported", strings(pkce));
	json_object_set_new(d, "claims_supported", strings(claims));
	json_object_set_new(d, "claims_parameter_supported", json_false());
	json_object_set_new(d, "request_parameter_supported", json_false());
	json_object_set_new(d, "request_uri_parameter_supported", json_false());
	json_object_set_new(d, "authorization_response_iss_parameter_supported", json_true());
	json_object_set_new(d, "frontchannel_logout_supported", json_false());
	char *text = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	if (!text)
		die("json_dumps failed");
	return text;
}
