/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signing_keys table: the OpenID Provider's keyring. The private JWK is
 * stored sealed with the instance key (app/ seals and opens it); the public
 * JWK is stored as served. Functions run inside the caller's transaction.
 */
#ifndef GATEHOUSE_STORE_SIGNING_KEY_H
#define GATEHOUSE_STORE_SIGNING_KEY_H

#include "store/db.h"

struct signing_key {
	char *kid, *alg, *private_sealed, *public_jwk, *status; /* status: active | retired */
	int64_t created_at, retired_at;
};
void signing_key_release(struct signing_key *k);

/* ERR_CONFLICT when another key is already active (the unique partial index). */
int store_signing_key_insert(struct db_conn *c, const struct signing_key *k);
/* Marks the active key retired at now (no-op without one). */
int store_signing_key_retire_active(struct db_conn *c, int64_t now);
/*
 * The active key and the keys retired after retired_after, newest first.
 * *items: caller releases each and frees the array.
 */
int store_signing_key_list(struct db_conn *c, int64_t retired_after, struct signing_key **items,
                           size_t *count);

#endif
