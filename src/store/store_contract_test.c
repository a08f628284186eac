/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store contract: one suite, run against every backend. SQLite always
 * (a temporary file), PostgreSQL when TEST_PG_DSN is set (a fresh schema per
 * run, dropped afterwards), else those cases are skipped.
 */
#include "base/common.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/rand.h"
#include "store/db.h"
#include "store/event.h"
#include "store/migrate.h"
#include "store/operator.h"
#include "store/org.h"
#include "store/signin.h"
#include "store/ui_session.h"
#include "store/webhook.h"
#include "test/harness/test.h"

#include <pthread.h>
#include <unistd.h>

struct backend {
	struct db *db;
	char *url, *admin_url, *schema, *dir;
};

static int exec_tx(struct db_conn *c, void *payload)
{
	return db_conn_exec(c, payload);
}

/* Opens a fresh, migrated database of the kind named; false (and skip) when unavailable. */
static bool backend_open(struct backend *b, bool pg)
{
	memset(b, 0, sizeof(*b));
	if (!pg) {
		char tmpl[] = "/tmp/gh-contract-XXXXXX";
		b->dir = xstrdup(mkdtemp(tmpl));
		b->url = xasprintf("sqlite:%s/contract.db", b->dir);
	} else {
		const char *dsn = getenv("TEST_PG_DSN");
		if (!dsn || !*dsn)
			return false;
		unsigned char r[6];
		rand_bytes(r, sizeof(r));
		b->schema = xasprintf("gh_contract_%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
		                      r[3], r[4], r[5]);
		b->admin_url = xstrdup(dsn);
		struct db *admin = NULL;
		if (db_open(&admin, dsn, 1))
			return false;
		char *sql = xasprintf("CREATE SCHEMA %s", b->schema);
		int rc = db_tx(admin, DB_TX_WRITE, exec_tx, sql);
		free(sql);
		db_free(admin);
		if (rc)
			return false;
		/* libpq takes server settings through options=-c... */
		b->url = xasprintf("%s%coptions=-csearch_path%%3D%s", dsn,
		                   strchr(dsn, '?') ? '&' : '?', b->schema);
	}
	if (db_open(&b->db, b->url, 8) || store_migrate_run(b->db, NULL))
		return false;
	return true;
}

static void backend_close(struct backend *b)
{
	db_free(b->db);
	if (b->schema) {
		struct db *admin = NULL;
		if (db_open(&admin, b->admin_url, 1) == 0) {
			char *sql = xasprintf("DROP SCHEMA %s CASCADE", b->schema);
			db_tx(admin, DB_TX_WRITE, exec_tx, sql);
			free(sql);
			db_free(admin);
		}
	}
	if (b->dir) {
		char *p = xasprintf("%s/contract.db", b->dir);
		char *w = xasprintf("%s-wal", p), *s = xasprintf("%s-shm", p);
		unlink(p);
		unlink(w);
		unlink(s);
		rmdir(b->dir);
		free(p);
		free(w);
		free(s);
	}
	free(b->url);
	free(b->admin_url);
	free(b->schema);
	free(b->dir);
}

static struct org make_org(const char *slug)
{
	struct org o = { 0 };
	id_new(o.id, "org");
	o.name = xstrdup(slug);
	o.slug = xstrdup(slug);
	o.default_role = xstrdup("org:member");
	o.public_metadata = xstrdup("{}");
	o.private_metadata = xstrdup("{}");
	o.created_at = o.updated_at = clock_now();
	return o;
}

struct insert_op {
	struct org org;
	bool fail_after;
};

static int insert_tx(struct db_conn *c, void *payload)
{
	struct insert_op *op = payload;
	int rc = store_org_insert(c, &op->org);
	if (rc == 0 && op->fail_after)
		return error_set(ERR_INVALID, "caller changed its mind");
	return rc;
}

struct get_op {
	const char *key;
	struct org out;
};

static int get_tx(struct db_conn *c, void *payload)
{
	struct get_op *op = payload;
	return store_org_get(c, op->key, &op->out);
}

static void contract_orgs(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	int applied = -1;
	ASSERT_INT_EQ(store_migrate_run(b.db, &applied), 0);
	ASSERT_INT_EQ(applied, 0); /* idempotent */

	struct insert_op ins = { make_org("acme"), false };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &ins), 0);
	struct get_op get = { .key = "acme" };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, get_tx, &get), 0);
	ASSERT_STR_EQ(get.out.id, ins.org.id);
	ASSERT_STR_EQ(get.out.default_role, "org:member");
	org_release(&get.out);

	/* a unique violation maps to ERR_CONFLICT on both engines */
	struct insert_op dup = { make_org("acme"), false };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &dup), ERR_CONFLICT);
	ASSERT_STR_EQ(error_get()->stable, "db_constraint");

	/* an error from the caller rolls the whole transaction back */
	struct insert_op rolled = { make_org("ghost"), true };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &rolled), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->detail, "caller changed its mind");
	struct get_op ghost = { .key = "ghost" };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, get_tx, &ghost), ERR_NOT_FOUND);

	org_release(&ins.org);
	org_release(&dup.org);
	org_release(&rolled.org);
	backend_close(&b);
}

TEST(store_contract, sqlite_orgs)
{
	contract_orgs(false);
}

TEST(store_contract, pg_orgs)
{
	contract_orgs(true);
}

/* --- concurrent writers: every commit lands exactly once --- */

struct writer {
	struct db *db;
	int n, failures;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->n; i++) {
		char slug[64];
		unsigned char r[4];
		rand_bytes(r, sizeof(r));
		xsnprintf(slug, sizeof(slug), "w-%02x%02x%02x%02x-%d", r[0], r[1], r[2], r[3], i);
		struct insert_op op = { make_org(slug), false };
		if (db_tx(w->db, DB_TX_WRITE, insert_tx, &op))
			w->failures++;
		org_release(&op.org);
	}
	return NULL;
}

struct count_op {
	int64_t total;
};

static int count_tx(struct db_conn *c, void *payload)
{
	struct count_op *op = payload;
	struct org *items = NULL;
	size_t n = 0;
	int rc = store_org_list(c, NULL, 1, &items, &n, &op->total);
	for (size_t i = 0; i < n; i++)
		org_release(&items[i]);
	free(items);
	return rc;
}

static void contract_concurrent(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	struct writer w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){ b.db, 40, 0 };
		pthread_create(&t[i], NULL, writer_run, &w[i]);
	}
	int failures = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	ASSERT_INT_EQ(failures, 0);
	struct count_op cnt = { 0 };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_READ, count_tx, &cnt), 0);
	ASSERT_INT_EQ(cnt.total, 160);
	backend_close(&b);
}

TEST(store_contract, sqlite_concurrent_writers)
{
	contract_concurrent(false);
}

TEST(store_contract, pg_concurrent_writers)
{
	contract_concurrent(true);
}

/* --- the outbox: fan-out by filter, and a claimed delivery is not claimed twice --- */

/* An endpoint with the given id, event filter (JSON array) and state. */
static int insert_endpoint(struct db_conn *c, const char *id, const char *events, bool enabled,
                           int64_t now)
{
	struct webhook_endpoint e = { 0 };
	xsnprintf(e.id, sizeof(e.id), "%s", id);
	e.url = (char *)(uintptr_t) "https://example.test/";
	e.description = (char *)(uintptr_t) "";
	e.events = (char *)(uintptr_t)events;
	e.secret_sealed = (char *)(uintptr_t) "v1.x";
	e.enabled = enabled;
	e.created_at = now;
	return store_webhook_insert(c, &e);
}

static int outbox_tx(struct db_conn *c, void *payload)
{
	(void)payload;
	int64_t now = clock_now();
	int rc = insert_endpoint(c, "whe_all", "[]", true, now);
	if (!rc)
		rc = insert_endpoint(c, "whe_some", "[\"session.revoked\"]", true, now);
	if (!rc)
		rc = insert_endpoint(c, "whe_off", "[]", false, now);
	if (!rc)
		rc = store_event_insert(c, "evt_1", "user.created", "{}", now, NULL);
	if (!rc)
		rc = store_event_insert(c, "evt_2", "session.revoked", "{}", now, NULL);
	return rc;
}

struct claim_op {
	struct webhook_delivery d;
	int got;
};

static int claim_tx(struct db_conn *c, void *payload)
{
	struct claim_op *op = payload;
	webhook_delivery_release(&op->d);
	op->got = store_webhook_claim(c, clock_now(), 30, &op->d);
	return op->got < 0 ? op->got : 0;
}

static void contract_outbox(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, outbox_tx, NULL), 0);
	/* whe_all gets both events, whe_some only session.revoked, whe_off nothing: 3 */
	int claimed = 0;
	struct claim_op op;
	memset(&op, 0, sizeof(op));
	for (int i = 0; i < 5; i++) {
		ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, claim_tx, &op), 0);
		if (op.got == 1) {
			claimed++;
			ASSERT(strcmp(op.d.endpoint_id, "whe_off") != 0);
			ASSERT(!(strcmp(op.d.endpoint_id, "whe_some") == 0 &&
			         strcmp(op.d.event_type, "user.created") == 0));
		}
	}
	webhook_delivery_release(&op.d);
	ASSERT_INT_EQ(claimed, 3); /* and leased ones are not handed out again */
	backend_close(&b);
}

TEST(store_contract, sqlite_outbox)
{
	contract_outbox(false);
}

TEST(store_contract, pg_outbox)
{
	contract_outbox(true);
}

/* An event no enabled endpoint wants leaves no row: only deliveries read events. */
struct unwanted_op {
	int64_t deliveries, events;
};

static int unwanted_tx(struct db_conn *c, void *payload)
{
	struct unwanted_op *op = payload;
	int64_t now = clock_now();
	int rc = insert_endpoint(c, "whe_off", "[]", false, now);
	if (!rc)
		rc = insert_endpoint(c, "whe_some", "[\"session.revoked\"]", true, now);
	if (!rc)
		rc = store_event_insert(c, "evt_1", "user.created", "{}", now, &op->deliveries);
	struct db_stmt *s = NULL;
	if (!rc)
		rc = db_query(c, &s, "SELECT count(*) FROM events", "");
	if (!rc && db_step(s) == DB_ROW)
		op->events = db_int(s, 0);
	if (s)
		db_done(s);
	return rc;
}

static void contract_unwanted_event(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	struct unwanted_op op = { -1, -1 };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, unwanted_tx, &op), 0);
	ASSERT_INT_EQ(op.deliveries, 0);
	ASSERT_INT_EQ(op.events, 0);
	backend_close(&b);
}

TEST(store_contract, sqlite_unwanted_event)
{
	contract_unwanted_event(false);
}

TEST(store_contract, pg_unwanted_event)
{
	contract_unwanted_event(true);
}

/* --- portal links, page sessions, operators (migration 0009) --- */

struct ui_contract_op {
	int step;
	const char *org_id, *user_id;
	int64_t now;
	int64_t swept;
	struct portal_link link;
	struct ui_session session;
	struct operator_account op;
};

static int ui_tx(struct db_conn *c, void *payload)
{
	struct ui_contract_op *t = payload;
	switch (t->step) {
	case 0: /* a link, found by hash, used once */
		id_new(t->link.id, "plink");
		xsnprintf(t->link.org_id, sizeof(t->link.org_id), "%s", t->org_id);
		xsnprintf(t->link.user_id, sizeof(t->link.user_id), "%s", t->user_id);
		t->link.created_at = t->now;
		t->link.expires_at = t->now + 300;
		return store_ui_link_insert(c, &t->link, "hash-of-link");
	case 1: {
		struct portal_link found;
		int rc = store_ui_link_find(c, "hash-of-link", &found);
		if (rc)
			return rc;
		rc = strcmp(found.user_id, t->user_id) || found.used_at ? ERR_INTERNAL : 0;
		portal_link_release(&found);
		return rc ? rc : store_ui_link_use(c, t->link.id, t->now);
	}
	case 2:
		return store_ui_link_use(c, t->link.id, t->now);
	case 3: /* a portal session */
		id_new(t->session.id, "uis");
		xsnprintf(t->session.kind, sizeof(t->session.kind), "portal");
		xsnprintf(t->session.csrf, sizeof(t->session.csrf), "csrf");
		xsnprintf(t->session.org_id, sizeof(t->session.org_id), "%s", t->org_id);
		xsnprintf(t->session.user_id, sizeof(t->session.user_id), "%s", t->user_id);
		xsnprintf(t->session.principal_type, sizeof(t->session.principal_type), "user");
		xsnprintf(t->session.principal_id, sizeof(t->session.principal_id), "%s",
		          t->user_id);
		t->session.created_at = t->session.last_seen_at = t->now;
		t->session.expires_at = t->now + 600;
		return store_ui_session_insert(c, &t->session, "hash-of-cookie");
	case 4: {
		struct ui_session s;
		int rc = store_ui_session_find(c, "portal", "hash-of-cookie", t->now, &s);
		if (rc)
			return rc;
		rc = strcmp(s.org_id, t->org_id) || !s.principal_name ||
		                     strcmp(s.principal_name, "ui@contract.test")
		             ? ERR_INTERNAL
		             : 0;
		ui_session_release(&s);
		return rc;
	}
	case 5: /* another kind, or past expiry: not found */
		return store_ui_session_find(c, "dashboard", "hash-of-cookie", t->now, &t->session);
	case 6:
		return store_ui_session_find(c, "portal", "hash-of-cookie", t->now + 600,
		                             &t->session);
	case 7:
		return store_ui_session_revoke(c, t->session.id, t->now);
	case 8:
		return store_ui_session_find(c, "portal", "hash-of-cookie", t->now, &t->session);
	case 9:
		t->swept = store_ui_session_sweep(c, t->now + 301, 100);
		return t->swept < 0 ? (int)t->swept : 0;
	case 10:                                  /* operators */
		operator_account_release(&t->op); /* a rerun starts empty */
		id_new(t->op.id, "opr");
		t->op.username = xstrdup("ops");
		t->op.password_hash = xstrdup("$argon2id$v=19$m=19456,t=2,p=1$x$y");
		t->op.created_at = t->op.updated_at = t->now;
		return store_operator_insert(c, &t->op);
	case 11: { /* the sign-in throttle: upsert, read back, sweep, clear */
		struct login_throttle w = { 3, t->now + 60, t->now }, r;
		int rc = store_operator_throttle_put(c, "k1", "s1", &w);
		w.failures = 4;
		if (rc == 0)
			rc = store_operator_throttle_put(c, "k1", "s1", &w);
		if (rc == 0)
			rc = store_operator_throttle_get(c, "k1", &r);
		if (rc == 0 && (r.failures != 4 || r.locked_until != t->now + 60))
			rc = ERR_INTERNAL;
		/* locked rows stay, old unlocked ones go */
		struct login_throttle old = { 1, 0, t->now - 1000 };
		if (rc == 0)
			rc = store_operator_throttle_put(c, "k2", "s2", &old);
		int64_t n = rc ? 0 : store_operator_throttle_sweep(c, t->now, t->now - 500, 10);
		if (rc == 0 && n != 1)
			rc = ERR_INTERNAL;
		if (rc == 0)
			rc = store_operator_throttle_clear(c, "s1");
		if (rc == 0)
			rc = store_operator_throttle_get(c, "k1", &r);
		if (rc == 0 && r.failures)
			rc = ERR_INTERNAL;
		if (rc == 0)
			rc = store_operator_signed_in(c, t->op.id, t->now);
		return rc;
	}
	case 13: {
		struct operator_account dup = t->op;
		id_new(dup.id, "opr");
		return store_operator_insert(c, &dup);
	}
	default:
		return store_operator_delete(c, t->op.id);
	}
}

static int ui_step(struct backend *b, struct ui_contract_op *t, int step)
{
	t->step = step;
	return db_tx(b->db, DB_TX_WRITE, ui_tx, t);
}

static void contract_ui(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	struct insert_op org = { make_org("ui-contract"), false };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, insert_tx, &org), 0);
	char user_id[ID_MAX];
	id_new(user_id, "user");
	char *sql = xasprintf("INSERT INTO users (id, created_at, updated_at) VALUES ('%s', 1, 1); "
	                      "INSERT INTO user_emails (email_norm, email, user_id, is_primary, "
	                      "created_at) VALUES ('ui@contract.test', 'ui@contract.test', '%s', "
	                      "1, 1)",
	                      user_id, user_id);
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, exec_tx, sql), 0);
	free(sql);
	struct ui_contract_op t = { .org_id = org.org.id, .user_id = user_id, .now = clock_now() };
	ASSERT_INT_EQ(ui_step(&b, &t, 0), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 1), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 2), ERR_CONFLICT); /* used once only */
	ASSERT_STR_EQ(error_get()->stable, "portal_link_used");
	ASSERT_INT_EQ(ui_step(&b, &t, 3), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 4), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 5), ERR_UNAUTHENTICATED);
	ASSERT_INT_EQ(ui_step(&b, &t, 6), ERR_UNAUTHENTICATED);
	ASSERT_INT_EQ(ui_step(&b, &t, 7), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 8), ERR_UNAUTHENTICATED); /* revoked */
	ASSERT_INT_EQ(ui_step(&b, &t, 9), 0);
	ASSERT_INT_EQ(t.swept, 2); /* the expired link and the revoked session */
	ASSERT_INT_EQ(ui_step(&b, &t, 10), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 13), ERR_CONFLICT); /* the username is taken */
	ASSERT_STR_EQ(error_get()->stable, "operator_exists");
	ASSERT_INT_EQ(ui_step(&b, &t, 11), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 12), 0);
	ASSERT_INT_EQ(ui_step(&b, &t, 12), ERR_NOT_FOUND);
	operator_account_release(&t.op);
	org_release(&org.org);
	backend_close(&b);
}

TEST(store_contract, sqlite_ui_sessions)
{
	contract_ui(false);
}

TEST(store_contract, pg_ui_sessions)
{
	contract_ui(true);
}

/* --- the expiry sweep (store_signin_sweep) ------------------------------------------------ */

#define SWEEP_T 2000000000LL

static const char sweep_rows[] =
        "INSERT INTO organizations (id, name, slug, default_role, created_at, updated_at) "
        "VALUES ('org_sw', 'S', 'sw', 'org:member', 1, 1);"
        "INSERT INTO users (id, created_at, updated_at) VALUES ('user_sw', 1, 1);"
        "INSERT INTO sessions (id, user_id, created_at, last_active_at, expires_at) "
        "VALUES ('sess_sw', 'user_sw', 1, 1, 3000000000);"
        "INSERT INTO enterprise_connections (id, org_id, name, protocol, provider, created_at, "
        "updated_at) VALUES ('conn_sw', 'org_sw', 'c', 'saml', 'okta', 1, 1);"
        "INSERT INTO auth_requests (id, client_id, redirect_uri, code_challenge, scope, "
        "created_at, expires_at) VALUES ('areq_old1', 'app', 'u', 'c', 'openid', 1, 1999999999),"
        "('areq_old2', 'app', 'u', 'c', 'openid', 1, 2000000000),"
        "('areq_live', 'app', 'u', 'c', 'openid', 1, 2000000001);"
        "INSERT INTO oauth_codes (code_hash, grant_id, auth_request_id, client_id, redirect_uri, "
        "code_challenge, scope, session_id, user_id, auth_time, created_at, expires_at) VALUES "
        "('code_old', 'g', 'a', 'app', 'u', 'c', 's', 'sess_sw', 'user_sw', 1, 1, 1999996399),"
        "('code_kept', 'g', 'a', 'app', 'u', 'c', 's', 'sess_sw', 'user_sw', 1, 1, 1999999990),"
        "('code_live', 'g', 'a', 'app', 'u', 'c', 's', 'sess_sw', 'user_sw', 1, 1, 2000000050);"
        "INSERT INTO oauth_tokens (token_hash, kind, grant_id, client_id, session_id, user_id, "
        "scope, auth_time, status, created_at, expires_at, revoked_at) VALUES "
        "('tok_expired', 'refresh', 'g', 'app', 'sess_sw', 'user_sw', 's', 1, 'active', 1, "
        "1999999999, NULL),"
        "('tok_revoked', 'refresh', 'g', 'app', 'sess_sw', 'user_sw', 's', 1, 'revoked', 1, "
        "3000000000, 1999999995),"
        "('tok_rotated', 'refresh', 'g', 'app', 'sess_sw', 'user_sw', 's', 1, 'rotated', 1, "
        "3000000000, NULL),"
        "('tok_live', 'access', 'g', 'app', 'sess_sw', 'user_sw', 's', 1, 'active', 1, "
        "2000003600, NULL);"
        "INSERT INTO saml_requests (id, connection_id, created_at, expires_at) VALUES "
        "('_old', 'conn_sw', 1, 1999999000), ('_live', 'conn_sw', 1, 2000000600);"
        "INSERT INTO oidc_rp_states (state_hash, connection_id, nonce, code_verifier, "
        "created_at, expires_at) VALUES ('st_old', 'conn_sw', 'n', 'v', 1, 1999999000),"
        "('st_live', 'conn_sw', 'n', 'v', 1, 2000000600);"
        "INSERT INTO saml_assertions_seen (assertion_id, connection_id, expires_at) VALUES "
        "('_a_old', 'conn_sw', 1999999000), ('_a_live', 'conn_sw', 2000000600);";

struct sweep_op {
	int64_t limit, total, removed[STORE_SWEEP_KINDS];
};

static int sweep_tx(struct db_conn *c, void *payload)
{
	struct sweep_op *op = payload;
	op->total = store_signin_sweep(c, SWEEP_T, SWEEP_T - 3600, op->limit, op->removed);
	return op->total < 0 ? (int)op->total : 0;
}

struct left_op {
	const char *sql;
	int64_t n;
};

static int left_tx(struct db_conn *c, void *payload)
{
	struct left_op *op = payload;
	struct db_stmt *s;
	int rc = db_query(c, &s, op->sql, "");
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		op->n = db_int(s, 0);
	db_done(s);
	return rc < 0 ? rc : 0;
}

/* One count from the database. */
static int64_t left(struct backend *b, const char *sql)
{
	struct left_op op = { sql, -1 };
	return db_tx(b->db, 0, left_tx, &op) == 0 ? op.n : -1;
}

static void contract_sweep(bool pg)
{
	struct backend b;
	if (!backend_open(&b, pg)) {
		backend_close(&b);
		test_skip("TEST_PG_DSN not set or unreachable");
	}
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, exec_tx, (void *)(uintptr_t)sweep_rows), 0);
	/* bounded: one row of each kind per batch */
	struct sweep_op op = { .limit = 1 };
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, sweep_tx, &op), 0);
	int64_t want1[STORE_SWEEP_KINDS] = { 1, 1, 1, 1, 1, 1, 1 };
	for (size_t i = 0; i < STORE_SWEEP_KINDS; i++)
		ASSERT_INT_EQ(op.removed[i], want1[i]);
	ASSERT_INT_EQ(op.total, 7);
	op.limit = 500;
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, sweep_tx, &op), 0);
	ASSERT_INT_EQ(op.removed[0], 1); /* the second expired authorization request */
	ASSERT_INT_EQ(op.total, 1);
	ASSERT_INT_EQ(db_tx(b.db, DB_TX_WRITE, sweep_tx, &op), 0);
	ASSERT_INT_EQ(op.total, 0);
	/* only the live rows (and what must outlive expiry) remain */
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM auth_requests WHERE id = 'areq_live'"), 1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM auth_requests"), 1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oauth_codes WHERE code_hash IN "
	                       "('code_kept', 'code_live')"),
	              2);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oauth_codes"), 2);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oauth_tokens WHERE token_hash IN "
	                       "('tok_rotated', 'tok_live')"),
	              2);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oauth_tokens"), 2);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM saml_requests WHERE id = '_live'"), 1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM saml_requests"), 1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oidc_rp_states WHERE state_hash = 'st_live'"),
	              1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM oidc_rp_states"), 1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM saml_assertions_seen WHERE assertion_id = "
	                       "'_a_live'"),
	              1);
	ASSERT_INT_EQ(left(&b, "SELECT COUNT(*) FROM saml_assertions_seen"), 1);
	backend_close(&b);
}

TEST(store_contract, sqlite_expiry_sweep)
{
	contract_sweep(false);
}

TEST(store_contract, pg_expiry_sweep)
{
	contract_sweep(true);
}
