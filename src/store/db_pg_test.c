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

/*
 * Skips without TEST_PG_DSN; else creates a table "<prefix>_<random>" (id INT
 * PRIMARY KEY), with row 1 when with_row, and returns the admin connection
 * (check its status).
 */
static PGconn *new_table(const char **dsn_out, char table[64], const char *prefix, bool with_row)
{
	const char *dsn = getenv("TEST_PG_DSN");
	if (!dsn || !*dsn)
		test_skip("TEST_PG_DSN is not set");
	unsigned char r[4];
	char sql[200];
	rand_bytes(r, sizeof(r));
	xsnprintf(table, 64, "%s_%02x%02x%02x%02x", prefix, r[0], r[1], r[2], r[3]);
	PGconn *admin = PQconnectdb(dsn); /* the caller checks it */
	xsnprintf(sql, sizeof(sql), "CREATE TABLE %s (id INT PRIMARY KEY)%s%s%s", table,
	          with_row ? "; INSERT INTO " : "", with_row ? table : "",
	          with_row ? " VALUES (1)" : "");
	PQclear(PQexec(admin, sql));
	*dsn_out = dsn;
	return admin;
}

static void run_case(bool insert_first)
{
	const char *dsn = NULL;
	char table[64], sql[200];
	PGconn *admin = new_table(&dsn, table, "unit_swallow", true);
	ASSERT(PQstatus(admin) == CONNECTION_OK);

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

/*
 * DB_TX_UNIQUE: fn checks that key 7 is free, then a concurrent transaction
 * (another connection) commits key 7 before fn inserts it. READ COMMITTED
 * lets fn's insert fail on the unique constraint; fn is rerun once, and its
 * check, in a new snapshot, names the conflict.
 */
struct race {
	const char *table;
	const char *dsn;
	int attempts;
};

static int insert_if_free(struct db_conn *c, void *payload)
{
	struct race *x = payload;
	char sql[160],
	        ins[160]; /* statements are cached by their text's address: one buffer each */
	struct db_stmt *s = NULL;
	x->attempts++;
	xsnprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = 7", x->table);
	int rc = db_query(c, &s, sql, "");
	if (rc == 0)
		rc = db_step(s);
	db_done(s);
	if (rc == DB_ROW)
		return error_setc(ERR_CONFLICT, "id_taken", "7 is taken");
	if (rc < 0)
		return rc;
	if (x->attempts == 1) { /* the concurrent insert wins the race */
		PGconn *other = PQconnectdb(x->dsn);
		xsnprintf(sql, sizeof(sql), "INSERT INTO %s (id) VALUES (7)", x->table);
		PQclear(PQexec(other, sql));
		PQfinish(other);
	}
	xsnprintf(ins, sizeof(ins), "INSERT INTO %s (id) VALUES (7)", x->table);
	int64_t n = db_exec(c, ins, "");
	return n < 0 ? (int)n : 0;
}

TEST(db_pg, unique_write_reruns_once_after_a_constraint_race)
{
	const char *dsn = NULL;
	char table[64], sql[200];
	PGconn *admin = new_table(&dsn, table, "unit_race", false);
	ASSERT(PQstatus(admin) == CONNECTION_OK);
	struct race x = { .table = table, .dsn = dsn };
	struct db *db = NULL;
	int rc = db_open(&db, dsn, 2);
	if (rc == 0)
		rc = db_tx(db, DB_TX_WRITE | DB_TX_UNIQUE, insert_if_free, &x);
	char stable[48];
	xsnprintf(stable, sizeof(stable), "%s", error_get()->stable);
	db_free(db);
	xsnprintf(sql, sizeof(sql), "DROP TABLE %s", table);
	PQclear(PQexec(admin, sql));
	PQfinish(admin);
	ASSERT_INT_EQ(rc, ERR_CONFLICT);
	ASSERT_INT_EQ(x.attempts, 2);
	ASSERT(strcmp(stable, "id_taken") == 0); /* named by fn's check, not db_constraint */
}
