/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small self-registering unit-test harness. TEST(suite, name) defines a test
 * that registers itself before main; the runner (test.c) runs them all (or
 * those matching -k), one line each, and ends with
 *   unit: N passed, N failed, N skipped
 * Before each test the error slot is cleared and the clock fixed at
 * TEST_FAKE_NOW.
 */
#ifndef GATEHOUSE_TEST_HARNESS_H
#define GATEHOUSE_TEST_HARNESS_H

#include "base/common.h"

#define TEST_FAKE_NOW 1790000000 /* 2026-09-21T14:13:20Z */

struct test_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);
void test_fail(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
NORETURN void test_skip(const char *why);

#define TEST(suite, name)                                                                          \
	static void test_##suite##_##name(void);                                                   \
	static struct test_case tc_##suite##_##name = { #suite, #name, test_##suite##_##name,      \
		                                        NULL };                                    \
	__attribute__((constructor)) static void reg_##suite##_##name(void)                        \
	{                                                                                          \
		test_register(&tc_##suite##_##name);                                               \
	}                                                                                          \
	static void test_##suite##_##name(void)

#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			test_fail(__FILE__, __LINE__, "%s", #cond);                                \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_INT_EQ(a, b)                                                                        \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			test_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, a_, b_);  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define ASSERT_STR_EQ(a, b)                                                                        \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
			test_fail(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", #a, #b,       \
			          a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
