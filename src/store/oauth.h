/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenID Provider's state: authorization requests, one-time codes,
 * access and refresh tokens (all secrets as SHA-256 hex), the sessions
 * sign-in creates, and the identity an ID token describes (read from users,
 * user_emails, memberships, organizations and roles). Functions run inside
 * the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_OAUTH_H
#define GATEHOUSE_STORE_OAUTH_H

#include "model/oauth.h"
#include "store/db.h"

int store_oauth_request_insert(struct db_conn *c, const struct auth_request *r);
/* ERR_NOT_FOUND (auth_request_not_found). Expiry and status are the caller's to check. */
int store_oauth_request_get(struct db_conn *c, const char *id, struct auth_request *out);
/* pending → completed, once, before expires_at. ERR_CONFLICT (auth_request_used) otherwise. */
/*
 * Binds a pending request to the browser that starts its sign-in (hash of its
 * binding cookie), once; the same hash again is fine. ERR_CONFLICT
 * browser_mismatch when another browser's hash is there or it is not pending.
 */
int store_oauth_request_bind(struct db_conn *c, const char *id, const char *browser_hash,
                             int64_t now);
int store_oauth_request_complete(struct db_conn *c, const char *id, const char *session_id,
                                 int64_t now);

struct oauth_session_new {
	const char *id, *user_id, *org_id, *client_id, *auth_request_id;
	int64_t created_at, expires_at;
};
int store_oauth_session_insert(struct db_conn *c, const struct oauth_session_new *s);
/* The session's status with "expired" derived ("active", "revoked", "expired"); ERR_NOT_FOUND. */
int store_oauth_session_status(struct db_conn *c, const char *id, int64_t now, char **status_out,
                               char **user_id_out);

struct oauth_code_row {
	char *code_hash, *grant_id, *auth_request_id, *client_id, *redirect_uri, *code_challenge;
	char *nonce, *scope, *session_id, *user_id, *org_id;
	int64_t auth_time, created_at, expires_at, used_at;
};
void oauth_code_row_release(struct oauth_code_row *r);
int store_oauth_code_insert(struct db_conn *c, const struct oauth_code_row *r);
int store_oauth_code_get(struct db_conn *c, const char *code_hash, struct oauth_code_row *out);
/* Sets used_at once; ERR_CONFLICT (code_used) if it was already set. */
int store_oauth_code_use(struct db_conn *c, const char *code_hash, int64_t now);

struct oauth_token_row {
	char *token_hash, *kind, *grant_id, *client_id, *session_id, *user_id, *org_id, *scope;
	char *status; /* active | rotated | revoked */
	int64_t auth_time, created_at, expires_at, used_at, revoked_at;
	/* read with the token, so every check sees the session and the user */
	char *session_status; /* active | revoked | expired */
	char *user_status;    /* active | deactivated */
};
void oauth_token_row_release(struct oauth_token_row *r);
int store_oauth_token_insert(struct db_conn *c, const struct oauth_token_row *r);
/* ERR_NOT_FOUND (token_not_found). */
int store_oauth_token_get(struct db_conn *c, const char *token_hash, int64_t now,
                          struct oauth_token_row *out);
/* active → rotated, once; ERR_CONFLICT (token_reused) otherwise. */
int store_oauth_token_rotate(struct db_conn *c, const char *token_hash, int64_t now);
int store_oauth_token_revoke(struct db_conn *c, const char *token_hash, int64_t now);
/* Revokes every token of a grant (a code's family); returns how many, or an error. */
int64_t store_oauth_grant_revoke(struct db_conn *c, const char *grant_id, int64_t now);

/* The user (ERR_NOT_FOUND user_not_found) and, if org_id is set and she is a member, the org. */
int store_oauth_identity(struct db_conn *c, const char *user_id, const char *org_id,
                         struct oauth_identity *out);
/* Records the sign-in on the user. */
int store_oauth_user_signed_in(struct db_conn *c, const char *user_id, int64_t now);

#endif
