/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time as an input: everything reads the clock through here so that tests can
 * fix it. Instants are int64 Unix seconds (or milliseconds where named _ms).
 */
#ifndef GATEHOUSE_BASE_CLOCK_H
#define GATEHOUSE_BASE_CLOCK_H

int64_t clock_now(void);
int64_t clock_now_ms(void);
/* Monotonic time in microseconds, for durations. */
int64_t clock_mono_us(void);
/* Tests: fix the clock at `at` seconds (0 returns to real time). Process-wide. */
void clock_set_fake(int64_t at);

/* Formats an instant as RFC 3339 UTC ("2026-11-22T20:02:03Z"); out needs 21+ bytes. */
void clock_format_rfc3339(char *out, size_t size, int64_t at);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" (fraction ignored). Returns 0 or ERR_INVALID. */
int clock_parse_rfc3339(int64_t *out, const char *s);

#endif
