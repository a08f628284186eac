/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook delivery threads (see worker.h). */
#include "base/common.h"

#include "webhook/worker.h"

#include "app/audit.h"
#include "app/webhook.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "http/client.h"
#include "webhook/sign.h"

#include <pthread.h>
#include <stdatomic.h>

struct webhook_worker {
	struct app *app;
	pthread_t *threads;
	int n;
	atomic_bool stop;
};

/* {"id","type","created_at","data"}: data is stored JSON text, spliced in as is. */
static char *event_body(const struct webhook_delivery *d)
{
	char ts[32];
	clock_format_rfc3339(ts, sizeof(ts), d->event_created_at);
	return xasprintf("{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\",\"data\":%s}",
	                 d->event_id, d->event_type, ts, d->event_data ? d->event_data : "{}");
}

static int send_delivery(struct app *a, const struct webhook_delivery *d)
{
	char *secret = NULL, *body = NULL, *sig = NULL;
	int64_t started = clock_mono_us(), status = 0;
	char err[300] = "";
	int rc = crypto_open(&secret, a->seal_key, d->secret_sealed);
	if (rc) {
		xsnprintf(err, sizeof(err), "cannot open the signing secret: %s",
		          error_get()->detail);
		goto record;
	}
	body = event_body(d);
	int64_t ts = clock_now();
	rc = webhook_sign(&sig, secret, d->event_id, ts, body, strlen(body));
	if (rc) {
		xsnprintf(err, sizeof(err), "signing failed: %s", error_get()->detail);
		goto record;
	}
	char h_id[96], h_ts[64], h_sig[256];
	xsnprintf(h_id, sizeof(h_id), "webhook-id: %s", d->event_id);
	xsnprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)ts);
	xsnprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
	const char *headers[] = { "Content-Type: application/json", h_id, h_ts, h_sig, NULL };
	struct http_client_request req = {
		.method = "POST",
		.url = d->url,
		.headers = headers,
		.body = body,
		.body_len = strlen(body),
		.timeout_ms = WEBHOOK_TIMEOUT_MS,
		.max_response_bytes = 64 * 1024,
	};
	struct http_client_response res = { 0 };
	rc = http_client_send(&res, &req);
	if (rc == 0) {
		status = res.status;
		if (status < 200 || status >= 300)
			xsnprintf(err, sizeof(err), "endpoint answered HTTP %lld",
			          (long long)status);
	} else {
		xsnprintf(err, sizeof(err), "%s", error_get()->detail);
	}
	http_client_response_release(&res);
record:;
	int64_t ms = (clock_mono_us() - started) / 1000;
	int frc = app_webhook_finish(a, d, status, err[0] ? err : NULL, ms);
	log_info("webhook delivery",
	         "event=%s endpoint=%s type=%s status=%lld attempt=%lld ms=%lld%s%s%s", d->event_id,
	         d->endpoint_id, d->event_type, (long long)status, (long long)d->attempts + 1,
	         (long long)ms, err[0] ? " error=\"" : "", err, err[0] ? "\"" : "");
	if (secret)
		memset(secret, 0, strlen(secret));
	free(secret);
	free(body);
	free(sig);
	return frc;
}

int webhook_worker_deliver_one(struct app *a)
{
	struct webhook_delivery d;
	int rc = app_webhook_claim(a, WEBHOOK_LEASE_S, &d);
	if (rc <= 0)
		return rc;
	rc = send_delivery(a, &d);
	webhook_delivery_release(&d);
	return rc ? rc : 1;
}

static void *run(void *arg)
{
	struct webhook_worker *w = arg;
	while (!atomic_load(&w->stop)) {
		error_clear();
		int rc = webhook_worker_deliver_one(w->app);
		if (rc < 0)
			log_warn("webhook worker", "err=\"%s\"", error_get()->detail);
		if (rc <= 0)
			app_audit_wait(rc < 0 ? 2000 : 1000); /* woken at once by new events */
	}
	return NULL;
}

void webhook_worker_start(struct webhook_worker **out, struct app *a, int n)
{
	struct webhook_worker *w = xcalloc(1, sizeof(*w));
	w->app = a;
	w->n = n;
	w->threads = xcalloc((size_t)(n > 0 ? n : 1), sizeof(pthread_t));
	for (int i = 0; i < n; i++)
		if (pthread_create(&w->threads[i], NULL, run, w))
			die("cannot start webhook worker thread");
	*out = w;
}

void webhook_worker_stop(struct webhook_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	for (int i = 0; i < w->n; i++) {
		app_audit_notify();
		pthread_join(w->threads[i], NULL);
	}
	free(w->threads);
	free(w);
}
