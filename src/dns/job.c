/* SPDX-License-Identifier: Apache-2.0 */
/* Background re-check of pending domains (see job.h). */
#include "base/common.h"

#include "dns/job.h"

#include "app/domain.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "dns/verify.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

struct dns_job {
	struct app *app;
	int64_t interval_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

int dns_job_run_once(struct app *a, int64_t interval_s)
{
	int64_t now = clock_now();
	char(*ids)[ID_MAX] = NULL;
	char(*orgs)[ID_MAX] = NULL;
	size_t n = 0;
	int rc = app_domain_due(a, now - DNS_JOB_WINDOW_S, now - interval_s, DNS_JOB_BATCH, &ids,
	                        &orgs, &n);
	const struct actor system = { "system", "domain-recheck" };
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct domain d;
		error_clear();
		if (dns_verify_domain(a, &system, orgs[i], ids[i], &d) == 0)
			domain_release(&d);
		else
			log_warn("domain re-check failed", "domain=%s err=\"%s\"", ids[i],
			         error_get()->detail);
	}
	free(ids);
	free(orgs);
	return rc ? rc : (int)n;
}

static void *run(void *arg)
{
	struct dns_job *j = arg;
	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		pthread_mutex_unlock(&j->lock);
		if (dns_job_run_once(j->app, j->interval_s) < 0)
			log_warn("domain re-check pass failed", "err=\"%s\"", error_get()->detail);
		pthread_mutex_lock(&j->lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += j->interval_s;
		while (!j->stop && pthread_cond_timedwait(&j->cond, &j->lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

void dns_job_start(struct dns_job **out, struct app *a, int64_t interval_s)
{
	*out = NULL;
	if (interval_s <= 0)
		return;
	struct dns_job *j = xcalloc(1, sizeof(*j));
	j->app = a;
	j->interval_s = interval_s;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	if (pthread_create(&j->thread, NULL, run, j))
		die("cannot start the domain re-check thread");
	*out = j;
}

void dns_job_stop(struct dns_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j);
}
