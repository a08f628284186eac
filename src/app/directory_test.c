/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory Sync use cases against a real (SQLite) store: a SCIM-deactivated
 * user cannot sign in by SSO, a disabled directory writes nothing, role
 * resolution and a job drained to the end, and the directory_managed guard.
 */
#include "base/common.h"

#include "app/connection.h"
#include "app/directory_group.h"
#include "app/directory_role.h"
#include "app/directory_user.h"
#include "app/domain.h"
#include "app/membership.h"
#include "app/org.h"
#include "app/provisioning.h"
#include "app/role.h"
#include "app/user.h"
#include "base/error.h"
#include "base/json_field.h"
#include "scim/resource.h"
#include "test/harness/test.h"

#include <unistd.h>

struct fixture {
	char dir[64];
	struct config cfg;
	struct app *app;
	struct connection conn;
	struct scim_principal p;
	char org_id[ID_MAX];
};

static const struct actor tester = { "cli", NULL };

static json_t *parse(const char *text)
{
	json_t *j = NULL;
	if (json_field_parse_object(&j, text, strlen(text)))
		die("bad fixture JSON: %s", text);
	return j;
}

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	xsnprintf(f->dir, sizeof(f->dir), "/tmp/gh-dir-XXXXXX");
	if (!mkdtemp(f->dir))
		die("mkdtemp");
	f->cfg.database = xasprintf("sqlite:%s/db", f->dir);
	f->cfg.encryption_key_file = xasprintf("%s/key", f->dir);
	f->cfg.public_url = xstrdup("http://127.0.0.1:1");
	if (app_open(&f->app, &f->cfg, true))
		die("app_open: %s", error_get()->detail);
	struct org_input oin = { .name = "Acme", .has_name = true };
	struct org o;
	if (app_org_create(f->app, &tester, &oin, &o))
		die("org: %s", error_get()->detail);
	xsnprintf(f->org_id, sizeof(f->org_id), "%s", o.id);
	org_release(&o);
	struct domain_input din = { .name = "acme.test", .has_name = true };
	struct domain d, v;
	struct domain_check ok = { .matched = true, .code = "verified", .message = "test" };
	if (app_domain_create(f->app, &tester, f->org_id, &din, &d) ||
	    app_domain_record_check(f->app, &tester, f->org_id, d.id, &ok, &v))
		die("domain: %s", error_get()->detail);
	domain_release(&d);
	domain_release(&v);
	char *text = xasprintf("{\"organization_id\":\"%s\",\"protocol\":\"saml\",\"provider\":"
	                       "\"okta\",\"domains\":[\"acme.test\"]}",
	                       f->org_id);
	json_t *body = parse(text);
	free(text);
	struct connection_input cin;
	if (connection_input_from_json(&cin, body, true) ||
	    app_connection_create(f->app, &tester, &cin, &f->conn))
		die("connection: %s", error_get()->detail);
	connection_input_release(&cin);
	json_decref(body);
	struct directory dir;
	char *token = NULL;
	if (app_directory_enable(f->app, &tester, f->conn.id, &dir, &token) ||
	    app_scim_authenticate(f->app, f->conn.id, token, &f->p))
		die("directory: %s", error_get()->detail);
	directory_release(&dir);
	free(token);
}

static void teardown(struct fixture *f)
{
	static const char *const files[] = { "db", "db-wal", "db-shm", "key" };
	app_free(f->app);
	connection_release(&f->conn);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xasprintf("%s/%s", f->dir, files[i]);
		unlink(path);
		free(path);
	}
	rmdir(f->dir);
	free(f->cfg.database);
	free(f->cfg.encryption_key_file);
	free(f->cfg.public_url);
}

static int from_text(struct directory_user_input *out, const char *current, void *payload)
{
	(void)current;
	json_t *res = json_loads(payload, 0, NULL);
	int rc = scim_user_decode(out, res);
	json_decref(res);
	return rc;
}

static char *no_values(const char *profile, const char *path, void *payload)
{
	(void)profile;
	(void)path;
	(void)payload;
	return NULL;
}

static int scim_user(struct fixture *f, const char *id, const char *body,
                     struct directory_user *out)
{
	struct directory_user_codec codec = { from_text, no_values, (void *)(uintptr_t)body };
	struct scim_effects fx;
	if (!id)
		return app_directory_user_create(f->app, &f->p, &codec, out, &fx);
	return app_directory_user_update(f->app, &f->p, id, 0, &codec, out, &fx);
}

TEST(directory, deactivated_by_scim_cannot_sign_in_by_sso)
{
	struct fixture f;
	setup(&f);
	struct directory_user u;
	const char *body = "{\"userName\":\"alice\",\"emails\":[{\"value\":\"alice@acme.test\"}]}";
	ASSERT_INT_EQ(scim_user(&f, NULL, body, &u), 0);
	struct sso_identity id = { .email = "alice@acme.test" };
	struct sso_provisioned out;
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &id, &out), 0);
	struct directory_user after;
	ASSERT_INT_EQ(
	        scim_user(&f, u.id,
	                  "{\"userName\":\"alice\",\"active\":\"False\",\"emails\":[{\"value\":"
	                  "\"alice@acme.test\"}]}",
	                  &after),
	        0);
	ASSERT(!after.active);
	ASSERT(app_provision_sso(f.app, &f.conn, &id, &out) == ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "user_deactivated");
	directory_user_release(&after);
	directory_user_release(&u);
	teardown(&f);
}

TEST(directory, disabled_directory_writes_nothing)
{
	struct fixture f;
	setup(&f);
	struct directory d;
	ASSERT_INT_EQ(app_directory_disable(f.app, &tester, f.conn.id, &d), 0);
	directory_release(&d);
	struct directory_user u;
	ASSERT(scim_user(&f, NULL, "{\"userName\":\"b\",\"emails\":[{\"value\":\"b@acme.test\"}]}",
	                 &u) == ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "directory_sync_disabled");
	struct page p = { 10, NULL };
	struct user *items = NULL;
	size_t n = 9;
	int64_t total = 9;
	struct user_filter uf = { 0 };
	ASSERT_INT_EQ(app_user_list(f.app, &uf, &p, &items, &n, &total), 0);
	ASSERT_INT_EQ(total, 0);
	free(items);
	teardown(&f);
}

static int group_body(struct directory_group_input *out, const char *current, void *payload)
{
	(void)current;
	json_t *res = json_loads(payload, 0, NULL);
	int rc = scim_group_decode(out, res);
	json_decref(res);
	return rc;
}

TEST(directory, roles_follow_groups_and_jobs_drain)
{
	struct fixture f;
	setup(&f);
	struct directory_user u;
	ASSERT_INT_EQ(scim_user(&f, NULL,
	                        "{\"userName\":\"c\",\"emails\":[{\"value\":\"c@acme.test\"}]}",
	                        &u),
	              0);
	char *ids[] = { u.id };
	struct directory_member_op op = { DIRECTORY_MEMBERS_ADD, ids, 1 };
	struct directory_member_ops ops = { &op, 1, 1 };
	struct directory_group_codec gc = { group_body,
		                            (void *)(uintptr_t) "{\"displayName\":\"Admins\"}" };
	struct directory_group g;
	struct scim_effects fx;
	ASSERT_INT_EQ(app_directory_group_create(f.app, &f.p, &gc, &ops, &g, &fx), 0);
	ASSERT_INT_EQ(g.member_count, 1);
	struct role_mapping m = { .role = (char *)(uintptr_t) "org:admin" };
	xsnprintf(m.group_id, sizeof(m.group_id), "%s", g.id);
	char job[ID_MAX];
	ASSERT_INT_EQ(app_directory_mappings_set(f.app, &tester, f.conn.id, &m, 1, job), 0);
	ASSERT_STR_EQ(job, "");
	/* a job (as for a large group) resolves the same way */
	ASSERT_INT_EQ(app_directory_jobs_drain(f.app), 0);
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct page p = { 10, NULL };
	ASSERT_INT_EQ(app_membership_list(f.app, f.org_id, NULL, &p, &items, &n, &total), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_STR_EQ(items[0].role, "org:admin");
	ASSERT_STR_EQ(items[0].role_source, "mapping");
	membership_release(&items[0]);
	free(items);
	directory_group_release(&g);
	directory_user_release(&u);
	teardown(&f);
}
