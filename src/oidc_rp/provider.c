/* SPDX-License-Identifier: Apache-2.0 */
/* Provider snapshots and their cache (see provider.h). */
#include "base/common.h"

#include "oidc_rp/provider.h"

#include "base/id.h"

#include <pthread.h>
#include <stdatomic.h>

#define BUCKETS 512

struct oidc_rp_provider {
	atomic_int refs;
	struct oidc_rp_discovery meta;
	struct jose_jwks *keys;
	char *fingerprint;
	int64_t fetched_at;
};

struct entry {
	char conn_id[ID_MAX];
	struct oidc_rp_provider *p; /* may be NULL */
	int64_t refetch_at;         /* last JWKS refetch for an unknown kid */
	struct entry *next;
};

struct oidc_rp_cache {
	pthread_mutex_t lock;
	struct entry *buckets[BUCKETS];
	size_t n;
};

struct oidc_rp_provider *oidc_rp_provider_new(const struct oidc_rp_discovery *d,
                                              struct jose_jwks *keys, const char *fingerprint,
                                              int64_t fetched_at)
{
	struct oidc_rp_provider *p = xcalloc(1, sizeof(*p));
	atomic_init(&p->refs, 1);
	oidc_rp_discovery_copy(&p->meta, d);
	p->keys = keys;
	p->fingerprint = xstrdup(fingerprint);
	p->fetched_at = fetched_at;
	return p;
}

struct oidc_rp_provider *oidc_rp_provider_with_keys(const struct oidc_rp_provider *p,
                                                    struct jose_jwks *keys)
{
	/* The metadata is as old as it was: only the keys are new. */
	return oidc_rp_provider_new(&p->meta, keys, p->fingerprint, p->fetched_at);
}

struct oidc_rp_provider *oidc_rp_provider_ref(struct oidc_rp_provider *p)
{
	if (p)
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

void oidc_rp_provider_unref(struct oidc_rp_provider *p)
{
	if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	oidc_rp_discovery_release(&p->meta);
	jose_jwks_unref(p->keys);
	free(p->fingerprint);
	free(p);
}

const struct oidc_rp_discovery *oidc_rp_provider_metadata(const struct oidc_rp_provider *p)
{
	return &p->meta;
}

const struct jose_jwks *oidc_rp_provider_keys(const struct oidc_rp_provider *p)
{
	return p->keys;
}

const char *oidc_rp_provider_fingerprint(const struct oidc_rp_provider *p)
{
	return p->fingerprint;
}

int64_t oidc_rp_provider_fetched_at(const struct oidc_rp_provider *p)
{
	return p->fetched_at;
}

struct oidc_rp_cache *oidc_rp_cache_new(void)
{
	struct oidc_rp_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void clear(struct oidc_rp_cache *c)
{
	for (size_t i = 0; i < BUCKETS; i++) {
		struct entry *e = c->buckets[i];
		while (e) {
			struct entry *next = e->next;
			oidc_rp_provider_unref(e->p);
			free(e);
			e = next;
		}
		c->buckets[i] = NULL;
	}
	c->n = 0;
}

void oidc_rp_cache_free(struct oidc_rp_cache *c)
{
	if (!c)
		return;
	clear(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static size_t bucket_of(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

/* The entry of conn_id, made when create is set. Caller holds the lock. */
static struct entry *find(struct oidc_rp_cache *c, const char *conn_id, bool create)
{
	size_t b = bucket_of(conn_id);
	for (struct entry *e = c->buckets[b]; e; e = e->next)
		if (!strcmp(e->conn_id, conn_id))
			return e;
	if (!create)
		return NULL;
	if (c->n >= OIDC_RP_CACHE_MAX)
		clear(c); /* rare: everything is refetched on demand */
	struct entry *e = xcalloc(1, sizeof(*e));
	xsnprintf(e->conn_id, sizeof(e->conn_id), "%s", conn_id);
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->n++;
	return e;
}

struct oidc_rp_provider *oidc_rp_cache_get(struct oidc_rp_cache *c, const char *conn_id,
                                           const char *fingerprint, int64_t now, bool *fresh)
{
	struct oidc_rp_provider *p = NULL;
	*fresh = false;
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, conn_id, false);
	if (e && e->p && !strcmp(e->p->fingerprint, fingerprint)) {
		p = oidc_rp_provider_ref(e->p);
		*fresh = now - p->fetched_at < OIDC_RP_PROVIDER_TTL_S && now >= p->fetched_at;
	}
	pthread_mutex_unlock(&c->lock);
	return p;
}

void oidc_rp_cache_put(struct oidc_rp_cache *c, const char *conn_id, struct oidc_rp_provider *p)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, conn_id, true);
	struct oidc_rp_provider *old = e->p;
	e->p = p;
	pthread_mutex_unlock(&c->lock);
	oidc_rp_provider_unref(old);
}

bool oidc_rp_cache_claim_refetch(struct oidc_rp_cache *c, const char *conn_id, int64_t now)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, conn_id, true);
	bool ok = e->refetch_at == 0 || now - e->refetch_at >= OIDC_RP_JWKS_REFETCH_MIN_S ||
	          now < e->refetch_at;
	if (ok)
		e->refetch_at = now;
	pthread_mutex_unlock(&c->lock);
	return ok;
}
