/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions (see session.h). */
#include "base/common.h"

#include "app/session.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "model/model.h"

json_t *app_session_to_json(const struct session *s)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("session"));
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "user_id", json_string(s->user_id));
	model_json_str(j, "organization_id", s->org_id);
	model_json_str(j, "client_id", s->client_id);
	json_object_set_new(j, "status", json_string(s->status));
	model_json_time(j, "created_at", s->created_at);
	model_json_time(j, "last_active_at", s->last_active_at);
	model_json_time(j, "expire_at", s->expires_at);
	model_json_time(j, "revoked_at", s->revoked_at);
	return j;
}

struct sess_op {
	const struct actor *who;
	const char *id, *user_id, *status;
	const struct page *page;
	struct session *out;
	struct session **items;
	size_t *count;
	int64_t *total;
};

static int get_tx(struct db_conn *c, void *payload)
{
	struct sess_op *op = payload;
	session_release(op->out);
	return store_session_get(c, op->id, clock_now(), op->out);
}

int app_session_get(struct app *a, const char *id, struct session *out)
{
	struct sess_op op = { .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct sess_op *op = payload;
	return store_session_list(c, op->user_id, op->status, op->page->starting_after,
	                          op->page->limit, clock_now(), op->items, op->count, op->total);
}

int app_session_list(struct app *a, const char *user_id, const char *status, const struct page *p,
                     struct session **items, size_t *count, int64_t *total)
{
	struct sess_op op = { .user_id = user_id,
		              .status = status,
		              .page = p,
		              .items = items,
		              .count = count,
		              .total = total };
	return app_read(a, list_tx, &op);
}

/* Revokes one session and records it; s is filled with the revoked session. */
int app_session_revoke_tx(struct db_conn *c, const struct actor *who, const char *id,
                          const char *reason, struct session *s)
{
	int64_t now = clock_now();
	int rc = store_session_revoke(c, id, now);
	if (rc == 0) {
		session_release(s);
		rc = store_session_get(c, id, now, s);
	}
	if (rc)
		return rc;
	json_t *j = app_session_to_json(s);
	json_object_set_new(j, "reason", json_string(reason));
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who,  "session.revoked", "session", s->id, s->org_id,
		             data, "session.revoked" };
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static int revoke_tx(struct db_conn *c, void *payload)
{
	struct sess_op *op = payload;
	struct session cur = { 0 };
	int rc = store_session_get(c, op->id, clock_now(), &cur);
	if (rc == 0 && strcmp(cur.status, "active") != 0)
		rc = error_setc(ERR_CONFLICT, "session_not_active", "session %s is %s", op->id,
		                cur.status);
	session_release(&cur);
	return rc ? rc
	          : app_session_revoke_tx(c, op->who, op->id, APP_SESSION_REVOKED_API, op->out);
}

int app_session_revoke(struct app *a, const struct actor *who, const char *id, struct session *out)
{
	struct sess_op op = { .who = who, .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, revoke_tx, &op);
	if (rc)
		session_release(out);
	return rc;
}

int app_session_revoke_all_tx(struct db_conn *c, const struct actor *who, const char *user_id,
                              const char *reason)
{
	char(*ids)[ID_MAX] = NULL;
	size_t n = 0;
	int rc = store_session_active_ids(c, user_id, clock_now(), &ids, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct session s = { 0 };
		rc = app_session_revoke_tx(c, who, ids[i], reason, &s);
		session_release(&s);
	}
	free(ids);
	return rc;
}
