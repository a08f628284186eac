/* SPDX-License-Identifier: Apache-2.0 */
/* Opening the application: database, migrations, sealing key (see app.h). */
#include "base/common.h"

#include "app/app.h"

#include "app/audit.h"
#include "base/error.h"
#include "base/log.h"
#include "base/rand.h"
#include "store/migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The key file holds 64 hex characters. It is created 0600 on first start;
 * every node that shares a database must be given the same file.
 */
static int load_seal_key(unsigned char key[CRYPTO_AEAD_KEY_LEN], const char *path)
{
	char hex[2 * CRYPTO_AEAD_KEY_LEN + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		unsigned char k[CRYPTO_AEAD_KEY_LEN];
		rand_bytes(k, sizeof(k));
		crypto_hex(hex, k, sizeof(k));
		hex[2 * CRYPTO_AEAD_KEY_LEN] = '\n';
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			ssize_t w = write(fd, hex, 2 * CRYPTO_AEAD_KEY_LEN + 1);
			int sync_rc = fsync(fd);
			close(fd);
			if (w != 2 * CRYPTO_AEAD_KEY_LEN + 1 || sync_rc)
				return error_set(ERR_UNAVAILABLE, "cannot write key file %s", path);
			log_info("created encryption key file", "path=\"%s\"", path);
		} else if (errno != EEXIST) {
			return error_set(ERR_INVALID, "cannot create key file %s: %s", path,
			                 strerror(errno));
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return error_set(ERR_INVALID, "cannot read key file %s: %s", path, strerror(errno));
	ssize_t n = read(fd, hex, sizeof(hex));
	close(fd);
	if (n < 2 * CRYPTO_AEAD_KEY_LEN)
		return error_set(ERR_INVALID, "key file %s must hold 64 hex characters", path);
	for (int i = 0; i < CRYPTO_AEAD_KEY_LEN; i++) {
		unsigned v;
		char pair[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		char *end = NULL;
		v = (unsigned)strtoul(pair, &end, 16);
		if (!end || *end)
			return error_set(ERR_INVALID, "key file %s must hold 64 hex characters",
			                 path);
		key[i] = (unsigned char)v;
	}
	return 0;
}

int app_open(struct app **out, const struct config *cfg, bool migrate)
{
	struct app *a = xcalloc(1, sizeof(*a));
	a->cfg = cfg;
	jose_jwks_slot_init(&a->keyring);
	*out = NULL;
	int rc = load_seal_key(a->seal_key, cfg->encryption_key_file);
	if (rc == 0)
		rc = db_open(&a->db, cfg->database, (int)cfg->db_pool_size);
	if (rc == 0 && migrate)
		rc = store_migrate_run(a->db, NULL);
	if (rc) {
		app_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void app_free(struct app *a)
{
	if (!a)
		return;
	db_free(a->db);
	jose_jwks_slot_release(&a->keyring);
	memset(a->seal_key, 0, sizeof(a->seal_key));
	free(a);
}

/*
 * fn may run on another thread (SQLite group commit), so the wake mark is
 * cleared and read around fn on the thread that runs it, and carried back here.
 */
struct write_call {
	db_tx_fn fn;
	void *payload;
	bool wake;
};

static int write_call_run(struct db_conn *c, void *payload)
{
	struct write_call *w = payload;
	app_audit_wake_reset();
	int rc = w->fn(c, w->payload);
	w->wake = rc == 0 && app_audit_wake_wanted();
	return rc;
}

static int write_with(struct app *a, unsigned flags, uint64_t key, db_tx_fn fn, void *payload)
{
	struct write_call w = { fn, payload, false };
	int rc = db_tx_keyed(a->db, DB_TX_WRITE | flags, key, write_call_run, &w);
	if (rc == 0 && w.wake)
		app_audit_notify();
	return rc;
}

int app_write(struct app *a, db_tx_fn fn, void *payload)
{
	return write_with(a, 0, 0, fn, payload);
}

int app_write_keyed(struct app *a, uint64_t key, db_tx_fn fn, void *payload)
{
	return write_with(a, 0, key, fn, payload);
}

int app_write_unique(struct app *a, db_tx_fn fn, void *payload)
{
	return write_with(a, DB_TX_UNIQUE, 0, fn, payload);
}

int app_read(struct app *a, db_tx_fn fn, void *payload)
{
	return db_tx(a->db, DB_TX_READ, fn, payload);
}
