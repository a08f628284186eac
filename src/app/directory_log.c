/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inbound SCIM request log (see directory.h): entries are queued by the
 * request threads and written in batches by one thread, so logging costs a
 * SCIM write no extra commit. An entry is diagnostics, not an acknowledged
 * write: a crash may lose the last fraction of a second of it. The same
 * thread drops entries older than the retention period.
 */
#include "base/common.h"

#include "app/directory.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "store/directory_job.h"

#include <pthread.h>
#include <time.h>

#define QUEUE_MAX     4096 /* entries beyond this are dropped (counted in the log) */
#define BATCH_MAX     256
#define FLUSH_MS      200
#define SWEEP_EVERY_S 3600

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	struct app *app;
	int64_t retention_s;
	bool running, stop;
	struct scim_request *queue;
	size_t n;
	uint64_t dropped;
} logq = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

struct batch {
	struct scim_request *items;
	size_t n;
	int64_t sweep_before;
	int64_t swept;
};

static int write_tx(struct db_conn *c, void *payload)
{
	struct batch *b = payload;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		rc = store_scim_request_insert(c, &b->items[i]);
	if (rc == 0 && b->sweep_before > 0) {
		b->swept = store_scim_request_sweep(c, b->sweep_before);
		rc = b->swept < 0 ? (int)b->swept : 0;
	}
	return rc;
}

static void write_batch(struct app *a, struct scim_request *items, size_t n, int64_t sweep_before)
{
	struct batch b = { items, n, sweep_before, 0 };
	error_clear();
	/* db_tx, not app_write: there are no webhook events to wake anyone for */
	if (db_tx(a->db, DB_TX_WRITE, write_tx, &b))
		log_warn("scim request log write failed", "entries=%zu err=\"%s\"", n,
		         error_get()->detail);
	else if (b.swept > 0)
		log_info("scim request log swept", "entries=%lld", (long long)b.swept);
	for (size_t i = 0; i < n; i++)
		scim_request_release(&items[i]);
}

void app_scim_request_log(struct app *a, struct scim_request *r)
{
	pthread_mutex_lock(&logq.lock);
	if (!logq.running) {
		pthread_mutex_unlock(&logq.lock);
		write_batch(a, r, 1, 0); /* no writer thread (CLI, tests): now */
		memset(r, 0, sizeof(*r));
		return;
	}
	if (logq.n >= QUEUE_MAX) {
		logq.dropped++;
		pthread_mutex_unlock(&logq.lock);
		scim_request_release(r);
		return;
	}
	logq.queue[logq.n++] = *r;
	memset(r, 0, sizeof(*r));
	if (logq.n >= BATCH_MAX)
		pthread_cond_signal(&logq.cond);
	pthread_mutex_unlock(&logq.lock);
}

/* Takes up to BATCH_MAX queued entries (caller holds the lock). */
static size_t take(struct scim_request *out)
{
	size_t n = logq.n < BATCH_MAX ? logq.n : BATCH_MAX;
	memcpy(out, logq.queue, n * sizeof(*out));
	memmove(logq.queue, logq.queue + n, (logq.n - n) * sizeof(*out));
	logq.n -= n;
	return n;
}

static void wait_ms(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&logq.cond, &logq.lock, &ts);
}

static void *writer_main(void *arg)
{
	struct scim_request *batch = xcalloc(BATCH_MAX, sizeof(*batch));
	int64_t next_sweep = 0;
	(void)arg;
	pthread_mutex_lock(&logq.lock);
	for (;;) {
		if (logq.n == 0 && !logq.stop)
			wait_ms(FLUSH_MS);
		size_t n = take(batch);
		bool stop = logq.stop && logq.n == 0 && n == 0;
		uint64_t dropped = logq.dropped;
		logq.dropped = 0;
		pthread_mutex_unlock(&logq.lock);
		if (dropped)
			log_warn("scim request log queue full", "dropped=%llu",
			         (unsigned long long)dropped);
		int64_t now = clock_now(), sweep = 0;
		if (logq.retention_s > 0 && now >= next_sweep) {
			sweep = now - logq.retention_s;
			next_sweep = now + SWEEP_EVERY_S;
		}
		if (n || sweep)
			write_batch(logq.app, batch, n, sweep);
		pthread_mutex_lock(&logq.lock);
		if (stop)
			break;
	}
	pthread_mutex_unlock(&logq.lock);
	free(batch);
	return NULL;
}

void app_scim_log_start(struct app *a, int64_t retention_s)
{
	pthread_mutex_lock(&logq.lock);
	logq.app = a;
	logq.retention_s = retention_s;
	logq.stop = false;
	logq.queue = xcalloc(QUEUE_MAX, sizeof(*logq.queue));
	logq.n = 0;
	logq.running = pthread_create(&logq.thread, NULL, writer_main, NULL) == 0;
	pthread_mutex_unlock(&logq.lock);
	if (!logq.running)
		die("cannot start the SCIM request log thread");
}

void app_scim_log_stop(void)
{
	pthread_mutex_lock(&logq.lock);
	bool running = logq.running;
	logq.stop = true;
	pthread_cond_broadcast(&logq.cond);
	pthread_mutex_unlock(&logq.lock);
	if (!running)
		return;
	pthread_join(logq.thread, NULL); /* the queue is written out before the thread ends */
	pthread_mutex_lock(&logq.lock);
	logq.running = false;
	struct scim_request *rest = logq.queue;
	size_t n = logq.n;
	logq.queue = NULL;
	logq.n = 0;
	pthread_mutex_unlock(&logq.lock);
	if (n)
		write_batch(logq.app, rest, n, 0); /* queued while the thread was finishing */
	free(rest);
}
