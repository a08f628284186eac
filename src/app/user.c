/* SPDX-License-Identifier: Apache-2.0 */
/* User use cases (see user.h). */
#include "base/common.h"

#include "app/user.h"

#include "app/audit.h"
#include "app/membership.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/membership.h"
#include "store/session.h"
#include "store/user.h"

struct user_op {
	const struct actor *who;
	const char *id;
	const struct user_input *in;
	struct user *out;
	const struct user_filter *filter;
	const struct page *page;
	struct user **items;
	size_t *count;
	int64_t *total;
};

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct user *u)
{
	json_t *j = user_to_json(u);
	char *data = model_json_text(j);
	json_decref(j);
	/* the actions are the webhook event types */
	struct change ch = { who, action, "user", u->id, NULL, data, action };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

/* Emails and usernames are unique per instance, compared case-insensitively. */
static int check_unique(struct db_conn *c, const struct user *u)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < u->nemails; i++)
		rc = store_user_check_email(c, u->emails[i].norm, u->id);
	if (rc == 0 && u->username) {
		char *norm = user_username_norm(u->username);
		rc = store_user_check_username(c, norm, u->id);
		free(norm);
	}
	return rc;
}

static int record_session_revoked(struct db_conn *c, const struct actor *who, const char *sess,
                                  const char *user_id, const char *reason, int64_t now)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("session"));
	json_object_set_new(j, "id", json_string(sess));
	json_object_set_new(j, "user_id", json_string(user_id));
	json_object_set_new(j, "status", json_string("revoked"));
	json_object_set_new(j, "reason", json_string(reason));
	model_json_time(j, "revoked_at", now);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = {
		who, "session.revoked", "session", sess, NULL, data, "session.revoked"
	};
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

/* PRODUCT.md "Session": deactivation (and deletion) revokes every session at once. */
static int revoke_sessions(struct db_conn *c, const struct actor *who, const char *user_id,
                           const char *reason)
{
	char **ids = NULL;
	size_t n = 0;
	int64_t now = clock_now();
	int rc = store_session_revoke_user(c, user_id, now, &ids, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = record_session_revoked(c, who, ids[i], user_id, reason, now);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/*
 * Hook for Directory Sync: while a SCIM directory provisions a user, the
 * attributes it manages (names, emails, status, custom attributes) refuse
 * edits here with 409 directory_managed (API.md). Nothing links a user to a
 * directory yet, so there is nothing to refuse until SCIM lands.
 */
static int directory_guard(struct db_conn *c, const struct user *u, const struct user_input *in)
{
	(void)c;
	(void)u;
	(void)in;
	return 0;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	struct user *u = op->out;
	user_release(u);
	id_new(u->id, "user");
	u->public_metadata = xstrdup("{}");
	u->private_metadata = xstrdup("{}");
	u->created_at = u->updated_at = clock_now();
	int rc = user_apply(u, op->in);
	if (rc == 0)
		rc = check_unique(c, u);
	if (rc == 0)
		rc = store_user_insert(c, u);
	if (rc == 0)
		rc = record(c, op->who, "user.created", u);
	return rc;
}

int app_user_create(struct app *a, const struct actor *who, const struct user_input *in,
                    struct user *out)
{
	struct user_op op = { .who = who, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, create_tx, &op);
	if (rc)
		user_release(out);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	struct user *u = op->out;
	user_release(u);
	int rc = store_user_get(c, op->id, u);
	if (rc)
		return rc;
	bool was_active = u->status == USER_ACTIVE;
	rc = directory_guard(c, u, op->in);
	if (rc == 0)
		rc = user_apply(u, op->in);
	if (rc == 0)
		rc = check_unique(c, u);
	if (rc == 0) {
		u->updated_at = clock_now();
		rc = store_user_update(c, u, op->in->has_emails || op->in->has_primary_email);
	}
	if (rc == 0)
		rc = record(c, op->who, "user.updated", u);
	if (rc == 0 && was_active && u->status == USER_DEACTIVATED)
		rc = revoke_sessions(c, op->who, u->id, "user_deactivated");
	return rc;
}

int app_user_update(struct app *a, const struct actor *who, const char *id,
                    const struct user_input *in, struct user *out)
{
	struct user_op op = { .who = who, .id = id, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		user_release(out);
	return rc;
}

/* The memberships go with the user (ON DELETE CASCADE); each gets its event first. */
static int record_memberships_deleted(struct db_conn *c, const struct actor *who,
                                      const char *user_id)
{
	struct membership *items = NULL;
	size_t n = 0;
	int rc = store_membership_all_of_user(c, user_id, &items, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = app_membership_record(c, who, "organization_membership.deleted", &items[i]);
	for (size_t i = 0; i < n; i++)
		membership_release(&items[i]);
	free(items);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	struct user u = { 0 };
	int rc = store_user_get(c, op->id, &u);
	if (rc == 0)
		rc = record_memberships_deleted(c, op->who, u.id);
	if (rc == 0)
		rc = revoke_sessions(c, op->who, u.id, "user_deleted");
	if (rc == 0)
		rc = record(c, op->who, "user.deleted", &u);
	if (rc == 0)
		rc = store_user_delete(c, u.id);
	user_release(&u);
	return rc;
}

int app_user_delete(struct app *a, const struct actor *who, const char *id)
{
	struct user_op op = { .who = who, .id = id };
	return app_write(a, delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	user_release(op->out);
	return store_user_get(c, op->id, op->out);
}

int app_user_get(struct app *a, const char *id, struct user *out)
{
	struct user_op op = { .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, get_tx, &op);
	if (rc)
		user_release(out);
	return rc;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	return store_user_list(c, op->filter, op->page->starting_after, op->page->limit, op->items,
	                       op->count, op->total);
}

int app_user_list(struct app *a, const struct user_filter *f, const struct page *p,
                  struct user **items, size_t *count, int64_t *total)
{
	struct user_op op = {
		.filter = f, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, list_tx, &op);
}

int app_user_record(struct db_conn *c, const struct actor *who, const char *action,
		    const struct user *u)
{
	return record(c, who, action, u);
}
