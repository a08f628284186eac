/* SPDX-License-Identifier: Apache-2.0 */
/* app_audit_change marks a wake-up only when it queued a webhook delivery. */
#include "base/common.h"

#include "app/audit.h"
#include "store/migrate.h"
#include "test/harness/test.h"

static int change_tx(struct db_conn *c, void *payload)
{
	bool *woken = payload;
	struct change ch = { NULL, "user.created", "user", "user_x", NULL, "{}", "user.created" };
	app_audit_wake_reset();
	int rc = app_audit_change(c, &ch);
	*woken = app_audit_wake_wanted();
	return rc;
}

static int endpoint_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	return db_conn_exec(c,
	                    "INSERT INTO webhook_endpoints (id, url, description, events, "
	                    "secret_sealed, enabled, created_at, updated_at) VALUES ('whe_unit', "
	                    "'http://127.0.0.1:9/', '', '[\"user.created\"]', 'x', 1, 0, 0)");
}

TEST(app_audit, wakes_workers_only_for_queued_deliveries)
{
	struct db *db = NULL;
	ASSERT(db_open(&db, "sqlite::memory:", 1) == 0);
	ASSERT(store_migrate_run(db, NULL) == 0);
	bool woken = true;
	ASSERT(db_tx(db, DB_TX_WRITE, change_tx, &woken) == 0);
	ASSERT(!woken); /* no endpoint: nothing to deliver */
	ASSERT(db_tx(db, DB_TX_WRITE, endpoint_tx, NULL) == 0);
	ASSERT(db_tx(db, DB_TX_WRITE, change_tx, &woken) == 0);
	ASSERT(woken);
	db_free(db);
}
