/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator accounts for the dashboard. Passwords are hashed with argon2id
 * (libsodium crypto_pwhash_str: 19 MiB, t=2, the OWASP minimum, ~45 ms here),
 * at most APP_OPERATOR_HASHES_AT_ONCE at a time so that a burst of sign-ins
 * cannot take the memory. After APP_OPERATOR_FREE_FAILURES failed attempts in
 * a row, an account is locked for a time that doubles with each further
 * failure (1 minute up to 15). An unknown username costs the same hash as a
 * known one.
 */
#ifndef GATEHOUSE_APP_OPERATOR_H
#define GATEHOUSE_APP_OPERATOR_H

#include "app/app.h"
#include "store/operator.h"

#define APP_OPERATOR_HASHES_AT_ONCE 2
#define APP_OPERATOR_FREE_FAILURES  5
#define APP_OPERATOR_PASSWORD_MIN   12
#define APP_OPERATOR_PASSWORD_MAX   1024

/* 422 invalid_username / weak_password; 409 operator_exists. */
int app_operator_create(struct app *a, const struct actor *who, const char *username,
                        const char *password, struct operator_account *out);
/* Removes the account and ends its dashboard sessions. */
int app_operator_delete(struct app *a, const struct actor *who, const char *key);
/* Sets a new password and ends the account's dashboard sessions. */
int app_operator_set_password(struct app *a, const struct actor *who, const char *key,
                              const char *password);
int app_operator_list(struct app *a, struct operator_account **items, size_t *count);
/* 401 invalid_credentials; 429 operator_locked (detail says for how long). */
int app_operator_verify(struct app *a, const char *username, const char *password,
                        struct operator_account *out);

#endif
