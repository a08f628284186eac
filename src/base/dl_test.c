/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for base/dl: loading a library on first use, and its failures. */
#include "base/common.h"

#include "base/dl.h"
#include "base/error.h"
#include "test/harness/test.h"

#include <unistd.h>

static __typeof__(getpid) *p_getpid;
static __typeof__(strlen) *p_strlen;

static const struct dl_symbol libc_symbols[] = {
	{ "getpid", &p_getpid },
	{ "strlen", &p_strlen },
};

static const struct dl_symbol missing_symbols[] = {
	{ "getpid", &p_getpid },
	{ "gatehouse_no_such_function", &p_strlen },
};

static struct dl_library library(const char *soname, const struct dl_symbol *symbols, size_t n)
{
	return (struct dl_library){
		.soname = soname,
		.package = "Debian package x",
		.user = "the test",
		.symbols = symbols,
		.nsymbols = n,
	};
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

TEST(dl, loads_every_symbol)
{
	struct dl_library lib = library("libc.so.6", libc_symbols, ARRAY_SIZE(libc_symbols));
	ASSERT_INT_EQ(dl_library_load(&lib), 0);
	ASSERT_INT_EQ(dl_library_check(&lib), 0);
	ASSERT(p_getpid && p_strlen);
	ASSERT_INT_EQ(p_getpid(), getpid());
	ASSERT_INT_EQ((int)p_strlen("four"), 4);
}

TEST(dl, missing_library_is_unavailable_and_says_which)
{
	struct dl_library lib =
	        library("libgatehouse-absent.so.9", libc_symbols, ARRAY_SIZE(libc_symbols));
	p_getpid = getpid;
	ASSERT_INT_EQ(dl_library_load(&lib), ERR_UNAVAILABLE);
	ASSERT(p_getpid == NULL && p_strlen == NULL);
	ASSERT_STR_EQ(error_get()->stable, "library_unavailable");
	ASSERT(contains(error_get()->detail, "the test needs libgatehouse-absent.so.9 "
	                                     "(Debian package x)"));
	/* Later callers, in any thread, get the same error. */
	error_clear();
	ASSERT_INT_EQ(dl_library_check(&lib), ERR_UNAVAILABLE);
	ASSERT(contains(error_get()->detail, "libgatehouse-absent.so.9"));
}

TEST(dl, missing_symbol_fails_the_whole_library)
{
	struct dl_library lib = library("libc.so.6", missing_symbols, ARRAY_SIZE(missing_symbols));
	ASSERT_INT_EQ(dl_library_load(&lib), ERR_UNAVAILABLE);
	ASSERT(p_getpid == NULL); /* found, then cleared: no half-loaded library */
	ASSERT(contains(error_get()->detail, "no function gatehouse_no_such_function"));
	ASSERT_INT_EQ(dl_library_check(&lib), ERR_UNAVAILABLE);
}

TEST(dl, fail_after_load_makes_it_unusable)
{
	struct dl_library lib = library("libc.so.6", libc_symbols, ARRAY_SIZE(libc_symbols));
	ASSERT_INT_EQ(dl_library_load(&lib), 0);
	ASSERT_INT_EQ(dl_library_fail(&lib, "it is version %d; %d is needed", 1, 2),
	              ERR_UNAVAILABLE);
	error_clear();
	ASSERT_INT_EQ(dl_library_check(&lib), ERR_UNAVAILABLE);
	ASSERT(contains(error_get()->detail,
	                "libc.so.6 (Debian package x), which cannot be used: it is "
	                "version 1; 2 is needed"));
	ASSERT(p_getpid == NULL);
}
