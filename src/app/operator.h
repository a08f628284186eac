/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator accounts for the dashboard. Passwords are hashed with argon2id
 * (libsodium crypto_pwhash_str: 19 MiB, t=2, the OWASP minimum, ~45 ms here),
 * at most APP_OPERATOR_HASHES_AT_ONCE at a time so that a burst of sign-ins
 * cannot take the memory (a sign-in waits up to 10 s for its turn, then 503).
 *
 * Sign-in attempts are throttled before the password is checked, in the
 * database (so every node sees them), by keys that do not depend on whether
 * the account exists: one address may fail APP_OPERATOR_FREE_FAILURES times
 * for a username, then is locked out of it for 1 minute, doubling up to 15;
 * a username that fails APP_OPERATOR_ACCOUNT_FAILURES times from anywhere is
 * locked for 15 minutes. A success clears both; failures are forgotten after
 * APP_OPERATOR_FORGET_S. So a guesser gets a handful of tries per address,
 * and someone who knows a username cannot lock its operator out from another
 * address short of a wide distributed attack; the secret key and the CLI
 * always work.
 */
#ifndef GATEHOUSE_APP_OPERATOR_H
#define GATEHOUSE_APP_OPERATOR_H

#include "app/app.h"
#include "store/operator.h"

#define APP_OPERATOR_HASHES_AT_ONCE   2
#define APP_OPERATOR_FREE_FAILURES    5
#define APP_OPERATOR_ACCOUNT_FAILURES 50
#define APP_OPERATOR_FORGET_S         (12 * 3600)
#define APP_OPERATOR_PASSWORD_MIN     12
#define APP_OPERATOR_PASSWORD_MAX     1024

/* 422 invalid_username / weak_password; 409 operator_exists. */
int app_operator_create(struct app *a, const struct actor *who, const char *username,
                        const char *password, struct operator_account *out);
/* Removes the account and ends its dashboard sessions. */
int app_operator_delete(struct app *a, const struct actor *who, const char *key);
/* Sets a new password and ends the account's dashboard sessions. */
int app_operator_set_password(struct app *a, const struct actor *who, const char *key,
                              const char *password);
int app_operator_list(struct app *a, struct operator_account **items, size_t *count);
/* 401 invalid_credentials; 429 operator_locked; 503 busy. */
int app_operator_verify(struct app *a, const char *username, const char *password,
                        const char *remote_ip, struct operator_account *out);

#endif
