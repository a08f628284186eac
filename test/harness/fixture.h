/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A whole struct app on a fresh, migrated database for tests that go through
 * app/ (and the HTTP server): SQLite in a temporary directory, or PostgreSQL
 * in a fresh schema of TEST_PG_DSN (dropped afterwards). Plus seed rows the
 * users capability would normally write (a user with an email, an
 * organization membership).
 */
#ifndef GATEHOUSE_TEST_FIXTURE_H
#define GATEHOUSE_TEST_FIXTURE_H

#include "app/app.h"
#include "base/id.h"
#include "config/config.h"

struct fixture {
	struct app *app;
	struct config cfg;
	char *dir, *schema, *admin_url;
};

/* false when the backend is unavailable (pg without TEST_PG_DSN): the caller skips. */
bool fixture_open(struct fixture *f, bool pg, const char *public_url);
void fixture_close(struct fixture *f);
/* Runs SQL text (no parameters) in a write transaction. */
int fixture_exec(struct fixture *f, const char *sql);
/* A user with a primary email and public_metadata (JSON object text). */
int fixture_user(struct fixture *f, const char *email, const char *public_metadata,
                 char id_out[ID_MAX]);
/* An organization slug with user as a member of role. */
int fixture_member(struct fixture *f, const char *slug, const char *user_id, const char *role,
                   char org_out[ID_MAX]);

#endif
