/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite group commit (db.c, sqlite_write): writers that queue behind a
 * running transaction are committed together, each in its own savepoint.
 * Every caller must still get its own result and error, and a failing
 * request must leave no trace while the rest of its group commits.
 */
#include "base/common.h"

#include "base/clock.h"
#include "base/error.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/org.h"
#include "test/harness/test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

enum outcome { OK, DUPLICATE, CHANGED_MIND, INTERNAL, OUTCOMES };

struct op {
	struct org org;
	enum outcome want;
	char detail[64];
};

static atomic_int entered;

/* Every kind of outcome, mixed; a worker's first request is never INTERNAL,
 * so the first group (all first requests) commits as a group. */
static enum outcome outcome_for(int worker, int i)
{
	return (enum outcome)(i == 0 ? worker % INTERNAL : (worker + i) % OUTCOMES);
}

static struct org make_org(const char *slug)
{
	struct org o = { 0 };
	id_new(o.id, "org");
	o.name = xstrdup(slug);
	o.slug = xstrdup(slug);
	o.default_role = xstrdup("org:member");
	o.public_metadata = xstrdup("{}");
	o.private_metadata = xstrdup("{}");
	o.created_at = o.updated_at = clock_now();
	return o;
}

static int insert_tx(struct db_conn *c, void *payload)
{
	struct op *op = payload;
	int rc = store_org_insert(c, &op->org);
	if (rc)
		return rc;
	if (op->want == CHANGED_MIND)
		return error_setc(ERR_INVALID, "changed_mind", "%s", op->detail);
	if (op->want == INTERNAL)
		return error_set(ERR_INTERNAL, "%s", op->detail);
	return 0;
}

/* Holds the writer for 100 ms so that the other threads queue up behind it. */
static int slow_tx(struct db_conn *c, void *payload)
{
	atomic_store(&entered, 1);
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	return insert_tx(c, payload);
}

struct worker {
	struct db *db;
	int id, n, wrong;
	bool all_ok; /* every request succeeds (else outcome_for) */
};

static int expect(struct op *op, int rc)
{
	switch (op->want) {
	case OK:
		return rc == 0;
	case DUPLICATE:
		return rc == ERR_CONFLICT && strcmp(error_get()->stable, "db_constraint") == 0;
	case CHANGED_MIND:
		return rc == ERR_INVALID && strcmp(error_get()->detail, op->detail) == 0 &&
		       strcmp(error_get()->stable, "changed_mind") == 0;
	default:
		return rc == ERR_INTERNAL && strcmp(error_get()->detail, op->detail) == 0;
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	while (!atomic_load(&entered))
		usleep(100);
	for (int i = 0; i < w->n; i++) {
		char slug[64];
		struct op op = { .want = w->all_ok ? OK : outcome_for(w->id, i) };
		if (op.want == DUPLICATE)
			xsnprintf(slug, sizeof(slug), "taken");
		else
			xsnprintf(slug, sizeof(slug), "w%d-%d", w->id, i);
		op.org = make_org(slug);
		xsnprintf(op.detail, sizeof(op.detail), "worker %d request %d", w->id, i);
		error_clear();
		if (!expect(&op, db_tx(w->db, DB_TX_WRITE, insert_tx, &op)))
			w->wrong++;
		org_release(&op.org);
	}
	return NULL;
}

struct count_op {
	int64_t total;
	int missing_ok, present_failed;
	int workers, n;
};

static int count_tx(struct db_conn *c, void *payload)
{
	struct count_op *op = payload;
	struct org *items = NULL;
	size_t n = 0;
	int rc = store_org_list(c, NULL, 1, &items, &n, &op->total);
	for (size_t i = 0; i < n; i++)
		org_release(&items[i]);
	free(items);
	for (int w = 0; rc == 0 && w < op->workers; w++) {
		for (int i = 0; i < op->n; i++) {
			enum outcome want = outcome_for(w, i);
			if (want == DUPLICATE)
				continue;
			char slug[64];
			xsnprintf(slug, sizeof(slug), "w%d-%d", w, i);
			struct org o = { 0 };
			int grc = store_org_get(c, slug, &o);
			org_release(&o);
			if (want == OK && grc != 0)
				op->missing_ok++;
			if (want != OK && grc == 0)
				op->present_failed++;
		}
	}
	return rc;
}

/* A migrated database in a directory of its own. */
struct group_db {
	char dir[32];
	char *url;
	struct db *db;
};

static bool group_db_open(struct group_db *g)
{
	xsnprintf(g->dir, sizeof(g->dir), "/tmp/gh-group-XXXXXX");
	if (!mkdtemp(g->dir))
		return false;
	g->url = xasprintf("sqlite:%s/g.db", g->dir);
	g->db = NULL;
	return db_open(&g->db, g->url, 4) == 0 && store_migrate_run(g->db, NULL) == 0;
}

static void group_db_close(struct group_db *g)
{
	db_free(g->db);
	const char *ext[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/g.db%s", g->dir, ext[i]);
		unlink(p);
		free(p);
	}
	rmdir(g->dir);
	free(g->url);
}

/*
 * Starts n workers (all_ok: every request succeeds), holds the writer with
 * a slow first write so that their first requests queue into one group, and
 * returns how many of their answers were wrong (-1 if the slow write failed).
 */
static int run_workers(struct db *db, bool all_ok, int n, int per_worker, struct op *first)
{
	atomic_store(&entered, 0);
	struct worker *w = xcalloc((size_t)n, sizeof(*w));
	pthread_t *t = xcalloc((size_t)n, sizeof(*t));
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){ db, i, per_worker, 0, all_ok };
		pthread_create(&t[i], NULL, worker_run, &w[i]);
	}
	int slow_rc = db_tx(db, DB_TX_WRITE, slow_tx, first);
	int wrong = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		wrong += w[i].wrong;
	}
	free(w);
	free(t);
	return slow_rc ? -1 : wrong;
}

TEST(db_group_commit, each_writer_gets_its_own_result)
{
	struct group_db g;
	ASSERT(group_db_open(&g));
	struct op taken = { .org = make_org("taken"), .want = OK };
	uint64_t groups_before = db_group_commits();
	struct db_write_stats st0, st1;
	db_write_stats(g.db, &st0);
	enum { WORKERS = 8, N = 60 };
	ASSERT_INT_EQ(run_workers(g.db, false, WORKERS, N, &taken), 0);

	struct count_op cnt = { .workers = WORKERS, .n = N };
	ASSERT_INT_EQ(db_tx(g.db, DB_TX_READ, count_tx, &cnt), 0);
	ASSERT_INT_EQ(cnt.missing_ok, 0);
	ASSERT_INT_EQ(cnt.present_failed, 0);
	int oks = 0;
	for (int i = 0; i < WORKERS; i++)
		for (int j = 0; j < N; j++)
			oks += outcome_for(i, j) == OK;
	ASSERT_INT_EQ(cnt.total, oks + 1);
	ASSERT(db_group_commits() > groups_before); /* the queued requests did form groups */
	db_write_stats(g.db, &st1);
	/* groups holding a failing request ran again with a savepoint per request */
	ASSERT(st1.group_redos > st0.group_redos);
	org_release(&taken.org);
	group_db_close(&g);
}

/* Groups in which every request succeeds commit in one pass, without savepoints. */
TEST(db_group_commit, groups_without_failures_run_once)
{
	struct group_db g;
	ASSERT(group_db_open(&g));
	struct db_write_stats st0, st1;
	db_write_stats(g.db, &st0);
	uint64_t groups_before = db_group_commits();
	enum { WORKERS = 6, N = 40 };
	struct op first = { .org = make_org("first"), .want = OK };
	ASSERT_INT_EQ(run_workers(g.db, true, WORKERS, N, &first), 0);
	db_write_stats(g.db, &st1);
	ASSERT(db_group_commits() > groups_before);
	ASSERT_INT_EQ(st1.group_redos, st0.group_redos);
	ASSERT_INT_EQ(st1.writes - st0.writes, WORKERS * N + 1);
	org_release(&first.org);
	group_db_close(&g);
}
