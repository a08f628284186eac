/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions: listing and revocation. Revoking writes the audit row and the
 * session.revoked event in the same transaction; refresh tokens issued under
 * a session (a later capability) are tied to it and die with it.
 */
#ifndef GATEHOUSE_APP_SESSION_H
#define GATEHOUSE_APP_SESSION_H

#include "app/app.h"
#include "store/session.h"

#include <jansson.h>

json_t *app_session_to_json(const struct session *s);
int app_session_get(struct app *a, const char *id, struct session *out);
int app_session_list(struct app *a, const char *user_id, const char *status, const struct page *p,
                     struct session **items, size_t *count, int64_t *total);
/* ERR_NOT_FOUND, ERR_CONFLICT (session_not_active). */
int app_session_revoke(struct app *a, const struct actor *who, const char *id, struct session *out);
/*
 * Inside the caller's transaction: revokes one active session (ERR_CONFLICT
 * session_not_active otherwise), with its audit row and session.revoked
 * event; s is filled with the revoked session (caller releases it). The
 * tokens issued under it stop working at once: every token check reads the
 * session's status.
 */
int app_session_revoke_tx(struct db_conn *c, const struct actor *who, const char *id,
                          const char *reason, struct session *s);
/*
 * Inside the caller's transaction: revokes every active session of user_id,
 * each with its own audit row and session.revoked event.
 */
int app_session_revoke_all_tx(struct db_conn *c, const struct actor *who, const char *user_id,
                              const char *reason);

/*
 * Why a session was revoked, in its session.revoked event ("reason"): the
 * one shape of that event, whichever path revoked it.
 */
#define APP_SESSION_REVOKED_API         "revoked"
#define APP_SESSION_REVOKED_SIGN_OUT    "signed_out"
#define APP_SESSION_REVOKED_TOKEN_REUSE "refresh_token_reused"
#define APP_SESSION_REVOKED_DEACTIVATED "user_deactivated"
#define APP_SESSION_REVOKED_DELETED     "user_deleted"

#endif
