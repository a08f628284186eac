/* SPDX-License-Identifier: Apache-2.0 */
/* Randomness from the kernel (getrandom); never seeded, never predictable. */
#ifndef GATEHOUSE_BASE_RAND_H
#define GATEHOUSE_BASE_RAND_H

/* Fills out with n random bytes; aborts if the kernel cannot supply them. */
void rand_bytes(void *out, size_t n);

#endif
