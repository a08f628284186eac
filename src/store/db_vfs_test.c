/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VFS with gathered log writes (db_vfs.c): every commit is readable by
 * another connection as soon as it returns, survives kill -9 right after it
 * returns, and the log's writes are gathered (fewer pwrites than frames).
 */
#include "base/common.h"

#include "store/db_vfs.h"
#include "test/harness/test.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct vdir {
	char dir[32];
	char path[64];
};

static bool vdir_make(struct vdir *v)
{
	xsnprintf(v->dir, sizeof(v->dir), "/tmp/gh-vfs-XXXXXX");
	xsnprintf(v->path, sizeof(v->path), "%s/v.db", v->dir);
	if (!mkdtemp(v->dir))
		return false;
	xsnprintf(v->path, sizeof(v->path), "%s/v.db", v->dir);
	return true;
}

static void vdir_remove(struct vdir *v)
{
	const char *ext[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		char p[80];
		xsnprintf(p, sizeof(p), "%s%s", v->path, ext[i]);
		unlink(p);
	}
	rmdir(v->dir);
}

static sqlite3 *open_db(const char *path, const char *vfs)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL,
		                  NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int64_t count_rows(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &s, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(s);
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return n;
}

/* two rows of about a page each: one commit appends about 3 frames, 6 writes */
static int commit_two(sqlite3 *db)
{
	return sqlite3_exec(db,
	                    "BEGIN; INSERT INTO t VALUES (randomblob(3000)); "
	                    "INSERT INTO t VALUES (randomblob(3000)); COMMIT",
	                    NULL, NULL, NULL);
}

TEST(db_vfs, commits_visible_to_another_connection_at_once)
{
	struct vdir v;
	ASSERT(vdir_make(&v));
	sqlite3 *w = open_db(v.path, db_vfs_name()), *r = open_db(v.path, db_vfs_name());
	ASSERT(w && r);
	ASSERT_INT_EQ(sqlite3_exec(w, "CREATE TABLE t (b BLOB)", NULL, NULL, NULL), SQLITE_OK);
	struct db_vfs_stats before, after;
	db_vfs_stats(&before);
	const int commits = 1000;
	for (int i = 0; i < commits; i++) {
		ASSERT_INT_EQ(commit_two(w), SQLITE_OK);
		/* a frame still gathered would read short: an I/O error or a wrong count */
		ASSERT_INT_EQ(count_rows(r), 2 * (int64_t)(i + 1));
	}
	db_vfs_stats(&after);
	uint64_t writes = after.log_writes - before.log_writes;
	uint64_t flushes = after.log_flushes - before.log_flushes;
	ASSERT(writes >= 6 * (uint64_t)commits);
	ASSERT(flushes >= (uint64_t)commits); /* each commit reached the file */
	ASSERT(flushes * 3 <= writes);        /* and was gathered */
	ASSERT_INT_EQ(sqlite3_close(r), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_close(w), SQLITE_OK);
	vdir_remove(&v);
}

TEST(db_vfs, kill_after_commit_loses_nothing)
{
	struct vdir v;
	ASSERT(vdir_make(&v));
	const int commits = 300;
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		sqlite3 *w = NULL;
		if (sqlite3_open_v2(v.path, &w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
		                    db_vfs_name()) != SQLITE_OK ||
		    sqlite3_exec(w,
		                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
		                 "CREATE TABLE t (b BLOB)",
		                 NULL, NULL, NULL) != SQLITE_OK)
			_exit(2);
		for (int i = 0; i < commits; i++)
			if (commit_two(w) != SQLITE_OK)
				_exit(3);
		raise(SIGKILL); /* no close, no flush: what a crash leaves */
		_exit(4);
	}
	int status = 0;
	ASSERT(waitpid(pid, &status, 0) == pid);
	ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	sqlite3 *r = open_db(v.path, NULL); /* the plain unix VFS reads it back */
	ASSERT(r != NULL);
	ASSERT_INT_EQ(count_rows(r), 2 * (int64_t)commits);
	sqlite3_stmt *s = NULL;
	ASSERT_INT_EQ(sqlite3_prepare_v2(r, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	ASSERT_INT_EQ(sqlite3_close(r), SQLITE_OK);
	vdir_remove(&v);
}

TEST(db_vfs, log_space_reserved_before_gathering)
{
	struct vdir v;
	ASSERT(vdir_make(&v));
	sqlite3 *w = open_db(v.path, db_vfs_name());
	ASSERT(w != NULL);
	ASSERT_INT_EQ(sqlite3_exec(w, "CREATE TABLE t (b BLOB)", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_INT_EQ(commit_two(w), SQLITE_OK);
	char wal[80];
	xsnprintf(wal, sizeof(wal), "%s-wal", v.path);
	struct stat st;
	ASSERT_INT_EQ(stat(wal, &st), 0);
	struct db_vfs_stats s;
	db_vfs_stats(&s);
	if (s.passthrough > 0)
		test_skip("this file system cannot reserve space (fallocate)");
	/* the first write reserved a mebibyte ahead: far more blocks than bytes */
	ASSERT(st.st_size < 512 * 1024);
	ASSERT((int64_t)st.st_blocks * 512 >= 1024 * 1024);
	ASSERT_INT_EQ(sqlite3_close(w), SQLITE_OK);
	vdir_remove(&v);
}
