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

#define OPSLIMIT    2
#define MEMLIMIT    (19u * 1024u * 1024u)
#define LOCK_BASE_S 60
#define LOCK_MAX_S  900

static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static int hashing;

static void hash_slot_take(void)
{
	pthread_mutex_lock(&hash_lock);
	while (hashing >= APP_OPERATOR_HASHES_AT_ONCE)
		pthread_cond_wait(&hash_cond, &hash_lock);
	hashing++;
	pthread_mutex_unlock(&hash_lock);
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
	hash_slot_take();
	int rc = crypto_pwhash_str(out, password, strlen(password), OPSLIMIT, MEMLIMIT);
	hash_slot_give();
	return rc == 0 ? 0 : error_set(ERR_UNAVAILABLE, "out of memory hashing a password");
}

static bool password_matches(const char *hash, const char *password)
{
	if (sodium_init() < 0)
		return false;
	hash_slot_take();
	bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
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

struct operator_op {
	const struct actor *who;
	const char *key, *hash;
	struct operator_account *out;
	struct operator_account **items;
	size_t *count;
	int64_t now, locked_until;
	bool ok;
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

static int attempt_tx(struct db_conn *c, void *payload)
{
	struct operator_op *op = payload;
	if (op->ok)
		return store_operator_signed_in(c, op->out->id, op->now);
	return store_operator_failed(c, op->out->id, op->locked_until, op->now);
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
	if (password_hash(pw, dummy) != 0)
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

static int invalid_credentials(void)
{
	return error_setc(ERR_UNAUTHENTICATED, "invalid_credentials",
	                  "the username or password is not right");
}

int app_operator_verify(struct app *a, const char *username, const char *password,
                        struct operator_account *out)
{
	memset(out, 0, sizeof(*out));
	if (!username || !password || strlen(username) > 64 ||
	    strlen(password) > APP_OPERATOR_PASSWORD_MAX)
		return invalid_credentials();
	struct operator_op op = { .key = username, .out = out, .now = clock_now() };
	int rc = app_read(a, find_tx, &op);
	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(out->username, username) != 0)) {
		pthread_once(&dummy_once, dummy_init);
		if (dummy[0])
			(void)password_matches(dummy, password);
		operator_account_release(out);
		return invalid_credentials();
	}
	if (rc)
		return rc;
	if (out->locked_until > op.now) {
		long long wait = (long long)(out->locked_until - op.now);
		operator_account_release(out);
		error_setc(ERR_RATE_LIMITED, "operator_locked",
		           "too many failed attempts; try again in %lld seconds", wait);
		return ERR_RATE_LIMITED;
	}
	op.ok = password_matches(out->password_hash, password);
	if (!op.ok && out->failed_attempts + 1 >= APP_OPERATOR_FREE_FAILURES) {
		int64_t extra = out->failed_attempts + 1 - APP_OPERATOR_FREE_FAILURES;
		int64_t lock = extra >= 4 ? LOCK_MAX_S : (int64_t)LOCK_BASE_S << extra;
		op.locked_until = op.now + (lock > LOCK_MAX_S ? LOCK_MAX_S : lock);
	}
	rc = app_write(a, attempt_tx, &op);
	if (out->password_hash)
		sodium_memzero(out->password_hash, strlen(out->password_hash));
	free(out->password_hash);
	out->password_hash = NULL;
	if (rc == 0 && !op.ok)
		rc = invalid_credentials();
	if (rc)
		operator_account_release(out);
	return rc;
}
