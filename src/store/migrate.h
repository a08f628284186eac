/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Numbered schema migrations (src/store/migrations/NNNN_name.sql, embedded in
 * the binary). A file named NNNN_name.sqlite.sql or NNNN_name.pg.sql applies
 * to that backend only. Each run applies what is missing, in order, in one
 * transaction; on PostgreSQL an advisory lock keeps two nodes that start
 * together from racing.
 */
#ifndef GATEHOUSE_STORE_MIGRATE_H
#define GATEHOUSE_STORE_MIGRATE_H

#include "store/db.h"

/*
 * Applies pending migrations; *applied_out (if non-NULL) gets how many ran.
 * ERR_CONFLICT when the database was migrated by a newer gatehouse.
 */
int store_migrate_run(struct db *db, int *applied_out);
/* The highest migration version this binary knows. */
int store_migrate_latest(void);

#endif
