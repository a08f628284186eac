/* SPDX-License-Identifier: Apache-2.0 */
/* The sessions table (sign-in creates rows in a later capability). */
#ifndef GATEHOUSE_STORE_SESSION_H
#define GATEHOUSE_STORE_SESSION_H

#include "base/id.h"
#include "store/db.h"

struct session {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char *org_id, *client_id;
	char *status; /* active | revoked; "expired" is derived from expires_at when read */
	int64_t created_at, last_active_at, expires_at, revoked_at;
};
void session_release(struct session *s);

int store_session_get(struct db_conn *c, const char *id, int64_t now, struct session *out);
/* user_id and status may be NULL (no filter). */
int store_session_list(struct db_conn *c, const char *user_id, const char *status,
                       const char *starting_after, int64_t limit, int64_t now,
                       struct session **items, size_t *count, int64_t *total);
/* Marks one active session revoked. ERR_CONFLICT (session_not_active) if it is not active. */
int store_session_revoke(struct db_conn *c, const char *id, int64_t now);
/* Ids of the user's active sessions (caller frees the array). */
int store_session_active_ids(struct db_conn *c, const char *user_id, int64_t now,
                             char (**ids)[ID_MAX], size_t *count);

#endif
