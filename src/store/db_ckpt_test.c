/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite checkpoints off the writer's path (db_ckpt.c): a long log is copied
 * by the background thread, the writer finishes the remainder, the next
 * commit starts the log again, and nothing written is lost on the way.
 */
#include "base/common.h"

#include "base/error.h"
#include "store/db.h"
#include "store/db_ckpt.h"
#include "test/harness/test.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct fill {
	int first, rows;
};

/* rows of about one page each: one commit appends about `rows` frames */
static int fill_tx(struct db_conn *c, void *payload)
{
	struct fill *f = payload;
	for (int i = f->first; i < f->first + f->rows; i++) {
		int64_t n = db_exec(c, "INSERT INTO t (id, pad) VALUES (?, zeroblob(3500))", "i",
		                    (int64_t)i);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static int create_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	int64_t n = db_exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB)", "");
	return n < 0 ? (int)n : 0;
}

static int count_tx(struct db_conn *c, void *payload)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT COUNT(*) FROM t", "");
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*(int64_t *)payload = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

TEST(db_ckpt, long_log_is_copied_off_the_writer_path_and_restarted)
{
	char tmpl[] = "/tmp/gh-ckpt-XXXXXX";
	char *dir = mkdtemp(tmpl);
	ASSERT(dir != NULL);
	char *url = xasprintf("sqlite:%s/g.db", dir), *path = xasprintf("%s/g.db", dir),
	     *wal = xasprintf("%s/g.db-wal", dir), *shm = xasprintf("%s/g.db-shm", dir);
	struct db *db = NULL;
	ASSERT_INT_EQ(db_open(&db, url, 2), 0);
	ASSERT_INT_EQ(db_tx(db, DB_TX_WRITE, create_tx, NULL), 0);

	/* One commit longer than the start threshold: the writer itself must not
	 * checkpoint it (SQLite's own hook would have, at 1,000 frames). */
	struct fill f = { 0, DB_CKPT_START_FRAMES + 500 };
	ASSERT_INT_EQ(db_tx(db, DB_TX_WRITE, fill_tx, &f), 0);
	struct db_write_stats w;
	db_write_stats(db, &w);
	ASSERT(w.wal_frames >= DB_CKPT_START_FRAMES);
	ASSERT_INT_EQ((int64_t)w.checkpoints_writer, 0);

	/* The background thread copies it... */
	for (int i = 0; i < 500 && w.checkpoints_background == 0; i++) {
		nap_ms(10);
		db_write_stats(db, &w);
	}
	ASSERT(w.checkpoints_background >= 1);
	/* ...the next write finishes the copy, and the one after it starts the log
	 * again from the beginning (the file keeps its size; the log is short). */
	for (int i = 0; i < 2; i++) {
		struct fill one = { f.rows + i, 1 };
		ASSERT_INT_EQ(db_tx(db, DB_TX_WRITE, fill_tx, &one), 0);
	}
	db_write_stats(db, &w);
	ASSERT(w.checkpoints_writer >= 1);
	ASSERT(w.wal_frames < 100);
	ASSERT(file_size(path) > (off_t)DB_CKPT_START_FRAMES * 3500); /* copied into the file */

	int64_t n = 0;
	ASSERT_INT_EQ(db_tx(db, DB_TX_READ, count_tx, &n), 0);
	ASSERT_INT_EQ(n, f.rows + 2);
	db_free(db);

	/* Reopened: every row is there. */
	ASSERT_INT_EQ(db_open(&db, url, 2), 0);
	n = 0;
	ASSERT_INT_EQ(db_tx(db, DB_TX_READ, count_tx, &n), 0);
	ASSERT_INT_EQ(n, f.rows + 2);
	db_free(db);

	unlink(path);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
	free(url);
	free(path);
	free(wal);
	free(shm);
}
