/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rate limits of enterprise sign-in (see sso.h): per client IP and per
 * connection, counted in fixed one-minute windows in this process's memory.
 *
 * Per node, on purpose: a shared counter would add a database write to every
 * sign-in start and every failed post — the very load a limit is there to
 * bound. With N nodes behind a balancer the effective limit is up to N times
 * the setting, which is what the settings' descriptions say. The table has a
 * fixed number of slots; a key whose slot another live key holds takes it over
 * (an attacker spraying keys can at worst reset some counters, never grow
 * memory).
 */
#include "base/common.h"

#include "base/clock.h"
#include "routes/sso.h"

#include <pthread.h>

#define SLOTS    4096
#define WINDOW_S 60
#define KEY_MAX  96

struct slot {
	char key[KEY_MAX];
	int64_t window; /* start of the minute counted */
	int64_t count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[SLOTS];

static const char *const kind_names[] = { "start-ip", "start-conn", "fail-ip" };

static int64_t limit_of(const struct route_ctx *ctx, enum sso_limit kind)
{
	const struct config *cfg = ctx->app->cfg;
	switch (kind) {
	case SSO_LIMIT_START_IP:
		return cfg->sso_start_limit_per_ip;
	case SSO_LIMIT_START_CONN:
		return cfg->sso_start_limit_per_connection;
	default:
		return cfg->sso_failure_limit_per_ip;
	}
}

/* The count of key in this minute after adding add; 0 when the limit is off. */
static int64_t bump(const struct route_ctx *ctx, enum sso_limit kind, const char *key, int64_t add)
{
	if (limit_of(ctx, kind) <= 0 || !key)
		return 0;
	char k[KEY_MAX];
	xsnprintf(k, sizeof(k), "%s|%.80s", kind_names[kind], key);
	size_t h = 5381;
	for (const char *p = k; *p; p++)
		h = h * 33 + (unsigned char)*p;
	int64_t window = clock_now() / WINDOW_S * WINDOW_S, n;
	pthread_mutex_lock(&lock);
	struct slot *s = &slots[h % SLOTS];
	if (strcmp(s->key, k) != 0 || s->window != window) {
		memcpy(s->key, k, sizeof(k));
		s->window = window;
		s->count = 0;
	}
	s->count += add;
	n = s->count;
	pthread_mutex_unlock(&lock);
	return n;
}

bool routes_sso_limit_take(const struct route_ctx *ctx, enum sso_limit kind, const char *key)
{
	return bump(ctx, kind, key, 1) > limit_of(ctx, kind);
}

bool routes_sso_limit_reached(const struct route_ctx *ctx, enum sso_limit kind, const char *key)
{
	return limit_of(ctx, kind) > 0 && bump(ctx, kind, key, 0) >= limit_of(ctx, kind);
}

int routes_sso_limited(struct route_ctx *ctx)
{
	http_response_header(ctx->res, "Retry-After", "60");
	return route_html(ctx, 429, "Too many sign-in attempts",
	                  "There were too many sign-in attempts from here. Wait a minute, then "
	                  "start again from your application.",
	                  NULL);
}
