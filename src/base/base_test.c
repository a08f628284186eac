/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for base/: buffers, ids, clock formatting, JSON field reads. */
#include "base/common.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/id.h"
#include "base/json_field.h"
#include "base/rand.h"
#include "test/harness/test.h"

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TEST(buf, ceiling_refuses_and_keeps_content)
{
	struct buf b;
	buf_init(&b, 8);
	ASSERT_INT_EQ(buf_appends(&b, "abcd"), 0);
	ASSERT_INT_EQ(buf_appends(&b, "efghi"), ERR_TOO_LARGE);
	ASSERT_STR_EQ(b.data, "abcd");
	ASSERT_INT_EQ(buf_appendf(&b, "%d", 1234), 0);
	ASSERT_STR_EQ(b.data, "abcd1234");
	buf_release(&b);
}

TEST(id, shape_and_order)
{
	char a[ID_MAX], b[ID_MAX];
	id_new(a, "org");
	clock_set_fake(TEST_FAKE_NOW + 1);
	id_new(b, "org");
	ASSERT(id_is_valid(a, "org"));
	ASSERT(!id_is_valid(a, "user"));
	ASSERT(strcmp(a, b) < 0);
	ASSERT(!id_is_valid("org_0123456789abcdefghjkmnpqrI", "org"));
}

TEST(id, monotonic_within_one_millisecond)
{
	char prev[ID_MAX], next[ID_MAX];
	id_new(prev, "user");
	for (int i = 0; i < 1000; i++) { /* the fake clock stands still */
		id_new(next, "user");
		ASSERT(strcmp(prev, next) < 0);
		memcpy(prev, next, sizeof(prev));
	}
}

TEST(clock, rfc3339_round_trip)
{
	char s[32];
	int64_t t = 0;
	clock_format_rfc3339(s, sizeof(s), TEST_FAKE_NOW);
	ASSERT_STR_EQ(s, "2026-09-21T14:13:20Z");
	ASSERT_INT_EQ(clock_parse_rfc3339(&t, s), 0);
	ASSERT_INT_EQ(t, TEST_FAKE_NOW);
	ASSERT_INT_EQ(clock_parse_rfc3339(&t, "2026-09-21T14:13:20+02:00"), ERR_INVALID);
}

TEST(json_field, contract_errors)
{
	json_t *o = NULL;
	ASSERT_INT_EQ(json_field_parse_object(&o, "{\"a\":1,", 7), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_json");
	ASSERT_INT_EQ(json_field_parse_object(&o, "{\"a\":1,\"a\":2}", 13), ERR_INVALID);
	ASSERT_INT_EQ(json_field_parse_object(&o, "[1]", 3), ERR_INVALID);
	ASSERT_INT_EQ(json_field_parse_object(&o, "{\"a\":\"\xff\"}", 9), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_utf8");
	const char *body = "{\"name\":\"x\",\"n\":5,\"zzz\":true}";
	ASSERT_INT_EQ(json_field_parse_object(&o, body, strlen(body)), 0);
	static const char *const allowed[] = { "name", "n", NULL };
	ASSERT_INT_EQ(json_field_check_known(o, allowed), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "unknown_field");
	ASSERT_STR_EQ(error_get()->fields[0].field, "zzz");
	const char *name = NULL;
	ASSERT_INT_EQ(json_field_string(o, "name", 0, &name, NULL), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "too_long");
	int64_t n = 0;
	ASSERT_INT_EQ(json_field_int(o, "n", 0, 3, &n, NULL), ERR_INVALID);
	ASSERT_INT_EQ(json_field_string(o, "n", 10, &name, NULL), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_type");
	json_decref(o);
}

TEST(error, a_new_error_may_quote_the_previous_one)
{
	error_setc(ERR_PEER, "peer_error", "connect to %s failed", "idp.test");
	error_setc(ERR_PEER, "metadata_unreachable", "cannot fetch metadata: %s",
	           error_get()->detail);
	ASSERT_STR_EQ(error_get()->detail, "cannot fetch metadata: connect to idp.test failed");
	ASSERT_STR_EQ(error_get()->stable, "metadata_unreachable");
	error_setc(ERR_PEER, error_get()->stable, "again: %s", error_get()->detail);
	ASSERT_STR_EQ(error_get()->stable, "metadata_unreachable");
}

/* rand_bytes: no byte handed out twice, neither in one process nor across fork. */
TEST(rand, pool_bytes_are_not_repeated_even_after_fork)
{
	unsigned char seen[64][10];
	for (int i = 0; i < 64; i++) {
		rand_bytes(seen[i], sizeof(seen[i]));
		for (int j = 0; j < i; j++)
			ASSERT(memcmp(seen[i], seen[j], sizeof(seen[i])) != 0);
	}
	int fds[2];
	ASSERT_INT_EQ(pipe(fds), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		unsigned char c[16];
		rand_bytes(c, sizeof(c));
		_exit(write(fds[1], c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 1);
	}
	unsigned char mine[16], child[16];
	rand_bytes(mine, sizeof(mine));
	ASSERT_INT_EQ(read(fds[0], child, sizeof(child)), (ssize_t)sizeof(child));
	int status = 0;
	ASSERT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fds[0]);
	close(fds[1]);
	ASSERT(memcmp(mine, child, sizeof(mine)) != 0); /* the child did not inherit the pool */
}

/* The arithmetic formatter writes what gmtime_r + strftime write. */
TEST(clock, rfc3339_matches_strftime)
{
	int64_t fixed[] = { 0,          1,          -1,         86399,      86400,
		            951782400,  951868799,  4107542400, 4107628799, 253402300799,
		            1700000000, 2000000000, -86401,     68169600 };
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		int64_t at;
		if (i < (int)(sizeof(fixed) / sizeof(fixed[0]))) {
			at = fixed[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			at = (int64_t)(x % 253402300800ULL); /* 1970 to 9999 */
		}
		char got[32], want[32];
		struct tm tm;
		time_t t = (time_t)at;
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		clock_format_rfc3339(got, sizeof(got), at);
		ASSERT_STR_EQ(got, want);
	}
}

/* xsnprintf's "%s" shortcut: the bytes and the answer vsnprintf gives. */
TEST(xmalloc, xsnprintf_string_copy_matches_vsnprintf)
{
	const char *inputs[] = { "", "a", "user_01m8328bytmxc09v68g32fgnmr", "exactly-9" };
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t size = 1; size < 40; size++) {
			char a[40], b[40];
			memset(a, 'x', sizeof(a));
			memset(b, 'x', sizeof(b));
			bool fits = xsnprintf(a, size, "%s", inputs[i]);
			int n = snprintf(b, size, "%.*s%s", 0, "",
			                 inputs[i]); /* not the shortcut */
			ASSERT(fits == (n >= 0 && (size_t)n < size));
			ASSERT(memcmp(a, b, sizeof(a)) == 0);
		}
	}
	char z[8];
	const char *volatile none = NULL; /* as a caller's NULL field arrives */
	ASSERT(xsnprintf(z, sizeof(z), "%s", none));
	ASSERT_STR_EQ(z, "(null)");
	ASSERT(!xsnprintf(z, 0, "%s", "abc"));
}
