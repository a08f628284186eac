/* SPDX-License-Identifier: Apache-2.0 */
/* Connection pool, transactions with retry, and typed query helpers (see db.h). */
#include "base/common.h"

#include "store/db.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "base/rand.h"
#include "store/db_ckpt.h"
#include "store/db_driver.h"

#include <pthread.h>
#include <sched.h>
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
	/*
	 * SQLite has one writer per database. Our writers queue here and one of
	 * them at a time (the leader, writing == true) runs everything queued as
	 * one group commit (see sqlite_write). Serialising in-process avoids
	 * busy-wait sleeps inside SQLite (its busy handler sleeps in ms).
	 */
	pthread_mutex_t wq_lock;
	struct write_req *wq_head, *wq_tail;
	bool writing;
	/* SQLite: the one connection write transactions use, only by the leader.
	 * In WAL mode a commit on one connection empties the page cache of every
	 * other connection at its next transaction; a single writer keeps its own
	 * cache warm across writes instead of re-reading the B-trees each time. */
	struct db_conn *writer;
	struct db_ckpt *ckpt; /* SQLite on a file: checkpoints off the writer's path */
	bool test_rerun;      /* test only: GATEHOUSE_TEST_RERUN_WRITES=1 (see write_group) */
};

static atomic_uint_fast64_t errors_total;
static atomic_uint_fast64_t group_commits, group_redos;
static atomic_uint_fast64_t write_commits, writes_committed, writer_busy_us;

void db_note_error(void)
{
	atomic_fetch_add(&errors_total, 1);
}

uint64_t db_error_count(void)
{
	return atomic_load(&errors_total);
}

uint64_t db_group_commits(void)
{
	return atomic_load(&group_commits);
}

void db_write_stats(const struct db *db, struct db_write_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->commits = atomic_load(&write_commits);
	out->writes = atomic_load(&writes_committed);
	out->busy_us = atomic_load(&writer_busy_us);
	out->group_redos = atomic_load(&group_redos);
	if (db)
		db_ckpt_stats(db->ckpt, &out->checkpoints_background, &out->checkpoints_writer,
		              &out->wal_frames);
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
		return error_set(ERR_INVALID,
		                 "database url must start with sqlite: or postgres://");
	}
	struct db *db = xcalloc(1, sizeof(*db));
	db->ops = ops;
	db->target = xstrdup(target);
	db->size = pool_size > 0 ? pool_size : (ops->kind == DB_SQLITE ? 32 : 16);
	db->free_conns = xcalloc((size_t)db->size, sizeof(struct db_conn *));
	const char *rerun = getenv("GATEHOUSE_TEST_RERUN_WRITES");
	db->test_rerun = rerun && strcmp(rerun, "1") == 0;
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->cond, NULL);
	pthread_mutex_init(&db->wq_lock, NULL);
	struct db_conn *c = NULL;
	int rc = ops->open(&c, db->target);
	if (rc) {
		db_free(db);
		return rc;
	}
	db->free_conns[db->nfree++] = c;
	db->opened = 1;
	if (ops->wal_manage && strcmp(target, ":memory:") != 0)
		db->ckpt = db_ckpt_start(ops, target); /* NULL: SQLite checkpoints at commit */
	*out = db;
	return 0;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	db_ckpt_stop(db->ckpt);
	for (int i = 0; i < db->nfree; i++)
		db->ops->close(db->free_conns[i]);
	if (db->writer)
		db->ops->close(db->writer);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->cond);
	pthread_mutex_destroy(&db->wq_lock);
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
	if ((flags & DB_TX_WRITE) && (flags & DB_TX_UNIQUE))
		return "BEGIN ISOLATION LEVEL READ COMMITTED";
	return (flags & DB_TX_WRITE) ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
	                             : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

/*
 * Transaction control statements. On SQLite they go through the connection's
 * statement cache (every caller passes a string literal, so its address is a
 * stable cache key): parsing BEGIN and COMMIT again for every transaction
 * cost about as much as a point SELECT. PostgreSQL: a plain exec.
 */
static int tx_exec(struct db *db, struct db_conn *c, const char *sql)
{
	if (db->ops->kind != DB_SQLITE)
		return db->ops->exec(c, sql);
	int64_t n = db_exec(c, sql, "");
	return n < 0 ? (int)n : 0;
}

/* One attempt: BEGIN, fn, COMMIT (or ROLLBACK keeping fn's error). */
static int run_tx(struct db *db, struct db_conn *c, unsigned flags, db_tx_fn fn, void *payload)
{
	int rc = tx_exec(db, c, begin_sql(db, flags));
	if (rc)
		return rc;
	rc = fn(c, payload);
	if (rc == 0) {
		rc = tx_exec(db, c, "COMMIT");
		if (rc)
			tx_exec(db, c, "ROLLBACK");
	} else {
		struct error_state saved = *error_get();
		tx_exec(db, c, "ROLLBACK");
		error_restore(&saved);
	}
	return rc;
}

static int retries_exhausted(int rc)
{
	if (rc != ERR_RETRY)
		return rc;
	return error_setc(ERR_CONFLICT, "concurrent_update",
	                  "the change collided with concurrent updates too many times; retry");
}

/* --- SQLite writes: a queue and group commit --------------------------------------- */

struct write_req {
	db_tx_fn fn;
	void *payload;
	int rc;
	bool done, lead; /* under lock: the request ran; its thread leads the next group */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct error_state err; /* when rc != 0 */
	/* The caller's error slot and log request id: fn may run on the
	 * leader's thread but sees them as if on its own (callers such as
	 * app_sign_in_failure_record pass strings that live in the slot). */
	struct error_state in;
	char req_id[40];
	struct write_req *next;
};

/* Before running r's fn on this (the leader's) thread. */
static void req_enter(const struct write_req *r)
{
	error_restore(&r->in);
	log_set_request_id(r->req_id);
}

static void req_finish(struct write_req *r, int rc)
{
	r->rc = rc;
	if (rc)
		r->err = *error_get();
}

/* Called by the leader only. */
static int writer_conn(struct db *db, struct db_conn **out)
{
	if (!db->writer) {
		int rc = db->ops->open(&db->writer, db->target);
		if (rc)
			return rc;
		if (db->ckpt)
			db->ops->wal_manage(db->writer);
	}
	*out = db->writer;
	return 0;
}

static void writer_broken(struct db *db, int rc)
{
	if (rc == ERR_UNAVAILABLE && db->writer) {
		/* may be unusable: the next write opens a fresh one */
		db->ops->close(db->writer);
		db->writer = NULL;
	}
}

/* One request in its own transaction, retried on ERR_RETRY (the old path). */
static void write_one(struct db *db, struct write_req *r)
{
	int rc = 0;
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
		struct db_conn *c;
		if (attempt)
			backoff(attempt);
		req_enter(r);
		rc = writer_conn(db, &c);
		if (rc == 0)
			rc = run_tx(db, c, DB_TX_WRITE, r->fn, r->payload);
		if (rc == 0) {
			atomic_fetch_add(&write_commits, 1);
			atomic_fetch_add(&writes_committed, 1);
		}
		writer_broken(db, rc);
		if (rc != ERR_RETRY)
			break;
	}
	req_finish(r, retries_exhausted(rc));
}

/* write_group without savepoints: a request failed, nothing was committed */
#define GROUP_REDO 1

/*
 * Most writes one transaction takes in: the queue is taken again after the
 * last of them, so a group grows while writers keep arriving and every
 * B-tree page appended to is written to the log once for all of them.
 */
#define GROUP_MAX 32

/* Takes every queued request (NULL if none). */
static struct write_req *take_queue(struct db *db)
{
	pthread_mutex_lock(&db->wq_lock);
	struct write_req *q = db->wq_head;
	db->wq_head = db->wq_tail = NULL;
	pthread_mutex_unlock(&db->wq_lock);
	return q;
}

/*
 * Several requests in one transaction. With savepoints, each request runs
 * inside one: a request whose fn fails with an ordinary error (not found,
 * conflict, invalid...) is rolled back to its savepoint and gets that error;
 * the others commit together. Without, nothing is journalled per request
 * (a savepoint copies every page a request touches for the first time into
 * the sub-journal: about 110,000 instructions of the writer's 500,000 per
 * SCIM create), and the first ordinary error rolls the whole group back and
 * returns GROUP_REDO: the caller runs it again with savepoints, so an error
 * costs one wasted pass over its group and never changes any answer. Returns
 * non-zero if the group as a whole failed (busy, I/O, a store error in some
 * fn, a failed COMMIT): nothing was committed and the caller runs each
 * request alone.
 */
static int write_group(struct db *db, struct write_req *batch, bool savepoints)
{
	struct db_conn *c;
	int rc = writer_conn(db, &c);
	if (rc)
		return rc;
	rc = tx_exec(db, c, "BEGIN IMMEDIATE");
	if (rc) {
		writer_broken(db, rc);
		return rc;
	}
	uint64_t n = 0;
	for (struct write_req *r = batch; r; r = r->next, n++) {
		req_enter(r);
		if (savepoints && (rc = tx_exec(db, c, "SAVEPOINT gc")) != 0)
			goto abort;
		/* writers that queued while this group ran join it before the commit */
		if (!r->next && !savepoints && n + 1 < GROUP_MAX)
			r->next = take_queue(db);
		/* Test only (GATEHOUSE_TEST_RERUN_WRITES=1): every fn first runs once
		 * and is rolled back, as when a group is redone, so that a fn that is
		 * not safe to run again shows (leaks, double counts, stale flags). */
		if (db->test_rerun && !savepoints) {
			if ((rc = tx_exec(db, c, "SAVEPOINT rerun")) != 0)
				goto abort;
			r->fn(c, r->payload);
			if ((rc = tx_exec(db, c, "ROLLBACK TO rerun")) != 0 ||
			    (rc = tx_exec(db, c, "RELEASE rerun")) != 0)
				goto abort;
			req_enter(r);
		}
		int frc = r->fn(c, r->payload);
		if (frc == ERR_RETRY || frc == ERR_UNAVAILABLE || frc == ERR_INTERNAL) {
			rc = frc; /* may have broken the transaction: let write_one decide */
			goto abort;
		}
		if (frc && !savepoints && r == batch && !r->next) {
			/* alone in its transaction: its error is the answer, nothing to redo */
			req_finish(r, frc);
			tx_exec(db, c, "ROLLBACK");
			return 0;
		}
		if (frc && !savepoints) {
			rc = GROUP_REDO;
			goto abort;
		}
		if (frc)
			req_finish(r, frc);
		else
			r->rc = 0;
		if (frc && (rc = tx_exec(db, c, "ROLLBACK TO gc")) != 0)
			goto abort;
		if (savepoints && (rc = tx_exec(db, c, "RELEASE gc")) != 0)
			goto abort;
	}
	rc = tx_exec(db, c, "COMMIT");
	if (rc == 0) {
		if (n > 1)
			atomic_fetch_add(&group_commits, 1);
		atomic_fetch_add(&write_commits, 1);
		atomic_fetch_add(&writes_committed, n);
		return 0;
	}
abort:
	tx_exec(db, c, "ROLLBACK");
	if (rc != GROUP_REDO)
		writer_broken(db, rc);
	return rc;
}

/* Under wq_lock. r lives on its writer's stack until r->done: the leader
 * unlinks it (takes the whole queue) before setting done. */
static void wq_push(struct db *db, struct write_req *r)
{
	if (db->wq_tail)
		db->wq_tail->next = r;
	else
		db->wq_head = r;
	db->wq_tail = r;
}

/*
 * The leader, under wq_lock, alone in the queue: it gives up the CPU once
 * before taking the queue, so that request threads about to queue a write
 * (runnable, but waiting for a core) join its group. On this 2-core machine
 * a group then holds about 4 writes instead of under 2, and every write
 * appends fewer log frames (the rows of one group share B-tree leaves):
 * 57 frames per 4.1 SCIM creates instead of 40 per 1.75. When nothing else
 * is runnable, sched_yield returns at once.
 */
static void gather(struct db *db)
{
	if (db->wq_head != db->wq_tail)
		return;
	pthread_mutex_unlock(&db->wq_lock);
	sched_yield();
	pthread_mutex_lock(&db->wq_lock);
}

/*
 * Wakes r's thread: its request is done, or it leads the next group. Each
 * waiter sleeps on its own lock and condition, so waking one never makes it
 * queue for wq_lock behind the others. r (on its thread's stack) may be gone
 * once r->lock is released.
 */
static void req_wake(struct write_req *r, bool lead)
{
	pthread_mutex_lock(&r->lock);
	if (lead)
		r->lead = true;
	else
		r->done = true;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Runs one taken queue: as a group, again with savepoints, or one by one. */
static void run_batch(struct db *db, struct write_req *batch)
{
	int64_t t0 = clock_mono_us();
	if (db->writer)
		db_ckpt_before_write(db->ckpt, db->writer);
	int grc = write_group(db, batch, false); /* may take in writers that queue meanwhile */
	if (grc == GROUP_REDO) {
		atomic_fetch_add(&group_redos, 1);
		grc = write_group(db, batch, true);
	}
	if (grc != 0)
		for (struct write_req *r = batch; r; r = r->next)
			write_one(db, r);
	if (db->writer)
		db_ckpt_after_write(db->ckpt, db->writer);
	atomic_fetch_add(&writer_busy_us, (uint64_t)(clock_mono_us() - t0));
}

/*
 * The leader (writing == true): takes the queue, which holds its own request,
 * and runs it as one group. If writers queued meanwhile, it takes and runs
 * theirs too, up to LEAD_ROUNDS groups, waking each group's writers as soon
 * as their group is done; then it hands over to the first writer still
 * queued (writing stays true) or ends the writing. Handing over at every
 * group left the writer idle between groups: the next leader, woken, waited
 * for a core (SCHED_BATCH: it does not preempt the thread that woke it) while
 * every writer of the next group was already queued. The cap bounds how long
 * the leader's own caller waits for its answer.
 */
#define LEAD_ROUNDS 4

static void lead_group(struct db *db, struct write_req *me)
{
	pthread_mutex_lock(&db->wq_lock);
	gather(db);
	struct write_req *batch = db->wq_head;
	db->wq_head = db->wq_tail = NULL;
	pthread_mutex_unlock(&db->wq_lock);
	for (int round = 1;; round++) {
		run_batch(db, batch);
		pthread_mutex_lock(&db->wq_lock);
		struct write_req *next = db->wq_head;
		bool keep = next && round < LEAD_ROUNDS;
		if (keep)
			db->wq_head = db->wq_tail = NULL;
		else if (!next)
			db->writing = false;
		pthread_mutex_unlock(&db->wq_lock);
		if (next && !keep)
			req_wake(next, true);
		for (struct write_req *r = batch, *after; r; r = after) {
			after = r->next; /* read before the wake: r may be gone after it */
			if (r == me)
				me->done = true;
			else
				req_wake(r, false);
		}
		if (!keep)
			return;
		batch = next;
	}
}

/*
 * Each writer queues its request. A writer that finds no leader becomes the
 * leader: it takes the whole queue (its own request and any that arrived
 * while the previous leader was committing) and runs it as one transaction,
 * so N waiting writers cost one BEGIN/COMMIT and one WAL write instead of N.
 * Every request is still committed (WAL, synchronous=NORMAL) before its
 * caller returns; requests run in queue order, as if one after the other.
 * A single queued request takes exactly the old path (write_one).
 */
static int sqlite_write(struct db *db, db_tx_fn fn, void *payload)
{
	struct write_req me = { .fn = fn, .payload = payload, .in = *error_get() };
	xsnprintf(me.req_id, sizeof(me.req_id), "%s", log_request_id());
	pthread_mutex_init(&me.lock, NULL);
	pthread_cond_init(&me.cond, NULL);
	pthread_mutex_lock(&db->wq_lock);
	wq_push(db, &me);
	bool lead = !db->writing;
	db->writing = true;
	pthread_mutex_unlock(&db->wq_lock);
	if (!lead) {
		pthread_mutex_lock(&me.lock);
		while (!me.done && !me.lead)
			pthread_cond_wait(&me.cond, &me.lock);
		lead = !me.done;
		pthread_mutex_unlock(&me.lock);
	}
	if (lead)
		lead_group(db, &me);
	pthread_cond_destroy(&me.cond);
	pthread_mutex_destroy(&me.lock);
	log_set_request_id(me.req_id);
	if (me.rc)
		error_restore(&me.err);
	else
		error_clear();
	return me.rc;
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
	bool reran = false;
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
		if (attempt)
			backoff(attempt);
		rc = run_tx(db, c, flags, fn, payload);
		if (rc == ERR_CONFLICT && (flags & DB_TX_UNIQUE) && !reran &&
		    strcmp(error_get()->stable, "db_constraint") == 0) {
			reran = true; /* see DB_TX_UNIQUE */
			continue;
		}
		if (rc != ERR_RETRY)
			break;
	}
	bool broken = rc == ERR_UNAVAILABLE;
	if (!broken && key_lock(db, c, key, false))
		broken = true; /* closing the session is what releases the lock then */
	release(db, c, broken);
	return retries_exhausted(rc);
}

int db_tx(struct db *db, unsigned flags, db_tx_fn fn, void *payload)
{
	return tx_run(db, flags, 0, fn, payload);
}

int db_tx_keyed(struct db *db, unsigned flags, uint64_t key, db_tx_fn fn, void *payload)
{
	return tx_run(db, flags, key, fn, payload);
}

/* A programmer error caught at once: every '?' needs exactly one type letter. */
static void check_arity(const char *sql, const char *types)
{
	size_t marks = 0;
	for (const char *p = sql; *p; p++)
		marks += *p == '?';
	if (marks != strlen(types))
		die("SQL has %zu parameters but %zu types were given: %.80s", marks, strlen(types),
		    sql);
}

/* borrowed: the strings outlive the statement's run (see bind_text_borrowed). */
static int bind_args(struct db_stmt *s, const char *types, va_list ap, bool borrowed)
{
	int rc = 0;
	int (*text)(struct db_stmt *, int, const char *) = borrowed && s->ops->bind_text_borrowed
	                                                           ? s->ops->bind_text_borrowed
	                                                           : s->ops->bind_text;
	for (int i = 0; types[i] && rc == 0; i++) {
		switch (types[i]) {
		case 't':
			rc = text(s, i + 1, va_arg(ap, const char *));
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
	rc = bind_args(s, types, ap, false);
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
	rc = bind_args(s, types, ap, true); /* reset before this returns */
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
