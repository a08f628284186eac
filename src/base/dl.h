/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A shared library loaded with dlopen on first use, with the functions a
 * module calls from it. The server does not link libraries that an idle
 * server never needs (libcurl, libpq); the one module that uses each keeps a
 * private header listing the functions it calls (an X-macro), a struct of
 * pointers typed with __typeof__ from the library's own prototypes, and
 * macros that turn each call into a call through its pointer
 * (http/curl_dl.h, store/pg_dl.h). This file does the loading and keeps the
 * failure so that every later caller, in any thread, gets the same clear
 * error.
 *
 * Usage, from a pthread_once routine (dl_library_load is not thread-safe):
 *
 *	static struct dl_library lib = DL_LIBRARY("libfoo.so.1", "Debian package libfoo1",
 *	                                          "the foo client", foo_dl_symbols);
 *	static void load(void) { if (dl_library_load(&lib) == 0) foo_init(); }
 *	...
 *	pthread_once(&once, load);
 *	if (dl_library_check(&lib)) return the code;
 */
#ifndef GATEHOUSE_BASE_DL_H
#define GATEHOUSE_BASE_DL_H

/* One function to look up: its name and the address of the pointer that receives it. */
struct dl_symbol {
	const char *name;
	void *slot; /* &p_name: a function pointer of any type */
};

/*
 * For the private header of a module (http/curl_dl.h): with LIST(X) naming
 * the functions, `struct x { LIST(DL_MEMBER) };` has one pointer p_<name> per
 * function, typed from the library's own prototype, and DL_SYMBOL(var, f)
 * is the table entry { "f", &var.p_f } for dl_library. The header defines
 * its static table of entries before it turns the names into macros (cppcheck's
 * preprocessor would expand them inside #f and p_##f); it is private to the
 * one .c file that includes it.
 */
#define DL_MEMBER(f)      __typeof__(f) *p_##f;
#define DL_SYMBOL(var, f) { #f, &(var).p_##f },
#define DL_LIBRARY(so, pkg, who, table)                                                            \
	{                                                                                          \
		.soname = (so), .package = (pkg), .user = (who), .symbols = (table),               \
		.nsymbols = ARRAY_SIZE(table)                                                      \
	}

#define DL_FAILURE_MAX 400

struct dl_library {
	const char *soname;  /* "libcurl.so.4": the name dlopen searches for */
	const char *package; /* where it comes from, for the message: "Debian package libcurl4" */
	const char *user;    /* what needs it, for the message: "outbound HTTP" */
	const struct dl_symbol *symbols;
	size_t nsymbols;
	/* Set by dl_library_load and dl_library_fail. */
	bool loaded;                  /* opened, every symbol found, not failed since */
	char failure[DL_FAILURE_MAX]; /* why not, when not */
};

/*
 * Opens lib->soname (RTLD_NOW | RTLD_LOCAL; never closed) and stores the
 * address of every symbol in its slot. Returns 0, or ERR_UNAVAILABLE
 * ("library_unavailable") naming the library, its package and dlerror()'s
 * reason when the library cannot be opened or lacks a symbol; the slots are
 * then all NULL. Call it once, from a pthread_once routine.
 */
int dl_library_load(struct dl_library *lib);

/*
 * Marks a loaded library unusable (too old, its own initialisation failed):
 * later dl_library_check() calls fail with this message. Returns
 * ERR_UNAVAILABLE. Same calling rule as dl_library_load.
 */
int dl_library_fail(struct dl_library *lib, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * 0 when the library is usable; else records its failure in this thread's
 * error slot and returns ERR_UNAVAILABLE. Thread-safe after the
 * pthread_once that loaded it has returned.
 */
int dl_library_check(const struct dl_library *lib);

#endif
