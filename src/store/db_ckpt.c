/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite checkpoints off the writer's path (see db_ckpt.h). */
#include "base/common.h"

#include "store/db_ckpt.h"

#include "base/error.h"
#include "base/log.h"

#include <pthread.h>
#include <stdatomic.h>

/* Background passes per wake-up: each copies what the writer appended during
 * the previous one, so the remainder shrinks while copying outpaces writing. */
#define MAX_PASSES 8

struct db_ckpt {
	const struct db_ops *ops;
	char *target;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool wanted, stop;     /* under lock */
	atomic_bool busy;      /* the thread is copying (or about to) */
	atomic_bool converged; /* a pass left little: the writer finishes it */
	struct db_conn *conn;  /* the thread's own; only the thread uses it */
	atomic_uint_fast64_t passes_background, passes_writer, wal_frames;
};

/* One wake-up: passes until the remainder is small. */
static void copy_log(struct db_ckpt *k)
{
	if (!k->conn && k->ops->open(&k->conn, k->target) != 0) {
		log_warn("checkpoint: cannot open a connection", "err=\"%s\"", error_get()->detail);
		return;
	}
	for (int i = 0; i < MAX_PASSES; i++) {
		int64_t log = 0, done = 0;
		if (k->ops->wal_checkpoint(k->conn, &log, &done) != 0)
			return; /* busy (the writer is checkpointing) or an I/O error: next time */
		atomic_fetch_add(&k->passes_background, 1);
		if (log - done <= DB_CKPT_DONE_FRAMES) {
			atomic_store(&k->converged, true);
			return;
		}
	}
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
		copy_log(k);
		atomic_store(&k->busy, false);
		pthread_mutex_lock(&k->lock);
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
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	if (k->conn)
		k->ops->close(k->conn);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	free(k->target);
	free(k);
}

void db_ckpt_before_write(struct db_ckpt *k, struct db_conn *writer)
{
	if (!k)
		return;
	bool finish = atomic_exchange(&k->converged, false);
	if (!finish && k->ops->wal_frames(writer) < DB_CKPT_HARD_FRAMES)
		return;
	int64_t log = 0, done = 0;
	/* Busy means the thread is in a pass: it will report again. */
	if (k->ops->wal_checkpoint(writer, &log, &done) == 0)
		atomic_fetch_add(&k->passes_writer, 1);
	error_clear();
}

void db_ckpt_after_write(struct db_ckpt *k, struct db_conn *writer)
{
	if (!k)
		return;
	int64_t frames = k->ops->wal_frames(writer);
	atomic_store(&k->wal_frames, (uint64_t)frames);
	if (frames < DB_CKPT_START_FRAMES || atomic_exchange(&k->busy, true))
		return;
	pthread_mutex_lock(&k->lock);
	k->wanted = true;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
}

void db_ckpt_stats(const struct db_ckpt *k, uint64_t *background, uint64_t *writer,
                   uint64_t *wal_frames)
{
	*background = k ? atomic_load(&k->passes_background) : 0;
	*writer = k ? atomic_load(&k->passes_writer) : 0;
	*wal_frames = k ? atomic_load(&k->wal_frames) : 0;
}
