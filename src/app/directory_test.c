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
#include "store/event.h"
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
	struct directory_user_codec codec = { from_text, no_values, (void *)(uintptr_t)body,
		                              false };
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

/*
 * A create reads nothing before its write transaction that it trusts: a
 * change committed between its preparation (the directory hint, the data
 * built from it, the decoding) and its transaction is what it applies.
 * The codec's decoding runs in between, so the change is made there.
 */
struct racing {
	struct fixture *f;
	const char *body;
	void (*change)(struct fixture *f);
};

static int racing_decode(struct directory_user_input *out, const char *current, void *payload)
{
	struct racing *r = payload;
	if (r->change)
		r->change(r->f);
	r->change = NULL;
	return from_text(out, current, (void *)(uintptr_t)r->body);
}

static char *title_values(const char *profile, const char *path, void *payload)
{
	(void)profile;
	(void)payload;
	return strcmp(path, "title") == 0 ? xstrdup("[\"Boss\"]") : NULL;
}

static int create_with(struct fixture *f, const char *name, void (*change)(struct fixture *f),
                       struct directory_user *out)
{
	char *body = xasprintf("{\"userName\":\"%s\",\"emails\":[{\"value\":\"%s@acme.test\"}],"
	                       "\"title\":\"Boss\"}",
	                       name, name);
	struct racing r = { f, body, change };
	struct directory_user_codec codec = { racing_decode, title_values, &r, false };
	struct scim_effects fx;
	int rc = app_directory_user_create(f->app, &f->p, &codec, out, &fx);
	free(body);
	return rc;
}

/* A first create (the hint is read), then the user "race" with change made in between. */
static void racing_create(struct fixture *f, void (*change)(struct fixture *f), int want,
                          struct directory_user *out)
{
	struct directory_user warm;
	ASSERT_INT_EQ(create_with(f, "warm", NULL, &warm), 0);
	directory_user_release(&warm);
	ASSERT_INT_EQ(create_with(f, "race", change, out), want);
}

struct audit_find {
	const char *action, *needle;
	char *data; /* the row's data (caller frees) */
};

static int audit_find_tx(struct db_conn *c, void *payload)
{
	struct audit_find *q = payload;
	struct audit_filter af = { .action = q->action };
	struct audit_event *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_audit_list(c, &af, NULL, 100, &items, &n, &total);
	for (size_t i = 0; i < n; i++) {
		if (!q->data && strstr(items[i].data_json, q->needle))
			q->data = xstrdup(items[i].data_json);
		audit_event_release(&items[i]);
	}
	free(items);
	return rc;
}

/* The data of the audit row of action that names needle (NULL if none; caller frees). */
static char *audit_data(struct fixture *f, const char *action, const char *needle)
{
	struct audit_find q = { action, needle, NULL };
	if (app_read(f->app, audit_find_tx, &q))
		die("audit list: %s", error_get()->detail);
	return q.data;
}

static void disable(struct fixture *f)
{
	struct directory d;
	ASSERT_INT_EQ(app_directory_disable(f->app, &tester, f->conn.id, &d), 0);
	directory_release(&d);
}

TEST(directory, create_racing_a_disable_writes_nothing)
{
	struct fixture f;
	setup(&f);
	struct directory_user u;
	racing_create(&f, disable, ERR_FORBIDDEN, &u);
	ASSERT_STR_EQ(error_get()->stable, "directory_sync_disabled");
	ASSERT(audit_data(&f, "user.created", "race@acme.test") == NULL);
	teardown(&f);
}

static void admin_by_default(struct fixture *f)
{
	struct org_input in = { .name = "Acme Two",
		                .has_name = true,
		                .default_role = "org:admin",
		                .has_default_role = true };
	struct org o;
	ASSERT_INT_EQ(app_org_update(f->app, &tester, f->org_id, &in, &o), 0);
	org_release(&o);
}

TEST(directory, create_racing_an_organization_change_records_the_new_role_and_name)
{
	struct fixture f;
	setup(&f);
	struct directory_user u;
	racing_create(&f, admin_by_default, 0, &u);
	char *data = audit_data(&f, "organization_membership.created", u.user_id);
	ASSERT(data != NULL);
	ASSERT(strstr(data, "\"role\":\"org:admin\"") != NULL);
	ASSERT(strstr(data, "\"name\":\"Acme Two\"") != NULL);
	free(data);
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct page p = { 10, NULL };
	ASSERT_INT_EQ(app_membership_list(f.app, f.org_id, NULL, &p, &items, &n, &total), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(items[i].user_id, u.user_id) == 0)
			ASSERT_STR_EQ(items[i].role, "org:admin");
		membership_release(&items[i]);
	}
	free(items);
	directory_user_release(&u);
	teardown(&f);
}

static void map_title(struct fixture *f)
{
	struct custom_attribute_input in = { .key = "title",
		                             .scim_attribute = "title",
		                             .has_key = true,
		                             .has_scim_attribute = true };
	struct custom_attribute out;
	ASSERT_INT_EQ(app_attribute_create(f->app, &tester, f->conn.id, &in, &out), 0);
	custom_attribute_release(&out);
}

TEST(directory, create_racing_a_new_custom_attribute_writes_it)
{
	struct fixture f;
	setup(&f);
	struct directory_user du;
	racing_create(&f, map_title, 0, &du);
	struct user u;
	ASSERT_INT_EQ(app_user_get(f.app, du.user_id, &u), 0);
	ASSERT(strstr(u.public_metadata, "\"title\":\"Boss\"") != NULL);
	char *data = audit_data(&f, "user.created", "race@acme.test");
	ASSERT(data != NULL && strstr(data, "\"title\":\"Boss\"") != NULL);
	free(data);
	/* the next create (the hint was dropped and read again) writes it too */
	struct directory_user next;
	ASSERT_INT_EQ(create_with(&f, "next", NULL, &next), 0);
	data = audit_data(&f, "user.created", "next@acme.test");
	ASSERT(data != NULL && strstr(data, "\"title\":\"Boss\"") != NULL);
	free(data);
	directory_user_release(&next);
	user_release(&u);
	directory_user_release(&du);
	teardown(&f);
}

/* A patch-like decoding (title set on the stored resource) with a PUT made during the first. */
struct racing_put {
	struct fixture *f;
	const char *id;
	int calls;
};

static int title_patch(struct directory_user_input *out, const char *current, void *payload)
{
	struct racing_put *r = payload;
	if (r->calls++ == 0) {
		struct directory_user put;
		if (scim_user(r->f, r->id,
		              "{\"userName\":\"pat\",\"name\":{\"givenName\":\"B\"},"
		              "\"emails\":[{\"value\":\"pat@acme.test\"}]}",
		              &put))
			die("racing PUT: %s", error_get()->detail);
		directory_user_release(&put);
	}
	json_t *res = json_loads(current, 0, NULL);
	json_object_set_new(res, "title", json_string("Boss"));
	int rc = scim_user_decode(out, res);
	json_decref(res);
	return rc;
}

TEST(directory, update_racing_a_put_applies_to_the_new_resource)
{
	struct fixture f;
	setup(&f);
	struct directory_user du, after;
	ASSERT_INT_EQ(scim_user(&f, NULL,
	                        "{\"userName\":\"pat\",\"name\":{\"givenName\":\"A\"},"
	                        "\"emails\":[{\"value\":\"pat@acme.test\"}]}",
	                        &du),
	              0);
	struct racing_put r = { &f, du.id, 0 };
	struct directory_user_codec codec = { title_patch, no_values, &r, false };
	struct scim_effects fx;
	ASSERT_INT_EQ(app_directory_user_update(f.app, &f.p, du.id, 0, &codec, &after, &fx), 0);
	ASSERT_INT_EQ(r.calls, 2); /* decoded again in the transaction */
	ASSERT(strstr(after.profile, "\"title\":\"Boss\"") != NULL);
	ASSERT(strstr(after.profile, "\"givenName\":\"B\"") != NULL);
	struct user u;
	ASSERT_INT_EQ(app_user_get(f.app, du.user_id, &u), 0);
	ASSERT_STR_EQ(u.first_name, "B");
	user_release(&u);
	directory_user_release(&after);
	directory_user_release(&du);
	teardown(&f);
}
