/* SPDX-License-Identifier: Apache-2.0 */
/* The expiry sweep of sign-in state (see sweep.h). */
#include "base/common.h"

#include "app/sweep.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "store/signin.h"

#include <pthread.h>
#include <time.h>

#define SWEEP_LOCK_KEY 0x6768737765657031ULL /* "ghsweep1": one sweeper at a time */

struct batch_op {
	int64_t now, removed[STORE_SWEEP_KINDS], total;
};

static int batch_tx(struct db_conn *c, void *payload)
{
	struct batch_op *op = payload;
	op->total = store_signin_sweep(c, op->now, op->now - APP_SWEEP_CODE_KEEP_S, APP_SWEEP_BATCH,
	                               op->removed);
	return op->total < 0 ? (int)op->total : 0;
}

int app_sweep_once(struct app *a, int64_t now, int64_t *removed_out)
{
	int64_t sum[STORE_SWEEP_KINDS] = { 0 }, total = 0;
	int rc = 0;
	for (int i = 0; i < APP_SWEEP_MAX_BATCHES; i++) {
		struct batch_op op = { .now = now };
		rc = db_tx_keyed(a->db, DB_TX_WRITE, SWEEP_LOCK_KEY, batch_tx, &op);
		if (rc)
			break;
		bool more = false;
		for (size_t k = 0; k < STORE_SWEEP_KINDS; k++) {
			sum[k] += op.removed[k];
			more |= op.removed[k] == APP_SWEEP_BATCH;
		}
		total += op.total;
		if (!more)
			break;
	}
	if (total > 0)
		log_info(
		        "expired sign-in state swept",
		        "rows=%lld auth_requests=%lld oauth_codes=%lld oauth_tokens=%lld "
		        "revoked_tokens=%lld saml_requests=%lld oidc_states=%lld replay_entries=%lld",
		        (long long)total, (long long)sum[0], (long long)sum[1], (long long)sum[2],
		        (long long)sum[3], (long long)sum[4], (long long)sum[5], (long long)sum[6]);
	if (removed_out)
		*removed_out = total;
	return rc;
}

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stop;
	struct app *app;
	int64_t interval_s;
} sweeper = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void *sweeper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&sweeper.lock);
	while (!sweeper.stop) {
		pthread_mutex_unlock(&sweeper.lock);
		error_clear();
		if (app_sweep_once(sweeper.app, clock_now(), NULL))
			log_warn("expiry sweep failed", "err=\"%s\"", error_get()->detail);
		error_clear();
		pthread_mutex_lock(&sweeper.lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)sweeper.interval_s;
		while (!sweeper.stop &&
		       pthread_cond_timedwait(&sweeper.cond, &sweeper.lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&sweeper.lock);
	return NULL;
}

void app_sweep_start(struct app *a, int64_t interval_s)
{
	if (interval_s <= 0)
		return;
	pthread_mutex_lock(&sweeper.lock);
	sweeper.app = a;
	sweeper.interval_s = interval_s;
	sweeper.stop = false;
	sweeper.running = pthread_create(&sweeper.thread, NULL, sweeper_main, NULL) == 0;
	pthread_mutex_unlock(&sweeper.lock);
	if (!sweeper.running)
		die("cannot start the expiry sweep thread");
}

void app_sweep_stop(void)
{
	pthread_mutex_lock(&sweeper.lock);
	bool running = sweeper.running;
	sweeper.stop = true;
	pthread_cond_broadcast(&sweeper.cond);
	pthread_mutex_unlock(&sweeper.lock);
	if (running)
		pthread_join(sweeper.thread, NULL);
	sweeper.running = false;
}
