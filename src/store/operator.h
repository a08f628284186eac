/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator accounts of the dashboard: a username and an argon2id password
 * hash (libsodium's crypto_pwhash_str format); and the sign-in throttle (see
 * app/operator.h). All functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_OPERATOR_H
#define GATEHOUSE_STORE_OPERATOR_H

#include "base/id.h"
#include "store/db.h"

struct operator_account {
	char id[ID_MAX];
	char *username;
	char *password_hash; /* only filled by store_operator_find */
	int64_t last_sign_in_at, created_at, updated_at;
};

/* One throttled key: failures since last_failure_at's window began, and a lock. */
struct login_throttle {
	int64_t failures, locked_until, last_failure_at;
};

void operator_account_release(struct operator_account *o);
/* ERR_CONFLICT (operator_exists) for a taken username. */
int store_operator_insert(struct db_conn *c, const struct operator_account *o);
/* By id or username. ERR_NOT_FOUND (operator_not_found). */
int store_operator_find(struct db_conn *c, const char *key, struct operator_account *out);
int store_operator_list(struct db_conn *c, struct operator_account **items, size_t *count);
/* ERR_NOT_FOUND (operator_not_found). */
int store_operator_delete(struct db_conn *c, const char *id);
int store_operator_set_password(struct db_conn *c, const char *id, const char *hash, int64_t now);
int store_operator_signed_in(struct db_conn *c, const char *id, int64_t now);
/* The throttle row of key (all zero when there is none). */
int store_operator_throttle_get(struct db_conn *c, const char *key, struct login_throttle *out);
int store_operator_throttle_put(struct db_conn *c, const char *key, const char *subject,
                                const struct login_throttle *t);
/* Deletes every row of subject (a new password, a removed account). */
int store_operator_throttle_clear(struct db_conn *c, const char *subject);
/* Deletes up to limit rows neither locked nor failed since forget_before. */
int64_t store_operator_throttle_sweep(struct db_conn *c, int64_t now, int64_t forget_before,
                                      int64_t limit);

#endif
