/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test sign-ins (an admin checks a connection against the real IdP without
 * creating users or memberships) and the record of failed sign-ins, each with
 * a stable reason code and plain words. End users only ever see a generic
 * message and the correlation (request) id that finds the record here.
 */
#ifndef GATEHOUSE_APP_DIAGNOSTICS_H
#define GATEHOUSE_APP_DIAGNOSTICS_H

#include "app/app.h"
#include "store/signin.h"

#include <jansson.h>

#define TEST_SIGN_IN_TTL_S 900

/* Creates a pending test sign-in for a connection (any status but deleted). */
int app_test_sign_in_create(struct app *a, const struct actor *who, const char *conn_id,
                            struct test_sign_in *out);
int app_test_sign_in_get(struct app *a, const char *conn_id, const char *id,
                         struct test_sign_in *out);
/* A page of the connection's test sign-ins, newest first; 404 connection_not_found. */
int app_test_sign_in_list(struct app *a, const char *conn_id, const struct page *p,
                          struct test_sign_in **items, size_t *count, int64_t *total);
/*
 * Records the outcome (status "passed" or "failed", what came back, the
 * problems) and, when passed, moves the connection from draft to tested.
 */
int app_test_sign_in_finish(struct app *a, const struct test_sign_in *outcome);
json_t *app_test_sign_in_to_json(const struct test_sign_in *t, const char *public_url);

/* Records a failed real sign-in. conn_id/org_id may be NULL. Never fails the caller. */
void app_sign_in_failure_record(struct app *a, const char *conn_id, const char *org_id,
                                const char *code, const char *detail, const char *request_id);
int app_sign_in_failure_list(struct app *a, const char *conn_id, const char *org_id,
                             const struct page *p, struct sign_in_failure **items, size_t *count,
                             int64_t *total);
json_t *app_sign_in_failure_to_json(const struct sign_in_failure *f);

#endif
