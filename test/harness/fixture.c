/* SPDX-License-Identifier: Apache-2.0 */
/* The app fixture (see fixture.h). */
#include "base/common.h"

#include "test/harness/fixture.h"

#include "base/clock.h"
#include "base/rand.h"

#include <unistd.h>

static int exec_tx(struct db_conn *c, void *payload)
{
	return db_conn_exec(c, payload);
}

bool fixture_open(struct fixture *f, bool pg, const char *public_url)
{
	memset(f, 0, sizeof(*f));
	char tmpl[] = "/tmp/gh-fixture-XXXXXX";
	f->dir = xstrdup(mkdtemp(tmpl));
	f->cfg.encryption_key_file = xasprintf("%s/key", f->dir);
	f->cfg.public_url = xstrdup(public_url);
	f->cfg.db_pool_size = 4;
	if (!pg) {
		f->cfg.database = xasprintf("sqlite:%s/test.db", f->dir);
	} else {
		const char *dsn = getenv("TEST_PG_DSN");
		if (!dsn || !*dsn)
			return false;
		unsigned char r[6];
		rand_bytes(r, sizeof(r));
		f->schema = xasprintf("gh_fix_%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
		                      r[4], r[5]);
		f->admin_url = xstrdup(dsn);
		struct db *admin = NULL;
		if (db_open(&admin, dsn, 1))
			return false;
		char *sql = xasprintf("CREATE SCHEMA %s", f->schema);
		int rc = db_tx(admin, DB_TX_WRITE, exec_tx, sql);
		free(sql);
		db_free(admin);
		if (rc)
			return false;
		f->cfg.database = xasprintf("%s%coptions=-csearch_path%%3D%s", dsn,
		                            strchr(dsn, '?') ? '&' : '?', f->schema);
	}
	return app_open(&f->app, &f->cfg, true) == 0;
}

void fixture_close(struct fixture *f)
{
	app_free(f->app);
	if (f->schema) {
		struct db *admin = NULL;
		if (db_open(&admin, f->admin_url, 1) == 0) {
			char *sql = xasprintf("DROP SCHEMA %s CASCADE", f->schema);
			db_tx(admin, DB_TX_WRITE, exec_tx, sql);
			free(sql);
			db_free(admin);
		}
	}
	if (f->dir) {
		static const char *const files[] = { "test.db", "test.db-wal", "test.db-shm",
			                             "key" };
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			char *p = xasprintf("%s/%s", f->dir, files[i]);
			unlink(p);
			free(p);
		}
		rmdir(f->dir);
	}
	free(f->cfg.encryption_key_file);
	free(f->cfg.public_url);
	free(f->cfg.database);
	free(f->dir);
	free(f->schema);
	free(f->admin_url);
	memset(f, 0, sizeof(*f));
}

int fixture_exec(struct fixture *f, const char *sql)
{
	return db_tx(f->app->db, DB_TX_WRITE, exec_tx, (void *)(uintptr_t)sql);
}

int fixture_user(struct fixture *f, const char *email, const char *public_metadata,
                 char id_out[ID_MAX])
{
	id_new(id_out, "user");
	long long now = (long long)clock_now();
	char *sql =
	        xasprintf("INSERT INTO users (id, first_name, last_name, public_metadata, status, "
	                  "created_at, updated_at) VALUES ('%s', 'Alice', 'Liddell', '%s', "
	                  "'active', %lld, %lld); INSERT INTO user_emails (email_norm, email, "
	                  "user_id, is_primary, position, created_at) VALUES ('%s', '%s', '%s', "
	                  "1, 0, %lld)",
	                  id_out, public_metadata, now, now, email, email, id_out, now);
	int rc = fixture_exec(f, sql);
	free(sql);
	return rc;
}

int fixture_member(struct fixture *f, const char *slug, const char *user_id, const char *role,
                   char org_out[ID_MAX])
{
	char mem[ID_MAX];
	id_new(org_out, "org");
	id_new(mem, "mem");
	long long now = (long long)clock_now();
	char *sql =
	        xasprintf("INSERT INTO organizations (id, name, slug, default_role, created_at, "
	                  "updated_at) VALUES ('%s', '%s', '%s', 'org:member', %lld, %lld); "
	                  "INSERT INTO memberships (id, org_id, user_id, role, created_at, "
	                  "updated_at) VALUES ('%s', '%s', '%s', '%s', %lld, %lld)",
	                  org_out, slug, slug, now, now, mem, org_out, user_id, role, now, now);
	int rc = fixture_exec(f, sql);
	free(sql);
	return rc;
}
