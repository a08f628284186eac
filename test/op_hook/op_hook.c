/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST ONLY — never part of the gatehouse binary. Until enterprise sign-in
 * (SAML/OIDC) exists, nothing in production can finish a sign-in, so the
 * end-to-end suite finishes it here, on the same database as the server
 * under test, through the one function SSO will call:
 *
 *   op-hook [--database URL --encryption-key-file F --public-url U] complete REQUEST USER [ORG]
 *       app_oauth_complete(); prints the redirect back to the app (with code)
 *   op-hook [...] seed-user EMAIL [ORG_SLUG ROLE]
 *       a user with that primary email (and a membership); prints "USER [ORG]"
 *
 * Settings come from the same flags/GATEHOUSE_* variables as gatehouse.
 */
#include "base/common.h"

#include "app/app.h"
#include "app/oauth.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/id.h"
#include "config/config.h"

static int exec_tx(struct db_conn *c, void *payload)
{
	return db_conn_exec(c, payload);
}

/* Values are test inputs (emails, slugs, role keys): refuse quotes rather than escape them. */
static bool plain(const char *s)
{
	return !strpbrk(s, "'\\;");
}

static int seed(struct app *a, int argc, char **argv)
{
	char user[ID_MAX], org[ID_MAX] = "", mem[ID_MAX];
	if (argc < 1 || !plain(argv[0]) || (argc >= 3 && (!plain(argv[1]) || !plain(argv[2]))))
		return 2;
	id_new(user, "user");
	long long now = (long long)clock_now();
	char *sql =
	        xasprintf("INSERT INTO users (id, first_name, last_name, public_metadata, status, "
	                  "created_at, updated_at) VALUES ('%s', 'Alice', 'Liddell', "
	                  "'{\"dept\":\"eng\"}', 'active', %lld, %lld); INSERT INTO user_emails "
	                  "(email_norm, email, user_id, is_primary, position, created_at) VALUES "
	                  "(lower('%s'), '%s', '%s', 1, 0, %lld)",
	                  user, now, now, argv[0], argv[0], user, now);
	int rc = db_tx(a->db, DB_TX_WRITE, exec_tx, sql);
	free(sql);
	if (rc == 0 && argc >= 3) {
		id_new(org, "org");
		id_new(mem, "mem");
		sql = xasprintf(
		        "INSERT INTO organizations (id, name, slug, default_role, created_at, "
		        "updated_at) VALUES ('%s', '%s', '%s', 'org:member', %lld, %lld); "
		        "INSERT INTO memberships (id, org_id, user_id, role, created_at, "
		        "updated_at) VALUES ('%s', '%s', '%s', '%s', %lld, %lld)",
		        org, argv[1], argv[1], now, now, mem, org, user, argv[2], now, now);
		rc = db_tx(a->db, DB_TX_WRITE, exec_tx, sql);
		free(sql);
	}
	if (rc)
		return 1;
	printf("%s%s%s\n", user, org[0] ? " " : "", org);
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	setenv("TZ", "UTC", 1);
	if (config_load(&cfg, &argc, argv)) {
		fprintf(stderr, "op-hook: %s\n", error_get()->detail);
		return 2;
	}
	if (argc < 2) {
		fprintf(stderr,
		        "usage: op-hook [settings] complete REQUEST USER [ORG] | seed-user EMAIL [ORG_SLUG ROLE]\n");
		config_release(&cfg);
		return 2;
	}
	struct app *a = NULL;
	int rc = app_open(&a, &cfg, true);
	if (rc) {
		fprintf(stderr, "op-hook: %s\n", error_get()->detail);
		config_release(&cfg);
		return 3;
	}
	int ex = 2;
	if (!strcmp(argv[1], "complete") && argc >= 4) {
		char *redirect = NULL;
		/* no browser here: bind the request to a fixed one and finish as that browser */
		static const char browser[] = "op-hook";
		char hash[CRYPTO_SHA256_HEX_LEN];
		crypto_sha256_hex(hash, browser, strlen(browser));
		rc = app_oauth_request_bind(a, argv[2], hash);
		if (rc == 0)
			rc = app_oauth_complete(a, argv[2], hash, argv[3], argc >= 5 ? argv[4] : NULL,
			                        &redirect);
		if (rc) {
			fprintf(stderr, "op-hook: %s (%s)\n", error_get()->detail,
			        error_get()->stable);
			ex = 1;
		} else {
			printf("%s\n", redirect);
			free(redirect);
			ex = 0;
		}
	} else if (!strcmp(argv[1], "seed-user")) {
		ex = seed(a, argc - 2, argv + 2);
	}
	app_free(a);
	config_release(&cfg);
	return ex;
}
