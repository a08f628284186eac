/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JIT provisioning against a real (SQLite) store: the journey-2 rules, each
 * tried by a case that would break it.
 */
#include "base/common.h"

#include "app/connection.h"
#include "app/domain.h"
#include "app/membership.h"
#include "app/org.h"
#include "app/provisioning.h"
#include "app/user.h"
#include "base/error.h"
#include "base/json_field.h"
#include "test/harness/test.h"

#include <unistd.h>

struct fixture {
	char dir[64];
	struct config cfg;
	struct app *app;
	struct connection conn;
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

static void verify_domain(struct fixture *f, const char *name)
{
	struct domain_input in = { .name = name, .has_name = true };
	struct domain d;
	if (app_domain_create(f->app, &tester, f->org_id, &in, &d))
		die("domain: %s", error_get()->detail);
	struct domain_check ok = { .matched = true, .code = "verified", .message = "test" };
	struct domain v;
	if (app_domain_record_check(f->app, &tester, f->org_id, d.id, &ok, &v))
		die("verify: %s", error_get()->detail);
	domain_release(&d);
	domain_release(&v);
}

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	xsnprintf(f->dir, sizeof(f->dir), "/tmp/gh-prov-XXXXXX");
	if (!mkdtemp(f->dir))
		die("mkdtemp");
	f->cfg.database = xasprintf("sqlite:%s/db", f->dir);
	f->cfg.encryption_key_file = xasprintf("%s/key", f->dir);
	f->cfg.public_url = xstrdup("http://127.0.0.1:1");
	if (app_open(&f->app, &f->cfg, true))
		die("app_open: %s", error_get()->detail);
	struct org_input oin = { .name = "Acme",
		                 .has_name = true,
		                 .slug = "acme",
		                 .has_slug = true,
		                 .max_memberships = 2,
		                 .has_max_memberships = true };
	struct org o;
	if (app_org_create(f->app, &tester, &oin, &o))
		die("org: %s", error_get()->detail);
	xsnprintf(f->org_id, sizeof(f->org_id), "%s", o.id);
	org_release(&o);
	verify_domain(f, "acme.test");
	json_t *body =
	        parse("{\"organization_id\":\"acme\",\"protocol\":\"saml\",\"provider\":\"okta\","
	              "\"domains\":[\"acme.test\"]}");
	struct connection_input cin;
	if (connection_input_from_json(&cin, body, true) ||
	    app_connection_create(f->app, &tester, &cin, &f->conn))
		die("connection: %s", error_get()->detail);
	connection_input_release(&cin);
	json_decref(body);
	const char *attrs[] = {
		"{\"key\":\"department\",\"saml_attribute\":\"dept\"}",
		"{\"key\":\"groups\",\"saml_attribute\":\"memberOf\",\"multi_valued\":true}",
		"{\"key\":\"title\",\"saml_attribute\":\"title\"}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		json_t *ab = parse(attrs[i]);
		struct custom_attribute_input ain;
		struct custom_attribute at;
		if (custom_attribute_input_from_json(&ain, ab, true) ||
		    app_attribute_create(f->app, &tester, f->conn.id, &ain, &at))
			die("attribute: %s", error_get()->detail);
		custom_attribute_release(&at);
		json_decref(ab);
	}
}

static void teardown(struct fixture *f)
{
	connection_release(&f->conn);
	app_free(f->app);
	char *cmd[] = { xasprintf("%s/db", f->dir), xasprintf("%s/db-wal", f->dir),
		        xasprintf("%s/db-shm", f->dir), xasprintf("%s/key", f->dir) };
	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++) {
		unlink(cmd[i]);
		free(cmd[i]);
	}
	rmdir(f->dir);
	free(f->cfg.database);
	free(f->cfg.encryption_key_file);
	free(f->cfg.public_url);
}

TEST(provisioning, first_sign_in_creates_user_and_membership_then_refreshes)
{
	struct fixture f;
	setup(&f);
	struct sso_identity id = {
		.email = "Alice@ACME.test",
		.first_name = "Alice",
		.external_id = "00u1",
		.attributes_json = "{\"dept\":[\"Eng\",\"Ops\"],\"memberOf\":[\"a\",\"b\"]}"
	};
	struct sso_provisioned p;
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &id, &p), 0);
	ASSERT(p.user_created && p.member_created);
	struct user u;
	ASSERT_INT_EQ(app_user_get(f.app, p.user_id, &u), 0);
	json_t *meta = json_loads(u.public_metadata, 0, NULL);
	/* single-valued: the first value; multi-valued: all, as an array; unsent: absent */
	ASSERT_STR_EQ(json_string_value(json_object_get(meta, "department")), "Eng");
	ASSERT_INT_EQ(json_array_size(json_object_get(meta, "groups")), 2);
	ASSERT(json_object_get(meta, "title") == NULL);
	ASSERT(u.last_sign_in_at != 0);
	json_decref(meta);
	user_release(&u);

	/* second sign-in: same user, no new membership, names refreshed */
	id.first_name = "Alicia";
	struct sso_provisioned p2;
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &id, &p2), 0);
	ASSERT_STR_EQ(p2.user_id, p.user_id);
	ASSERT(!p2.user_created && !p2.member_created);
	ASSERT_INT_EQ(app_user_get(f.app, p.user_id, &u), 0);
	ASSERT_STR_EQ(u.first_name, "Alicia");
	user_release(&u);

	/* removed by hand: back on the next SSO sign-in */
	struct membership gone;
	ASSERT_INT_EQ(app_membership_delete(f.app, &tester, "acme", p.user_id, &gone), 0);
	membership_release(&gone);
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &id, &p2), 0);
	ASSERT(p2.member_created);
	teardown(&f);
}

TEST(provisioning, email_outside_the_covered_verified_domains_never_signs_in)
{
	struct fixture f;
	setup(&f);
	struct sso_provisioned p;
	const char *bad[] = { "mallory@evil.test", "mallory@sub.acme.test", "no-at-sign", "",
		              "alice@acme.test.evil.test" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sso_identity id = { .email = bad[i] };
		int rc = app_provision_sso(f.app, &f.conn, &id, &p);
		ASSERT_INT_EQ(rc, ERR_FORBIDDEN);
	}
	/* a domain of the org that the connection does not cover */
	verify_domain(&f, "other.test");
	struct sso_identity other = { .email = "bob@other.test" };
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &other, &p), ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "email_domain_not_covered");
	teardown(&f);
}

TEST(provisioning, seat_limit_and_deactivated_users_are_refused)
{
	struct fixture f;
	setup(&f);
	struct sso_provisioned p;
	struct sso_identity a = { .email = "a@acme.test" }, b = { .email = "b@acme.test" },
	                    c = { .email = "c@acme.test" };
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &a, &p), 0);
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &b, &p), 0);
	ASSERT_INT_EQ(app_provision_sso(f.app, &f.conn, &c, &p), ERR_FORBIDDEN);
	ASSERT_STR_EQ(error_get()->stable, "membership_limit_reached");
	/* nothing half-written: c was not created either */
	struct user_filter uf = { 0 };
	struct page pg = { 10, NULL };
	struct user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	ASSERT_INT_EQ(app_user_list(f.app, &uf, &pg, &items, &n, &total), 0);
	ASSERT_INT_EQ(total, 2);
	for (size_t i = 0; i < n; i++)
		user_release(&items[i]);
	free(items);
	teardown(&f);
}
