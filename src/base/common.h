/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The first include of every .c file: standard headers, the allocation
 * helpers that abort on exhaustion, and a few small macros.
 */
#ifndef GATEHOUSE_BASE_COMMON_H
#define GATEHOUSE_BASE_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x)     ((void)(x))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN          __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* Allocation: these never return NULL; exhaustion aborts with file:line. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* snprintf that reports truncation: returns false when the output did not fit. */
bool xsnprintf(char *out, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#include "base/banned.h"

#endif
