/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable byte buffer with a hard ceiling (curl's dynbuf).
 *
 * Invariant: data is always NUL-terminated when len > 0 or after any append,
 * so it can be used as a C string. Appends that would pass max_bytes fail with
 * ERR_TOO_LARGE and leave the buffer as it was. The buffer owns data; release
 * with buf_release().
 */
#ifndef GATEHOUSE_BASE_BUF_H
#define GATEHOUSE_BASE_BUF_H

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max_bytes;
};

void buf_init(struct buf *b, size_t max_bytes);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Returns 0 or ERR_TOO_LARGE. */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_appends(struct buf *b, const char *s);
int buf_appendf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Hands the data over to the caller (who frees it); the buffer is reset. */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
