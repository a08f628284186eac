/* SPDX-License-Identifier: Apache-2.0 */
/* JWK Set snapshots (see jwks.h). */
#include "base/common.h"

#include "jose/jwks.h"

#include "base/error.h"
#include "jose/internal.h"

#include <jansson.h>
#include <stdatomic.h>

struct jose_jwks {
	atomic_int refs;
	size_t n;
	struct jose_jwk **keys;
};

struct jose_jwks *jose_jwks_new(struct jose_jwk **keys, size_t n)
{
	struct jose_jwks *s = xcalloc(1, sizeof(*s));
	atomic_init(&s->refs, 1);
	s->n = n;
	s->keys = xcalloc(n ? n : 1, sizeof(*s->keys));
	if (n)
		memcpy(s->keys, keys, n * sizeof(*keys));
	return s;
}

struct jose_jwks *jose_jwks_ref(struct jose_jwks *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void jose_jwks_unref(struct jose_jwks *s)
{
	if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < s->n; i++)
		jose_jwk_free(s->keys[i]);
	free(s->keys);
	free(s);
}

size_t jose_jwks_count(const struct jose_jwks *s)
{
	return s ? s->n : 0;
}

const struct jose_jwk *jose_jwks_at(const struct jose_jwks *s, size_t i)
{
	return s && i < s->n ? s->keys[i] : NULL;
}

const struct jose_jwk *jose_jwks_find(const struct jose_jwks *s, const char *kid)
{
	for (size_t i = 0; s && kid && i < s->n; i++)
		if (!strcmp(s->keys[i]->kid, kid))
			return s->keys[i];
	return NULL;
}

static bool find_in(struct jose_jwk *const *keys, size_t n, const char *kid)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i]->kid, kid))
			return true;
	return false;
}

int jose_jwks_parse(struct jose_jwks **out, const char *json, size_t len)
{
	*out = NULL;
	if (len > JOSE_JWKS_MAX_BYTES)
		return error_setc(ERR_TOO_LARGE, "jwks_too_large",
		                  "a JWK Set is limited to %d bytes", JOSE_JWKS_MAX_BYTES);
	json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *arr = json_object_get(doc, "keys");
	if (!json_is_object(doc) || !json_is_array(arr)) {
		json_decref(doc);
		return error_setc(ERR_INVALID, "jwks_invalid",
		                  "a JWK Set is an object with a keys array");
	}
	if (json_array_size(arr) > JOSE_JWKS_MAX_KEYS) {
		json_decref(doc);
		return error_setc(ERR_TOO_LARGE, "jwks_too_large",
		                  "a JWK Set is limited to %d keys", JOSE_JWKS_MAX_KEYS);
	}
	struct jose_jwk *keys[JOSE_JWKS_MAX_KEYS] = { 0 };
	size_t n = 0;
	int rc = 0;
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
	{
		char *text = json_is_object(item) ? json_dumps(item, JSON_COMPACT) : NULL;
		struct jose_jwk *k = NULL;
		/* A key we cannot use for signatures is skipped, as RFC 7517 section 5 asks. */
		if (text && jose_jwk_parse(&k, text, strlen(text)) == 0) {
			if (find_in(keys, n, k->kid)) {
				jose_jwk_free(k);
				rc = error_setc(ERR_INVALID, "jwks_invalid",
				                "two keys share one kid");
			} else {
				keys[n++] = k;
			}
		}
		free(text);
		if (rc)
			break;
	}
	json_decref(doc);
	if (rc == 0 && n == 0)
		rc = error_setc(ERR_INVALID, "jwks_invalid",
		                "the JWK Set has no usable signing key");
	if (rc) {
		for (size_t k = 0; k < n; k++)
			jose_jwk_free(keys[k]);
		return rc;
	}
	error_clear();
	*out = jose_jwks_new(keys, n);
	return 0;
}

char *jose_jwks_to_json(const struct jose_jwks *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; s && i < s->n; i++) {
		char *k = jose_jwk_public_json(s->keys[i]);
		json_array_append_new(arr, json_loads(k, 0, NULL));
		free(k);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "keys", arr);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		die("json_dumps failed");
	return text;
}

void jose_jwks_slot_init(struct jose_jwks_slot *slot)
{
	pthread_mutex_init(&slot->lock, NULL);
	slot->cur = NULL;
}

void jose_jwks_slot_release(struct jose_jwks_slot *slot)
{
	jose_jwks_unref(slot->cur);
	slot->cur = NULL;
	pthread_mutex_destroy(&slot->lock);
}

struct jose_jwks *jose_jwks_slot_get(struct jose_jwks_slot *slot)
{
	pthread_mutex_lock(&slot->lock);
	struct jose_jwks *s = jose_jwks_ref(slot->cur);
	pthread_mutex_unlock(&slot->lock);
	return s;
}

void jose_jwks_slot_set(struct jose_jwks_slot *slot, struct jose_jwks *next)
{
	pthread_mutex_lock(&slot->lock);
	struct jose_jwks *old = slot->cur;
	slot->cur = next;
	pthread_mutex_unlock(&slot->lock);
	jose_jwks_unref(old);
}
