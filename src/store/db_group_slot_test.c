/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite group commit (db.c sqlite_write) runs a writer's fn on whichever
 * thread leads the group. fn must still see its own caller's error slot
 * (app_sign_in_failure_record passes strings that live there) and request
 * id, a failing request must report its own error and leave no row, and the
 * caller's request id must be its own afterwards.
 */
#include "base/common.h"

#include "base/error.h"
#include "base/log.h"
#include "store/db.h"
#include "test/harness/test.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS  60

struct gc_op {
	int thread, round;
	bool fail;
	char expect_req[40];
	bool slot_ok, req_ok;
};

static int create_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	return db_conn_exec(c, "CREATE TABLE t (thread INTEGER, rnd INTEGER)");
}

static int put_tx(struct db_conn *c, void *payload)
{
	struct gc_op *op = payload;
	/* the caller's error slot, as the caller set it (diagnostics.c relies on this) */
	char want[64];
	xsnprintf(want, sizeof(want), "before t%d r%d", op->thread, op->round);
	op->slot_ok = strcmp(error_get()->detail, want) == 0;
	op->req_ok = strcmp(log_request_id(), op->expect_req) == 0;
	char sql[96];
	xsnprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%d, %d)", op->thread, op->round);
	int rc = db_conn_exec(c, sql);
	if (rc == 0 && op->fail)
		return error_setc(ERR_INVALID, "job_failed", "t%d r%d failed", op->thread,
		                  op->round);
	return rc;
}

struct worker {
	struct db *db;
	int thread, bad;
};

/* Every third job of a thread fails after writing. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (int r = 0; r < ROUNDS; r++) {
		struct gc_op op = { .thread = w->thread, .round = r, .fail = r % 3 == 0 };
		xsnprintf(op.expect_req, sizeof(op.expect_req), "req-%d-%d", w->thread, r);
		log_set_request_id(op.expect_req);
		error_set(ERR_NOT_FOUND, "before t%d r%d", w->thread, r);
		int rc = db_tx(w->db, DB_TX_WRITE, put_tx, &op);
		char want[64];
		xsnprintf(want, sizeof(want), "t%d r%d failed", w->thread, r);
		bool ok = op.slot_ok && op.req_ok && strcmp(log_request_id(), op.expect_req) == 0;
		if (op.fail)
			ok = ok && rc == ERR_INVALID && strcmp(error_get()->detail, want) == 0;
		else
			ok = ok && rc == 0;
		w->bad += !ok;
	}
	log_set_request_id(NULL);
	return NULL;
}

struct count_op {
	int64_t total, failed;
};

static int count_tx(struct db_conn *c, void *payload)
{
	struct count_op *op = payload;
	struct db_stmt *s = NULL;
	int rc = db_query(c, &s,
	                  "SELECT COUNT(*), COALESCE(SUM(CASE WHEN rnd % 3 = 0 THEN 1 ELSE 0 "
	                  "END), 0) FROM t",
	                  "");
	if (rc == 0 && db_step(s) == DB_ROW) {
		op->total = db_int(s, 0);
		op->failed = db_int(s, 1);
	}
	db_done(s);
	return rc;
}

TEST(db_group_commit, fn_sees_its_callers_error_slot_and_request_id)
{
	char tmpl[] = "/tmp/gh-gc-XXXXXX";
	char *dir = mkdtemp(tmpl);
	ASSERT(dir);
	char *url = xasprintf("sqlite:%s/gc.db", dir);
	struct db *db = NULL;
	ASSERT_INT_EQ(db_open(&db, url, 8), 0);
	ASSERT_INT_EQ(db_tx(db, DB_TX_WRITE, create_tx, NULL), 0);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ db, i, 0 };
		pthread_create(&t[i], NULL, worker_run, &w[i]);
	}
	int bad = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		bad += w[i].bad;
	}
	struct count_op cnt = { 0 };
	ASSERT_INT_EQ(db_tx(db, DB_TX_READ, count_tx, &cnt), 0);
	db_free(db);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	ASSERT_INT_EQ(system(cmd), 0);
	free(cmd);
	free(url);
	ASSERT_INT_EQ(bad, 0);
	ASSERT_INT_EQ(cnt.failed, 0); /* no failed job's row survived its savepoint */
	ASSERT_INT_EQ(cnt.total, THREADS * (ROUNDS - ROUNDS / 3));
}
