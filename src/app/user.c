/* SPDX-License-Identifier: Apache-2.0 */
/* User use cases (see user.h). */
#include "base/common.h"

#include "app/user.h"

#include "app/audit.h"
#include "app/membership.h"
#include "app/session.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/connection.h"
#include "store/directory.h"
#include "store/membership.h"
#include "store/session.h"
#include "store/user.h"

static bool same_text(const char *a, const char *b)
{
	/* an empty string clears a field, as NULL does */
	return strcmp(a ? a : "", b ? b : "") == 0;
}

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
	char *json; /* create, update: the event's data, kept for the reply */
};

char *app_user_data(const struct user *u)
{
	json_t *j = user_to_json(u);
	char *data = model_json_text(j);
	json_decref(j);
	return data;
}

/* json_out (may be NULL) takes the data text when rc is 0. */
static int record_json(struct db_conn *c, const struct actor *who, const char *action,
                       const struct user *u, char **json_out)
{
	char *data = app_user_data(u);
	/* the actions are the webhook event types */
	struct change ch = { who, action, "user", u->id, NULL, data, action };
	int rc = app_audit_change(c, &ch);
	if (rc == 0 && json_out)
		*json_out = data;
	else
		free(data);
	return rc;
}

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct user *u)
{
	return record_json(c, who, action, u, NULL);
}

/* The op's kept JSON to the caller (or freed), after the transaction. */
static void take_json(struct user_op *op, int rc, char **json_out)
{
	if (rc == 0 && json_out)
		*json_out = op->json;
	else
		free(op->json);
	op->json = NULL;
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

/* A field a directory manages, changed by this input: its name, or NULL. */
static const char *managed_change(const struct user *u, const struct user_input *in)
{
	if (in->has_first_name && !same_text(u->first_name, in->first_name))
		return "first_name";
	if (in->has_last_name && !same_text(u->last_name, in->last_name))
		return "last_name";
	if (in->has_external_id && !same_text(u->external_id, in->external_id))
		return "external_id";
	if (in->has_status && in->status != u->status)
		return "status";
	if (in->has_emails)
		return "email_addresses";
	if (in->has_primary_email)
		return "primary_email";
	return NULL;
}

/* The public_metadata keys a directory's custom attributes write that this input changes. */
static int managed_metadata(struct db_conn *c, const char *conn_id, const struct user *u,
                            const struct user_input *in, const char **key_out)
{
	struct custom_attribute *attrs = NULL;
	size_t n = 0;
	*key_out = NULL;
	if (!in->has_public_metadata)
		return 0;
	int rc = store_attribute_list(c, conn_id, &attrs, &n);
	json_t *before = json_loads(u->public_metadata ? u->public_metadata : "{}", 0, NULL);
	json_t *after = json_loads(in->public_metadata ? in->public_metadata : "{}", 0, NULL);
	static _Thread_local char key[128];
	for (size_t i = 0; rc == 0 && i < n && !*key_out; i++) {
		if (!attrs[i].scim_attribute)
			continue;
		json_t *b = json_object_get(before, attrs[i].key);
		json_t *a = json_object_get(after, attrs[i].key);
		if (!(a == b || (a && b && json_equal(a, b)))) {
			xsnprintf(key, sizeof(key), "public_metadata.%s", attrs[i].key);
			*key_out = key;
		}
	}
	json_decref(before);
	json_decref(after);
	for (size_t i = 0; i < n; i++)
		custom_attribute_release(&attrs[i]);
	free(attrs);
	return rc;
}

/*
 * PRODUCT.md "Directory (SCIM)": while a directory that is on provisions the
 * user, SCIM is the only source of what it manages — names, email addresses,
 * external id, status, and the custom attributes its mappings write — so
 * edits here are refused with 409 directory_managed (API.md).
 */
static int directory_guard(struct db_conn *c, const struct user *u, const struct user_input *in)
{
	char conn[ID_MAX];
	int rc = store_directory_user_managed(c, u->id, conn);
	if (rc != 1)
		return rc;
	const char *field = managed_change(u, in);
	rc = field ? 0 : managed_metadata(c, conn, u, in, &field);
	if (rc || !field)
		return rc;
	error_setc(ERR_CONFLICT, "directory_managed",
	           "%s of user %s is managed by the Directory Sync of connection %s; change it "
	           "in the IdP",
	           field, u->id, conn);
	error_add_field(field, "directory_managed");
	return ERR_CONFLICT;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	struct user *u = op->out;
	user_release(u);
	free(op->json); /* a rerun (retry) records again */
	op->json = NULL;
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
		rc = record_json(c, op->who, "user.created", u, &op->json);
	return rc;
}

int app_user_create(struct app *a, const struct actor *who, const struct user_input *in,
                    struct user *out, char **json_out)
{
	struct user_op op = { .who = who, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	if (json_out)
		*json_out = NULL;
	/* its rules (emails and username unused) are the unique constraints' */
	int rc = app_write_unique(a, create_tx, &op);
	take_json(&op, rc, json_out);
	if (rc)
		user_release(out);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct user_op *op = payload;
	struct user *u = op->out;
	user_release(u);
	free(op->json);
	op->json = NULL;
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
		rc = record_json(c, op->who, "user.updated", u, &op->json);
	if (rc == 0 && was_active && u->status == USER_DEACTIVATED)
		rc = app_session_revoke_all_tx(c, op->who, u->id, APP_SESSION_REVOKED_DEACTIVATED);
	return rc;
}

int app_user_update(struct app *a, const struct actor *who, const char *id,
                    const struct user_input *in, struct user *out, char **json_out)
{
	struct user_op op = { .who = who, .id = id, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	if (json_out)
		*json_out = NULL;
	int rc = app_write(a, update_tx, &op);
	take_json(&op, rc, json_out);
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
		rc = app_session_revoke_all_tx(c, op->who, u.id, APP_SESSION_REVOKED_DELETED);
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

int app_user_record_data(struct db_conn *c, const struct actor *who, const char *action,
                         const struct user *u, const char *data)
{
	if (!data)
		return record(c, who, action, u);
	struct change ch = { who, action, "user", u->id, NULL, data, action };
	return app_audit_change(c, &ch);
}
