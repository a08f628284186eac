/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenID Provider's signing keyring. Keys live in the database
 * (signing_keys: private JWK sealed with the instance key), so every node on
 * one PostgreSQL signs with the same active key and publishes the same JWKS.
 * One key is active at a time (EC P-256, ES256, kid = RFC 7638 thumbprint);
 * rotation makes a new key active and retires the old one, which stays in
 * the JWKS for APP_SIGNING_KEY_GRACE_S so tokens it signed still verify.
 *
 * In memory each node holds an immutable struct jose_jwks snapshot in
 * app->keyring: key 0 is the active key (with its private part), the others
 * are retired keys still published. The snapshot is compared with the
 * database at most every APP_SIGNING_KEY_RELOAD_S seconds (and on every
 * JWKS request) and replaced whole when the set changed, so a rotation on
 * one node reaches the others within that time. Thread-safe.
 */
#ifndef GATEHOUSE_APP_SIGNING_KEY_H
#define GATEHOUSE_APP_SIGNING_KEY_H

#include "app/app.h"
#include "store/signing_key.h"

#define APP_SIGNING_KEY_GRACE_S  (24 * 3600)
#define APP_SIGNING_KEY_RELOAD_S 10

/* Creates the first key if none is active (safe when several nodes start at once). */
int app_signing_key_ensure(struct app *a);
/* Makes a new active key and retires the current one. *kid_out: caller frees. */
int app_signing_key_rotate(struct app *a, const struct actor *who, char **kid_out);
/* The active and still-published keys, newest first (private parts stay sealed). */
int app_signing_key_list(struct app *a, struct signing_key **items, size_t *count);
/*
 * A reference to the current snapshot (caller unrefs): key 0 signs, all of
 * them verify. fresh forces the comparison with the database now.
 * ERR_UNAVAILABLE when the database cannot be read and no snapshot exists.
 */
int app_signing_key_snapshot(struct app *a, bool fresh, struct jose_jwks **out);

#endif
