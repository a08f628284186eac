/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Randomness from the kernel (getrandom); never seeded, never predictable.
 * Small requests are served from a per-thread pool of kernel bytes, each
 * byte used once and wiped (see rand.c).
 */
#ifndef GATEHOUSE_BASE_RAND_H
#define GATEHOUSE_BASE_RAND_H

/* Fills out with n random bytes; aborts if the kernel cannot supply them. */
void rand_bytes(void *out, size_t n);

#endif
