/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse as the app's OpenID Provider: OAuth applications (the operator's
 * apps as confidential OIDC clients) with their redirect-URI rules, the
 * stored authorization request, and the identity an ID token describes.
 * Shared by app/ (which stores them) and oidc_op/ (which checks and encodes).
 */
#ifndef GATEHOUSE_MODEL_OAUTH_H
#define GATEHOUSE_MODEL_OAUTH_H

#include "base/id.h"
#include "model/model.h"

#define OAUTH_MAX_REDIRECT_URIS 20
#define OAUTH_CLIENT_ID_PREFIX  "gh_client_"
#define OAUTH_SECRET_PREFIX     "gh_secret_"

struct oauth_app {
	char id[ID_MAX];
	char *name;
	char *client_id;
	char *secret_hint;    /* "gh_secret_...abcd" */
	char **redirect_uris; /* NULL-terminated, owned */
	size_t nredirect_uris;
	char **post_logout_redirect_uris;
	size_t npost_logout_redirect_uris;
	int64_t created_at, updated_at;
};

struct oauth_app_input {
	const char *name;
	const char **redirect_uris; /* vector owned, strings borrowed */
	size_t nredirect_uris;
	const char **post_logout_redirect_uris;
	size_t npost_logout_redirect_uris;
	bool has_name, has_redirect_uris, has_post_logout_redirect_uris;
};

/*
 * Decodes a request body. Create needs name and at least one redirect URI.
 * Every URI must pass oauth_redirect_uri_check. ERR_INVALID (422, field named).
 */
int oauth_app_input_from_json(struct oauth_app_input *out, json_t *body, bool create);
void oauth_app_input_release(struct oauth_app_input *in);
void oauth_app_release(struct oauth_app *a);
/* The API shape; secret (the plain client secret) only right after create/rotate, else NULL. */
json_t *oauth_app_to_json(const struct oauth_app *a, const char *secret);

/*
 * A redirect URI we register: an absolute https URL, or http to localhost,
 * 127.0.0.1 or [::1] (development); printable ASCII, at most 2048 bytes, no
 * fragment, no wildcard, no user info. Matching is by exact string equality
 * (OAuth 2.0 Security BCP section 4.1.3): nothing here is a pattern.
 * Returns 0 or ERR_INVALID with stable code invalid_redirect_uri.
 */
int oauth_redirect_uri_check(const char *uri);
/* True when uri is one of the NULL-terminated list, byte for byte. */
bool oauth_uri_listed(char *const *list, const char *uri);

/* URI lists as stored (a JSON array text) and back. */
char *oauth_uris_text(const char *const *uris, size_t n);
int oauth_uris_parse(char ***out, size_t *count, const char *json_text);
void oauth_uris_free(char **uris);

/* An authorization request held between /oauth2/authorize and the code. */
struct auth_request {
	char id[ID_MAX]; /* "areq_..." */
	char *client_id, *redirect_uri, *state, *nonce, *code_challenge, *scope;
	char *login_hint, *organization, *connection; /* what the app named; NULL if not */
	char *status;                                 /* pending | completed */
	char *browser_hash; /* SHA-256 hex of the binding cookie of the browser that started it */
	int64_t created_at, expires_at;
};
void auth_request_release(struct auth_request *r);

/* Who a token speaks for: the user and, when signed in to one, the organization. */
struct oauth_identity {
	char user_id[ID_MAX];
	char *email; /* primary address, NULL if none */
	char *first_name, *last_name;
	char *public_metadata;              /* JSON object text */
	char *status;                       /* active | deactivated */
	char *org_id, *org_slug, *org_role; /* NULL without an organization */
	char **org_permissions; /* NULL-terminated, owned; NULL without an organization */
	size_t norg_permissions;
};
void oauth_identity_release(struct oauth_identity *who);

#endif
