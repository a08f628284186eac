/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operator secret keys (sk_live_...): created with 256 random bits, shown
 * once, stored as SHA-256 (a key this long needs no slow hash), compared in
 * constant time. Authentication results are cached per process for a few
 * seconds, so a revocation takes effect on every node within
 * APP_KEY_CACHE_TTL_S.
 */
#ifndef GATEHOUSE_APP_KEY_H
#define GATEHOUSE_APP_KEY_H

#include "app/app.h"
#include "store/key.h"

#define APP_KEY_CACHE_TTL_S 5

/* Creates a key; *secret_out (caller frees) is the only copy of the key. */
int app_key_create(struct app *a, const struct actor *who, const char *name, struct api_key *out,
                   char **secret_out);
int app_key_revoke(struct app *a, const struct actor *who, const char *id);
int app_key_list(struct app *a, struct api_key **items, size_t *count);
/*
 * Checks a presented key: the configured secret_key, or an active stored
 * key. id_out gets the key id ("config" for the configured key).
 * ERR_UNAUTHENTICATED (invalid_api_key) otherwise.
 */
int app_key_authenticate(struct app *a, const char *token, char id_out[ID_MAX]);
/* True when no key is configured or stored (the first start prints a new one). */
bool app_key_none_exists(struct app *a);

#endif
