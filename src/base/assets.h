/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files embedded in the binary at build time (tools/embed_assets.sh): web
 * pages, the OpenAPI document and the SQL migrations. Read-only, process-wide.
 */
#ifndef GATEHOUSE_BASE_ASSETS_H
#define GATEHOUSE_BASE_ASSETS_H

struct asset {
	const char *path;          /* as in the source tree: "web/portal.html" */
	const unsigned char *data; /* NUL-terminated */
	size_t len;
};

/* The table, ended by an entry whose path is NULL, sorted by path. */
extern const struct asset assets_table[];

/* The asset at path, or NULL. */
const struct asset *assets_find(const char *path);

#endif
