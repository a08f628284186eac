/* SPDX-License-Identifier: Apache-2.0 */
/* Connection pool, transactions with retry, and typed query helpers (see db.h). */
#include "base/common.h"
#include "store/db.h"
#include "base/error.h"
#include "base/log.h"
#include "base/rand.h"
#include "store/db_driver.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define TX_MAX_ATTEMPTS 12

struct db {
	const struct db_ops *ops;
	char *target;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct db_conn **free_conns;
	int nfree, size, opened;
	/* SQLite has one writer per database: serialising our own writers here
	 * avoids busy-wait sleeps inside SQLite (its busy handler sleeps in ms). */
	pthread_mutex_t write_lock;
	/*
	 * SQLite group commit (see gc_write): write transactions queue here; one
	 * waiting thread at a time commits everything queued as one SQLite
	 * transaction, each in its own savepoint, on one connection kept for
	 * writes (a commit on one connection empties every other connection's
	 * page cache in WAL mode, so a single writer keeps its cache warm).
	 */
	pthread_mutex_t gc_lock;
	pthread_cond_t gc_cond;
	struct gc_job *gc_head, **gc_tail;
	bool gc_leading;
	struct db_conn *writer;
	/*
	 * SQLite: WAL checkpoints run on this thread, not inside a commit
	 * (connections open with wal_autocheckpoint=0): a checkpoint fsyncs the
	 * WAL and the database, tens of milliseconds that would otherwise stall
	 * whichever write happened to cross the 1,000-page mark.
	 */
	pthread_t checkpointer;
	bool checkpointing, stopping;
	pthread_cond_t stop_cond;
};

/* One queued write transaction (lives on its waiting thread's stack). */
struct gc_job {
	db_tx_fn fn;
	void *payload;
	int rc;
	struct error_state in, err; /* the job thread's error slot before and after fn */
	char req_id[40];            /* the job thread's log request id */
	bool done;
	struct gc_job *next;
};

#define GC_BATCH_MAX 64

static atomic_uint_fast64_t errors_total;

void db_note_error(void)
{
	atomic_fetch_add(&errors_total, 1);
}

uint64_t db_error_count(void)
{
	return atomic_load(&errors_total);
}

#define CHECKPOINT_EVERY_MS 100

static void *checkpoint_main(void *arg)
{
	struct db *db = arg;
	struct db_conn *c = NULL;
	pthread_mutex_lock(&db->lock);
	while (!db->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&db->stop_cond, &db->lock, &ts);
		if (db->stopping)
			break;
		pthread_mutex_unlock(&db->lock);
		if (!c && db->ops->open(&c, db->target))
			c = NULL;
		/* PASSIVE: copies what no reader still needs, never waits on anyone */
		if (c && db->ops->exec(c, "PRAGMA wal_checkpoint(PASSIVE)")) {
			db->ops->close(c);
			c = NULL;
		}
		pthread_mutex_lock(&db->lock);
	}
	pthread_mutex_unlock(&db->lock);
	if (c)
		db->ops->close(c);
	return NULL;
}

static void checkpointer_start(struct db *db, const char *target)
{
	if (db->ops->kind != DB_SQLITE || strcmp(target, ":memory:") == 0)
		return;
	pthread_cond_init(&db->stop_cond, NULL);
	db->checkpointing = pthread_create(&db->checkpointer, NULL, checkpoint_main, db) == 0;
}

int db_open(struct db **out, const char *url, int pool_size)
{
	const struct db_ops *ops;
	const char *target;
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0) {
		ops = &db_sqlite_ops;
		target = url + 7;
		if (!*target)
			return error_set(ERR_INVALID, "database url sqlite: needs a path");
	} else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		ops = &db_pg_ops;
		target = url;
	} else {
		return error_set(ERR_INVALID, "database url must start with sqlite: or postgres://");
	}
	struct db *db = xcalloc(1, sizeof(*db));
	db->ops = ops;
	db->target = xstrdup(target);
	db->size = pool_size > 0 ? pool_size : (ops->kind == DB_SQLITE ? 32 : 16);
	db->free_conns = xcalloc((size_t)db->size, sizeof(struct db_conn *));
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->cond, NULL);
	pthread_mutex_init(&db->write_lock, NULL);
	pthread_mutex_init(&db->gc_lock, NULL);
	pthread_cond_init(&db->gc_cond, NULL);
	db->gc_tail = &db->gc_head;
	struct db_conn *c = NULL;
	int rc = ops->open(&c, db->target);
	if (rc) {
		db_free(db);
		return rc;
	}
	db->free_conns[db->nfree++] = c;
	db->opened = 1;
	checkpointer_start(db, db->target);
	*out = db;
	return 0;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	if (db->checkpointing) {
		pthread_mutex_lock(&db->lock);
		db->stopping = true;
		pthread_cond_broadcast(&db->stop_cond);
		pthread_mutex_unlock(&db->lock);
		pthread_join(db->checkpointer, NULL);
		pthread_cond_destroy(&db->stop_cond);
	}
	for (int i = 0; i < db->nfree; i++)
		db->ops->close(db->free_conns[i]);
	if (db->writer)
		db->ops->close(db->writer);
	pthread_mutex_destroy(&db->gc_lock);
	pthread_cond_destroy(&db->gc_cond);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->cond);
	pthread_mutex_destroy(&db->write_lock);
	free(db->free_conns);
	free(db->target);
	free(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->ops->kind;
}

enum db_kind db_conn_kind(const struct db_conn *c)
{
	return c->ops->kind;
}

static int acquire(struct db *db, struct db_conn **out)
{
	pthread_mutex_lock(&db->lock);
	for (;;) {
		if (db->nfree > 0) {
			*out = db->free_conns[--db->nfree];
			pthread_mutex_unlock(&db->lock);
			return 0;
		}
		if (db->opened < db->size) {
			db->opened++;
			pthread_mutex_unlock(&db->lock);
			int rc = db->ops->open(out, db->target);
			if (rc) {
				pthread_mutex_lock(&db->lock);
				db->opened--;
				pthread_cond_signal(&db->cond);
				pthread_mutex_unlock(&db->lock);
			}
			return rc;
		}
		pthread_cond_wait(&db->cond, &db->lock);
	}
}

/* broken: the connection failed in a way that may leave it unusable. */
static void release(struct db *db, struct db_conn *c, bool broken)
{
	pthread_mutex_lock(&db->lock);
	if (broken) {
		db->ops->close(c);
		db->opened--;
	} else {
		db->free_conns[db->nfree++] = c;
	}
	pthread_cond_signal(&db->cond);
	pthread_mutex_unlock(&db->lock);
}

static void backoff(int attempt)
{
	unsigned char r;
	rand_bytes(&r, 1);
	long us = (long)(200 << (attempt < 8 ? attempt : 8)) + r * 8;
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

int db_conn_exec(struct db_conn *c, const char *sql)
{
	return c->ops->exec(c, sql);
}

static const char *begin_sql(const struct db *db, unsigned flags)
{
	if (db->ops->kind == DB_SQLITE)
		return (flags & DB_TX_WRITE) ? "BEGIN IMMEDIATE" : "BEGIN";
	return (flags & DB_TX_WRITE) ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
				     : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

/*
 * PostgreSQL: a session advisory lock taken before BEGIN (and released after
 * COMMIT/ROLLBACK), so the transaction's snapshot is taken after the
 * previous holder committed and the two never conflict. SQLite serialises
 * writers already.
 */
static int key_lock(struct db *db, struct db_conn *c, uint64_t key, bool lock)
{
	char sql[80];
	if (!key || db->ops->kind != DB_POSTGRES)
		return 0;
	xsnprintf(sql, sizeof(sql), "SELECT pg_advisory_%slock(%lld)", lock ? "" : "un",
		  (long long)key);
	return db->ops->exec(c, sql);
}

static int tx_run(struct db *db, unsigned flags, uint64_t key, db_tx_fn fn, void *payload);

int db_tx(struct db *db, unsigned flags, db_tx_fn fn, void *payload)
{
	return tx_run(db, flags, 0, fn, payload);
}

int db_tx_keyed(struct db *db, unsigned flags, uint64_t key, db_tx_fn fn, void *payload)
{
	return tx_run(db, flags, key, fn, payload);
}

/*
 * Runs one job in its savepoint of the batch's transaction; its outcome goes
 * into the job. fn sees its own thread's error slot and request id, as if it
 * ran there. Returns false when the batch's transaction is gone (SQLite rolls
 * a whole transaction back on some errors): nothing of the batch may commit.
 */
static bool gc_run_job(struct db *db, struct db_conn *c, struct gc_job *job)
{
	error_restore(&job->in);
	log_set_request_id(job->req_id);
	int rc = db->ops->exec(c, "SAVEPOINT gc");
	bool intact = rc == 0;
	if (rc == 0)
		rc = job->fn(c, job->payload);
	job->rc = rc;
	job->err = *error_get();
	if (intact && rc)
		intact = db->ops->exec(c, "ROLLBACK TO gc") == 0; /* this job's changes only */
	if (intact)
		intact = db->ops->exec(c, "RELEASE gc") == 0;
	return intact;
}

/* Every job of the batch that is not already failing fails with rc/e. */
static void gc_fail_rest(struct gc_job *batch, int rc, const struct error_state *e)
{
	for (struct gc_job *j = batch; j; j = j->next) {
		if (j->rc == 0) {
			j->rc = rc;
			j->err = *e;
		}
	}
}

/* One SQLite transaction for the whole batch (caller holds write_lock). */
static void gc_run_batch(struct db *db, struct gc_job *batch)
{
	int rc = 0;
	for (struct gc_job *j = batch; j; j = j->next)
		j->rc = 0;
	if (!db->writer) {
		rc = db->ops->open(&db->writer, db->target);
		if (rc == 0)
			rc = db->ops->exec(db->writer, "PRAGMA cache_size=-8192"); /* kept warm */
	}
	if (rc == 0)
		rc = db->ops->exec(db->writer, "BEGIN IMMEDIATE");
	struct gc_job *j = batch;
	for (; rc == 0 && j; j = j->next) {
		if (!gc_run_job(db, db->writer, j))
			break;
	}
	if (rc == 0 && j) {
		/* the transaction was lost under job j: it keeps its own error and
		 * the others, run or not, start again in a later batch */
		db->ops->exec(db->writer, "ROLLBACK");
		struct gc_job *lost = j;
		for (j = batch; j; j = j->next) {
			if (j != lost || lost->rc == 0)
				j->rc = ERR_RETRY;
		}
		return;
	}
	if (rc == 0) {
		error_clear();
		rc = db->ops->exec(db->writer, "COMMIT");
	}
	if (rc == 0)
		return;
	/* nothing of the batch committed: every job that had succeeded fails with it */
	struct error_state e = *error_get();
	if (db->writer)
		db->ops->exec(db->writer, "ROLLBACK");
	gc_fail_rest(batch, rc, &e);
	if (rc == ERR_UNAVAILABLE && db->writer) {
		db->ops->close(db->writer); /* may be unusable: the next batch opens a fresh one */
		db->writer = NULL;
	}
}

/*
 * SQLite write transactions: group commit. The job is queued; a thread finds
 * no batch running, takes what is queued (up to GC_BATCH_MAX) and commits it
 * as one transaction, then wakes the others. A job's own failure rolls back
 * its savepoint only. fn runs on whichever thread leads, so the job's
 * error slot and request id go with it and come back (gc_run_job); a fn
 * must not keep other thread-local state across the call. Committing N jobs together writes
 * their shared B-tree pages once and syncs once: at 8 concurrent writers the
 * WAL traffic per write falls several-fold.
 */
static int gc_write(struct db *db, db_tx_fn fn, void *payload)
{
	struct gc_job job = { .fn = fn, .payload = payload, .in = *error_get() };
	xsnprintf(job.req_id, sizeof(job.req_id), "%s", log_request_id());
	pthread_mutex_lock(&db->gc_lock);
	*db->gc_tail = &job;
	db->gc_tail = &job.next;
	while (!job.done) {
		if (db->gc_leading) {
			pthread_cond_wait(&db->gc_cond, &db->gc_lock);
			continue;
		}
		db->gc_leading = true;
		struct gc_job *batch = db->gc_head, *last = batch;
		for (int n = 1; n < GC_BATCH_MAX && last->next; n++)
			last = last->next;
		db->gc_head = last->next;
		if (!db->gc_head)
			db->gc_tail = &db->gc_head;
		last->next = NULL;
		pthread_mutex_unlock(&db->gc_lock);
		pthread_mutex_lock(&db->write_lock);
		gc_run_batch(db, batch);
		pthread_mutex_unlock(&db->write_lock);
		pthread_mutex_lock(&db->gc_lock);
		for (struct gc_job *j = batch, *next; j; j = next) {
			next = j->next;
			j->done = true;
		}
		db->gc_leading = false;
		pthread_cond_broadcast(&db->gc_cond);
	}
	pthread_mutex_unlock(&db->gc_lock);
	error_restore(&job.err); /* what fn left, as db_tx on this thread would */
	log_set_request_id(job.req_id);
	return job.rc;
}

static int sqlite_write(struct db *db, db_tx_fn fn, void *payload)
{
	int rc = ERR_RETRY;
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS && rc == ERR_RETRY; attempt++) {
		if (attempt)
			backoff(attempt);
		rc = gc_write(db, fn, payload);
	}
	if (rc == ERR_RETRY)
		error_setc(ERR_CONFLICT, "concurrent_update",
			   "the change collided with concurrent updates too many times; retry");
	return rc == ERR_RETRY ? ERR_CONFLICT : rc;
}

static int tx_run(struct db *db, unsigned flags, uint64_t key, db_tx_fn fn, void *payload)
{
	if (db->ops->kind == DB_SQLITE && (flags & DB_TX_WRITE))
		return sqlite_write(db, fn, payload);
	struct db_conn *c = NULL;
	int rc = acquire(db, &c);
	if (rc)
		return rc;
	rc = key_lock(db, c, key, true);
	if (rc) {
		release(db, c, rc == ERR_UNAVAILABLE);
		return rc;
	}
	bool serialise = db->ops->kind == DB_SQLITE && (flags & DB_TX_WRITE);
	bool broken = false;
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
		if (attempt)
			backoff(attempt);
		if (serialise)
			pthread_mutex_lock(&db->write_lock);
		rc = db->ops->exec(c, begin_sql(db, flags));
		if (rc == 0) {
			rc = fn(c, payload);
			if (rc == 0) {
				rc = db->ops->exec(c, "COMMIT");
				if (rc)
					db->ops->exec(c, "ROLLBACK");
			} else {
				/* keep fn's error, not rollback's */
				struct error_state saved = *error_get();
				db->ops->exec(c, "ROLLBACK");
				error_restore(&saved);
			}
		}
		if (serialise)
			pthread_mutex_unlock(&db->write_lock);
		if (rc != ERR_RETRY)
			break;
	}
	if (rc == ERR_UNAVAILABLE)
		broken = true;
	if (!broken && key_lock(db, c, key, false))
		broken = true; /* closing the session is what releases the lock then */
	release(db, c, broken);
	if (rc == ERR_RETRY)
		error_setc(ERR_CONFLICT, "concurrent_update",
			   "the change collided with concurrent updates too many times; retry");
	return rc == ERR_RETRY ? ERR_CONFLICT : rc;
}

/* A programmer error caught at once: every '?' needs exactly one type letter. */
static void check_arity(const char *sql, const char *types)
{
	size_t marks = 0;
	for (const char *p = sql; *p; p++)
		marks += *p == '?';
	if (marks != strlen(types))
		die("SQL has %zu parameters but %zu types were given: %.80s", marks, strlen(types), sql);
}

static int bind_args(struct db_stmt *s, const char *types, va_list ap)
{
	int rc = 0;
	for (int i = 0; types[i] && rc == 0; i++) {
		switch (types[i]) {
		case 't':
			rc = s->ops->bind_text(s, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			rc = s->ops->bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'b':
			rc = s->ops->bind_int64(s, i + 1, va_arg(ap, int) ? 1 : 0);
			break;
		default:
			die("db_query: bad type letter '%c'", types[i]);
		}
	}
	return rc;
}

int db_query(struct db_conn *c, struct db_stmt **out, const char *sql, const char *types, ...)
{
	struct db_stmt *s = NULL;
	*out = NULL;
	check_arity(sql, types);
	int rc = c->ops->prepare(c, sql, &s);
	if (rc)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_args(s, types, ap);
	va_end(ap);
	if (rc) {
		c->ops->reset(s);
		return rc;
	}
	*out = s;
	return 0;
}

int db_step(struct db_stmt *s)
{
	return s->ops->step(s);
}

const char *db_text(struct db_stmt *s, int col)
{
	return s->ops->column_text(s, col);
}

char *db_text_dup(struct db_stmt *s, int col)
{
	const char *t = s->ops->column_text(s, col);
	return t ? xstrdup(t) : NULL;
}

int64_t db_int(struct db_stmt *s, int col)
{
	return s->ops->column_int64(s, col);
}

void db_done(struct db_stmt *s)
{
	if (s)
		s->ops->reset(s);
}

int64_t db_exec(struct db_conn *c, const char *sql, const char *types, ...)
{
	struct db_stmt *s = NULL;
	check_arity(sql, types);
	int rc = c->ops->prepare(c, sql, &s);
	if (rc)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_args(s, types, ap);
	va_end(ap);
	while (rc == 0 && (rc = s->ops->step(s)) == DB_ROW)
		rc = 0;
	int64_t changed = rc == DB_DONE ? s->ops->changes(s) : rc;
	s->ops->reset(s);
	return changed;
}

void *db_stmt_cache_get(struct db_stmt_cache *c, const char *sql)
{
	if (!c->cap)
		return NULL;
	size_t h = ((uintptr_t)sql >> 3) & (c->cap - 1);
	while (c->keys[h]) {
		if (c->keys[h] == sql)
			return c->vals[h];
		h = (h + 1) & (c->cap - 1);
	}
	return NULL;
}

/* Open addressing; cap is a power of two and the table is at most half full. */
static void slot_put(const char **keys, void **vals, size_t cap, const char *sql, void *stmt)
{
	size_t h = ((uintptr_t)sql >> 3) & (cap - 1);
	while (keys[h])
		h = (h + 1) & (cap - 1);
	keys[h] = sql;
	vals[h] = stmt;
}

void db_stmt_cache_put(struct db_stmt_cache *c, const char *sql, void *stmt)
{
	if ((c->count + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		const char **keys = xcalloc(cap, sizeof(*keys));
		void **vals = xcalloc(cap, sizeof(*vals));
		for (size_t i = 0; i < c->cap; i++)
			if (c->keys[i])
				slot_put(keys, vals, cap, c->keys[i], c->vals[i]);
		free(c->keys);
		free(c->vals);
		c->keys = keys;
		c->vals = vals;
		c->cap = cap;
	}
	slot_put(c->keys, c->vals, c->cap, sql, stmt);
	c->count++;
}

void db_stmt_cache_release(struct db_stmt_cache *c, void (*free_fn)(void *))
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->keys[i])
			free_fn(c->vals[i]);
	free(c->keys);
	free(c->vals);
	memset(c, 0, sizeof(*c));
}
