/* SPDX-License-Identifier: Apache-2.0 */
/* Operator accounts (see operator.h). */
#include "base/common.h"

#include "app/operator.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/ui_session.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <time.h>

#define OPSLIMIT    2
#define MEMLIMIT    (19u * 1024u * 1024u)
#define LOCK_BASE_S 60
#define LOCK_MAX_S  900
#define HASH_WAIT_S 10

static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static int hashing;

/* Waits up to HASH_WAIT_S for a slot; ERR_UNAVAILABLE (busy) after that. */
static int hash_slot_take(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HASH_WAIT_S;
	int rc = 0;
	pthread_mutex_lock(&hash_lock);
	while (hashing >= APP_OPERATOR_HASHES_AT_ONCE && rc == 0)
		rc = pthread_cond_timedwait(&hash_cond, &hash_lock, &until);
	if (hashing < APP_OPERATOR_HASHES_AT_ONCE) {
		hashing++;
		rc = 0;
	}
	pthread_mutex_unlock(&hash_lock);
	if (rc == 0)
		return 0;
	error_setc(ERR_UNAVAILABLE, "busy", "too many sign-ins at once; try again in a moment");
	return ERR_UNAVAILABLE;
}

static void hash_slot_give(void)
{
	pthread_mutex_lock(&hash_lock);
	hashing--;
	pthread_cond_signal(&hash_cond);
	pthread_mutex_unlock(&hash_lock);
}

static int password_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (sodium_init() < 0)
		return error_set(ERR_INTERNAL, "libsodium failed to initialise");
	int rc = hash_slot_take();
	if (rc)
		return rc;
	rc = crypto_pwhash_str(out, password, strlen(password), OPSLIMIT, MEMLIMIT);
	hash_slot_give();
	return rc == 0 ? 0 : error_set(ERR_UNAVAILABLE, "out of memory hashing a password");
}

/* 1 when password matches hash, 0 when not (or hash is empty), ERR_UNAVAILABLE when busy. */
static int password_matches(const char *hash, const char *password)
{
	if (sodium_init() < 0)
		return error_set(ERR_INTERNAL, "libsodium failed to initialise");
	int rc = hash_slot_take();
	if (rc)
		return rc;
	bool ok = *hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	hash_slot_give();
	return ok;
}

static int check_password(const char *password)
{
	size_t n = password ? strlen(password) : 0;
	if (n >= APP_OPERATOR_PASSWORD_MIN && n <= APP_OPERATOR_PASSWORD_MAX)
		return 0;
	error_setc(ERR_INVALID, "weak_password", "a password needs %d to %d characters",
	           APP_OPERATOR_PASSWORD_MIN, APP_OPERATOR_PASSWORD_MAX);
	error_set_status(422);
	error_add_field("password", "invalid");
	return ERR_INVALID;
}

/* 1-64 of [a-z0-9._@-]: usernames are compared as stored. */
static int check_username(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	bool ok = n >= 1 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = islower((unsigned char)u[i]) || isdigit((unsigned char)u[i]) ||
		     strchr("._@-", u[i]);
	if (ok)
		return 0;
	error_setc(ERR_INVALID, "invalid_username",
	           "a username is 1 to 64 characters of a-z, 0-9, '.', '_', '@' and '-'");
	error_set_status(422);
	error_add_field("username", "invalid");
	return ERR_INVALID;
}

/* The two throttle keys of an attempt: this address and username, and the username. */
static void throttle_keys(const char *username, const char *remote_ip,
                          char addr_key[CRYPTO_SHA256_HEX_LEN],
                          char user_key[CRYPTO_SHA256_HEX_LEN])
{
	char *a = xasprintf("addr:%s %s", remote_ip ? remote_ip : "", username);
	char *u = xasprintf("user:%s", username);
	crypto_sha256_hex(addr_key, a, strlen(a));
	crypto_sha256_hex(user_key, u, strlen(u));
	free(a);
	free(u);
}

struct operator_op {
	const struct actor *who;
	const char *key, *hash;
	struct operator_account *out;
	struct operator_account **items;
	size_t *count;
	const char *addr_key, *user_key;
	int64_t now;
};

static int create_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	int rc = store_operator_insert(c, op->out);
	if (rc)
		return rc;
	char *data =
	        xasprintf("{\"id\":\"%s\",\"username\":\"%s\"}", op->out->id, op->out->username);
	struct change ch = {
		op->who, "operator.created", "operator", op->out->id, NULL, data, NULL
	};
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

int app_operator_create(struct app *a, const struct actor *who, const char *username,
                        const char *password, struct operator_account *out)
{
	memset(out, 0, sizeof(*out));
	int rc = check_username(username);
	if (rc == 0)
		rc = check_password(password);
	char hash[crypto_pwhash_STRBYTES];
	if (rc == 0)
		rc = password_hash(password, hash);
	if (rc)
		return rc;
	id_new(out->id, "opr");
	out->username = xstrdup(username);
	out->password_hash = xstrdup(hash);
	out->created_at = out->updated_at = clock_now();
	sodium_memzero(hash, sizeof(hash));
	struct operator_op op = { .who = who, .out = out };
	rc = app_write(a, create_tx, &op);
	if (rc)
		operator_account_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	struct operator_account o;
	int rc = store_operator_find(c, op->key, &o);
	if (rc)
		return rc;
	rc = store_operator_delete(c, o.id);
	int64_t n = rc ? 0 : store_ui_session_revoke_principal(c, o.id, op->now);
	if (rc == 0 && n < 0)
		rc = (int)n;
	if (rc == 0) {
		char *data = xasprintf("{\"id\":\"%s\",\"username\":\"%s\"}", o.id, o.username);
		struct change ch = {
			op->who, "operator.deleted", "operator", o.id, NULL, data, NULL
		};
		rc = app_audit_change(c, &ch);
		free(data);
	}
	operator_account_release(&o);
	return rc;
}

int app_operator_delete(struct app *a, const struct actor *who, const char *key)
{
	struct operator_op op = { .who = who, .key = key, .now = clock_now() };
	return app_write(a, delete_tx, &op);
}

static int password_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	struct operator_account o;
	int rc = store_operator_find(c, op->key, &o);
	if (rc)
		return rc;
	rc = store_operator_set_password(c, o.id, op->hash, op->now);
	char addr_key[CRYPTO_SHA256_HEX_LEN], user_key[CRYPTO_SHA256_HEX_LEN];
	throttle_keys(o.username, NULL, addr_key, user_key);
	if (rc == 0)
		rc = store_operator_throttle_clear(c, user_key); /* a new password unlocks */
	int64_t n = rc ? 0 : store_ui_session_revoke_principal(c, o.id, op->now);
	if (rc == 0 && n < 0)
		rc = (int)n;
	if (rc == 0) {
		struct change ch = {
			op->who, "operator.password_changed", "operator", o.id, NULL, NULL, NULL
		};
		rc = app_audit_change(c, &ch);
	}
	operator_account_release(&o);
	return rc;
}

int app_operator_set_password(struct app *a, const struct actor *who, const char *key,
                              const char *password)
{
	int rc = check_password(password);
	char hash[crypto_pwhash_STRBYTES];
	if (rc == 0)
		rc = password_hash(password, hash);
	if (rc)
		return rc;
	struct operator_op op = { .who = who, .key = key, .hash = hash, .now = clock_now() };
	rc = app_write(a, password_tx, &op);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	return store_operator_list(c, op->items, op->count);
}

int app_operator_list(struct app *a, struct operator_account **items, size_t *count)
{
	struct operator_op op = { .items = items, .count = count };
	return app_read(a, list_tx, &op);
}

static int find_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	operator_account_release(op->out);
	return store_operator_find(c, op->key, op->out);
}

/*
 * One more failure of key, unless it is locked (ERR_RATE_LIMITED). free_failures
 * attempts pass; the next ones lock for lock_s, doubling up to LOCK_MAX_S.
 * Failures older than APP_OPERATOR_FORGET_S are forgotten.
 */
static int throttle_count(struct db_conn *c, const char *key, const char *subject, int64_t now,
                          int64_t free_failures, int64_t lock_s)
{
	struct login_throttle t;
	int rc = store_operator_throttle_get(c, key, &t);
	if (rc)
		return rc;
	if (t.locked_until > now) {
		error_setc(ERR_RATE_LIMITED, "operator_locked",
		           "too many failed sign-ins for this account; try again later, or sign in "
		           "with a secret key");
		return ERR_RATE_LIMITED;
	}
	if (t.last_failure_at < now - APP_OPERATOR_FORGET_S)
		t.failures = 0;
	t.failures++;
	t.last_failure_at = now;
	if (t.failures >= free_failures) {
		int64_t extra = t.failures - free_failures;
		int64_t lock = extra >= 8 ? LOCK_MAX_S : lock_s << extra;
		t.locked_until = now + (lock > LOCK_MAX_S ? LOCK_MAX_S : lock);
	}
	return store_operator_throttle_put(c, key, subject, &t);
}

/*
 * Counted before the password is checked, in one write transaction, so
 * attempts in parallel (or on several nodes) are ordered and at most the
 * free ones ever reach the hash.
 */
static int attempt_begin_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	int64_t swept =
	        store_operator_throttle_sweep(c, op->now, op->now - APP_OPERATOR_FORGET_S, 100);
	if (swept < 0)
		return (int)swept;
	int rc = throttle_count(c, op->addr_key, op->user_key, op->now, APP_OPERATOR_FREE_FAILURES,
	                        LOCK_BASE_S);
	if (rc == 0)
		rc = throttle_count(c, op->user_key, op->user_key, op->now,
		                    APP_OPERATOR_ACCOUNT_FAILURES, LOCK_MAX_S);
	return rc;
}

static int attempt_ok_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	int rc = store_operator_throttle_clear(c, op->user_key);
	if (rc == 0)
		rc = store_operator_signed_in(c, op->out->id, op->now);
	return rc;
}

/* A hash of a random password: unknown usernames cost the same as known ones. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[33];
	char *t = crypto_token_new("");
	xsnprintf(pw, sizeof(pw), "%s", t);
	free(t);
	/* not through the hash slots: this must not fail for being busy */
	if (crypto_pwhash_str(dummy, pw, strlen(pw), OPSLIMIT, MEMLIMIT) != 0)
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

static int invalid_credentials(void)
{
	return error_setc(ERR_UNAUTHENTICATED, "invalid_credentials",
	                  "the username or password is not right");
}

int app_operator_verify(struct app *a, const char *username, const char *password,
                        const char *remote_ip, struct operator_account *out)
{
	memset(out, 0, sizeof(*out));
	if (!username || !password || !*username || strlen(username) > 64 ||
	    strlen(password) > APP_OPERATOR_PASSWORD_MAX)
		return invalid_credentials();
	char addr_key[CRYPTO_SHA256_HEX_LEN], user_key[CRYPTO_SHA256_HEX_LEN];
	throttle_keys(username, remote_ip, addr_key, user_key);
	struct operator_op op = { .key = username,
		                  .out = out,
		                  .now = clock_now(),
		                  .addr_key = addr_key,
		                  .user_key = user_key };
	int rc = app_write(a, attempt_begin_tx, &op);
	if (rc)
		return rc;
	rc = app_read(a, find_tx, &op);
	bool known = rc == 0 && strcmp(out->username, username) == 0;
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	error_clear();
	if (!known)
		pthread_once(&dummy_once, dummy_init);
	int ok = password_matches(known ? out->password_hash : dummy, password);
	if (out->password_hash)
		sodium_memzero(out->password_hash, strlen(out->password_hash));
	free(out->password_hash);
	out->password_hash = NULL;
	if (ok < 0 || !known || !ok) {
		operator_account_release(out);
		return ok < 0 ? ok : invalid_credentials();
	}
	rc = app_write(a, attempt_ok_tx, &op);
	if (rc)
		operator_account_release(out);
	return rc;
}
