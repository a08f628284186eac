/* SPDX-License-Identifier: Apache-2.0 */
/* Migration runner (see migrate.h). */
#include "base/common.h"

#include "store/migrate.h"

#include "base/assets.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"

#define MIGRATION_DIR "src/store/migrations/"

struct run {
	int applied;
};

/* Version number of a migration asset, or 0 when the file is not one for this backend. */
static int version_of(const struct asset *a, enum db_kind kind)
{
	size_t plen = strlen(MIGRATION_DIR);
	if (strncmp(a->path, MIGRATION_DIR, plen) != 0)
		return 0;
	const char *name = a->path + plen;
	size_t n = strlen(name);
	if (n < 9 || strcmp(name + n - 4, ".sql") != 0)
		return 0;
	if (strstr(name, ".pg.sql") && kind != DB_POSTGRES)
		return 0;
	if (strstr(name, ".sqlite.sql") && kind != DB_SQLITE)
		return 0;
	char *end = NULL;
	long v = strtol(name, &end, 10);
	return (end == name + 4 && *end == '_') ? (int)v : 0;
}

int store_migrate_latest(void)
{
	int latest = 0;
	for (const struct asset *a = assets_table; a->path; a++) {
		int v = version_of(a, DB_SQLITE);
		int w = version_of(a, DB_POSTGRES);
		if (v > latest)
			latest = v;
		if (w > latest)
			latest = w;
	}
	return latest;
}

static int migrate_tx(struct db_conn *c, void *payload)
{
	struct run *run = payload;
	enum db_kind kind = db_conn_kind(c);
	int rc;
	run->applied = 0;
	if (kind == DB_POSTGRES) {
		rc = db_conn_exec(c, "SELECT pg_advisory_xact_lock(727465)");
		if (rc)
			return rc;
	}
	rc = db_conn_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                     "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	                     "applied_at BIGINT NOT NULL)");
	if (rc)
		return rc;
	struct db_stmt *st;
	rc = db_query(c, &st, "SELECT version FROM schema_migrations ORDER BY version", "");
	if (rc)
		return rc;
	int current = 0;
	/* Versions applied, as a bitmap: a lower-numbered file merged after a
	 * higher one was applied (parallel branches) is still applied. */
	unsigned char done[1250] = { 0 };
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t v = db_int(st, 0);
		if (v > 0 && v < (int64_t)sizeof(done) * 8)
			done[v / 8] |= (unsigned char)(1u << (v % 8));
		if (v > current)
			current = (int)v;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (current > store_migrate_latest())
		return error_setc(ERR_CONFLICT, "schema_too_new",
		                  "the database is at schema version %d but this gatehouse knows "
		                  "only up to %d; upgrade gatehouse",
		                  current, store_migrate_latest());
	/* assets_table is sorted by path, so by version */
	for (const struct asset *a = assets_table; a->path; a++) {
		int v = version_of(a, kind);
		if (v <= 0 || v >= (int)sizeof(done) * 8 || (done[v / 8] & (1u << (v % 8))))
			continue;
		rc = db_conn_exec(c, (const char *)a->data);
		if (rc) {
			error_prefix("migration %s: ", a->path);
			return rc;
		}
		const char *name = a->path + strlen(MIGRATION_DIR);
		int64_t n = db_exec(c,
		                    "INSERT INTO schema_migrations (version, name, applied_at) "
		                    "VALUES (?, ?, ?)",
		                    "iti", (int64_t)v, name, clock_now());
		if (n < 0)
			return (int)n;
		run->applied++;
		done[v / 8] |= (unsigned char)(1u << (v % 8));
	}
	return 0;
}

int store_migrate_run(struct db *db, int *applied_out)
{
	struct run run = { 0 };
	int rc = db_tx(db, DB_TX_WRITE, migrate_tx, &run);
	if (rc == 0 && run.applied)
		log_info("migrations applied", "count=%d version=%d", run.applied,
		         store_migrate_latest());
	if (applied_out)
		*applied_out = rc ? 0 : run.applied;
	return rc;
}
