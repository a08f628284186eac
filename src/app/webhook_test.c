/* SPDX-License-Identifier: Apache-2.0 */
/* app_webhook_claim() when the claim's COMMIT fails: *out must hold nothing. */
#include "base/common.h"

#include "app/webhook.h"
#include "base/error.h"
#include "test/harness/test.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const setup_sql[] = {
	"INSERT INTO webhook_endpoints (id, url, description, events, secret_sealed, enabled, "
	"created_at, updated_at) VALUES ('whe_unit', 'http://127.0.0.1:9/', '', '[]', 'x', 1, 0, 0)",
	"INSERT INTO events (id, type, data, created_at) VALUES ('evt_unit', 'session.revoked', '{}', 0)",
	"INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, "
	"next_attempt_at, created_at, updated_at) VALUES ('evt_unit.whe_unit', 'evt_unit', "
	"'whe_unit', 'pending', 0, 0, 0, 0)",
	/* a deferred foreign key that the claim's UPDATE breaks: its COMMIT fails */
	"CREATE TABLE unit_guard (ref TEXT REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED)",
	"CREATE TRIGGER unit_break AFTER UPDATE ON webhook_deliveries "
	"BEGIN INSERT INTO unit_guard VALUES ('org_missing'); END",
	NULL,
};

static int setup_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	for (const char *const *q = setup_sql; *q; q++) {
		int rc = db_conn_exec(c, *q);
		if (rc)
			return rc;
	}
	return 0;
}

TEST(webhook_claim, failed_commit_leaves_out_empty)
{
	char dir[] = "/tmp/gatehouse-unit-XXXXXX";
	ASSERT(mkdtemp(dir) != NULL);
	char db_url[96], key_file[96], db_path[96];
	xsnprintf(db_path, sizeof(db_path), "%s/claim.db", dir);
	xsnprintf(db_url, sizeof(db_url), "sqlite:%s", db_path);
	xsnprintf(key_file, sizeof(key_file), "%s/claim.key", dir);
	struct config cfg = { 0 };
	cfg.database = db_url;
	cfg.encryption_key_file = key_file;
	cfg.db_pool_size = 1;
	struct app *a = NULL;
	int open_rc = app_open(&a, &cfg, true);
	int setup_rc = open_rc ? open_rc : db_tx(a->db, DB_TX_WRITE, setup_tx, NULL);
	struct webhook_delivery d;
	memset(&d, 0, sizeof(d));
	int rc = setup_rc ? setup_rc : app_webhook_claim(a, 30, &d);
	bool empty = !d.url && !d.event_type && !d.event_data && !d.secret_sealed && !d.status;
	webhook_delivery_release(&d);
	app_free(a);
	char path[128];
	const char *const suffixes[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		xsnprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
		unlink(path);
	}
	unlink(key_file);
	rmdir(dir);

	ASSERT_INT_EQ(open_rc, 0);
	ASSERT_INT_EQ(setup_rc, 0);
	ASSERT(rc < 0); /* the COMMIT failed: nothing was claimed */
	ASSERT(empty);  /* and nothing is handed back (before the fix: leaked strings) */
}
