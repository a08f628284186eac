/* SPDX-License-Identifier: Apache-2.0 */
/* Role resolution from group mappings, and its background jobs (see directory_role.h). */
#include "base/common.h"

#include "app/directory_role.h"

#include "app/membership.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "store/directory.h"
#include "store/directory_group.h"
#include "store/directory_job.h"
#include "store/membership.h"
#include "store/role.h"

#include <pthread.h>
#include <time.h>

/* What resolving needs about the connection, read once per batch. */
struct resolve_ctx {
	const struct actor *who;
	const char *conn_id;
	char org_id[ID_MAX];
	char *default_role;
};

static int ctx_load(struct db_conn *c, struct resolve_ctx *x)
{
	return store_directory_org(c, x->conn_id, x->org_id, &x->default_role);
}

/* The role member_id should hold: mapped (1), default (0), or leave as is (2). */
static int target_role(struct db_conn *c, const struct resolve_ctx *x, const char *member_id,
                       const struct membership *m, char role[65])
{
	int rc = store_directory_mapped_role(c, x->conn_id, member_id, role);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		int exists = store_role_exists(c, role);
		if (exists)
			return exists; /* 1, or a store error */
	}
	if (strcmp(m->role_source, ROLE_SOURCE_MANUAL) == 0)
		return 2; /* set by hand and no mapping applies: left alone */
	xsnprintf(role, 65, "%s", x->default_role);
	return 0;
}

static int resolve_user(struct db_conn *c, const struct resolve_ctx *x, const char *member_id,
                        const char *user_id, bool *changed)
{
	struct membership m = { 0 };
	char role[65];
	*changed = false;
	int rc = store_membership_get(c, x->org_id, user_id, &m);
	if (rc == ERR_NOT_FOUND) {
		error_clear();
		return 0; /* not a member (removed by hand, or never joined): nothing to resolve */
	}
	int t = rc ? rc : target_role(c, x, member_id, &m, role);
	const char *source = t == 1 ? ROLE_SOURCE_MAPPING : ROLE_SOURCE_DEFAULT;
	if (t < 0 || t == 2 || (strcmp(m.role, role) == 0 && strcmp(m.role_source, source) == 0)) {
		membership_release(&m);
		return t < 0 ? t : 0;
	}
	char id[ID_MAX];
	xsnprintf(id, sizeof(id), "%s", m.id);
	membership_release(&m);
	rc = store_membership_update_role(c, id, role, source, clock_now());
	if (rc == 0)
		rc = store_membership_get_by_id(c, id, &m);
	if (rc == 0)
		rc = app_membership_record(c, x->who, "organization_membership.updated", &m);
	membership_release(&m);
	*changed = rc == 0;
	return rc;
}

static int resolve_one(struct db_conn *c, const struct resolve_ctx *x, const char *member_id,
                       bool *changed)
{
	struct directory_user u;
	int rc = store_directory_user_get(c, x->conn_id, member_id, &u);
	if (rc == ERR_NOT_FOUND) {
		error_clear();
		*changed = false;
		return 0;
	}
	if (rc == 0)
		rc = resolve_user(c, x, u.id, u.user_id, changed);
	directory_user_release(&u);
	return rc;
}

int app_directory_resolve_member_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                    const char *member_id, bool *changed)
{
	struct resolve_ctx x = { .who = who, .conn_id = conn_id };
	int rc = ctx_load(c, &x);
	if (rc == 0)
		rc = resolve_one(c, &x, member_id, changed);
	free(x.default_role);
	return rc;
}

int app_directory_enqueue_tx(struct db_conn *c, const char *conn_id, const char *reason,
                             char job_id_out[ID_MAX])
{
	int rc = store_directory_job_pending(c, conn_id, job_id_out);
	if (rc != 0)
		return rc < 0 ? rc : 0; /* an unstarted job will see this change too */
	struct directory_job j = { 0 };
	id_new(j.id, "djob");
	xsnprintf(j.connection_id, sizeof(j.connection_id), "%s", conn_id);
	j.kind = xstrdup("resolve_roles");
	j.reason = xstrdup(reason);
	j.created_at = j.updated_at = clock_now();
	j.total = store_directory_user_count(c, conn_id, DIRUSER_ALL, NULL);
	rc = j.total < 0 ? (int)j.total : store_directory_job_insert(c, &j);
	if (rc == 0)
		xsnprintf(job_id_out, ID_MAX, "%s", j.id);
	directory_job_release(&j);
	return rc;
}

int app_directory_resolve_members_tx(struct db_conn *c, const struct actor *who,
                                     const char *conn_id, char (*ids)[ID_MAX], size_t n,
                                     const char *reason, struct scim_effects *fx)
{
	if (n > APP_DIRECTORY_INLINE_MAX)
		return app_directory_enqueue_tx(c, conn_id, reason, fx->job_id);
	struct resolve_ctx x = { .who = who, .conn_id = conn_id };
	int rc = n ? ctx_load(c, &x) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool changed = false;
		rc = resolve_one(c, &x, ids[i], &changed);
		fx->roles_changed += changed;
	}
	free(x.default_role);
	return rc;
}

int app_directory_resolve_all_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                 const char *reason, char job_id_out[ID_MAX])
{
	int64_t total = store_directory_user_count(c, conn_id, DIRUSER_ALL, NULL);
	job_id_out[0] = '\0';
	if (total < 0)
		return (int)total;
	if (total > APP_DIRECTORY_INLINE_MAX)
		return app_directory_enqueue_tx(c, conn_id, reason, job_id_out);
	struct directory_user *v = NULL;
	size_t n = 0;
	struct resolve_ctx x = { .who = who, .conn_id = conn_id };
	int rc = ctx_load(c, &x);
	if (rc == 0)
		rc = store_directory_user_scan(c, conn_id, DIRUSER_ALL, NULL, NULL, total + 1, &v,
		                               &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool changed;
		rc = resolve_user(c, &x, v[i].id, v[i].user_id, &changed);
	}
	for (size_t i = 0; i < n; i++)
		directory_user_release(&v[i]);
	free(v);
	free(x.default_role);
	return rc;
}

int app_directory_unmap_roles_tx(struct db_conn *c, const struct actor *who, const char *conn_id,
                                 const char *org_id)
{
	char(*ids)[ID_MAX] = NULL;
	size_t n = 0;
	int rc = store_directory_mapped_memberships(c, conn_id, org_id, &ids, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct membership m = { 0 };
		rc = store_membership_get_by_id(c, ids[i], &m);
		if (rc == 0)
			rc = store_membership_update_role(c, ids[i], m.role, ROLE_SOURCE_MANUAL,
			                                  clock_now());
		membership_release(&m);
		if (rc == 0)
			rc = store_membership_get_by_id(c, ids[i], &m);
		if (rc == 0)
			rc = app_membership_record(c, who, "organization_membership.updated", &m);
		membership_release(&m);
	}
	free(ids);
	return rc;
}

int app_directory_role_deleted_tx(struct db_conn *c, const struct actor *who, const char *role)
{
	char(*conns)[ID_MAX] = NULL;
	size_t n = 0;
	int rc = store_directory_mappings_drop_role(c, role, &conns, &n);
	bool queued = false;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char job[ID_MAX];
		rc = app_directory_resolve_all_tx(c, who, conns[i], "mapped_role_deleted", job);
		queued = queued || job[0];
	}
	free(conns);
	if (rc == 0 && queued)
		app_directory_role_wake(); /* the worker re-checks after the commit */
	return rc;
}

/* --- the job runner --- */

struct batch_op {
	struct directory_job_state job;
	const struct directory_job_state *from; /* batch_tx: the state it starts from */
	bool finished;
};

static int claim_tx(struct db_conn *c, void *payload)
{
	struct batch_op *op = payload;
	int rc = store_directory_job_claim(c, clock_now(), APP_DIRECTORY_JOB_LEASE_S, &op->job);
	return rc < 0 ? rc : (rc == 1 ? 0 : ERR_NOT_FOUND);
}

/* One batch of APP_DIRECTORY_JOB_BATCH users after the job's cursor, with its progress. */
static int batch_tx(struct db_conn *c, void *payload)
{
	struct batch_op *op = payload;
	op->job = *op->from; /* a rerun starts from the same cursor and counts */
	const struct actor who = { "system", op->job.id };
	struct resolve_ctx x = { .who = &who, .conn_id = op->job.connection_id };
	struct directory_user *v = NULL;
	size_t n = 0;
	int64_t now = clock_now();
	int rc = ctx_load(c, &x);
	if (rc == 0)
		rc = store_directory_user_scan(c, x.conn_id, DIRUSER_ALL, NULL, op->job.cursor,
		                               APP_DIRECTORY_JOB_BATCH, &v, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool changed;
		rc = resolve_user(c, &x, v[i].id, v[i].user_id, &changed);
	}
	if (rc == 0 && n)
		xsnprintf(op->job.cursor, sizeof(op->job.cursor), "%s", v[n - 1].id);
	op->job.done += (int64_t)n;
	if (op->job.total < op->job.done)
		op->job.total = op->job.done;
	op->finished = n < APP_DIRECTORY_JOB_BATCH;
	if (rc == 0)
		rc = store_directory_job_progress(c, &op->job, now,
		                                  now + APP_DIRECTORY_JOB_LEASE_S);
	if (rc == 0 && op->finished)
		rc = store_directory_job_finish(c, op->job.id, "succeeded", NULL, now);
	for (size_t i = 0; i < n; i++)
		directory_user_release(&v[i]);
	free(v);
	free(x.default_role);
	return rc;
}

int app_directory_jobs_run_once(struct app *a)
{
	struct batch_op op = { 0 };
	int rc = app_write(a, claim_tx, &op);
	if (rc == ERR_NOT_FOUND) {
		error_clear();
		return 0;
	}
	while (rc == 0 && !op.finished) {
		struct batch_op attempt = { .from = &op.job };
		rc = app_write_keyed(a, app_directory_lock_key(op.job.connection_id), batch_tx,
		                     &attempt);
		if (rc == 0)
			op = attempt;
	}
	if (rc) {
		/* the lease runs out and the job resumes from its last committed batch */
		log_warn("directory job batch failed", "job=%s err=\"%s\"", op.job.id,
		         error_get()->detail);
		return rc;
	}
	log_info("directory job done", "job=%s connection=%s members=%lld", op.job.id,
	         op.job.connection_id, (long long)op.job.done);
	return 1;
}

int app_directory_jobs_drain(struct app *a)
{
	int rc;
	while ((rc = app_directory_jobs_run_once(a)) == 1)
		;
	return rc;
}

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	struct app *app;
	bool running, stop;
	uint64_t wakes;
} worker = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

void app_directory_role_wake(void)
{
	pthread_mutex_lock(&worker.lock);
	worker.wakes++;
	pthread_cond_broadcast(&worker.cond);
	pthread_mutex_unlock(&worker.lock);
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&worker.lock);
	while (!worker.stop) {
		uint64_t seen = worker.wakes;
		pthread_mutex_unlock(&worker.lock);
		error_clear();
		int rc = app_directory_jobs_run_once(worker.app);
		pthread_mutex_lock(&worker.lock);
		if (rc == 1 || worker.stop || seen != worker.wakes)
			continue;
		/* idle: another node's jobs and expired leases are picked up within 2 s */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		pthread_cond_timedwait(&worker.cond, &worker.lock, &ts);
	}
	pthread_mutex_unlock(&worker.lock);
	return NULL;
}

void app_directory_role_worker_start(struct app *a)
{
	pthread_mutex_lock(&worker.lock);
	worker.app = a;
	worker.stop = false;
	worker.running = pthread_create(&worker.thread, NULL, worker_main, NULL) == 0;
	pthread_mutex_unlock(&worker.lock);
	if (!worker.running)
		die("cannot start the directory job thread");
}

void app_directory_role_worker_stop(void)
{
	pthread_mutex_lock(&worker.lock);
	bool running = worker.running;
	worker.stop = true;
	pthread_cond_broadcast(&worker.cond);
	pthread_mutex_unlock(&worker.lock);
	if (running)
		pthread_join(worker.thread, NULL);
	worker.running = false;
}
