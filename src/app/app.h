/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application: the database, settings and sealing key every use case
 * needs, and who is acting. Use cases (app/<aggregate>.c) run in one
 * transaction each and write their audit row and webhook events in that same
 * transaction, so a change and its events commit or vanish together.
 */
#ifndef GATEHOUSE_APP_APP_H
#define GATEHOUSE_APP_APP_H

#include "config/config.h"
#include "crypto/crypto.h"
#include "jose/jwks.h"
#include "store/db.h"

#include <stdatomic.h>

struct app {
	struct db *db;
	const struct config *cfg;
	unsigned char seal_key[CRYPTO_AEAD_KEY_LEN];
	/* The OpenID Provider's signing keys: an immutable snapshot (app/signing_key.c). */
	struct jose_jwks_slot keyring;
	atomic_llong keyring_loaded_ms; /* when the snapshot was last compared with the database */
};

/* Who made a change, for the audit log. */
struct actor {
	const char *type; /* "secret_key", "cli", "system", later "user", "scim" */
	const char *id;   /* key id, user id, connection id; may be NULL */
};

/*
 * Opens the database named by cfg, runs migrations, and loads (or creates)
 * the sealing key. ERR_UNAVAILABLE when the database cannot be reached,
 * ERR_INVALID for a bad key file. Caller frees with app_free().
 */
int app_open(struct app **out, const struct config *cfg, bool migrate);
void app_free(struct app *a);

/* A list page request: limit 1..500 (default 20), keyset cursor. */
struct page {
	int64_t limit;
	const char *starting_after; /* an id, or NULL */
};

/* db_tx(DB_TX_WRITE) that wakes the webhook workers after a commit. */
int app_write(struct app *a, db_tx_fn fn, void *payload);
/* app_write serialised with other writes of the same key (db_tx_keyed). */
int app_write_keyed(struct app *a, uint64_t key, db_tx_fn fn, void *payload);
/* app_write for a change whose only cross-row rules are unique constraints (DB_TX_UNIQUE). */
int app_write_unique(struct app *a, db_tx_fn fn, void *payload);
/* db_tx(DB_TX_READ): one consistent snapshot. */
int app_read(struct app *a, db_tx_fn fn, void *payload);
#endif
