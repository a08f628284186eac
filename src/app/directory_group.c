/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM Groups and their members (see directory_group.h). */
#include "base/common.h"

#include "app/directory_group.h"

#include "app/audit.h"
#include "app/directory_role.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/directory.h"

/* At most this many member ids are listed in a directory_sync.group.* event. */
#define EVENT_MAX_IDS 1000

struct dg_op {
	const struct scim_principal *p;
	const struct directory_group_codec *codec;
	const struct directory_member_ops *members;
	const char *id;
	int64_t if_match;
	bool with_members;
	struct directory_group *out;
	struct directory_group_item *item;
	struct scim_effects *fx;
	const struct directory_group_query *q;
	struct directory_group_item **items;
	size_t *count;
	int64_t *total;
};

/* What a membership change touched: ids for role resolution and for the event. */
struct touched {
	char (*ids)[ID_MAX];
	size_t n;
	bool overflow; /* more than can be resolved in the request */
	json_t *added, *removed;
};

static void touched_release(struct touched *t)
{
	free(t->ids);
	json_decref(t->added);
	json_decref(t->removed);
	memset(t, 0, sizeof(*t));
}

static void touch(struct touched *t, const char *id, bool track)
{
	if (!track || t->overflow)
		return;
	if (t->n >= APP_DIRECTORY_INLINE_MAX) {
		t->overflow = true;
		return;
	}
	t->ids = xrealloc(t->ids, (t->n + 1) * ID_MAX);
	xsnprintf(t->ids[t->n++], ID_MAX, "%s", id);
}

static void note(json_t *list, const char *id)
{
	if (json_array_size(list) < EVENT_MAX_IDS)
		json_array_append_new(list, json_string(id));
}

/* Every member goes; a mapped group's members are collected first (or the job takes over). */
static int remove_all(struct db_conn *c, const struct directory_group *g, bool mapped,
                      struct touched *t, struct scim_effects *fx)
{
	if (mapped && g->member_count + (int64_t)t->n <= APP_DIRECTORY_INLINE_MAX) {
		char(*ids)[ID_MAX] = NULL;
		size_t n = 0;
		int rc = store_directory_member_ids(c, g->id, NULL, APP_DIRECTORY_INLINE_MAX + 1,
		                                    &ids, &n);
		for (size_t i = 0; rc == 0 && i < n; i++)
			touch(t, ids[i], true);
		free(ids);
		if (rc)
			return rc;
	} else if (mapped) {
		t->overflow = true;
	}
	int64_t removed = store_directory_member_remove_all(c, g->id);
	if (removed < 0)
		return (int)removed;
	fx->members_removed += removed;
	json_array_append_new(t->removed, json_string("*"));
	return 0;
}

static int apply_members(struct db_conn *c, const struct directory_group *g,
                         const struct directory_member_ops *ops, bool mapped, struct touched *t,
                         struct scim_effects *fx)
{
	int64_t before = fx->members_added - fx->members_removed;
	int rc = 0;
	for (size_t i = 0; rc == 0 && ops && i < ops->nops; i++) {
		const struct directory_member_op *o = &ops->ops[i];
		if (o->kind == DIRECTORY_MEMBERS_REMOVE_ALL) {
			rc = remove_all(c, g, mapped, t, fx);
			continue;
		}
		for (size_t k = 0; rc >= 0 && k < o->nids; k++) {
			rc = o->kind == DIRECTORY_MEMBERS_ADD
			             ? store_directory_member_add(c, g->connection_id, g->id,
			                                          o->ids[k])
			             : store_directory_member_remove(c, g->id, o->ids[k]);
			if (rc == 1 && o->kind == DIRECTORY_MEMBERS_ADD) {
				fx->members_added++;
				note(t->added, o->ids[k]);
			} else if (rc == 1) {
				fx->members_removed++;
				note(t->removed, o->ids[k]);
			}
			if (rc == 1)
				touch(t, o->ids[k], mapped);
		}
		rc = rc < 0 ? rc : 0;
	}
	int64_t delta = fx->members_added - fx->members_removed - before;
	if (rc == 0 && delta)
		rc = store_directory_group_adjust(c, g->id, delta);
	return rc;
}

static int record(struct db_conn *c, const struct scim_principal *p, const char *event,
                  const struct directory_group *g, const struct touched *t)
{
	char org_id[ID_MAX];
	char *default_role = NULL;
	const struct actor who = { "scim", p->connection_id };
	int rc = store_directory_org(c, p->connection_id, org_id, &default_role);
	free(default_role);
	if (rc)
		return rc;
	json_t *j = directory_group_to_json(g, org_id);
	if (t && json_array_size(t->added))
		json_object_set(j, "members_added", t->added);
	if (t && json_array_size(t->removed))
		json_object_set(j, "members_removed", t->removed);
	char *data = model_json_text(j);
	json_decref(j);
	/* the actions are the webhook event types */
	struct change ch = { &who, event, "directory_group", g->id, org_id, data, event };
	rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

/* Roles follow group membership (PRODUCT.md): now, or by job for many members. */
static int resolve(struct db_conn *c, const struct scim_principal *p, const struct touched *t,
                   const char *reason, struct scim_effects *fx)
{
	const struct actor who = { "scim", p->connection_id };
	if (t->overflow)
		return app_directory_enqueue_tx(c, p->connection_id, reason, fx->job_id);
	return app_directory_resolve_members_tx(c, &who, p->connection_id, t->ids, t->n, reason,
	                                        fx);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

/* Reads the group back (member_count and version as stored) into op->out. */
static int reload(struct db_conn *c, struct dg_op *op, const char *id)
{
	char gid[ID_MAX];
	xsnprintf(gid, sizeof(gid), "%s", id);
	directory_group_release(op->out);
	return store_directory_group_get(c, op->p->connection_id, gid, op->out);
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct dg_op *op = payload;
	struct directory_group_input in = { 0 };
	struct touched t = { .added = json_array(), .removed = json_array() };
	struct directory_group *g = op->out;
	memset(op->fx, 0, sizeof(*op->fx));
	directory_group_release(g);
	int rc = app_scim_check_tx(c, op->p);
	if (rc == 0)
		rc = op->codec->transform(&in, NULL, op->codec->payload);
	if (rc == 0) {
		id_new(g->id, "grp");
		xsnprintf(g->connection_id, sizeof(g->connection_id), "%s", op->p->connection_id);
		set_str(&g->display_name, in.display_name);
		set_str(&g->external_id, in.external_id);
		set_str(&g->profile, in.profile);
		g->version = 1;
		g->created_at = g->updated_at = clock_now();
		rc = store_directory_group_insert(c, g);
	}
	/* a new group is in no mapping yet: no role changes */
	if (rc == 0)
		rc = apply_members(c, g, op->members, false, &t, op->fx);
	if (rc == 0)
		rc = reload(c, op, g->id);
	if (rc == 0)
		rc = record(c, op->p, "directory_sync.group.created", op->out, &t);
	touched_release(&t);
	directory_group_input_release(&in);
	return rc;
}

int app_directory_group_create(struct app *a, const struct scim_principal *p,
                               const struct directory_group_codec *codec,
                               const struct directory_member_ops *members,
                               struct directory_group *out, struct scim_effects *fx)
{
	struct dg_op op = { .p = p, .codec = codec, .members = members, .out = out, .fx = fx };
	memset(out, 0, sizeof(*out));
	int rc = app_write_keyed(a, app_directory_lock_key(p->connection_id), create_tx, &op);
	if (rc)
		directory_group_release(out);
	return rc;
}

/* A new name, external id and profile from the codec. */
static int transform(const struct dg_op *op, struct directory_group *g)
{
	struct directory_group_input in = { 0 };
	if (!op->codec)
		return 0;
	int rc = op->codec->transform(&in, g->profile, op->codec->payload);
	if (rc == 0) {
		set_str(&g->display_name, in.display_name);
		set_str(&g->external_id, in.external_id);
		set_str(&g->profile, in.profile);
	}
	directory_group_input_release(&in);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct dg_op *op = payload;
	struct touched t = { .added = json_array(), .removed = json_array() };
	struct directory_group *g = op->out;
	memset(op->fx, 0, sizeof(*op->fx));
	directory_group_release(g);
	int rc = app_scim_check_tx(c, op->p);
	if (rc == 0)
		rc = store_directory_group_get(c, op->p->connection_id, op->id, g);
	if (rc == 0)
		rc = app_directory_precondition(op->if_match, g->version);
	int mapped = rc ? rc : store_directory_group_is_mapped(c, g->id);
	if (mapped < 0)
		rc = mapped;
	if (rc == 0)
		rc = transform(op, g);
	if (rc == 0) {
		g->updated_at = clock_now();
		rc = store_directory_group_update(c, g);
	}
	if (rc == 0)
		rc = apply_members(c, g, op->members, mapped == 1, &t, op->fx);
	if (rc == 0)
		rc = reload(c, op, g->id);
	if (rc == 0)
		rc = record(c, op->p, "directory_sync.group.updated", op->out, &t);
	if (rc == 0 && mapped == 1)
		rc = resolve(c, op->p, &t, "group_members_changed", op->fx);
	touched_release(&t);
	return rc;
}

int app_directory_group_update(struct app *a, const struct scim_principal *p, const char *id,
                               int64_t if_match, const struct directory_group_codec *codec,
                               const struct directory_member_ops *members,
                               struct directory_group *out, struct scim_effects *fx)
{
	struct dg_op op = { .p = p,
		            .codec = codec,
		            .members = members,
		            .id = id,
		            .if_match = if_match,
		            .out = out,
		            .fx = fx };
	memset(out, 0, sizeof(*out));
	int rc = app_write_keyed(a, app_directory_lock_key(p->connection_id), update_tx, &op);
	if (rc == 0 && fx->job_id[0])
		app_directory_role_wake();
	if (rc)
		directory_group_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct dg_op *op = payload;
	struct directory_group g = { 0 };
	struct touched t = { .added = json_array(), .removed = json_array() };
	memset(op->fx, 0, sizeof(*op->fx));
	int rc = app_scim_check_tx(c, op->p);
	if (rc == 0)
		rc = store_directory_group_get(c, op->p->connection_id, op->id, &g);
	if (rc == 0)
		rc = app_directory_precondition(op->if_match, g.version);
	int mapped = rc ? rc : store_directory_group_is_mapped(c, g.id);
	if (mapped < 0)
		rc = mapped;
	/* the members (and the group's mappings) go with the group: collect them first */
	if (rc == 0)
		rc = remove_all(c, &g, mapped == 1, &t, op->fx);
	if (rc == 0)
		rc = store_directory_group_delete(c, op->p->connection_id, g.id);
	if (rc == 0)
		rc = record(c, op->p, "directory_sync.group.deleted", &g, NULL);
	if (rc == 0 && mapped == 1)
		rc = resolve(c, op->p, &t, "group_deleted", op->fx);
	touched_release(&t);
	directory_group_release(&g);
	return rc;
}

int app_directory_group_delete(struct app *a, const struct scim_principal *p, const char *id,
                               int64_t if_match, struct scim_effects *fx)
{
	struct dg_op op = { .p = p, .id = id, .if_match = if_match, .fx = fx };
	int rc = app_write_keyed(a, app_directory_lock_key(p->connection_id), delete_tx, &op);
	if (rc == 0 && fx->job_id[0])
		app_directory_role_wake();
	return rc;
}

void directory_group_item_release(struct directory_group_item *it)
{
	directory_group_release(&it->group);
	directory_members_free(it->members, it->nmembers);
	memset(it, 0, sizeof(*it));
}

static int load_members(struct db_conn *c, struct directory_group_item *it)
{
	return store_directory_members(c, it->group.id, &it->members, &it->nmembers);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct dg_op *op = payload;
	directory_group_item_release(op->item);
	int rc = app_scim_check_tx(c, op->p);
	if (rc == 0)
		rc = store_directory_group_get(c, op->p->connection_id, op->id, &op->item->group);
	if (rc == 0 && op->with_members)
		rc = load_members(c, op->item);
	return rc;
}

int app_directory_group_get(struct app *a, const struct scim_principal *p, const char *id,
                            bool with_members, struct directory_group_item *out)
{
	struct dg_op op = { .p = p, .id = id, .with_members = with_members, .item = out };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, get_tx, &op);
	if (rc)
		directory_group_item_release(out);
	return rc;
}

#define SCAN_BATCH 200

/* Keeps the item when it matches and falls in the page; returns whether it was kept. */
static bool keep(struct dg_op *op, struct directory_group_item *it, int64_t *matched)
{
	const struct directory_group_query *q = op->q;
	if (q->match && !q->match(it, q->payload))
		return false;
	if (++*matched < q->start_index || (int64_t)*op->count >= q->count)
		return false;
	(*op->items)[(*op->count)++] = *it;
	return true;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct dg_op *op = payload;
	const struct directory_group_query *q = op->q;
	char after[ID_MAX] = "";
	int64_t matched = 0;
	int rc = app_scim_check_tx(c, op->p);
	*op->items = xcalloc((size_t)q->count + 1, sizeof(**op->items));
	while (rc == 0) {
		struct directory_group *v = NULL;
		size_t n = 0;
		rc = store_directory_group_scan(c, op->p->connection_id, q->key, q->value, after,
		                                SCAN_BATCH, &v, &n);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			struct directory_group_item it = { .group = v[i] };
			memset(&v[i], 0, sizeof(v[i]));
			bool need = q->with_members || q->match;
			if (need)
				rc = load_members(c, &it);
			if (rc || !keep(op, &it, &matched))
				directory_group_item_release(&it);
		}
		if (n)
			xsnprintf(after, sizeof(after), "%s", v[n - 1].id);
		for (size_t i = 0; i < n; i++)
			directory_group_release(&v[i]);
		free(v);
		if (n < SCAN_BATCH)
			break;
	}
	*op->total = matched;
	return rc;
}

int app_directory_group_list(struct app *a, const struct scim_principal *p,
                             const struct directory_group_query *q,
                             struct directory_group_item **items, size_t *count, int64_t *total)
{
	struct dg_op op = { .p = p, .q = q, .items = items, .count = count, .total = total };
	*items = NULL;
	*count = 0;
	*total = 0;
	int rc = app_read(a, list_tx, &op);
	if (rc) {
		for (size_t i = 0; *items && i < *count; i++)
			directory_group_item_release(&(*items)[i]);
		free(*items);
		*items = NULL;
		*count = 0;
	}
	return rc;
}
