/* SPDX-License-Identifier: Apache-2.0 */
/* ID token and userinfo claims (see oidc_op.h). */
#include "base/common.h"

#include "crypto/crypto.h"
#include "jose/b64url.h"
#include "oidc_op/oidc_op.h"

#include <jansson.h>

static void set_str(json_t *j, const char *key, const char *v)
{
	if (v)
		json_object_set_new(j, key, json_string(v));
}

/* The profile and organization claims shared by the ID token and userinfo. */
static void identity_claims(json_t *j, const struct oauth_identity *who)
{
	set_str(j, "email", who->email);
	set_str(j, "given_name", who->first_name);
	set_str(j, "family_name", who->last_name);
	if (who->first_name || who->last_name) {
		char *name = xasprintf("%s%s%s", who->first_name ? who->first_name : "",
		                       who->first_name && who->last_name ? " " : "",
		                       who->last_name ? who->last_name : "");
		json_object_set_new(j, "name", json_string(name));
		free(name);
	}
	json_t *meta = who->public_metadata ? json_loads(who->public_metadata, 0, NULL) : NULL;
	json_object_set_new(j, "public_metadata", json_is_object(meta) ? meta : json_object());
	if (meta && !json_is_object(meta))
		json_decref(meta);
	if (who->org_id) {
		set_str(j, "org_id", who->org_id);
		set_str(j, "org_slug", who->org_slug);
		set_str(j, "org_role", who->org_role);
		json_t *perms = json_array();
		for (char **p = who->org_permissions; p && *p; p++)
			json_array_append_new(perms, json_string(*p));
		json_object_set_new(j, "org_permissions", perms);
	}
}

/* OIDC Core 3.1.3.6: the left half of SHA-256 of the access token, base64url. */
static char *at_hash(const char *access_token)
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(d, access_token, strlen(access_token));
	return jose_b64url_encode(d, sizeof(d) / 2);
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		die("json_dumps failed");
	return s;
}

char *oidc_op_id_token_claims(const struct oidc_op_id_token_in *in)
{
	json_t *j = json_object();
	json_object_set_new(j, "iss", json_string(in->issuer));
	json_object_set_new(j, "sub", json_string(in->who->user_id));
	json_object_set_new(j, "aud", json_string(in->client_id));
	json_object_set_new(j, "exp", json_integer(in->now + in->ttl_s));
	json_object_set_new(j, "iat", json_integer(in->now));
	json_object_set_new(j, "auth_time", json_integer(in->auth_time));
	set_str(j, "nonce", in->nonce);
	set_str(j, "sid", in->sid);
	if (in->access_token) {
		char *h = at_hash(in->access_token);
		json_object_set_new(j, "at_hash", json_string(h));
		free(h);
	}
	identity_claims(j, in->who);
	return dump(j);
}

char *oidc_op_userinfo_json(const struct oauth_identity *who)
{
	json_t *j = json_object();
	json_object_set_new(j, "sub", json_string(who->user_id));
	identity_claims(j, who);
	return dump(j);
}
