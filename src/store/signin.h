/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-in state toward IdPs, the SAML replay cache, test sign-ins, failures. Caller's transaction.
 */
#ifndef GATEHOUSE_STORE_SIGNIN_H
#define GATEHOUSE_STORE_SIGNIN_H

#include "base/id.h"
#include "store/db.h"

struct test_sign_in {
	char id[ID_MAX];
	char connection_id[ID_MAX];
	char *status; /* pending | passed | failed | expired (derived) */
	char *name_id, *email;
	char *attributes; /* JSON object text: name → [values] */
	char *problems;   /* JSON array text of {code, message} */
	int64_t created_at, completed_at, expires_at;
};
void test_sign_in_release(struct test_sign_in *t);

int store_test_sign_in_insert(struct db_conn *c, const struct test_sign_in *t);
int store_test_sign_in_get(struct db_conn *c, const char *conn_id, const char *id, int64_t now,
                           struct test_sign_in *out);
/*
 * One page of a connection's test sign-ins, newest first (starting_after: the
 * last id of the previous page); *items is an xmalloc'd array of *count tests,
 * each released by the caller, then freed.
 */
int store_test_sign_in_list(struct db_conn *c, const char *conn_id, int64_t now,
                            const char *starting_after, int64_t limit, struct test_sign_in **items,
                            size_t *count, int64_t *total);
/* Records the outcome of a pending test; ERR_CONFLICT (test_already_completed) otherwise. */
int store_test_sign_in_complete(struct db_conn *c, const struct test_sign_in *t);

struct sign_in_failure {
	char id[ID_MAX];
	char *connection_id, *org_id, *code, *detail, *request_id;
	int64_t created_at;
};
void sign_in_failure_release(struct sign_in_failure *f);
/* conn_id, org_id and request_id may be NULL. */
int store_sign_in_failure_insert(struct db_conn *c, const char *id, const char *conn_id,
                                 const char *org_id, const char *code, const char *detail,
                                 const char *request_id, int64_t now);
int store_sign_in_failure_list(struct db_conn *c, const char *conn_id, const char *org_id,
                               const char *starting_after, int64_t limit,
                               struct sign_in_failure **items, size_t *count, int64_t *total);

/* AuthnRequest IDs we sent (InResponseTo must name one, once). */
int store_saml_request_insert(struct db_conn *c, const char *id, const char *conn_id,
                              const char *auth_request_id, const char *test_id, int64_t now,
                              int64_t expires_at);
/*
 * Takes (deletes) a pending request of this connection: returns 1 with the
 * linked ids copied out ("" when none), 0 when there is no such live request.
 */
int store_saml_request_take(struct db_conn *c, const char *id, const char *conn_id, int64_t now,
                            char auth_request_out[ID_MAX], char test_out[ID_MAX]);
/* Remembers an assertion until it expires: ERR_CONFLICT (assertion_replayed) when already seen. */
int store_saml_assertion_remember(struct db_conn *c, const char *conn_id, const char *assertion_id,
                                  int64_t expires_at, int64_t now);
/* An OIDC sign-in in flight toward an IdP (oidc_rp_states), found by the hash of its state. */
struct oidc_state_row {
	char connection_id[ID_MAX];
	char auth_request_id[ID_MAX]; /* "" when none */
	char test_sign_in_id[ID_MAX]; /* "" when none */
	char *nonce, *code_verifier;
};
void oidc_state_row_release(struct oidc_state_row *r);
int store_oidc_state_insert(struct db_conn *c, const char *state_hash, const char *conn_id,
                            const char *nonce, const char *code_verifier,
                            const char *auth_request_id, const char *test_id, int64_t now,
                            int64_t expires_at);
/*
 * Takes (deletes) the live state of this connection with this hash: returns 1
 * with the row copied out, 0 when there is none (unknown, expired, used, or
 * another connection's).
 */
int store_oidc_state_take(struct db_conn *c, const char *state_hash, const char *conn_id,
                          int64_t now, struct oidc_state_row *out);
/*
 * The expiry sweep (app/sweep.c), one bounded batch: deletes at most limit
 * rows of each kind of dead sign-in state, oldest first:
 *   auth_requests        expires_at <= now
 *   oauth_codes          expires_at <= codes_before (kept a while after expiry,
 *                        so a leaked code replayed late still revokes its grant)
 *   oauth_tokens         expires_at <= now, or revoked
 *   saml_requests, oidc_rp_states, saml_assertions_seen   expires_at <= now
 * Returns the rows removed (per kind in removed[STORE_SWEEP_KINDS] when not
 * NULL), or a negative error code.
 */
#define STORE_SWEEP_KINDS 7
extern const char *const store_sweep_kind_names[STORE_SWEEP_KINDS];
int64_t store_signin_sweep(struct db_conn *c, int64_t now, int64_t codes_before, int64_t limit,
                           int64_t removed[STORE_SWEEP_KINDS]);

#endif
