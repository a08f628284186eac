/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JWK Sets (RFC 7517 section 5) as immutable, refcounted snapshots
 * (STACK.md pitfall 19). A snapshot never changes after jose_jwks_new /
 * jose_jwks_parse; readers take a reference (atomic), use the keys from any
 * thread, and drop it. A new key set replaces the old one whole through a
 * struct jose_jwks_slot (a pointer swapped under a mutex), so a reader never
 * sees a half-built set and cjose's own (non-atomic) refcounts are never
 * touched by two threads.
 */
#ifndef GATEHOUSE_JOSE_JWKS_H
#define GATEHOUSE_JOSE_JWKS_H

#include "jose/jwk.h"

#include <pthread.h>

#define JOSE_JWKS_MAX_BYTES (64 * 1024)
#define JOSE_JWKS_MAX_KEYS  32

struct jose_jwks;

/* Takes ownership of keys[0..n) (the array is copied). Refcount 1. */
struct jose_jwks *jose_jwks_new(struct jose_jwk **keys, size_t n);
/*
 * Parses a JWK Set document: at most JOSE_JWKS_MAX_BYTES and
 * JOSE_JWKS_MAX_KEYS, duplicate members refused. Keys of other kinds
 * (encryption keys, other curves, HMAC secrets) are skipped; a set with no
 * usable key, or two keys with one kid, is refused. ERR_INVALID with stable
 * code jwks_invalid, or ERR_TOO_LARGE (jwks_too_large). Refcount 1.
 */
int jose_jwks_parse(struct jose_jwks **out, const char *json, size_t len);
struct jose_jwks *jose_jwks_ref(struct jose_jwks *s);
/* Drops a reference; the last one frees the set and its keys. NULL-tolerant. */
void jose_jwks_unref(struct jose_jwks *s);

size_t jose_jwks_count(const struct jose_jwks *s);
/* Borrowed, valid while the caller holds its reference. */
const struct jose_jwk *jose_jwks_at(const struct jose_jwks *s, size_t i);
const struct jose_jwk *jose_jwks_find(const struct jose_jwks *s, const char *kid);
/* {"keys":[public JWKs]} in set order. Caller frees. */
char *jose_jwks_to_json(const struct jose_jwks *s);

/* The current snapshot of something that rotates (a keyring, a peer's JWKS). */
struct jose_jwks_slot {
	pthread_mutex_t lock;
	struct jose_jwks *cur; /* may be NULL */
};

void jose_jwks_slot_init(struct jose_jwks_slot *slot);
void jose_jwks_slot_release(struct jose_jwks_slot *slot);
/* A new reference to the current snapshot (NULL if none); the caller unrefs it. */
struct jose_jwks *jose_jwks_slot_get(struct jose_jwks_slot *slot);
/* Installs next (taking the caller's reference) and drops the old snapshot. */
void jose_jwks_slot_set(struct jose_jwks_slot *slot, struct jose_jwks *next);

#endif
