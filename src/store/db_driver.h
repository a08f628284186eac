/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What drivers embed: every driver's connection and statement struct starts
 * with these, so db.c can dispatch through ops. Only db.c and db_*.c include it.
 */
#ifndef GATEHOUSE_STORE_DB_DRIVER_H
#define GATEHOUSE_STORE_DB_DRIVER_H

#include "store/db.h"

struct db_conn {
	const struct db_ops *ops;
};

struct db_stmt {
	const struct db_ops *ops;
};

/* Counts one driver error (thread-safe). */
void db_note_error(void);

/* A small pointer-keyed cache of prepared statements (per connection). */
struct db_stmt_cache {
	const char **keys;
	void **vals;
	size_t cap, count;
};
void *db_stmt_cache_get(struct db_stmt_cache *c, const char *sql);
void db_stmt_cache_put(struct db_stmt_cache *c, const char *sql, void *stmt);
void db_stmt_cache_release(struct db_stmt_cache *c, void (*free_fn)(void *));

#endif
