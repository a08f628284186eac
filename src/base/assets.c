/* SPDX-License-Identifier: Apache-2.0 */
/* Lookup in the embedded file table (see assets.h). */
#include "base/common.h"

#include "base/assets.h"

const struct asset *assets_find(const char *path)
{
	for (const struct asset *a = assets_table; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
