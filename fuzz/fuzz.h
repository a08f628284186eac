/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one entry point every fuzz target defines. libFuzzer calls it for
 * `make fuzz`; standalone.c calls it for each corpus file in `make fuzz-replay`.
 * It must return 0 and may abort() when an invariant of the target breaks.
 */
#ifndef GATEHOUSE_FUZZ_FUZZ_H
#define GATEHOUSE_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
