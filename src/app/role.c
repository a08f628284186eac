/* SPDX-License-Identifier: Apache-2.0 */
/* Role and permission use cases (see role.h). */
#include "base/common.h"

#include "app/role.h"

#include "app/audit.h"
#include "app/directory_role.h"
#include "app/membership.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/membership.h"
#include "store/role.h"

struct role_op {
	const struct actor *who;
	const char *key;
	const struct role_input *in;
	struct role *out;
	int64_t reassigned;
	struct role *customs; /* list: every custom role */
	size_t ncustoms;
};

/* Roles are instance configuration: audited, but no webhook event names them. */
static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct role *r)
{
	json_t *j = role_to_json(r);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "role", r->id, NULL, data, NULL };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static int refuse_builtin(const char *key)
{
	return error_setc(ERR_CONFLICT, "builtin_role",
	                  "%s is a built-in role and cannot be changed or deleted", key);
}

static void set_permissions(struct role *r, const struct role_input *in)
{
	for (size_t i = 0; i < r->npermissions; i++)
		free(r->permissions[i]);
	free(r->permissions);
	r->permissions = xcalloc(in->npermissions + 1, sizeof(char *));
	for (size_t i = 0; i < in->npermissions; i++)
		r->permissions[i] = xstrdup(in->permissions[i]);
	r->npermissions = in->npermissions;
}

static void apply(struct role *r, const struct role_input *in)
{
	if (in->has_name) {
		free(r->name);
		r->name = xstrdup(in->name);
	}
	if (in->has_description) {
		free(r->description);
		r->description = xstrdup(in->description ? in->description : "");
	}
	if (in->has_permissions)
		set_permissions(r, in);
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct role_op *op = payload;
	struct role *r = op->out;
	role_release(r);
	int exists = store_role_exists(c, op->in->key);
	if (exists < 0)
		return exists;
	if (exists) {
		error_setc(ERR_CONFLICT, "role_key_taken", "a role with the key %s exists",
		           op->in->key);
		error_add_field("key", "role_key_taken");
		return ERR_CONFLICT;
	}
	id_new(r->id, "role");
	r->key = xstrdup(op->in->key);
	r->description = xstrdup("");
	r->permissions = xcalloc(1, sizeof(char *));
	r->created_at = r->updated_at = clock_now();
	apply(r, op->in);
	int rc = store_role_insert(c, r);
	if (rc == 0)
		rc = record(c, op->who, "role.created", r);
	return rc;
}

int app_role_create(struct app *a, const struct actor *who, const struct role_input *in,
                    struct role *out)
{
	struct role_op op = { .who = who, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, create_tx, &op);
	if (rc)
		role_release(out);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct role_op *op = payload;
	struct role *r = op->out;
	role_release(r);
	if (role_builtin_key(op->key))
		return refuse_builtin(role_builtin_key(op->key));
	int rc = store_role_get(c, op->key, r);
	if (rc)
		return rc;
	apply(r, op->in);
	r->updated_at = clock_now();
	rc = store_role_update(c, r);
	if (rc == 0)
		rc = record(c, op->who, "role.updated", r);
	return rc;
}

int app_role_update(struct app *a, const struct actor *who, const char *key,
                    const struct role_input *in, struct role *out)
{
	struct role_op op = { .who = who, .key = key, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		role_release(out);
	return rc;
}

/*
 * The holders of a deleted role fall back to their organization's default
 * role (PRODUCT.md: "else the org's default role"), one event each.
 */
static int reassign_holders(struct db_conn *c, struct role_op *op, const char *key)
{
	struct membership *items = NULL;
	size_t n = 0;
	int rc = store_membership_all_with_role(c, key, &items, &n);
	int64_t changed = rc ? rc : store_membership_reset_role(c, key, clock_now());
	rc = changed < 0 ? (int)changed : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct membership m = { 0 };
		rc = store_membership_get_by_id(c, items[i].id, &m);
		if (rc == 0)
			rc = app_membership_record(c, op->who, "organization_membership.updated",
			                           &m);
		membership_release(&m);
	}
	for (size_t i = 0; i < n; i++)
		membership_release(&items[i]);
	free(items);
	op->reassigned = rc ? 0 : (int64_t)n;
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct role_op *op = payload;
	struct role *r = op->out;
	char org_id[ID_MAX];
	role_release(r);
	if (role_builtin_key(op->key))
		return refuse_builtin(role_builtin_key(op->key));
	int rc = store_role_get(c, op->key, r);
	if (rc == 0) {
		rc = store_role_default_of_org(c, r->key, org_id);
		if (rc == 1)
			rc = error_setc(ERR_CONFLICT, "role_in_use",
			                "%s is the default_role of organization %s; give that "
			                "organization another default role first",
			                r->key, org_id);
	}
	if (rc == 0)
		rc = store_role_delete(c, r->key);
	/* API.md: a mapped role's deletion re-resolves the members it was mapped for */
	if (rc == 0)
		rc = app_directory_role_deleted_tx(c, op->who, r->key);
	if (rc == 0)
		rc = reassign_holders(c, op, r->key);
	if (rc == 0)
		rc = record(c, op->who, "role.deleted", r);
	return rc;
}

int app_role_delete(struct app *a, const struct actor *who, const char *key, struct role *out,
                    int64_t *reassigned_out)
{
	struct role_op op = { .who = who, .key = key, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, delete_tx, &op);
	if (rc)
		role_release(out);
	*reassigned_out = rc ? 0 : op.reassigned;
	return rc;
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct role_op *op = payload;
	role_release(op->out);
	return store_role_get(c, op->key, op->out);
}

int app_role_get(struct app *a, const char *key, struct role *out)
{
	memset(out, 0, sizeof(*out));
	if (role_builtin_key(key)) {
		role_builtin(out, role_builtin_key(key));
		return 0;
	}
	struct role_op op = { .key = key, .out = out };
	int rc = app_read(a, get_tx, &op);
	if (rc)
		role_release(out);
	return rc;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct role_op *op = payload;
	for (size_t i = 0; i < op->ncustoms; i++)
		role_release(&op->customs[i]);
	free(op->customs);
	op->customs = NULL;
	op->ncustoms = 0;
	return store_role_list(c, &op->customs, &op->ncustoms);
}

static const char *const builtin_keys[] = { ROLE_ADMIN, ROLE_MEMBER };

/* Index in the combined order (built-ins, then customs by key) of the first role after cursor. */
static size_t first_after(const struct role_op *op, const char *cursor)
{
	size_t nb = ARRAY_SIZE(builtin_keys);
	if (!cursor)
		return 0;
	if (role_builtin_key(cursor))
		return strcmp(role_builtin_key(cursor), ROLE_ADMIN) == 0 ? 1 : 2;
	for (size_t i = 0; i < op->ncustoms; i++)
		if (strcmp(op->customs[i].id, cursor) == 0)
			return nb + i + 1;
	/* a key (possibly of a role deleted since): the next key up */
	size_t i = 0;
	while (i < op->ncustoms && strcmp(op->customs[i].key, cursor) <= 0)
		i++;
	return nb + i;
}

int app_role_list(struct app *a, const struct page *p, struct role **items, size_t *count,
                  int64_t *total)
{
	struct role_op op = { 0 };
	*items = NULL;
	*count = 0;
	int rc = app_read(a, list_tx, &op);
	if (rc)
		return rc;
	size_t nb = ARRAY_SIZE(builtin_keys), all = nb + op.ncustoms;
	size_t start = first_after(&op, p->starting_after), n = 0;
	struct role *v = xcalloc((size_t)p->limit, sizeof(*v));
	for (size_t i = start; i < all && n < (size_t)p->limit; i++) {
		if (i < nb) {
			role_builtin(&v[n++], builtin_keys[i]);
		} else {
			v[n++] = op.customs[i - nb]; /* moved: released below only if unused */
			memset(&op.customs[i - nb], 0, sizeof(struct role));
		}
	}
	for (size_t i = 0; i < op.ncustoms; i++)
		role_release(&op.customs[i]);
	free(op.customs);
	*items = v;
	*count = n;
	*total = (int64_t)all;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Custom permissions held by some role, sorted and without duplicates (borrowed). */
static size_t custom_permissions(const struct role_op *op, const char ***out)
{
	size_t cap = 0, n = 0;
	for (size_t i = 0; i < op->ncustoms; i++)
		cap += op->customs[i].npermissions;
	const char **v = xcalloc(cap + 1, sizeof(char *));
	for (size_t i = 0; i < op->ncustoms; i++)
		for (size_t k = 0; k < op->customs[i].npermissions; k++)
			if (!permission_is_system(op->customs[i].permissions[k]))
				v[n++] = op->customs[i].permissions[k];
	qsort(v, n, sizeof(*v), cmp_key);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
			v[u++] = v[i];
	*out = v;
	return u;
}

int app_role_permissions(struct app *a, struct permission **items, size_t *count)
{
	struct role_op op = { 0 };
	*items = NULL;
	*count = 0;
	int rc = app_read(a, list_tx, &op);
	if (rc)
		return rc;
	const char **custom = NULL;
	size_t ncustom = custom_permissions(&op, &custom), n = 0, nsys = 0;
	while (model_system_permissions[nsys].key)
		nsys++;
	struct permission *v = xcalloc(nsys + ncustom + 1, sizeof(*v));
	for (const struct permission_info *s = model_system_permissions; s->key; s++)
		v[n++] = (struct permission){ xstrdup(s->key), xstrdup(s->name),
			                      xstrdup(s->description), true };
	for (size_t i = 0; i < ncustom; i++)
		v[n++] = (struct permission){ xstrdup(custom[i]), xstrdup(custom[i]), xstrdup(""),
			                      false };
	free(custom);
	for (size_t i = 0; i < op.ncustoms; i++)
		role_release(&op.customs[i]);
	free(op.customs);
	*items = v;
	*count = n;
	return 0;
}
