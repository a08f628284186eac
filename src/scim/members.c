/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group membership operations taken out of a PATCH (see patch.h): every shape
 * the IdPs send for "members" becomes an ordered list of add / remove /
 * remove-all by member id, so a group of any size changes without its member
 * list being loaded.
 */
#include "base/common.h"

#include "base/error.h"
#include "scim/patch.h"

#include <strings.h>

#define MEMBERS_MAX_IDS 100000

static struct directory_member_op *push(struct directory_member_ops *m,
                                        enum directory_member_kind kind)
{
	m->ops = xrealloc(m->ops, (m->nops + 1) * sizeof(*m->ops));
	struct directory_member_op *o = &m->ops[m->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

static int add_id(struct directory_member_ops *m, struct directory_member_op *o, const char *id)
{
	if (!*id || strlen(id) > 200)
		return error_setc(ERR_INVALID, "invalidValue", "a member value must be an id");
	if (++m->total_ids > MEMBERS_MAX_IDS)
		return error_setc(ERR_INVALID, "tooMany", "at most %d member ids per request",
		                  MEMBERS_MAX_IDS);
	o->ids = xrealloc(o->ids, (o->nids + 1) * sizeof(char *));
	o->ids[o->nids++] = xstrdup(id);
	return 0;
}

/* One member: {"value": "id", "type": "User"} (a bare id string is accepted). */
static int member_id(struct directory_member_ops *m, struct directory_member_op *o, json_t *v)
{
	if (json_is_string(v))
		return add_id(m, o, json_string_value(v));
	json_t *id = json_is_object(v) ? scim_json_get(v, "value") : NULL;
	json_t *type = json_is_object(v) ? scim_json_get(v, "type") : NULL;
	if (!json_is_string(id))
		return error_setc(ERR_INVALID, "invalidValue",
		                  "each member needs \"value\": the id of a user");
	if (json_is_string(type) && strcasecmp(json_string_value(type), "User") != 0)
		return error_setc(
		        ERR_INVALID, "invalidValue",
		        "member %.100s has type %.40s: only users can be members (nested groups are not supported)",
		        json_string_value(id), json_string_value(type));
	return add_id(m, o, json_string_value(id));
}

static int member_list(struct directory_member_ops *m, enum directory_member_kind kind, json_t *v)
{
	struct directory_member_op *o = push(m, kind);
	if (!json_is_array(v))
		return member_id(m, o, v);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		int rc = member_id(m, o, e);
		if (rc)
			return rc;
	}
	return 0;
}

int scim_members_from_value(struct directory_member_ops *out, json_t *members)
{
	if (!members || json_is_null(members))
		return 0;
	if (!json_is_array(members))
		return error_setc(ERR_INVALID, "invalidValue", "members must be an array");
	return member_list(out, DIRECTORY_MEMBERS_ADD, members);
}

/* members[value eq "a" or value eq "b"] → ids; false for any other filter. */
static bool filter_ids(struct directory_member_ops *m, struct directory_member_op *o,
                       const struct scim_filter *f, int *rc)
{
	if (f->kind == SCIM_NODE_OR || f->kind == SCIM_NODE_AND) {
		/* "and" only with type eq "User" (which every member is) */
		if (f->kind == SCIM_NODE_AND) {
			const struct scim_filter *t =
			        f->left->kind == SCIM_NODE_CMP &&
			                        strcasecmp(f->left->path.name, "type") == 0
			                ? f->left
			                : f->right;
			const struct scim_filter *rest = t == f->left ? f->right : f->left;
			bool user = t->kind == SCIM_NODE_CMP && t->op == SCIM_EQ &&
			            strcasecmp(t->path.name, "type") == 0 &&
			            t->value.kind == SCIM_VAL_STRING &&
			            strcasecmp(t->value.str, "User") == 0;
			return user && filter_ids(m, o, rest, rc);
		}
		return filter_ids(m, o, f->left, rc) && filter_ids(m, o, f->right, rc);
	}
	if (f->kind != SCIM_NODE_CMP || f->op != SCIM_EQ || f->path.sub ||
	    strcasecmp(f->path.name, "value") != 0 || f->value.kind != SCIM_VAL_STRING)
		return false;
	if (*rc == 0)
		*rc = add_id(m, o, f->value.str);
	return true;
}

static bool names_members(const struct scim_path *p)
{
	return p && p->attr.name && !p->attr.sub &&
	       (!p->attr.urn ||
	        strcasecmp(p->attr.urn, "urn:ietf:params:scim:schemas:core:2.0:Group") == 0) &&
	       strcasecmp(p->attr.name, "members") == 0;
}

static int take_pathed(struct directory_member_ops *m, const struct scim_patch_op *o)
{
	if (o->path->filter) {
		if (o->op != SCIM_PATCH_REMOVE || o->path->filter_sub)
			return error_setc(ERR_INVALID, "invalidPath",
			                  "members[...] is only supported with remove");
		int rc = 0;
		struct directory_member_op *r = push(m, DIRECTORY_MEMBERS_REMOVE);
		if (!filter_ids(m, r, o->path->filter, &rc))
			return error_setc(
			        ERR_INVALID, "invalidFilter",
			        "members can be selected by value eq \"id\" (joined by or)");
		return rc;
	}
	if (o->op == SCIM_PATCH_REMOVE) {
		if (!o->value || json_is_null(o->value)) {
			push(m, DIRECTORY_MEMBERS_REMOVE_ALL);
			return 0;
		}
		return member_list(m, DIRECTORY_MEMBERS_REMOVE, o->value);
	}
	if (o->op == SCIM_PATCH_REPLACE)
		push(m, DIRECTORY_MEMBERS_REMOVE_ALL);
	return member_list(m, DIRECTORY_MEMBERS_ADD, o->value);
}

/* A path-less add/replace: its "members" key moves out; the rest stays in the op. */
static int take_pathless(struct directory_member_ops *m, struct scim_patch_op *o, bool *empty)
{
	const char *key = scim_json_key(o->value, "members");
	*empty = false;
	if (!key)
		return 0;
	json_t *members = json_incref(json_object_get(o->value, key));
	json_t *rest = json_deep_copy(o->value);
	json_object_del(rest, key);
	json_decref(o->value);
	o->value = rest;
	*empty = json_object_size(rest) == 0;
	int rc = 0;
	if (o->op == SCIM_PATCH_REPLACE)
		push(m, DIRECTORY_MEMBERS_REMOVE_ALL);
	if (!json_is_null(members))
		rc = member_list(m, DIRECTORY_MEMBERS_ADD, members);
	json_decref(members);
	return rc;
}

int scim_patch_take_members(struct scim_patch *p, struct directory_member_ops *out)
{
	memset(out, 0, sizeof(*out));
	size_t keep = 0;
	int rc = 0;
	for (size_t i = 0; i < p->nops; i++) {
		struct scim_patch_op *o = &p->ops[i];
		bool gone = false;
		if (rc == 0 && names_members(o->path)) {
			rc = take_pathed(out, o);
			gone = true;
		} else if (rc == 0 && !o->path && o->op != SCIM_PATCH_REMOVE &&
		           json_is_object(o->value)) {
			rc = take_pathless(out, o, &gone);
		}
		if (gone) {
			scim_path_free(o->path);
			json_decref(o->value);
		} else {
			p->ops[keep++] = *o;
		}
	}
	p->nops = keep;
	if (rc)
		directory_member_ops_release(out);
	return rc;
}
