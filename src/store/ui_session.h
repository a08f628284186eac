/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Browser sessions of the pages and the links that open them: portal_links
 * (single-use, short-lived) and ui_sessions (the Security page's and the
 * dashboard's). Only SHA-256 hashes of link and cookie tokens are stored.
 * All functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_UI_SESSION_H
#define GATEHOUSE_STORE_UI_SESSION_H

#include "base/id.h"
#include "store/db.h"

#define UI_CSRF_MAX 64

struct portal_link {
	char id[ID_MAX];
	char org_id[ID_MAX];
	char user_id[ID_MAX];
	char *return_url; /* may be NULL */
	int64_t created_at, expires_at, used_at;
};

struct ui_session {
	char id[ID_MAX];
	char kind[16]; /* "portal" | "dashboard" */
	char csrf[UI_CSRF_MAX];
	char org_id[ID_MAX];     /* portal */
	char user_id[ID_MAX];    /* portal */
	char principal_type[16]; /* "user" | "operator" | "secret_key" */
	char principal_id[ID_MAX];
	char *principal_name; /* joined: username, key name or the user's primary email; NULL when
	                         gone */
	char *return_url;
	int64_t created_at, last_seen_at, expires_at;
};

void portal_link_release(struct portal_link *l);
void ui_session_release(struct ui_session *s);

int store_ui_link_insert(struct db_conn *c, const struct portal_link *l, const char *token_hash);
/* The link with this token hash, used or not. ERR_NOT_FOUND (portal_link_invalid). */
int store_ui_link_find(struct db_conn *c, const char *token_hash, struct portal_link *out);
/* Marks the link used; ERR_CONFLICT (portal_link_used) when it already was. */
int store_ui_link_use(struct db_conn *c, const char *id, int64_t now);

int store_ui_session_insert(struct db_conn *c, const struct ui_session *s, const char *token_hash);
/*
 * The unrevoked, unexpired session of this kind with this token hash.
 * ERR_UNAUTHENTICATED (session_expired) otherwise.
 */
int store_ui_session_find(struct db_conn *c, const char *kind, const char *token_hash, int64_t now,
                          struct ui_session *out);
int store_ui_session_touch(struct db_conn *c, const char *id, int64_t now);
int store_ui_session_revoke(struct db_conn *c, const char *id, int64_t now);
/* Revokes every session of a principal (an operator removed, a key revoked). */
int64_t store_ui_session_revoke_principal(struct db_conn *c, const char *principal_id, int64_t now);
/* Deletes up to limit expired links and sessions; the number deleted or an error. */
int64_t store_ui_session_sweep(struct db_conn *c, int64_t now, int64_t limit);

#endif
