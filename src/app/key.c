/* SPDX-License-Identifier: Apache-2.0 */
/* Operator secret keys (see key.h). */
#include "base/common.h"

#include "app/key.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"

#include <pthread.h>

#define CACHE_SLOTS 64

struct cache_entry {
	char hash[CRYPTO_SHA256_HEX_LEN];
	char id[ID_MAX];
	int64_t expires_us;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry cache[CACHE_SLOTS];

static struct cache_entry *slot_for(const char *hash)
{
	unsigned h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 31 + (unsigned char)hash[i];
	return &cache[h % CACHE_SLOTS];
}

static void cache_clear(void)
{
	pthread_mutex_lock(&cache_lock);
	memset(cache, 0, sizeof(cache));
	pthread_mutex_unlock(&cache_lock);
}

struct key_op {
	const struct actor *who;
	const char *name, *id, *hash;
	struct api_key *out;
	char *found_id;
	struct api_key **items;
	size_t *count;
	int64_t active;
};

static int create_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	int rc = store_key_insert(c, op->out, op->hash);
	if (rc)
		return rc;
	char *data = xasprintf("{\"id\":\"%s\",\"hint\":\"%s\"}", op->out->id, op->out->key_hint);
	struct change ch = { op->who, "secret_key.created", "secret_key", op->out->id, NULL, data,
		             NULL };
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

int app_key_create(struct app *a, const struct actor *who, const char *name, struct api_key *out,
                   char **secret_out)
{
	memset(out, 0, sizeof(*out));
	char *secret = crypto_token_new("sk_live_");
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, secret, strlen(secret));
	id_new(out->id, "key");
	out->name = xstrdup(name && *name ? name : "default");
	out->key_hint = xasprintf("sk_live_...%s", secret + strlen(secret) - 4);
	out->created_at = clock_now();
	struct key_op op = { .who = who, .out = out, .hash = hash };
	int rc = app_write(a, create_tx, &op);
	if (rc) {
		free(secret);
		api_key_release(out);
		return rc;
	}
	*secret_out = secret;
	return 0;
}

static int revoke_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	int rc = store_key_revoke(c, op->id, clock_now());
	if (rc)
		return rc;
	struct change ch = {
		op->who, "secret_key.revoked", "secret_key", op->id, NULL, NULL, NULL
	};
	return app_audit_change(c, &ch);
}

int app_key_revoke(struct app *a, const struct actor *who, const char *id)
{
	struct key_op op = { .who = who, .id = id };
	int rc = app_write(a, revoke_tx, &op);
	if (rc == 0)
		cache_clear();
	return rc;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	return store_key_list(c, op->items, op->count);
}

int app_key_list(struct app *a, struct api_key **items, size_t *count)
{
	struct key_op op = { .items = items, .count = count };
	return app_read(a, list_tx, &op);
}

static int find_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	return store_key_find_active(c, op->hash, op->found_id);
}

int app_key_authenticate(struct app *a, const char *token, char id_out[ID_MAX])
{
	if (!token || strncmp(token, "sk_", 3) != 0 || strlen(token) > 128)
		return error_setc(ERR_UNAUTHENTICATED, "invalid_api_key",
		                  "send a secret key: Authorization: Bearer sk_...");
	const char *configured = a->cfg->secret_key;
	if (configured && *configured && crypto_equal_str(token, configured)) {
		xsnprintf(id_out, ID_MAX, "config");
		return 0;
	}
	char hash[CRYPTO_SHA256_HEX_LEN];
	crypto_sha256_hex(hash, token, strlen(token));
	int64_t now = clock_mono_us();
	struct cache_entry *e = slot_for(hash);
	pthread_mutex_lock(&cache_lock);
	bool hit = e->expires_us > now && crypto_equal_str(e->hash, hash);
	if (hit)
		xsnprintf(id_out, ID_MAX, "%s", e->id);
	pthread_mutex_unlock(&cache_lock);
	if (hit)
		return 0;
	struct key_op op = { .hash = hash, .found_id = id_out };
	int rc = app_read(a, find_tx, &op);
	if (rc)
		return rc == ERR_NOT_FOUND ? ERR_UNAUTHENTICATED : rc;
	pthread_mutex_lock(&cache_lock);
	memcpy(e->hash, hash, sizeof(e->hash));
	xsnprintf(e->id, sizeof(e->id), "%s", id_out);
	e->expires_us = now + APP_KEY_CACHE_TTL_S * 1000000LL;
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

static int count_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	op->active = store_key_count_active(c);
	return op->active < 0 ? (int)op->active : 0;
}

bool app_key_none_exists(struct app *a)
{
	if (a->cfg->secret_key && *a->cfg->secret_key)
		return false;
	struct key_op op = { 0 };
	return app_read(a, count_tx, &op) == 0 && op.active == 0;
}
