/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request metrics in Prometheus text format: counts by route and status
 * class, latency histograms by route, database errors. Lock-free counters
 * indexed by the route's position in the table.
 */
#include "base/common.h"

#include "routes/routes.h"
#include "store/db.h"

#include <stdatomic.h>

#define MAX_ROUTES 256
#define NBUCKETS   12

static const double bucket_s[NBUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	                                   0.05,   0.1,   0.25,   0.5,   1,    5 };

struct route_metrics {
	atomic_uint_fast64_t by_class[6]; /* 1xx..5xx, [0] = other */
	atomic_uint_fast64_t buckets[NBUCKETS + 1];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

static struct route_metrics metrics[MAX_ROUTES + 1]; /* last: unmatched */

void routes_metrics_observe(const struct route *r, int status, int64_t duration_us)
{
	size_t i = r ? routes_index(r) : MAX_ROUTES;
	if (i > MAX_ROUTES)
		i = MAX_ROUTES;
	struct route_metrics *m = &metrics[i];
	int cls = status / 100;
	atomic_fetch_add(&m->by_class[cls >= 1 && cls <= 5 ? cls : 0], 1);
	size_t b = 0;
	while (b < NBUCKETS && (double)duration_us / 1e6 > bucket_s[b])
		b++;
	atomic_fetch_add(&m->buckets[b], 1);
	atomic_fetch_add(&m->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0));
	atomic_fetch_add(&m->count, 1);
}

static void one_route(struct buf *out, const char *name, struct route_metrics *m)
{
	static const char *const classes[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	if (!atomic_load(&m->count))
		return;
	for (int c = 0; c < 6; c++) {
		uint64_t v = atomic_load(&m->by_class[c]);
		if (v)
			buf_appendf(
			        out,
			        "gatehouse_http_requests_total{route=\"%s\",code=\"%s\"} %llu\n",
			        name, classes[c], (unsigned long long)v);
	}
	uint64_t cum = 0;
	for (int b = 0; b < NBUCKETS; b++) {
		cum += atomic_load(&m->buckets[b]);
		buf_appendf(
		        out,
		        "gatehouse_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
		        name, bucket_s[b], (unsigned long long)cum);
	}
	cum += atomic_load(&m->buckets[NBUCKETS]);
	buf_appendf(
	        out,
	        "gatehouse_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
	        "gatehouse_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
	        "gatehouse_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
	        name, (unsigned long long)cum, name, (double)atomic_load(&m->sum_us) / 1e6, name,
	        (unsigned long long)atomic_load(&m->count));
}

void routes_metrics_write(struct buf *out, const struct db *db)
{
	buf_appends(
	        out,
	        "# HELP gatehouse_http_requests_total HTTP requests by route and status class.\n"
	        "# TYPE gatehouse_http_requests_total counter\n"
	        "# HELP gatehouse_http_request_duration_seconds Time to handle a request.\n"
	        "# TYPE gatehouse_http_request_duration_seconds histogram\n");
	size_t n = routes_count();
	for (size_t i = 0; i < n && i < MAX_ROUTES; i++)
		one_route(out, routes_at(i)->metric_name, &metrics[i]);
	one_route(out, "unmatched", &metrics[MAX_ROUTES]);
	buf_appendf(
	        out,
	        "# HELP gatehouse_db_errors_total Database driver errors (including retried conflicts).\n"
	        "# TYPE gatehouse_db_errors_total counter\n"
	        "gatehouse_db_errors_total %llu\n",
	        (unsigned long long)db_error_count());
	struct db_write_stats w;
	db_write_stats(db, &w);
	buf_appendf(
	        out,
	        "# HELP gatehouse_db_write_commits_total SQLite write transactions committed "
	        "(one may hold several queued writes: group commit).\n"
	        "# TYPE gatehouse_db_write_commits_total counter\n"
	        "gatehouse_db_write_commits_total %llu\n"
	        "# HELP gatehouse_db_writes_total SQLite writes committed.\n"
	        "# TYPE gatehouse_db_writes_total counter\n"
	        "gatehouse_db_writes_total %llu\n"
	        "# HELP gatehouse_db_writer_busy_seconds_total Time the SQLite writer spent "
	        "running write transactions (close to 1 per second: writes are the bottleneck).\n"
	        "# TYPE gatehouse_db_writer_busy_seconds_total counter\n"
	        "gatehouse_db_writer_busy_seconds_total %.6f\n"
	        "# HELP gatehouse_db_wal_frames SQLite write-ahead log length, in pages, after "
	        "the last commit.\n"
	        "# TYPE gatehouse_db_wal_frames gauge\n"
	        "gatehouse_db_wal_frames %llu\n"
	        "# HELP gatehouse_db_checkpoints_total SQLite checkpoint passes, by who ran them "
	        "(background: off the writer's path).\n"
	        "# TYPE gatehouse_db_checkpoints_total counter\n"
	        "gatehouse_db_checkpoints_total{by=\"background\"} %llu\n"
	        "gatehouse_db_checkpoints_total{by=\"writer\"} %llu\n"
	        "# HELP gatehouse_db_write_group_redos_total SQLite write groups run a second "
	        "time with a savepoint per write, because one of their writes failed.\n"
	        "# TYPE gatehouse_db_write_group_redos_total counter\n"
	        "gatehouse_db_write_group_redos_total %llu\n",
	        (unsigned long long)w.commits, (unsigned long long)w.writes,
	        (double)w.busy_us / 1e6, (unsigned long long)w.wal_frames,
	        (unsigned long long)w.checkpoints_background,
	        (unsigned long long)w.checkpoints_writer, (unsigned long long)w.group_redos);
}
