/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator accounts of the dashboard: a username and an argon2id password
 * hash (libsodium's crypto_pwhash_str format), with a failed-attempt counter
 * and a lock-out time. All functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_OPERATOR_H
#define GATEHOUSE_STORE_OPERATOR_H

#include "base/id.h"
#include "store/db.h"

struct operator_account {
	char id[ID_MAX];
	char *username;
	char *password_hash; /* only filled by store_operator_find */
	int64_t failed_attempts, locked_until, last_sign_in_at, created_at, updated_at;
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
/* A failed attempt: the counter goes up, and locked_until is set when given (> 0). */
int store_operator_failed(struct db_conn *c, const char *id, int64_t locked_until, int64_t now);
/* A successful sign-in: the counter resets. */
int store_operator_signed_in(struct db_conn *c, const char *id, int64_t now);

#endif
