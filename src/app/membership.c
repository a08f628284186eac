/* SPDX-License-Identifier: Apache-2.0 */
/* Membership use cases (see membership.h). */
#include "base/common.h"

#include "app/membership.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/membership.h"
#include "store/org.h"
#include "store/role.h"
#include "store/user.h"

struct membership_op {
	const struct actor *who;
	const char *org, *user, *role;
	const struct membership_input *in;
	struct membership *out;
	const struct page *page;
	struct membership **items;
	size_t *count;
	int64_t *total;
};

char *app_membership_data(const struct membership *m)
{
	json_t *j = membership_to_json(m);
	char *data = model_json_text(j);
	json_decref(j);
	return data;
}

int app_membership_record_data(struct db_conn *c, const struct actor *who, const char *action,
                               const struct membership *m, const char *data)
{
	char *built = data ? NULL : app_membership_data(m);
	/* the actions are the webhook event types */
	struct change ch = { who,   action,    "organization_membership",
		             m->id, m->org_id, data ? data : built,
		             action };
	int rc = app_audit_change(c, &ch);
	free(built);
	return rc;
}

int app_membership_record(struct db_conn *c, const struct actor *who, const char *action,
                          const struct membership *m)
{
	return app_membership_record_data(c, who, action, m, NULL);
}

static int unknown_role(const char *role)
{
	error_setc(ERR_INVALID, "unknown_role", "%s is not a role", role);
	error_set_status(422);
	error_add_field("role", "unknown_role");
	return ERR_INVALID;
}

/* The rules that can refuse adding u to o, checked before anything is written. */
static int check_can_join(struct db_conn *c, const struct org *o, const struct user *u)
{
	if (u->status == USER_DEACTIVATED)
		return error_setc(ERR_CONFLICT, "user_deactivated",
		                  "user %s is deactivated; reactivate it before adding it", u->id);
	int rc = store_membership_exists(c, o->id, u->id);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return error_setc(ERR_CONFLICT, "already_member",
		                  "user %s is already a member of %s", u->id, o->id);
	if (o->max_memberships > 0 && o->members_count >= o->max_memberships)
		return error_setc(ERR_CONFLICT, "membership_limit_reached",
		                  "organization %s has reached its limit of %lld members", o->id,
		                  (long long)o->max_memberships);
	return 0;
}

static int insert(struct db_conn *c, const struct org *o, const struct user *u,
                  const struct membership_input *in, struct membership *out)
{
	struct membership m = { 0 };
	id_new(m.id, "mem");
	xsnprintf(m.org_id, sizeof(m.org_id), "%s", o->id);
	xsnprintf(m.user_id, sizeof(m.user_id), "%s", u->id);
	/* no role given: the organization's default, and it follows that default */
	m.role = xstrdup(in->has_role ? in->role : o->default_role);
	m.role_source = xstrdup(in->has_role ? ROLE_SOURCE_MANUAL : ROLE_SOURCE_DEFAULT);
	m.created_at = m.updated_at = clock_now();
	int rc = store_membership_insert(c, &m);
	if (rc == 0)
		rc = store_membership_get_by_id(c, m.id, out);
	membership_release(&m);
	return rc;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct membership_op *op = payload;
	struct org o = { 0 };
	struct user u = { 0 };
	membership_release(op->out);
	int rc = store_org_get(c, op->org, &o);
	if (rc == 0)
		rc = store_user_get(c, op->in->user_id, &u);
	if (rc == 0 && op->in->has_role) {
		int known = store_role_exists(c, op->in->role);
		rc = known < 0 ? known : known ? 0 : unknown_role(op->in->role);
	}
	if (rc == 0)
		rc = check_can_join(c, &o, &u);
	if (rc == 0)
		rc = insert(c, &o, &u, op->in, op->out);
	if (rc == 0)
		rc = app_membership_record(c, op->who, "organization_membership.created", op->out);
	org_release(&o);
	user_release(&u);
	return rc;
}

int app_membership_create(struct app *a, const struct actor *who, const char *org,
                          const struct membership_input *in, struct membership *out)
{
	struct membership_op op = { .who = who, .org = org, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, create_tx, &op);
	if (rc)
		membership_release(out);
	return rc;
}

/* Reads the membership of op->user in op->org (404 for another organization's). */
static int load(struct db_conn *c, struct membership_op *op, struct membership *out)
{
	struct org o = { 0 };
	int rc = store_org_get(c, op->org, &o);
	if (rc == 0)
		rc = store_membership_get(c, o.id, op->user, out);
	org_release(&o);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct membership_op *op = payload;
	struct membership *m = op->out;
	membership_release(m);
	int rc = load(c, op, m);
	if (rc)
		return rc;
	/* PRODUCT.md: a role that comes from a group mapping cannot be changed by hand */
	if (strcmp(m->role_source, ROLE_SOURCE_MAPPING) == 0)
		return error_setc(
		        ERR_CONFLICT, "role_managed_by_mapping",
		        "the role of %s comes from a Directory Sync group mapping; change "
		        "the mapping instead",
		        m->user_id);
	int known = store_role_exists(c, op->in->role);
	if (known <= 0)
		return known < 0 ? known : unknown_role(op->in->role);
	char id[ID_MAX];
	xsnprintf(id, sizeof(id), "%s", m->id);
	rc = store_membership_update_role(c, id, op->in->role, ROLE_SOURCE_MANUAL, clock_now());
	membership_release(m);
	if (rc == 0)
		rc = store_membership_get_by_id(c, id, m);
	if (rc == 0)
		rc = app_membership_record(c, op->who, "organization_membership.updated", m);
	return rc;
}

int app_membership_update(struct app *a, const struct actor *who, const char *org, const char *user,
                          const struct membership_input *in, struct membership *out)
{
	struct membership_op op = { .who = who, .org = org, .user = user, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		membership_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct membership_op *op = payload;
	membership_release(op->out);
	int rc = load(c, op, op->out);
	if (rc == 0)
		rc = app_membership_record(c, op->who, "organization_membership.deleted", op->out);
	if (rc == 0)
		rc = store_membership_delete(c, op->out->id);
	return rc;
}

int app_membership_delete(struct app *a, const struct actor *who, const char *org, const char *user,
                          struct membership *out)
{
	struct membership_op op = { .who = who, .org = org, .user = user, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, delete_tx, &op);
	if (rc)
		membership_release(out);
	return rc;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct membership_op *op = payload;
	struct org o = { 0 };
	int rc = store_org_get(c, op->org, &o);
	if (rc == 0)
		rc = store_membership_list_org(c, o.id, op->role, op->page->starting_after,
		                               op->page->limit, op->items, op->count, op->total);
	org_release(&o);
	return rc;
}

int app_membership_list(struct app *a, const char *org, const char *role, const struct page *p,
                        struct membership **items, size_t *count, int64_t *total)
{
	struct membership_op op = {
		.org = org, .role = role, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, list_tx, &op);
}

static int list_user_tx(struct db_conn *c, void *payload)
{
	struct membership_op *op = payload;
	struct user u = { 0 };
	int rc = store_user_get(c, op->user, &u);
	if (rc == 0)
		rc = store_membership_list_user(c, u.id, op->page->starting_after, op->page->limit,
		                                op->items, op->count, op->total);
	user_release(&u);
	return rc;
}

int app_membership_list_user(struct app *a, const char *user_id, const struct page *p,
                             struct membership **items, size_t *count, int64_t *total)
{
	struct membership_op op = {
		.user = user_id, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, list_user_tx, &op);
}
