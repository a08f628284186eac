/* SPDX-License-Identifier: Apache-2.0 */
/* Organization use cases (see org.h). */
#include "base/common.h"

#include "app/org.h"

#include "app/audit.h"
#include "app/membership.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/membership.h"
#include "store/org.h"
#include "store/role.h"

struct org_op {
	const struct actor *who;
	const char *key;
	const struct org_input *in;
	struct org *out;
	const struct page *page;
	const char *query;
	struct org **items;
	size_t *count;
	int64_t *total;
};

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct org *o)
{
	json_t *j = org_to_json(o);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "organization", o->id, o->id, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

/* Applies the input's fields to o (strings copied), checking cross-row rules. */
static int apply(struct db_conn *c, struct org *o, const struct org_input *in)
{
	if (in->has_name) {
		free(o->name);
		o->name = xstrdup(in->name);
	}
	if (in->has_slug) {
		free(o->slug);
		o->slug = xstrdup(in->slug);
	}
	if (in->has_default_role) {
		int known = store_role_exists(c, in->default_role);
		if (known < 0)
			return known;
		if (!known) {
			error_setc(ERR_INVALID, "unknown_role", "default_role %s is not a role",
			           in->default_role);
			error_set_status(422);
			error_add_field("default_role", "unknown_role");
			return ERR_INVALID;
		}
		free(o->default_role);
		o->default_role = xstrdup(in->default_role);
	}
	if (in->has_self_serve_sso)
		o->self_serve_sso = in->self_serve_sso;
	if (in->has_max_memberships)
		o->max_memberships = in->max_memberships;
	if (in->has_public_metadata) {
		free(o->public_metadata);
		o->public_metadata = xstrdup(in->public_metadata ? in->public_metadata : "{}");
	}
	if (in->has_private_metadata) {
		free(o->private_metadata);
		o->private_metadata = xstrdup(in->private_metadata ? in->private_metadata : "{}");
	}
	int taken = store_org_slug_taken(c, o->slug, o->id);
	if (taken < 0)
		return taken;
	if (taken)
		return error_setc(ERR_CONFLICT, "slug_taken",
		                  "the slug %s is already used by another organization", o->slug);
	return 0;
}

/*
 * Calls fn for every membership of the organization, a page at a time (inside
 * the caller's transaction), so each gets its own event.
 */
static int each_membership(struct db_conn *c, const char *org_id, const struct actor *who,
                           int (*fn)(struct db_conn *, const struct actor *, struct membership *,
                                     void *),
                           void *payload)
{
	char after[ID_MAX] = "";
	for (;;) {
		struct membership *items = NULL;
		size_t n = 0;
		int64_t total = 0;
		int rc = store_membership_list_org(c, org_id, NULL, after[0] ? after : NULL, 200,
		                                   &items, &n, &total);
		for (size_t i = 0; i < n; i++) {
			if (rc == 0)
				rc = fn(c, who, &items[i], payload);
			xsnprintf(after, sizeof(after), "%s", items[i].id);
			membership_release(&items[i]);
		}
		free(items);
		if (rc || n < 200)
			return rc;
	}
}

static int emit_deleted(struct db_conn *c, const struct actor *who, struct membership *m,
                        void *payload)
{
	(void)payload;
	return app_membership_record(c, who, "organization_membership.deleted", m);
}

/* Members whose role is the organization's default follow a new default. */
static int follow_default(struct db_conn *c, const struct actor *who, struct membership *m,
                          void *payload)
{
	const char *role = payload;
	if (strcmp(m->role_source, ROLE_SOURCE_DEFAULT) != 0 || strcmp(m->role, role) == 0)
		return 0;
	int rc = store_membership_update_role(c, m->id, role, ROLE_SOURCE_DEFAULT, clock_now());
	struct membership now = { 0 };
	if (rc == 0)
		rc = store_membership_get_by_id(c, m->id, &now);
	if (rc == 0)
		rc = app_membership_record(c, who, "organization_membership.updated", &now);
	membership_release(&now);
	return rc;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct org_op *op = payload;
	struct org *o = op->out;
	org_release(o);
	id_new(o->id, "org");
	o->name = xstrdup("");
	o->slug = op->in->has_slug ? xstrdup(op->in->slug) : model_slug_from_name(op->in->name);
	if (!*o->slug) {
		free(o->slug);
		o->slug = xasprintf("org-%s", o->id + 4 + 16);
	}
	o->default_role = xstrdup(ROLE_MEMBER);
	o->public_metadata = xstrdup("{}");
	o->private_metadata = xstrdup("{}");
	o->created_at = o->updated_at = clock_now();
	struct org_input in = *op->in;
	in.has_slug = false; /* already applied */
	int rc = apply(c, o, &in);
	if (rc == 0)
		rc = store_org_insert(c, o);
	if (rc == 0)
		rc = record(c, op->who, "organization.created", o);
	return rc;
}

int app_org_create(struct app *a, const struct actor *who, const struct org_input *in,
                   struct org *out)
{
	struct org_op op = { .who = who, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, create_tx, &op);
	if (rc)
		org_release(out);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct org_op *op = payload;
	org_release(op->out);
	int rc = store_org_get(c, op->key, op->out);
	if (rc == 0)
		rc = apply(c, op->out, op->in);
	if (rc == 0) {
		op->out->updated_at = clock_now();
		rc = store_org_update(c, op->out);
	}
	if (rc == 0)
		rc = record(c, op->who, "organization.updated", op->out);
	if (rc == 0 && op->in->has_default_role)
		rc = each_membership(c, op->out->id, op->who, follow_default,
		                     op->out->default_role);
	return rc;
}

int app_org_update(struct app *a, const struct actor *who, const char *key,
                   const struct org_input *in, struct org *out)
{
	struct org_op op = { .who = who, .key = key, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		org_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct org_op *op = payload;
	struct org o = { 0 };
	int rc = store_org_get(c, op->key, &o);
	if (rc == 0)
		rc = each_membership(c, o.id, op->who, emit_deleted, NULL);
	if (rc == 0)
		rc = record(c, op->who, "organization.deleted", &o);
	if (rc == 0)
		rc = store_org_delete(c, o.id);
	org_release(&o);
	return rc;
}

int app_org_delete(struct app *a, const struct actor *who, const char *key)
{
	struct org_op op = { .who = who, .key = key };
	return app_write(a, delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct org_op *op = payload;
	org_release(op->out);
	return store_org_get(c, op->key, op->out);
}

int app_org_get(struct app *a, const char *key, struct org *out)
{
	struct org_op op = { .key = key, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct org_op *op = payload;
	return store_org_search(c, op->query, op->page->starting_after, op->page->limit, op->items,
	                        op->count, op->total);
}

int app_org_list(struct app *a, const struct page *p, struct org **items, size_t *count,
                 int64_t *total)
{
	return app_org_search(a, p, NULL, items, count, total);
}

int app_org_search(struct app *a, const struct page *p, const char *query, struct org **items,
                   size_t *count, int64_t *total)
{
	if (query && strlen(query) > APP_ORG_QUERY_MAX) {
		error_setc(ERR_INVALID, "invalid_query", "query is longer than %d characters",
		           APP_ORG_QUERY_MAX);
		error_set_status(422);
		error_add_field("query", "too_long");
		return ERR_INVALID;
	}
	struct org_op op = {
		.page = p, .query = query, .items = items, .count = count, .total = total
	};
	return app_read(a, list_tx, &op);
}
