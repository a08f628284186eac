/* SPDX-License-Identifier: Apache-2.0 */
/* Clock seam (see clock.h). */
#include "base/common.h"

#include "base/clock.h"

#include "base/error.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t fake_at;

int64_t clock_now(void)
{
	int64_t f = atomic_load(&fake_at);
	if (f)
		return f;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t clock_now_ms(void)
{
	int64_t f = atomic_load(&fake_at);
	if (f)
		return f * 1000;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_set_fake(int64_t at)
{
	atomic_store(&fake_at, at);
}

void clock_format_rfc3339(char *out, size_t size, int64_t at)
{
	struct tm tm;
	time_t t = (time_t)at;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int clock_parse_rfc3339(int64_t *out, const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return error_set(ERR_INVALID, "not an RFC 3339 timestamp");
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (strcmp(end, "Z") != 0)
		return error_set(ERR_INVALID, "timestamp must be UTC (end in Z)");
	*out = (int64_t)timegm(&tm);
	return 0;
}
