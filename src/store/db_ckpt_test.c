/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite checkpoints off the writer's path (db_ckpt.c): a long log is copied
 * by the background thread, the writer finishes the remainder, the next
 * commit starts the log again, and nothing written is lost on the way.
 */
#include "base/common.h"

#include "base/clock.h"
#include "base/error.h"
#include "store/db.h"
#include "store/db_ckpt.h"
#include "test/harness/test.h"

#include <pthread.h>
#include <stdatomic.h>
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

/* A database file in a directory of its own, and the paths of its log. */
struct tmp_db {
	char dir[32];
	char *url, *path, *wal, *shm;
};

static bool tmp_db_make(struct tmp_db *t)
{
	xsnprintf(t->dir, sizeof(t->dir), "/tmp/gh-ckpt-XXXXXX");
	if (!mkdtemp(t->dir))
		return false;
	t->url = xasprintf("sqlite:%s/g.db", t->dir);
	t->path = xasprintf("%s/g.db", t->dir);
	t->wal = xasprintf("%s/g.db-wal", t->dir);
	t->shm = xasprintf("%s/g.db-shm", t->dir);
	return true;
}

static void tmp_db_remove(struct tmp_db *t)
{
	unlink(t->path);
	unlink(t->wal);
	unlink(t->shm);
	rmdir(t->dir);
	free(t->url);
	free(t->path);
	free(t->wal);
	free(t->shm);
}

TEST(db_ckpt, long_log_is_copied_off_the_writer_path_and_restarted)
{
	struct tmp_db t;
	ASSERT(tmp_db_make(&t));
	const char *url = t.url, *path = t.path;
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

	tmp_db_remove(&t);
}

/* --- sustained writes with readers: the log stays bounded ----------------------- */

static atomic_bool stop_all;
static atomic_int next_row;
static atomic_uint_fast64_t slowest_us;

static int two_rows_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	for (int i = 0; i < 2; i++) {
		int64_t n = db_exec(c, "INSERT INTO t (id, pad) VALUES (?, zeroblob(3000))", "i",
		                    (int64_t)atomic_fetch_add(&next_row, 1));
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct db *db = arg;
	while (!atomic_load(&stop_all)) {
		int64_t t0 = clock_mono_us();
		if (db_tx(db, DB_TX_WRITE, two_rows_tx, NULL) != 0)
			abort();
		uint64_t dt = (uint64_t)(clock_mono_us() - t0), cur = atomic_load(&slowest_us);
		while (dt > cur && !atomic_compare_exchange_weak(&slowest_us, &cur, dt))
			;
	}
	return NULL;
}

static int point_read_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT length(pad) FROM t WHERE id = ?", "i",
	                  (int64_t)atomic_load(&next_row) / 2);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : 0;
}

/* short read transactions, one after the other, as request threads run them */
static void *reader_main(void *arg)
{
	struct db *db = arg;
	while (!atomic_load(&stop_all))
		if (db_tx(db, DB_TX_READ, point_read_tx, NULL) != 0)
			abort();
	return NULL;
}

TEST(db_ckpt, sustained_writes_with_readers_keep_the_log_bounded)
{
	struct tmp_db tmp;
	ASSERT(tmp_db_make(&tmp));
	const char *url = tmp.url, *wal = tmp.wal;
	struct db *db = NULL;
	ASSERT_INT_EQ(db_open(&db, url, 8), 0);
	ASSERT_INT_EQ(db_tx(db, DB_TX_WRITE, create_tx, NULL), 0);
	enum { WRITERS = 8, READERS = 2 };
	pthread_t t[WRITERS + READERS];
	atomic_store(&stop_all, false);
	for (int i = 0; i < WRITERS + READERS; i++)
		pthread_create(&t[i], NULL, i < WRITERS ? writer_main : reader_main, db);
	uint64_t most = 0;
	off_t biggest = 0;
	struct db_write_stats w;
	for (int i = 0; i < 300; i++) { /* 3 s */
		nap_ms(10);
		db_write_stats(db, &w);
		if (w.wal_frames > most)
			most = w.wal_frames;
		if (file_size(wal) > biggest)
			biggest = file_size(wal);
	}
	atomic_store(&stop_all, true);
	for (int i = 0; i < WRITERS + READERS; i++)
		pthread_join(t[i], NULL);
	db_write_stats(db, &w);
	fprintf(stderr,
	        "db_ckpt: %llu commits, longest log %llu frames (file %lld MB), passes %llu background / %llu writer, slowest write %.1f ms\n",
	        (unsigned long long)w.commits, (unsigned long long)most, (long long)(biggest >> 20),
	        (unsigned long long)w.checkpoints_background,
	        (unsigned long long)w.checkpoints_writer, (double)atomic_load(&slowest_us) / 1000);
	/* Past the hard limit the writer copies the log and waits briefly for the
	 * readers of the old one, so it starts over (readers that never pause would
	 * otherwise keep it growing, as they do with SQLite's own checkpoints); a
	 * few groups may pass the limit before that. */
	ASSERT(most < DB_CKPT_HARD_FRAMES + 4000);
	db_free(db);
	tmp_db_remove(&tmp);
}
