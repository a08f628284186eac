/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite driver: WAL, synchronous=NORMAL (durable across process crashes;
 * the last commits may be lost only on power loss), foreign keys on,
 * statements cached per connection. STACK.md pitfall 26.
 */
#include "base/common.h"

#include "base/error.h"
#include "store/db_driver.h"
#include "store/db_vfs.h"

#include <pthread.h>
#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 5000

struct sq_conn {
	struct db_conn base;
	sqlite3 *db;
	struct db_stmt_cache cache;
	int64_t wal_frames; /* with wal_manage: set by on_wal_commit */
};

struct sq_stmt {
	struct db_stmt base;
	struct sq_conn *conn;
	sqlite3_stmt *st;
};

static int map_error(sqlite3 *db, int rc)
{
	db_note_error();
	int prim = rc & 0xff;
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return error_set(ERR_RETRY, "sqlite: database busy");
	if (prim == SQLITE_CONSTRAINT)
		return error_setc(ERR_CONFLICT, "db_constraint", "sqlite: %s", sqlite3_errmsg(db));
	if (prim == SQLITE_FULL || prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN ||
	    prim == SQLITE_READONLY)
		return error_set(ERR_UNAVAILABLE, "sqlite: %s", sqlite3_errmsg(db));
	return error_set(ERR_INTERNAL, "sqlite: %s", sqlite3_errmsg(db));
}

static void sq_close(struct db_conn *c);

static int sq_exec(struct db_conn *c, const char *sql)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	char *msg = NULL;
	int rc = sqlite3_exec(sc->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : map_error(sc->db, rc);
}

/*
 * Process-wide, before the library starts: no memory statistics. With them on
 * (the default) every sqlite3_malloc and free takes one global mutex, shared
 * by every connection of every thread.
 */
static void global_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(struct db_conn **out, const char *target)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, global_setup);
	struct sq_conn *c = xcalloc(1, sizeof(*c));
	c->base.ops = &db_sqlite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	const char *path = target;
	if (strcmp(target, ":memory:") == 0) {
		/* one in-memory database shared by the pool's connections */
		path = "file:gatehouse_mem?mode=memory&cache=shared";
		flags |= SQLITE_OPEN_URI;
	}
	*out = NULL;
	int rc = sqlite3_open_v2(path, &c->db, flags, db_vfs_name());
	if (rc != SQLITE_OK) {
		error_set(ERR_UNAVAILABLE, "sqlite: cannot open %s: %s", target,
		          c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sq_close(&c->base);
		return ERR_UNAVAILABLE;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	/* Query planner stability: without it, a statement whose LIKE pattern is a
	 * bound parameter (the webhook fan-out in store/event.c) is recompiled on
	 * every execution, because the plan could depend on the pattern's value.
	 * Our patterns start with '%', so no plan would use them anyway. */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
	rc = sq_exec(&c->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
	                       "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
	if (rc) {
		sq_close(&c->base);
		return rc;
	}
	*out = &c->base;
	return 0;
}

static void free_stmt(void *p)
{
	struct sq_stmt *s = p;
	sqlite3_finalize(s->st);
	free(s);
}

static void sq_close(struct db_conn *c)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	if (!sc)
		return;
	db_stmt_cache_release(&sc->cache, free_stmt);
	sqlite3_close(sc->db);
	free(sc);
}

static int sq_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	struct sq_stmt *s = db_stmt_cache_get(&sc->cache, sql);
	if (!s) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v3(sc->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return map_error(sc->db, rc);
		s = xcalloc(1, sizeof(*s));
		s->base.ops = &db_sqlite_ops;
		s->conn = sc;
		s->st = st;
		db_stmt_cache_put(&sc->cache, sql, s);
	}
	*out = &s->base;
	return 0;
}

static int bind_text_as(struct db_stmt *st, int idx, const char *v, sqlite3_destructor_type how)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	int rc = v ? sqlite3_bind_text(s->st, idx, v, -1, how) : sqlite3_bind_null(s->st, idx);
	return rc == SQLITE_OK ? 0 : map_error(s->conn->db, rc);
}

static int sq_bind_text(struct db_stmt *st, int idx, const char *v)
{
	return bind_text_as(st, idx, v, SQLITE_TRANSIENT);
}

/* SQLITE_STATIC: the caller's string lives until the statement is reset. */
static int sq_bind_text_borrowed(struct db_stmt *st, int idx, const char *v)
{
	return bind_text_as(st, idx, v, SQLITE_STATIC);
}

static int sq_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	int rc = sqlite3_bind_int64(s->st, idx, v);
	return rc == SQLITE_OK ? 0 : map_error(s->conn->db, rc);
}

static int sq_step(struct db_stmt *st)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_error(s->conn->db, rc);
}

static const char *sq_column_text(struct db_stmt *st, int col)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	return (const char *)sqlite3_column_text(s->st, col);
}

static int64_t sq_column_int64(struct db_stmt *st, int col)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	return sqlite3_column_int64(s->st, col);
}

static int64_t sq_changes(struct db_stmt *st)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	return sqlite3_changes64(s->conn->db);
}

static void sq_reset(struct db_stmt *st)
{
	struct sq_stmt *s = (struct sq_stmt *)st;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
}

/* Replaces SQLite's own hook, which checkpoints inside the commit that crossed
 * wal_autocheckpoint: the writer's caller decides when and where instead. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	((struct sq_conn *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

static void sq_wal_manage(struct db_conn *c)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	sqlite3_wal_hook(sc->db, on_wal_commit, sc);
	/* After a spike, the log file shrinks back to this when it starts again. */
	sq_exec(c, "PRAGMA journal_size_limit=67108864");
}

static int64_t sq_wal_frames(struct db_conn *c)
{
	return ((struct sq_conn *)c)->wal_frames;
}

/* How long a restarting checkpoint waits for readers of the old log (the
 * writer, and every write queued behind it, waits as long). */
#define RESTART_WAIT_MS 20

static int sq_wal_checkpoint(struct db_conn *c, bool restart, int64_t *log_frames,
                             int64_t *done_frames)
{
	struct sq_conn *sc = (struct sq_conn *)c;
	int log = 0, done = 0;
	if (restart)
		sqlite3_busy_timeout(sc->db, RESTART_WAIT_MS);
	int rc = sqlite3_wal_checkpoint_v2(
	        sc->db, NULL, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, &log,
	        &done);
	if (restart)
		sqlite3_busy_timeout(sc->db, BUSY_TIMEOUT_MS);
	*log_frames = log;
	*done_frames = done;
	/* another checkpoint is running, or readers kept the old log: not an error */
	if ((rc & 0xff) == SQLITE_BUSY)
		return error_set(ERR_RETRY, "sqlite: checkpoint busy");
	return rc == SQLITE_OK ? 0 : map_error(sc->db, rc);
}

const struct db_ops db_sqlite_ops = {
	.version = DB_OPS_VERSION,
	.name = "sqlite",
	.kind = DB_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_text_borrowed = sq_bind_text_borrowed,
	.bind_int64 = sq_bind_int64,
	.step = sq_step,
	.column_text = sq_column_text,
	.column_int64 = sq_column_int64,
	.changes = sq_changes,
	.reset = sq_reset,
	.wal_manage = sq_wal_manage,
	.wal_frames = sq_wal_frames,
	.wal_checkpoint = sq_wal_checkpoint,
};
