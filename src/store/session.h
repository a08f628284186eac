/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sessions table, as far as user lifecycle needs it: revoking every
 * active session of a user. Runs inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_SESSION_H
#define GATEHOUSE_STORE_SESSION_H

#include "store/db.h"

/*
 * Marks every active session of the user revoked at now. *ids_out is an
 * xmalloc'd NULL-terminated vector of the revoked ids (caller frees each
 * and the vector), *count their number.
 */
int store_session_revoke_user(struct db_conn *c, const char *user_id, int64_t now, char ***ids_out,
                              size_t *count);

#endif
