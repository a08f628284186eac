/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel randomness (see rand.h). */
#include "base/common.h"

#include "base/rand.h"

#include <errno.h>
#include <pthread.h>
#include <sys/random.h>

/*
 * Each thread takes the kernel's bytes 256 at a time and hands each byte out
 * once, wiping it as it goes: an id (10 random bytes) no longer costs a
 * system call (a SCIM create made 9 of them). Larger requests go straight
 * to the kernel. A forked child starts with an empty pool, so it never
 * repeats its parent's bytes.
 */
#define POOL_SIZE 256

static _Thread_local unsigned char pool[POOL_SIZE];
static _Thread_local size_t pool_left;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void kernel_bytes(unsigned char *p, size_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			die("getrandom failed: %s", strerror(errno));
		}
		p += got;
		n -= (size_t)got;
	}
}

static void forget_pool(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_left = 0;
}

static void register_atfork(void)
{
	if (pthread_atfork(NULL, NULL, forget_pool) != 0)
		die("pthread_atfork failed");
}

void rand_bytes(void *out, size_t n)
{
	if (n > POOL_SIZE / 4) {
		kernel_bytes(out, n);
		return;
	}
	pthread_once(&atfork_once, register_atfork);
	if (pool_left < n) {
		kernel_bytes(pool, POOL_SIZE);
		pool_left = POOL_SIZE;
	}
	unsigned char *src = pool + (POOL_SIZE - pool_left);
	memcpy(out, src, n);
	explicit_bzero(src, n);
	pool_left -= n;
}
