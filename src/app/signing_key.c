/* SPDX-License-Identifier: Apache-2.0 */
/* The signing keyring (see signing_key.h). */
#include "base/common.h"

#include "app/signing_key.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "jose/jwk.h"

struct key_op {
	const struct actor *who;
	bool rotate;
	char *kid;
	struct signing_key *items;
	size_t count;
};

static int insert_new(struct db_conn *c, struct app *a, char **kid_out)
{
	struct jose_jwk *k = NULL;
	int rc = jose_jwk_generate(&k);
	if (rc)
		return rc;
	char *priv = jose_jwk_private_json(k);
	struct signing_key row = {
		.kid = (char *)(uintptr_t)jose_jwk_kid(k),
		.alg = (char *)(uintptr_t)jose_alg_name(jose_jwk_alg(k)),
		.private_sealed = crypto_seal(a->seal_key, priv),
		.public_jwk = jose_jwk_public_json(k),
		.created_at = clock_now(),
	};
	memset(priv, 0, strlen(priv));
	free(priv);
	rc = store_signing_key_insert(c, &row);
	if (rc == 0 && kid_out)
		*kid_out = xstrdup(row.kid);
	free(row.private_sealed);
	free(row.public_jwk);
	jose_jwk_free(k);
	return rc;
}

struct tx {
	struct app *a;
	struct key_op *op;
};

static int ensure_tx(struct db_conn *c, void *payload)
{
	struct tx *t = payload;
	free(t->op->kid); /* a rerun (retry, group redo) starts empty */
	t->op->kid = NULL;
	struct signing_key *items = NULL;
	size_t n = 0;
	int rc = store_signing_key_list(c, clock_now(), &items, &n);
	bool active = false;
	for (size_t i = 0; i < n; i++) {
		active |= !strcmp(items[i].status, "active");
		signing_key_release(&items[i]);
	}
	free(items);
	if (rc || active)
		return rc;
	/* the first key is part of setting up, like the sealing key: logged, not audited */
	return insert_new(c, t->a, &t->op->kid);
}

int app_signing_key_ensure(struct app *a)
{
	struct actor system = { "system", "keyring" };
	struct key_op op = { .who = &system };
	struct tx t = { a, &op };
	int rc = app_write(a, ensure_tx, &t);
	/* another node created the first key at the same moment: theirs is as good */
	if (rc == ERR_CONFLICT)
		rc = 0;
	if (rc == 0 && op.kid)
		log_info("signing key created", "kid=%s", op.kid);
	free(op.kid);
	return rc;
}

static int rotate_tx(struct db_conn *c, void *payload)
{
	struct tx *t = payload;
	free(t->op->kid);
	t->op->kid = NULL;
	int rc = store_signing_key_retire_active(c, clock_now());
	if (!rc)
		rc = insert_new(c, t->a, &t->op->kid);
	if (!rc) {
		char *data = xasprintf("{\"kid\":\"%s\"}", t->op->kid);
		struct change ch = { t->op->who,    "signing_key.rotated",
			             "signing_key", t->op->kid,
			             NULL,          data,
			             NULL };
		rc = app_audit_change(c, &ch);
		free(data);
	}
	return rc;
}

int app_signing_key_rotate(struct app *a, const struct actor *who, char **kid_out)
{
	struct key_op op = { .who = who, .rotate = true };
	struct tx t = { a, &op };
	int rc = app_write(a, rotate_tx, &t);
	if (rc) {
		free(op.kid);
		return rc;
	}
	*kid_out = op.kid;
	atomic_store(&a->keyring_loaded_ms, 0); /* this node sees the new key at once */
	return 0;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct key_op *op = payload;
	return store_signing_key_list(c, clock_now() - APP_SIGNING_KEY_GRACE_S, &op->items,
	                              &op->count);
}

int app_signing_key_list(struct app *a, struct signing_key **items, size_t *count)
{
	struct key_op op = { 0 };
	int rc = app_read(a, list_tx, &op);
	*items = op.items;
	*count = op.count;
	return rc;
}

/* True when the snapshot holds exactly these kids in this order (key 0 the active one). */
static bool same_set(const struct jose_jwks *s, const struct signing_key *items, size_t n)
{
	if (!s || jose_jwks_count(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(jose_jwk_kid(jose_jwks_at(s, i)), items[i].kid) != 0)
			return false;
	return true;
}

/* Builds a snapshot: the active key opened with the instance key, the others public. */
static int build(struct app *a, const struct signing_key *items, size_t n, struct jose_jwks **out)
{
	struct jose_jwk *keys[16];
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		bool active = !strcmp(items[i].status, "active");
		char *json = NULL;
		if (active)
			rc = crypto_open(&json, a->seal_key, items[i].private_sealed);
		else
			json = xstrdup(items[i].public_jwk);
		if (!rc) {
			rc = jose_jwk_parse(&keys[k], json, strlen(json));
			k += rc == 0;
		}
		if (json) {
			memset(json, 0, strlen(json));
			free(json);
		}
		if (rc)
			error_prefix("signing key %s: ", items[i].kid);
	}
	if (rc) {
		for (size_t i = 0; i < k; i++)
			jose_jwk_free(keys[i]);
		return rc;
	}
	*out = jose_jwks_new(keys, k);
	return 0;
}

/* Active first, then the retired keys newest first. */
static void order_active_first(struct signing_key *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (strcmp(items[i].status, "active") != 0)
			continue;
		struct signing_key t = items[i];
		memmove(&items[1], &items[0], i * sizeof(*items));
		items[0] = t;
	}
}

static void free_items(struct signing_key *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		signing_key_release(&items[i]);
	free(items);
}

/* The keys to publish, active first; creates the first key when there is none. */
static int load_items(struct app *a, struct signing_key **items, size_t *n)
{
	int rc = app_signing_key_list(a, items, n);
	if (rc == 0)
		order_active_first(*items, *n);
	if (rc == 0 && (*n == 0 || strcmp((*items)[0].status, "active") != 0)) {
		free_items(*items, *n);
		*items = NULL;
		*n = 0;
		rc = app_signing_key_ensure(a);
		if (rc == 0)
			rc = app_signing_key_list(a, items, n);
		if (rc == 0)
			order_active_first(*items, *n);
	}
	return rc;
}

static int reload(struct app *a)
{
	struct signing_key *items = NULL;
	size_t n = 0;
	int rc = load_items(a, &items, &n);
	if (rc == 0) {
		struct jose_jwks *cur = jose_jwks_slot_get(&a->keyring);
		if (!same_set(cur, items, n)) {
			struct jose_jwks *next = NULL;
			rc = build(a, items, n, &next);
			if (rc == 0)
				jose_jwks_slot_set(&a->keyring, next);
		}
		jose_jwks_unref(cur);
	}
	free_items(items, n);
	if (rc == 0)
		atomic_store(&a->keyring_loaded_ms, clock_now_ms());
	return rc;
}

int app_signing_key_snapshot(struct app *a, bool fresh, struct jose_jwks **out)
{
	int64_t loaded = atomic_load(&a->keyring_loaded_ms);
	int rc = 0;
	if (fresh || loaded == 0 || clock_now_ms() - loaded > APP_SIGNING_KEY_RELOAD_S * 1000)
		rc = reload(a);
	*out = jose_jwks_slot_get(&a->keyring);
	if (!*out)
		return rc ? rc : error_set(ERR_UNAVAILABLE, "no signing key");
	if (rc)
		log_warn("keyring reload failed; signing with the previous snapshot", "err=\"%s\"",
		         error_get()->detail);
	return 0;
}
