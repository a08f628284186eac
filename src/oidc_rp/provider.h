/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What gatehouse knows about a connection's OpenID Provider — its metadata
 * and signing keys — as immutable, refcounted snapshots (STACK.md pitfalls
 * 19 and 22), and a per-process cache of them keyed by connection.
 *
 * A snapshot never changes once made: new keys make a new snapshot, swapped
 * into the cache under its lock. Readers hold a reference for as long as they
 * use it, from any thread. Each snapshot carries the fingerprint of the
 * connection settings it was fetched for (issuer, endpoints, EASIE tenant),
 * so an edited connection never uses the old provider's keys.
 *
 * Freshness: a snapshot is fresh for OIDC_RP_PROVIDER_TTL_S; a token signed
 * with a key the snapshot does not hold may trigger a JWKS refetch at most
 * once per OIDC_RP_JWKS_REFETCH_MIN_S per connection (key rotation without
 * letting forged kids drive traffic to the IdP). Fetching is the caller's:
 * this module makes no network calls and takes `now` as an argument.
 */
#ifndef GATEHOUSE_OIDC_RP_PROVIDER_H
#define GATEHOUSE_OIDC_RP_PROVIDER_H

#include "jose/jwks.h"
#include "oidc_rp/discovery.h"

#define OIDC_RP_PROVIDER_TTL_S     3600
#define OIDC_RP_JWKS_REFETCH_MIN_S 60
#define OIDC_RP_CACHE_MAX          4096 /* connections cached per process */

struct oidc_rp_provider;

/* Copies d and fingerprint, takes the caller's reference to keys. Refcount 1. */
struct oidc_rp_provider *oidc_rp_provider_new(const struct oidc_rp_discovery *d,
                                              struct jose_jwks *keys, const char *fingerprint,
                                              int64_t fetched_at);
/*
 * The same metadata (and metadata age) with new keys, taking the caller's
 * reference to keys. Refcount 1.
 */
struct oidc_rp_provider *oidc_rp_provider_with_keys(const struct oidc_rp_provider *p,
                                                    struct jose_jwks *keys);
struct oidc_rp_provider *oidc_rp_provider_ref(struct oidc_rp_provider *p);
/* NULL-tolerant; the last reference frees the snapshot. */
void oidc_rp_provider_unref(struct oidc_rp_provider *p);

/* Borrowed, valid while the caller holds its reference. */
const struct oidc_rp_discovery *oidc_rp_provider_metadata(const struct oidc_rp_provider *p);
const struct jose_jwks *oidc_rp_provider_keys(const struct oidc_rp_provider *p);
const char *oidc_rp_provider_fingerprint(const struct oidc_rp_provider *p);
int64_t oidc_rp_provider_fetched_at(const struct oidc_rp_provider *p);

struct oidc_rp_cache;

struct oidc_rp_cache *oidc_rp_cache_new(void);
void oidc_rp_cache_free(struct oidc_rp_cache *c);
/*
 * The cached snapshot of conn_id made for this fingerprint (a new reference,
 * or NULL). *fresh says whether it is younger than OIDC_RP_PROVIDER_TTL_S; a
 * stale one is still returned so that a caller whose refetch fails can fall
 * back on it.
 */
struct oidc_rp_provider *oidc_rp_cache_get(struct oidc_rp_cache *c, const char *conn_id,
                                           const char *fingerprint, int64_t now, bool *fresh);
/* Installs p for conn_id (taking the caller's reference) and drops the previous snapshot. */
void oidc_rp_cache_put(struct oidc_rp_cache *c, const char *conn_id, struct oidc_rp_provider *p);
/*
 * True when conn_id's keys may be refetched now because of an unknown kid,
 * and records the attempt; false when the last one is under
 * OIDC_RP_JWKS_REFETCH_MIN_S old.
 */
bool oidc_rp_cache_claim_refetch(struct oidc_rp_cache *c, const char *conn_id, int64_t now);

#endif
