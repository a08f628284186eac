/* SPDX-License-Identifier: Apache-2.0 */
/* Structured logging (see log.h). */
#include "base/common.h"

#include "base/log.h"

#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static enum log_format out_format = LOG_FORMAT_LOGFMT;
static _Thread_local char request_id[40];

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_setup(enum log_level min, enum log_format format)
{
	min_level = min;
	out_format = format;
}

void log_set_request_id(const char *req_id)
{
	if (!req_id)
		request_id[0] = '\0';
	else
		xsnprintf(request_id, sizeof(request_id), "%s", req_id);
}

const char *log_request_id(void)
{
	return request_id;
}

/* Copies src into out with quotes/backslashes/control bytes escaped. */
static void escape(char *out, size_t size, const char *src)
{
	size_t o = 0;
	for (; *src && o + 7 < size; src++) {
		unsigned char c = (unsigned char)*src;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/* Turns "a=1 b=x y" pairs into JSON members; values are kept as strings. */
static size_t kv_to_json(char *out, size_t size, const char *kv)
{
	size_t o = 0;
	const char *p = kv;
	while (*p && o + 8 < size) {
		while (*p == ' ')
			p++;
		const char *eq = strchr(p, '=');
		if (!eq)
			break;
		const char *v = eq + 1, *end;
		char val[512];
		if (*v == '"') {
			end = v + 1;
			while (*end && !(*end == '"' && end[-1] != '\\'))
				end++;
			size_t n = (size_t)(end - v - 1) < sizeof(val) - 1 ? (size_t)(end - v - 1)
			                                                   : sizeof(val) - 1;
			memcpy(val, v + 1, n);
			val[n] = '\0';
			if (*end)
				end++;
		} else {
			end = strchr(v, ' ');
			if (!end)
				end = v + strlen(v);
			size_t n = (size_t)(end - v) < sizeof(val) - 1 ? (size_t)(end - v)
			                                               : sizeof(val) - 1;
			memcpy(val, v, n);
			val[n] = '\0';
		}
		int klen = (int)(eq - p);
		int n = snprintf(out + o, size - o, ",\"%.*s\":\"%s\"", klen, p, val);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
		p = end;
	}
	return o;
}

void log_write(enum log_level level, const char *msg, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char ts[64], kv[1536], line[4096], emsg[512];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         now.tv_nsec / 1000000);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(kv, sizeof(kv), fmt, ap);
	va_end(ap);
	escape(emsg, sizeof(emsg), msg);
	int n;
	if (out_format == LOG_FORMAT_JSON) {
		char members[2048];
		size_t m = kv_to_json(members, sizeof(members), kv);
		members[m] = '\0';
		n = snprintf(line, sizeof(line),
		             "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"%s%s%s%s}\n", ts,
		             level_names[level], emsg, request_id[0] ? ",\"req_id\":\"" : "",
		             request_id, request_id[0] ? "\"" : "", members);
	} else {
		n = snprintf(line, sizeof(line), "ts=%s level=%s msg=\"%s\"%s%s%s%s\n", ts,
		             level_names[level], emsg, request_id[0] ? " req_id=" : "", request_id,
		             kv[0] ? " " : "", kv);
	}
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (len && line[len - 1] != '\n')
		line[len - 1] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
