/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store contract: one suite, run against every backend. SQLite always
 * (a temporary file), PostgreSQL when TEST_PG_DSN is set (a fresh schema per
 * run, dropped afterwards), else those cases are skipped.
 */
#include "base/common.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/rand.h"
#include "store/db.h"
#include "store/event.h"
#include "store/migrate.h"
#include "store/org.h"
#include "store/webhook.h"
#include "test/harness/test.h"

#include <pthread.h>
#include <unistd.h>

struct backend {
	struct db *db;
	char *url, *admin_url, *schema, *dir;
};

static int exec_tx(struct db_conn *c, void *payload)
{
	return db_conn_exec(c, payload);
}

/* Opens a fresh, migrated database of the kind named; false (and skip) when unavailable. */
static bool backend_open(struct backend *b, bool pg)
{
	memset(b, 0, sizeof(*b));
	if (!pg) {
		char tmpl[] = "/tmp/gh-contract-XXXXXX";
		b->dir = xstrdup(mkdtemp(tmpl));
		b->url = xasprintf("sqlite:%s/contract.db", b->dir);
	} else {
		const char *dsn = getenv("TEST_PG_DSN");
		if (!dsn || !*dsn)
			return false;
		unsigned char r[6];
		rand_bytes(r, sizeof(r));
		b->schema = xasprintf("gh_contract_%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
		                      r[3], r[4], r[5]);
		b->admin_url = xstrdup(dsn);
		struct db *admin = NULL;
		if (db_open(&admin, dsn, 1))
			return false;
		char *sql = xasprintf("CREATE SCHEMA %s", b->schema);
		int rc = db_tx(admin, DB_TX_WRITE, exec_tx, sql);
		free(sql);
		db_free(admin);
		if (rc)
			return false;
		/* libpq takes server settings through options=-c... */
		b->url = xasprintf("%s%coptions=-csearch_path%%3D%s", dsn,
		                   strchr(dsn, '?') ? '&' : '?', b->schema);
	}
	if (db_open(&b->db, b->url, 8) || store_migrate_run(b->db, NULL))
		return false;
	return true;
}

static void backend_close(struct backend *b)
{
	db_free(b->db);
	if (b->schema) {
		struct db *admin = NULL;
		if (db_open(&admin, b->admin_url, 1) == 0) {
			char *sql = xasprintf("DROP SCHEMA %s CASCADE", b->schema);
			db_tx(admin, DB_TX_WRITE, exec_tx, sql);
			free(sql);
			db_free(admin);
		}
	}
	if (b->dir) {
		char *p = xasprintf("%s/contract.db", b->dir);
		char *w = xasprintf("%s-wal", p), *s = xasprintf("%s-shm", p);
		unlink(p);
		unlink(w);
		unlink(s);
		rmdir(b->dir);
		free(p);
		free(w);
		free(s);
	}
	free(b->url);
	free(b->admin_url);
	free(b->schema);
	free(b->dir);
}

static struct org make_org(const char *slug)
{
	struct org o = { 0 };
	id_new(o.id, "org");
	o.name = xstrdup(slug);
	o.slug = xstrdup(slug);
	o.default_role = xstrdup("org:member");
	o.public_metadata = xstrdup("{}");
	o.private_metadata = xstrdup("{}");
	o.created_at = o.updated_at = clock_now();
	return o;
}

struct insert_op {
	struct org org;
	bool fail_after;
};

static int insert_tx(struct db_conn *c, void *payload)
{
	struct insert_op *op = payload;
	int rc = store_org_insert(c, &op->org);
	if (rc == 0 && op->fail_after)
		return error_set(ERR_INVALID, "caller changed its mind");
	return rc;
}

struct get_op {
	const char *key;
	struct org out;
};

static int get_tx(struct db_conn *c, void *payload)
{
	struct get_op *op = payload;
	return store_org_get(c, op->key, &op->out);
}

static void contract_orgs(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	int applied = -1;
	ASSERT_INT_EQ(store_migrate_run(b.db, &applied), 0);
	ASSERT_INT_EQ(applied, 0); /* idempotent */

	struct insert_op ins = { make_org("acme"), false };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &ins), 0);
	struct get_op get = { .key = "acme" };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, get_tx, &get), 0);
	ASSERT_STR_EQ(get.out.id, ins.org.id);
	ASSERT_STR_EQ(get.out.default_role, "org:member");
	org_release(&get.out);

	/* a unique violation maps to ERR_CONFLICT on both engines */
	struct insert_op dup = { make_org("acme"), false };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &dup), ERR_CONFLICT);
	ASSERT_STR_EQ(error_get()->stable, "db_constraint");

	/* an error from the caller rolls the whole transaction back */
	struct insert_op rolled = { make_org("ghost"), true };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &rolled), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->detail, "caller changed its mind");
	struct get_op ghost = { .key = "ghost" };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, get_tx, &ghost), ERR_NOT_FOUND);

	org_release(&ins.org);
	org_release(&dup.org);
	org_release(&rolled.org);
	backend_close(&b);
}

TEST(store_contract, sqlite_orgs)
{
	contract_orgs(false);
}

TEST(store_contract, pg_orgs)
{
	contract_orgs(true);
}

/* --- concurrent writers: every commit lands exactly once --- */

struct writer {
	struct db *db;
	int n, failures;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->n; i++) {
		char slug[64];
		unsigned char r[4];
		rand_bytes(r, sizeof(r));
		xsnprintf(slug, sizeof(slug), "w-%02x%02x%02x%02x-%d", r[0], r[1], r[2], r[3], i);
		struct insert_op op = { make_org(slug), false };
		if (db_tx(w->db, DB_TX_WRITE, insert_tx, &op))
			w->failures++;
		org_release(&op.org);
	}
	return NULL;
}

struct count_op {
	int64_t total;
};

static int count_tx(struct db_conn *c, void *payload)
{
	struct count_op *op = payload;
	struct org *items = NULL;
	size_t n = 0;
	int rc = store_org_list(c, NULL, 1, &items, &n, &op->total);
	for (size_t i = 0; i < n; i++)
		org_release(&items[i]);
	free(items);
	return rc;
}

static void contract_concurrent(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	struct writer w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){ b.db, 40, 0 };
		pthread_create(&t[i], NULL, writer_run, &w[i]);
	}
	int failures = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	ASSERT_INT_EQ(failures, 0);
	struct count_op cnt = { 0 };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, count_tx, &cnt), 0);
	ASSERT_INT_EQ(cnt.total, 160);
	backend_close(&b);
}

TEST(store_contract, sqlite_concurrent_writers)
{
	contract_concurrent(false);
}

TEST(store_contract, pg_concurrent_writers)
{
	contract_concurrent(true);
}

/* --- the outbox: fan-out by filter, and a claimed delivery is not claimed twice --- */

static int outbox_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	int64_t now = clock_now();
	struct webhook_endpoint all = { 0 }, some = { 0 }, off = { 0 };
	xsnprintf(all.id, sizeof(all.id), "whe_all");
	xsnprintf(some.id, sizeof(some.id), "whe_some");
	xsnprintf(off.id, sizeof(off.id), "whe_off");
	all.url = some.url = off.url = (char *)(uintptr_t) "https://example.test/";
	all.description = some.description = off.description = (char *)(uintptr_t) "";
	all.events = (char *)(uintptr_t) "[]";
	some.events = (char *)(uintptr_t) "[\"session.revoked\"]";
	off.events = (char *)(uintptr_t) "[]";
	all.secret_sealed = some.secret_sealed = off.secret_sealed = (char *)(uintptr_t) "v1.x";
	all.enabled = some.enabled = true;
	off.enabled = false;
	all.created_at = some.created_at = off.created_at = now;
	int rc = store_webhook_insert(c, &all);
	if (!rc)
		rc = store_webhook_insert(c, &some);
	if (!rc)
		rc = store_webhook_insert(c, &off);
	if (!rc)
		rc = store_event_insert(c, "evt_1", "user.created", "{}", now, NULL);
	if (!rc)
		rc = store_event_insert(c, "evt_2", "session.revoked", "{}", now, NULL);
	return rc;
}

struct claim_op {
	struct webhook_delivery d;
	int got;
};

static int claim_tx(struct db_conn *c, void *payload)
{
	struct claim_op *op = payload;
	webhook_delivery_release(&op->d);
	op->got = store_webhook_claim(c, clock_now(), 30, &op->d);
	return op->got < 0 ? op->got : 0;
}

static void contract_outbox(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, outbox_tx, NULL), 0);
	/* whe_all gets both events, whe_some only session.revoked, whe_off nothing: 3 */
	int claimed = 0;
	struct claim_op op;
	memset(&op, 0, sizeof(op));
	for (int i = 0; i < 5; i++) {
		ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, claim_tx, &op), 0);
		if (op.got == 1) {
			claimed++;
			ASSERT(strcmp(op.d.endpoint_id, "whe_off") != 0);
			ASSERT(!(strcmp(op.d.endpoint_id, "whe_some") == 0 &&
			         strcmp(op.d.event_type, "user.created") == 0));
		}
	}
	webhook_delivery_release(&op.d);
	ASSERT_INT_EQ(claimed, 3); /* and leased ones are not handed out again */
	backend_close(&b);
}

TEST(store_contract, sqlite_outbox)
{
	contract_outbox(false);
}

TEST(store_contract, pg_outbox)
{
	contract_outbox(true);
}
