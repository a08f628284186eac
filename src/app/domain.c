/* SPDX-License-Identifier: Apache-2.0 */
/* Organization domains (see domain.h). */
#include "base/common.h"

#include "app/domain.h"

#include "app/audit.h"
#include "base/clock.h"
#include "base/error.h"
#include "crypto/crypto.h"
#include "store/domain.h"
#include "store/org.h"

struct dom_op {
	const struct actor *who;
	const char *org, *id;
	const struct domain_input *in;
	const struct domain_check *chk;
	struct domain *out;
	const struct page *page;
	struct domain **items;
	size_t *count;
	int64_t *total;
	char *name; /* normalised, for create */
};

static int resolve_org(struct db_conn *c, const char *key, char org_id[ID_MAX])
{
	struct org o = { 0 };
	int rc = store_org_get(c, key, &o);
	if (rc == 0)
		xsnprintf(org_id, ID_MAX, "%s", o.id);
	org_release(&o);
	return rc;
}

static int record(struct db_conn *c, const struct actor *who, const char *action,
                  const struct domain *d, const char *event)
{
	json_t *j = domain_to_json(d);
	char *data = model_json_text(j);
	json_decref(j);
	struct change ch = { who, action, "organization_domain", d->id, d->org_id, data, event };
	int rc = app_audit_change(c, &ch);
	free(data);
	return rc;
}

static int taken(struct db_conn *c, const char *org_id, const char *name)
{
	char owner[ID_MAX];
	int rc = store_domain_claimed_elsewhere(c, org_id, name, owner);
	if (rc)
		return rc;
	if (owner[0])
		return error_setc(ERR_CONFLICT, "domain_taken",
		                  "%s is verified by another organization", name);
	return 0;
}

static int create_tx(struct db_conn *c, void *payload)
{
	struct dom_op *op = payload;
	struct domain *d = op->out;
	domain_release(d);
	int rc = resolve_org(c, op->org, d->org_id);
	if (rc)
		return rc;
	rc = store_domain_exists_in_org(c, d->org_id, op->name);
	if (rc < 0)
		return rc;
	if (rc)
		return error_setc(ERR_CONFLICT, "domain_exists",
		                  "%s is already a domain of this organization", op->name);
	rc = taken(c, d->org_id, op->name);
	if (rc)
		return rc;
	id_new(d->id, "dom");
	d->name = xstrdup(op->name);
	d->status = xstrdup("unverified");
	d->txt_record_name = xasprintf(DOMAIN_TXT_PREFIX "%s", op->name);
	char *token = crypto_token_new("");
	d->txt_record_value = xasprintf(DOMAIN_VALUE_PREFIX "%s", token);
	free(token);
	d->enrollment_mode = xstrdup(op->in->has_enrollment_mode ? op->in->enrollment_mode
	                                                         : "manual_invitation");
	d->sso_enforced = op->in->has_sso_enforced ? op->in->sso_enforced : true;
	d->created_at = d->updated_at = clock_now();
	rc = store_domain_insert(c, d);
	return rc ? rc : record(c, op->who, "organization_domain.created", d, NULL);
}

int app_domain_create(struct app *a, const struct actor *who, const char *org,
                      const struct domain_input *in, struct domain *out)
{
	struct dom_op op = { .who = who, .org = org, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = model_domain_normalize(&op.name, in->name);
	if (rc) {
		error_set_status(422);
		error_add_field("name", "invalid_domain");
		return rc;
	}
	if (domain_is_public_mail(op.name)) {
		error_setc(
		        ERR_INVALID, "public_mail_domain",
		        "%s is a public mail provider; only a domain your organization owns can be added",
		        op.name);
		error_set_status(422);
		error_add_field("name", "public_mail_domain");
		free(op.name);
		return ERR_INVALID;
	}
	rc = app_write(a, create_tx, &op);
	free(op.name);
	if (rc)
		domain_release(out);
	return rc;
}

static int load(struct db_conn *c, struct dom_op *op)
{
	char org_id[ID_MAX];
	domain_release(op->out);
	int rc = resolve_org(c, op->org, org_id);
	return rc ? rc : store_domain_get(c, org_id, op->id, op->out);
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct dom_op *op = payload;
	int rc = load(c, op);
	if (rc)
		return rc;
	struct domain *d = op->out;
	if (op->in->has_enrollment_mode) {
		free(d->enrollment_mode);
		d->enrollment_mode = xstrdup(op->in->enrollment_mode);
	}
	if (op->in->has_sso_enforced)
		d->sso_enforced = op->in->sso_enforced;
	d->updated_at = clock_now();
	rc = store_domain_update(c, d);
	return rc ? rc : record(c, op->who, "organization_domain.updated", d, NULL);
}

int app_domain_update(struct app *a, const struct actor *who, const char *org, const char *id,
                      const struct domain_input *in, struct domain *out)
{
	struct dom_op op = { .who = who, .org = org, .id = id, .in = in, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, update_tx, &op);
	if (rc)
		domain_release(out);
	return rc;
}

static int delete_tx(struct db_conn *c, void *payload)
{
	struct dom_op *op = payload;
	int rc = load(c, op);
	if (rc == 0)
		rc = record(c, op->who, "organization_domain.deleted", op->out, NULL);
	if (rc == 0)
		rc = store_domain_delete(c, op->out->org_id, op->out->id);
	return rc;
}

int app_domain_delete(struct app *a, const struct actor *who, const char *org, const char *id)
{
	struct domain d = { 0 };
	struct dom_op op = { .who = who, .org = org, .id = id, .out = &d };
	int rc = app_write(a, delete_tx, &op);
	domain_release(&d);
	return rc;
}

static int get_tx(struct db_conn *c, void *payload)
{
	return load(c, payload);
}

int app_domain_get(struct app *a, const char *org, const char *id, struct domain *out)
{
	struct dom_op op = { .org = org, .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	return app_read(a, get_tx, &op);
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct dom_op *op = payload;
	char org_id[ID_MAX];
	int rc = resolve_org(c, op->org, org_id);
	return rc ? rc
	          : store_domain_list(c, org_id, op->page->starting_after, op->page->limit,
	                              op->items, op->count, op->total);
}

int app_domain_list(struct app *a, const char *org, const struct page *p, struct domain **items,
                    size_t *count, int64_t *total)
{
	struct dom_op op = {
		.org = org, .page = p, .items = items, .count = count, .total = total
	};
	return app_read(a, list_tx, &op);
}

static char *failure_json(const char *code, const char *message)
{
	json_t *f = json_object();
	json_object_set_new(f, "code", json_string(code));
	json_object_set_new(f, "message", json_string(message));
	char *t = model_json_text(f);
	json_decref(f);
	return t;
}

static int check_tx(struct db_conn *c, void *payload)
{
	struct dom_op *op = payload;
	int rc = load(c, op);
	if (rc)
		return rc;
	struct domain *d = op->out;
	const struct domain_check *chk = op->chk;
	int64_t now = clock_now();
	d->last_checked_at = now;
	d->updated_at = now;
	bool newly_verified = false;
	free(d->failure);
	d->failure = NULL;
	if (strcmp(d->status, "verified") == 0) {
		/* once proven, a domain stays verified; re-checks only refresh the time */
	} else if (chk->matched) {
		rc = taken(c, d->org_id, d->name);
		if (rc)
			return rc;
		free(d->status);
		d->status = xstrdup("verified");
		d->verified_at = now;
		newly_verified = true;
	} else {
		d->failure = failure_json(chk->code, chk->message);
		if (!chk->temporary) {
			free(d->status);
			d->status = xstrdup("failed");
		}
	}
	rc = store_domain_update(c, d);
	if (rc)
		return rc;
	return newly_verified ? record(c, op->who, "organization_domain.verified", d,
	                               "organization_domain.verified")
	                      : record(c, op->who, "organization_domain.checked", d, NULL);
}

int app_domain_record_check(struct app *a, const struct actor *who, const char *org, const char *id,
                            const struct domain_check *chk, struct domain *out)
{
	struct dom_op op = { .who = who, .org = org, .id = id, .chk = chk, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_write(a, check_tx, &op);
	if (rc)
		domain_release(out);
	return rc;
}

struct due_op {
	int64_t since, before, limit;
	char (**ids)[ID_MAX];
	char (**org_ids)[ID_MAX];
	size_t *count;
};

static int due_tx(struct db_conn *c, void *payload)
{
	struct due_op *op = payload;
	return store_domain_due(c, op->since, op->before, op->limit, op->ids, op->org_ids,
	                        op->count);
}

int app_domain_due(struct app *a, int64_t since, int64_t checked_before, int64_t limit,
                   char (**ids)[ID_MAX], char (**org_ids)[ID_MAX], size_t *count)
{
	struct due_op op = { since, checked_before, limit, ids, org_ids, count };
	return app_read(a, due_tx, &op);
}
