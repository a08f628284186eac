/* SPDX-License-Identifier: Apache-2.0 */
/* Test sign-ins and sign-in failures (see diagnostics.h). */
#include "base/common.h"

#include "app/diagnostics.h"

#include "app/audit.h"
#include "app/connection.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "model/model.h"
#include "store/connection.h"

struct diag_op {
	const struct actor *who;
	const char *conn_id, *id, *org_id;
	struct test_sign_in *test;
	const struct test_sign_in *outcome;
	const char *code, *detail, *request_id;
	const struct page *page;
	struct sign_in_failure **items;
	struct test_sign_in **tests;
	size_t *count;
	int64_t *total;
};

/* 404 connection_not_found unless the connection exists. */
static int connection_exists(struct db_conn *c, const char *conn_id)
{
	struct connection x = { 0 };
	int rc = store_connection_get(c, conn_id, &x);
	connection_release(&x);
	return rc;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	int rc = connection_exists(c, op->conn_id);
	if (rc)
		return rc;
	rc = store_test_sign_in_insert(c, op->test);
	if (rc)
		return rc;
	struct change ch = {
		op->who, "test_sign_in.created", "test_sign_in", op->test->id, NULL, NULL, NULL
	};
	return app_audit_change(c, &ch);
}

int app_test_sign_in_create(struct app *a, const struct actor *who, const char *conn_id,
                            struct test_sign_in *out)
{
	memset(out, 0, sizeof(*out));
	id_new(out->id, "tsi");
	xsnprintf(out->connection_id, sizeof(out->connection_id), "%s", conn_id);
	out->created_at = clock_now();
	out->expires_at = out->created_at + TEST_SIGN_IN_TTL_S;
	out->status = xstrdup("pending");
	struct diag_op op = { .who = who, .conn_id = conn_id, .test = out };
	int rc = app_write(a, create_tx, &op);
	if (rc)
		test_sign_in_release(out);
	return rc;
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	test_sign_in_release(op->test);
	return store_test_sign_in_get(c, op->conn_id, op->id, clock_now(), op->test);
}

int app_test_sign_in_get(struct app *a, const char *conn_id, const char *id,
                         struct test_sign_in *out)
{
	struct diag_op op = { .conn_id = conn_id, .id = id, .test = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int tests_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	int rc = connection_exists(c, op->conn_id);
	if (rc)
		return rc;
	return store_test_sign_in_list(c, op->conn_id, clock_now(), op->page->starting_after,
	                               op->page->limit, op->tests, op->count, op->total);
}

int app_test_sign_in_list(struct app *a, const char *conn_id, const struct page *p,
                          struct test_sign_in **items, size_t *count, int64_t *total)
{
	struct diag_op op = {
		.conn_id = conn_id, .page = p, .tests = items, .count = count, .total = total
	};
	return app_read(a, tests_tx, &op);
}

static int finish_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	return store_test_sign_in_complete(c, op->outcome);
}

int app_test_sign_in_finish(struct app *a, const struct test_sign_in *outcome)
{
	struct diag_op op = { .outcome = outcome };
	int rc = app_write(a, finish_tx, &op);
	if (rc == 0 && !strcmp(outcome->status, "passed")) {
		const struct actor system = { "system", "test-sign-in" };
		rc = app_connection_mark_tested(a, &system, outcome->connection_id);
	}
	return rc;
}

json_t *app_test_sign_in_to_json(const struct test_sign_in *t, const char *public_url)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("test_sign_in"));
	json_object_set_new(j, "id", json_string(t->id));
	json_object_set_new(j, "connection_id", json_string(t->connection_id));
	char *url = xasprintf("%s/sso/test/%s", public_url, t->id);
	json_object_set_new(j, "url", json_string(url));
	free(url);
	json_object_set_new(j, "status", json_string(t->status ? t->status : "pending"));
	model_json_str(j, "name_id", t->name_id);
	model_json_str(j, "email", t->email);
	model_json_raw(j, "attributes", t->attributes);
	json_t *p = json_loads(t->problems ? t->problems : "[]", 0, NULL);
	json_object_set_new(j, "problems", json_is_array(p) ? p : json_array());
	if (!json_is_array(p))
		json_decref(p);
	model_json_time(j, "created_at", t->created_at);
	model_json_time(j, "completed_at", t->completed_at);
	model_json_time(j, "expires_at", t->expires_at);
	return j;
}

static int failure_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	char id[ID_MAX];
	id_new(id, "sif");
	return store_sign_in_failure_insert(c, id, op->conn_id, op->org_id, op->code, op->detail,
	                                    op->request_id, clock_now());
}

void app_sign_in_failure_record(struct app *a, const char *conn_id, const char *org_id,
                                const char *code, const char *detail, const char *request_id)
{
	/* The arguments may point into this thread's error slot (callers pass
	 * e->stable, e->detail), which the transaction below may clear: copy them. */
	char c_code[64], c_detail[512], c_conn[ID_MAX], c_org[ID_MAX], c_req[ID_MAX];
	xsnprintf(c_code, sizeof(c_code), "%s", code ? code : "sign_in_failed");
	xsnprintf(c_detail, sizeof(c_detail), "%s", detail ? detail : "");
	xsnprintf(c_conn, sizeof(c_conn), "%s", conn_id ? conn_id : "");
	xsnprintf(c_org, sizeof(c_org), "%s", org_id ? org_id : "");
	xsnprintf(c_req, sizeof(c_req), "%s", request_id ? request_id : "");
	struct diag_op op = { .conn_id = conn_id ? c_conn : NULL,
		              .org_id = org_id ? c_org : NULL,
		              .code = c_code,
		              .detail = c_detail,
		              .request_id = request_id ? c_req : NULL };
	code = c_code;
	detail = c_detail;
	conn_id = op.conn_id;
	struct error_state saved = *error_get();
	if (db_tx(a->db, DB_TX_WRITE, failure_tx, &op))
		log_error("cannot record a sign-in failure", "code=%s err=\"%s\"", code,
		          error_get()->detail);
	error_restore(&saved);
	log_warn("sign-in failed", "connection=%s code=%s detail=\"%s\"", conn_id ? conn_id : "-",
	         code, detail);
}

static int failures_tx(struct db_conn *c, void *payload)
{
	struct diag_op *op = payload;
	return store_sign_in_failure_list(c, op->conn_id, op->org_id, op->page->starting_after,
	                                  op->page->limit, op->items, op->count, op->total);
}

int app_sign_in_failure_list(struct app *a, const char *conn_id, const char *org_id,
                             const struct page *p, struct sign_in_failure **items, size_t *count,
                             int64_t *total)
{
	struct diag_op op = { .conn_id = conn_id,
		              .org_id = org_id,
		              .page = p,
		              .items = items,
		              .count = count,
		              .total = total };
	return app_read(a, failures_tx, &op);
}

json_t *app_sign_in_failure_to_json(const struct sign_in_failure *f)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("sign_in_failure"));
	json_object_set_new(j, "id", json_string(f->id));
	model_json_str(j, "connection_id", f->connection_id);
	model_json_str(j, "organization_id", f->org_id);
	json_object_set_new(j, "code", json_string(f->code));
	json_object_set_new(j, "detail", json_string(f->detail));
	model_json_str(j, "request_id", f->request_id);
	model_json_time(j, "created_at", f->created_at);
	return j;
}
