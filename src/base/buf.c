/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded growable buffer (see buf.h). */
#include "base/common.h"

#include "base/buf.h"

#include "base/error.h"

void buf_init(struct buf *b, size_t max_bytes)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max_bytes = max_bytes;
}

void buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max_bytes);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct buf *b, size_t extra)
{
	if (extra > b->max_bytes || b->len > b->max_bytes - extra)
		return error_set(ERR_TOO_LARGE, "buffer limit of %zu bytes reached", b->max_bytes);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	int rc = grow(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	int rc = n < 0 ? error_set(ERR_INTERNAL, "format failed") : grow(b, (size_t)n);
	if (rc == 0) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
	return rc;
}

char *buf_detach(struct buf *b, size_t *len_out)
{
	char *d = b->data ? b->data : xstrdup("");
	if (len_out)
		*len_out = b->len;
	buf_init(b, b->max_bytes);
	return d;
}
