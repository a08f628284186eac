/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel randomness (see rand.h). */
#include "base/common.h"

#include "base/rand.h"

#include <errno.h>
#include <sys/random.h>

void rand_bytes(void *out, size_t n)
{
	unsigned char *p = out;
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
