/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a shared library on first use (see dl.h). */
#include "base/common.h"

#include "base/dl.h"

#include "base/error.h"

#include <dlfcn.h>

/* dlsym returns functions as void *: POSIX requires the two to have one representation. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are not void *");

static void clear_slots(const struct dl_library *lib)
{
	void *none = NULL;
	for (size_t i = 0; i < lib->nsymbols; i++)
		memcpy(lib->symbols[i].slot, &none, sizeof(none));
}

static int record(struct dl_library *lib, const char *reason)
{
	clear_slots(lib);
	lib->loaded = false;
	xsnprintf(lib->failure, sizeof(lib->failure), "%s needs %s (%s), which cannot be used: %s",
	          lib->user, lib->soname, lib->package, reason);
	return dl_library_check(lib);
}

int dl_library_load(struct dl_library *lib)
{
	char reason[DL_FAILURE_MAX];
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		return record(lib, e ? e : "dlopen failed");
	}
	for (size_t i = 0; i < lib->nsymbols; i++) {
		void *f = dlsym(h, lib->symbols[i].name);
		if (!f) {
			xsnprintf(reason, sizeof(reason), "it has no function %s",
			          lib->symbols[i].name);
			dlclose(h);
			return record(lib, reason);
		}
		memcpy(lib->symbols[i].slot, &f, sizeof(f));
	}
	lib->loaded = true;
	lib->failure[0] = '\0';
	return 0;
}

int dl_library_fail(struct dl_library *lib, const char *fmt, ...)
{
	char reason[DL_FAILURE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return record(lib, reason);
}

int dl_library_check(const struct dl_library *lib)
{
	if (lib->loaded)
		return 0;
	if (!lib->failure[0])
		return error_setc(ERR_UNAVAILABLE, "library_unavailable", "%s is not loaded",
		                  lib->soname);
	return error_setc(ERR_UNAVAILABLE, "library_unavailable", "%s", lib->failure);
}
