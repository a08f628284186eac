/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation helpers that abort instead of returning NULL (redis, git, tmux). */
#include "base/common.h"

NORETURN void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gatehouse: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		die("out of memory allocating %zu x %zu bytes", count, n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory reallocating %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed for format %s", fmt);
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

bool xsnprintf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == '\0') {
		/* the common copy of one string (ids, names): what vsnprintf would do,
		 * without its format machinery (~600 instructions per call) */
		const char *src = va_arg(ap, const char *);
		va_end(ap);
		if (!src)
			return xsnprintf(out, size, "%s", "(null)");
		size_t n = strlen(src);
		if (size) {
			size_t k = n < size - 1 ? n : size - 1;
			memcpy(out, src, k);
			out[k] = '\0';
		}
		return n < size;
	}
	int n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}
