/* SPDX-License-Identifier: Apache-2.0 */
/* The unit-test runner (see test.h). */
#include "base/common.h"

#include "test/harness/test.h"

#include "base/clock.h"
#include "base/error.h"

#include <setjmp.h>

static struct test_case *head, **tail = &head;
static bool failed;
static jmp_buf skip_jmp;
static const char *skip_reason;

void test_register(struct test_case *tc)
{
	*tail = tc;
	tail = &tc->next;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	failed = true;
	fprintf(stdout, "    %s:%d: assertion failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	const struct error_state *e = error_get();
	if (e->code)
		fprintf(stdout, " [error slot: %s]", e->detail);
	fputc('\n', stdout);
}

void test_skip(const char *why)
{
	skip_reason = why;
	longjmp(skip_jmp, 1);
}

static void run_one(const struct test_case *tc)
{
	if (setjmp(skip_jmp) == 0)
		tc->fn();
}

int main(int argc, char **argv)
{
	const char *pattern = NULL;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			pattern = argv[++i];
	setenv("TZ", "UTC", 1);
	int passed = 0, nfailed = 0, skipped = 0;
	for (struct test_case *tc = head; tc; tc = tc->next) {
		char full[256];
		xsnprintf(full, sizeof(full), "%s.%s", tc->suite, tc->name);
		if (pattern && !strstr(full, pattern))
			continue;
		failed = false;
		skip_reason = NULL;
		error_clear();
		clock_set_fake(TEST_FAKE_NOW);
		run_one(tc);
		clock_set_fake(0);
		if (skip_reason) {
			skipped++;
			printf("SKIP %s (%s)\n", full, skip_reason);
		} else if (failed) {
			nfailed++;
			printf("FAIL %s\n", full);
		} else {
			passed++;
			printf("ok   %s\n", full);
		}
		fflush(stdout);
	}
	printf("unit: %d passed, %d failed, %d skipped\n", passed, nfailed, skipped);
	return nfailed ? 1 : 0;
}
