/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The users and user_emails tables. All functions run inside the caller's
 * transaction. A user is read and written together with its addresses.
 */
#ifndef GATEHOUSE_STORE_USER_H
#define GATEHOUSE_STORE_USER_H

#include "model/user.h"
#include "store/db.h"

/* By id. ERR_NOT_FOUND (user_not_found) when absent. out is released by the caller. */
int store_user_get(struct db_conn *c, const char *id, struct user *out);
/* Inserts the user and its addresses. ERR_CONFLICT on a unique violation. */
int store_user_insert(struct db_conn *c, const struct user *u);
/* Updates the row; rewrites the addresses when emails_changed. */
int store_user_update(struct db_conn *c, const struct user *u, bool emails_changed);
/* Deletes the user (addresses, memberships and sessions cascade). */
int store_user_delete(struct db_conn *c, const char *id);

/*
 * 0 when no user other than except_id (may be NULL) holds the normalised
 * address; else ERR_CONFLICT email_taken (field email_addresses) or a store error.
 */
int store_user_check_email(struct db_conn *c, const char *norm, const char *except_id);
/* The same for a case-folded username: ERR_CONFLICT username_taken. */
int store_user_check_username(struct db_conn *c, const char *norm, const char *except_id);

/*
 * One page after the cursor (ids ascending) of the users matching f; *items
 * is an xmalloc'd array of *count users, each released by the caller, then
 * freed. *total counts every match (one more statement; NULL skips it).
 */
int store_user_list(struct db_conn *c, const struct user_filter *f, const char *starting_after,
                    int64_t limit, struct user **items, size_t *count, int64_t *total);

/* Records a sign-in time (kept apart from updates so a sign-in is not an edit). */
int store_user_touch_sign_in(struct db_conn *c, const char *id, int64_t now);

#endif
