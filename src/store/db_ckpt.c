/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite checkpoints off the writer's path (see db_ckpt.h). */
#include "base/common.h"

#include "store/db_ckpt.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"

#include <pthread.h>
#include <stdatomic.h>

/* Background passes per wake-up: each copies what the writer appended during
 * the previous one, so the remainder shrinks while copying outpaces writing. */
#define MAX_PASSES 8
/* After a wake-up that stopped short, the next one waits this long (a reader
 * pinning an old snapshot would otherwise cost passes on every commit). */
#define QUIET_US (50 * 1000)

struct db_ckpt {
	const struct db_ops *ops;
	char *target;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;     /* the thread waits for wanted/stop; the writer for !busy */
	bool wanted, stop, busy; /* under lock; busy: a wake-up is being served */
	atomic_bool converged;   /* a pass left little: the writer finishes it */
	atomic_bool broken;      /* no connection of its own: the writer checkpoints */
	struct db_conn *conn;    /* the thread's own; only the thread uses it */
	int64_t warned_at;       /* thread only: last "cannot open" warning */
	int64_t quiet_until;     /* under lock: no wake-up before (after a pass that stalled) */
	atomic_uint_fast64_t passes_background, passes_writer, wal_frames;
};

/* One wake-up: passes until the remainder is small or nothing moves; false
 * when it stopped short (the next wake-up waits a little). */
static bool copy_log(struct db_ckpt *k)
{
	if (!k->conn && k->ops->open(&k->conn, k->target) != 0) {
		int64_t now = clock_mono_us();
		if (!k->warned_at || now - k->warned_at > 60 * 1000000LL) {
			log_warn(
			        "checkpoint thread cannot open a connection; the writer checkpoints",
			        "err=\"%s\"", error_get()->detail);
			k->warned_at = now;
		}
		error_clear();
		atomic_store(&k->broken, true);
		return false;
	}
	atomic_store(&k->broken, false);
	int64_t last_done = -1;
	for (int i = 0; i < MAX_PASSES; i++) {
		int64_t log = 0, done = 0;
		int rc = k->ops->wal_checkpoint(k->conn, false, &log, &done);
		error_clear();
		if (rc != 0)
			return false; /* busy (the writer is checkpointing) or an I/O error */
		atomic_fetch_add(&k->passes_background, 1);
		if (log - done <= DB_CKPT_DONE_FRAMES) {
			atomic_store(&k->converged, true);
			return true;
		}
		if (done == last_done)
			return false; /* a reader holds an old snapshot: nothing to copy now */
		last_done = done;
	}
	return false;
}

static void *ckpt_main(void *arg)
{
	struct db_ckpt *k = arg;
	pthread_mutex_lock(&k->lock);
	for (;;) {
		while (!k->wanted && !k->stop)
			pthread_cond_wait(&k->cond, &k->lock);
		if (k->stop)
			break;
		k->wanted = false;
		pthread_mutex_unlock(&k->lock);
		bool converged = copy_log(k);
		pthread_mutex_lock(&k->lock);
		k->busy = false;
		k->quiet_until = converged ? 0 : clock_mono_us() + QUIET_US;
		pthread_cond_broadcast(&k->cond); /* a writer at the hard limit waits for this */
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

struct db_ckpt *db_ckpt_start(const struct db_ops *ops, const char *target)
{
	struct db_ckpt *k = xcalloc(1, sizeof(*k));
	k->ops = ops;
	k->target = xstrdup(target);
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	if (pthread_create(&k->thread, NULL, ckpt_main, k) != 0) {
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->cond);
		free(k->target);
		free(k);
		return NULL;
	}
	return k;
}

void db_ckpt_stop(struct db_ckpt *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	if (k->conn)
		k->ops->close(k->conn);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	free(k->target);
	free(k);
}

/* The writer copies the log itself, on its own connection, and waits briefly
 * for readers of the old log so that its next commit starts the log again
 * (with readers always busy, the log would otherwise never start over). */
static bool writer_pass(struct db_ckpt *k, struct db_conn *writer)
{
	int64_t log = 0, done = 0;
	bool ok = k->ops->wal_checkpoint(writer, true, &log, &done) == 0;
	if (ok)
		atomic_fetch_add(&k->passes_writer, 1);
	error_clear(); /* the leader's own slot; each request's is restored before it runs */
	return ok;
}

void db_ckpt_before_write(struct db_ckpt *k, struct db_conn *writer)
{
	if (!k)
		return;
	int64_t frames = k->ops->wal_frames(writer);
	if (frames >= DB_CKPT_HARD_FRAMES ||
	    (atomic_load(&k->broken) && frames >= DB_CKPT_START_FRAMES)) {
		/* The thread cannot keep up (or cannot run): wait for its pass to end,
		 * then copy everything here, as SQLite itself would have. */
		pthread_mutex_lock(&k->lock);
		while (k->busy)
			pthread_cond_wait(&k->cond, &k->lock);
		pthread_mutex_unlock(&k->lock);
		atomic_store(&k->converged, false);
		writer_pass(k, writer);
		return;
	}
	if (atomic_exchange(&k->converged, false) && !writer_pass(k, writer))
		atomic_store(&k->converged, true); /* busy: try again before the next write */
}

void db_ckpt_after_write(struct db_ckpt *k, struct db_conn *writer)
{
	if (!k)
		return;
	int64_t frames = k->ops->wal_frames(writer);
	atomic_store(&k->wal_frames, (uint64_t)frames);
	/* Not while the writer is about to finish a converged pass itself. */
	if (frames < DB_CKPT_START_FRAMES || atomic_load(&k->converged))
		return;
	pthread_mutex_lock(&k->lock);
	if (!k->busy && (!k->quiet_until || clock_mono_us() >= k->quiet_until)) {
		k->busy = true;
		k->wanted = true;
		pthread_cond_broadcast(&k->cond);
	}
	pthread_mutex_unlock(&k->lock);
}

void db_ckpt_stats(const struct db_ckpt *k, uint64_t *background, uint64_t *writer,
                   uint64_t *wal_frames)
{
	*background = k ? atomic_load(&k->passes_background) : 0;
	*writer = k ? atomic_load(&k->passes_writer) : 0;
	*wal_frames = k ? atomic_load(&k->wal_frames) : 0;
}
