/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL driver after a statement failed with a serialization or
 * lock error that the caller did not pass on (store helpers that return bool
 * do that): the transaction must still end as retryable, never as a 500 and
 * never as a COMMIT that silently rolled back. Needs TEST_PG_DSN.
 */
#include "base/common.h"

#include "base/error.h"
#include "base/rand.h"
#include "store/db.h"
#include "test/harness/test.h"

#include <libpq-fe.h>

struct swallow {
	const char *table;
	PGconn *blocker; /* holds FOR UPDATE on row 1 until the first attempt ends */
	int attempts;
	bool insert_first;
};

/* Row 1 is locked by the blocker: NOWAIT fails with 55P03 (ERR_RETRY), which is ignored. */
static int swallow_lock_error(struct db_conn *c, void *payload)
{
	struct swallow *sw = payload;
	char sql[160];
	sw->attempts++;
	if (sw->insert_first) {
		xsnprintf(sql, sizeof(sql), "INSERT INTO %s (id) VALUES (2)", sw->table);
		int64_t n = db_exec(c, sql, "");
		if (n < 0)
			return (int)n;
	}
	xsnprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE id = 1 FOR UPDATE NOWAIT", sw->table);
	(void)db_conn_exec(c, sql); /* the error a careless caller drops */
	if (sw->blocker) {
		PQclear(PQexec(sw->blocker, "ROLLBACK")); /* the next attempt can lock the row */
		PQfinish(sw->blocker);
		sw->blocker = NULL;
	}
	if (sw->insert_first)
		return 0; /* nothing else: the COMMIT has to notice */
	xsnprintf(sql, sizeof(sql), "INSERT INTO %s (id) VALUES (2)", sw->table);
	int64_t n = db_exec(c, sql, "");
	return n < 0 ? (int)n : 0;
}

static int64_t count_rows(PGconn *pg, const char *table)
{
	char sql[128];
	xsnprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	PGresult *r = PQexec(pg, sql);
	int64_t n = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

static void run_case(bool insert_first)
{
	const char *dsn = getenv("TEST_PG_DSN");
	if (!dsn || !*dsn)
		test_skip("TEST_PG_DSN is not set");
	unsigned char r[4];
	rand_bytes(r, sizeof(r));
	char table[64], sql[200];
	xsnprintf(table, sizeof(table), "unit_swallow_%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	PGconn *admin = PQconnectdb(dsn);
	ASSERT(PQstatus(admin) == CONNECTION_OK);
#define CREATE_SQL "CREATE TABLE %s (id INT PRIMARY KEY); INSERT INTO %s VALUES (1)"
	xsnprintf(sql, sizeof(sql), CREATE_SQL, table, table);
	PQclear(PQexec(admin, sql));

	struct swallow sw = { .table = table, .insert_first = insert_first };
	sw.blocker = PQconnectdb(dsn);
	xsnprintf(sql, sizeof(sql), "BEGIN; SELECT id FROM %s WHERE id = 1 FOR UPDATE", table);
	PGresult *lr = PQexec(sw.blocker, sql);
	bool locked = PQresultStatus(lr) == PGRES_TUPLES_OK;
	PQclear(lr);

	struct db *db = NULL;
	int rc = locked ? db_open(&db, dsn, 2) : -1;
	if (rc == 0)
		rc = db_tx(db, DB_TX_WRITE, swallow_lock_error, &sw);
	int64_t rows = count_rows(admin, table);
	db_free(db);
	if (sw.blocker)
		PQfinish(sw.blocker);
	xsnprintf(sql, sizeof(sql), "DROP TABLE %s", table);
	PQclear(PQexec(admin, sql));
	PQfinish(admin);

	ASSERT(locked);
	ASSERT_INT_EQ(rc, 0);          /* retried, then committed */
	ASSERT_INT_EQ(sw.attempts, 2); /* the first attempt was retried, not failed */
	ASSERT_INT_EQ(rows, 2);        /* and row 2 really is there */
}

TEST(db_pg, swallowed_lock_error_then_write_is_retried)
{
	run_case(false);
}

TEST(db_pg, swallowed_lock_error_before_commit_is_not_a_silent_rollback)
{
	run_case(true);
}
