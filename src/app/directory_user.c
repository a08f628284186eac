/* SPDX-License-Identifier: Apache-2.0 */
/* SCIM Users: provisioning, updates, deactivation (see directory_user.h). */
#include "base/common.h"

#include "app/directory_user.h"

#include "app/audit.h"
#include "app/directory_hint.h"
#include "app/directory_role.h"
#include "app/membership.h"
#include "app/provisioning.h"
#include "app/session.h"
#include "app/user.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/connection.h"
#include "store/directory_group.h"
#include "store/membership.h"
#include "store/session.h"
#include "store/user.h"

/* An address of the input, in the order the domain rule takes them (primary first). */
struct email_cand {
	const char *addr; /* borrowed from the input */
	char *norm;       /* NULL: not an email address */
	bool primary;
};

/* The covered addresses of a SCIM user, primary first. */
struct email_plan {
	const char **addr; /* borrowed from the input */
	char **norm;
	size_t n;
};

/*
 * What a create knows before its write transaction. The transaction reads
 * every fact again; user_json and member_json (the data of user.created and
 * organization_membership.created, built from a read before it) are used
 * only when what it reads gives exactly the same data: a new user, every
 * address covered (spec_plan), the same public_metadata (spec_meta) and the
 * same organization and role (spec_seats). Otherwise it builds them itself.
 */
struct create_pre {
	struct directory_user_input in;
	struct email_cand *cands;
	size_t ncands;
	char *name_norm;
	char user_id[ID_MAX], member_id[ID_MAX];
	int64_t now;
	char spec_org[ID_MAX];
	struct email_plan spec_plan;
	char *spec_meta;
	struct directory_seats spec_seats;
	char *user_json, *member_json; /* NULL: nothing built */
};

/*
 * An update's decoding before its write transaction, from the stored
 * profile read then; used only if the transaction reads the same profile.
 */
struct update_pre {
	char *profile; /* NULL: nothing decoded (or a whole resource, see decoded) */
	bool decoded;  /* in holds the whole new resource (codec->whole): any profile */
	struct directory_user_input in;
};

struct du_op {
	const struct scim_principal *p;
	const struct directory_user_codec *codec;
	const struct create_pre *pre;
	const struct update_pre *upre;
	const char *id;
	int64_t if_match;
	struct directory_user *out;
	struct scim_effects *fx;
	bool spec_held;  /* create: user_json is the data of the user it wrote */
	bool hint_stale; /* create: the transaction read other facts than the hint */
	const struct directory_user_query *q;
	struct directory_user **items;
	size_t *count;
	int64_t *total;
};

static void plan_release(struct email_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->norm[i]);
	free(pl->norm);
	free(pl->addr);
	memset(pl, 0, sizeof(*pl));
}

int app_directory_precondition(int64_t if_match, int64_t version)
{
	if (if_match <= 0 || if_match == version)
		return 0;
	error_setc(ERR_CONFLICT, "precondition_failed",
	           "the resource has changed (version %lld, If-Match named %lld)",
	           (long long)version, (long long)if_match);
	error_set_status(412);
	return ERR_CONFLICT;
}

static void plan_add(struct email_plan *pl, const char *addr, char *norm)
{
	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->norm[i], norm) == 0) {
			free(norm);
			return;
		}
	pl->addr = xrealloc(pl->addr, (pl->n + 1) * sizeof(*pl->addr));
	pl->norm = xrealloc(pl->norm, (pl->n + 1) * sizeof(*pl->norm));
	pl->addr[pl->n] = addr;
	pl->norm[pl->n++] = norm;
}

/* The addresses normalised, primary first (pure: runs before the transaction). */
static void cands_prepare(const struct directory_user_input *in, struct email_cand **out, size_t *n)
{
	const struct directory_email *primary = directory_user_input_primary(in);
	*out = xcalloc(in->nemails + 1, sizeof(**out));
	*n = 0;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < in->nemails; i++) {
			const struct directory_email *e = &in->emails[i];
			if ((pass == 0) != (e == primary))
				continue;
			struct email_cand *x = &(*out)[(*n)++];
			x->addr = e->value;
			x->primary = pass == 0;
			if (model_email_normalize(&x->norm, e->value))
				x->norm = NULL;
		}
	}
}

static void cands_release(struct email_cand *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].norm);
	free(v);
}

/*
 * journey 2/3: the primary address must be in a verified domain the
 * connection covers; other addresses are kept as user emails only when they
 * are too (an IdP may not claim addresses of another tenant's domains).
 * Coverage and verification are read here, in the write transaction.
 */
static int plan_emails(struct db_conn *c, const char *conn_id, const char *org_id,
                       const struct email_cand *v, size_t n, struct email_plan *pl)
{
	memset(pl, 0, sizeof(*pl));
	for (size_t i = 0; i < n; i++) {
		if (!v[i].norm)
			return error_setc(ERR_INVALID, "invalidValue",
			                  "'%.80s' is not an email address", v[i].addr);
		const char *domain = strrchr(v[i].norm, '@') + 1;
		int rc = app_provision_check_covered_tx(c, conn_id, org_id, domain);
		if (rc == ERR_FORBIDDEN && !v[i].primary) {
			error_clear();
			continue;
		}
		if (rc) {
			if (rc == ERR_FORBIDDEN)
				error_prefix("primary email %.80s: ", v[i].addr);
			return rc;
		}
		plan_add(pl, v[i].addr, xstrdup(v[i].norm));
	}
	return 0;
}

/* userName is free in the directory (but for except_id); name_norm is user_username_norm's. */
static int check_name_free(struct db_conn *c, const char *conn_id, const char *user_name,
                           const char *name_norm, const char *except_id)
{
	char other[ID_MAX];
	int rc = store_directory_user_id_by_name(c, conn_id, name_norm, other);
	if (rc != 1)
		return rc;
	if (except_id && strcmp(other, except_id) == 0)
		return 0;
	return error_setc(ERR_CONFLICT, "user_name_taken",
	                  "userName %.200s is already provisioned in this directory (id %s)",
	                  user_name, other);
}

/* The existing user holding one of the addresses: 1 (its id), 0 none, or 409 if two do. */
static int find_owner(struct db_conn *c, const struct email_plan *pl, char owner[ID_MAX])
{
	owner[0] = '\0';
	for (size_t i = 0; i < pl->n; i++) {
		char id[ID_MAX];
		int rc = store_directory_email_owner(c, pl->norm[i], id);
		if (rc < 0)
			return rc;
		if (rc == 1 && owner[0] && strcmp(owner, id) != 0)
			return error_setc(
			        ERR_CONFLICT, "email_taken",
			        "the addresses of this user belong to two different users");
		if (rc == 1)
			xsnprintf(owner, ID_MAX, "%s", id);
	}
	return owner[0] != '\0';
}

/* A user found by address may be linked unless another directory user already is it. */
static int check_linkable(struct db_conn *c, const char *conn_id, const char *user_id)
{
	struct directory_user du;
	char managed[ID_MAX];
	int rc = store_directory_user_by_user(c, conn_id, user_id, &du);
	if (rc == 1) {
		error_setc(
		        ERR_CONFLICT, "email_taken",
		        "the email address belongs to user %s of this directory (userName %.200s)",
		        du.id, du.user_name);
		directory_user_release(&du);
		return ERR_CONFLICT;
	}
	if (rc == 0)
		rc = store_directory_user_managed(c, user_id, managed);
	if (rc == 1)
		return error_setc(
		        ERR_CONFLICT, "email_taken",
		        "the email address belongs to a user provisioned by the directory "
		        "of connection %s",
		        managed);
	return rc;
}

static void attrs_free(struct custom_attribute *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		custom_attribute_release(&attrs[i]);
	free(attrs);
}

/* public_metadata from the custom attributes that name a SCIM path (pure). */
static char *scim_metadata_from(const struct custom_attribute *attrs, size_t n,
                                const struct directory_user_codec *codec, const char *profile,
                                const char *base)
{
	json_t *sent = json_object();
	json_t *absent = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!attrs[i].scim_attribute)
			continue;
		char *vals = codec->values(profile, attrs[i].scim_attribute, codec->payload);
		json_t *v = vals ? json_loads(vals, 0, NULL) : NULL;
		if (json_array_size(v) > 0)
			json_object_set(sent, attrs[i].scim_attribute, v);
		else
			json_array_append_new(absent, json_string(attrs[i].key));
		json_decref(v);
		free(vals);
	}
	char *text = model_json_text(sent);
	char *meta = app_provision_metadata_from(PROVISION_SCIM, attrs, n, text, base);
	/* SCIM states the whole user: a mapped attribute it does not carry is unassigned */
	json_t *m = json_loads(meta, 0, NULL);
	size_t i;
	json_t *k;
	json_array_foreach(absent, i, k) json_object_del(m, json_string_value(k));
	free(meta);
	meta = model_json_text(m);
	json_decref(m);
	json_decref(sent);
	json_decref(absent);
	free(text);
	return meta;
}

/* The same from the connection's custom attributes as they are in this transaction. */
static char *scim_metadata(struct db_conn *c, const char *conn_id,
                           const struct directory_user_codec *codec, const char *profile,
                           const char *base, int *rc_out)
{
	struct custom_attribute *attrs = NULL;
	size_t n = 0;
	*rc_out = store_attribute_list(c, conn_id, &attrs, &n);
	char *meta = *rc_out ? NULL : scim_metadata_from(attrs, n, codec, profile, base);
	attrs_free(attrs, n);
	return meta;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

/* Writes what SCIM is the source of into u (meta: its public_metadata); pure. */
static void set_fields(struct user *u, const struct directory_user_input *in,
                       const struct email_plan *pl, const char *meta, bool *emails_changed)
{
	set_str(&u->first_name, in->given_name);
	set_str(&u->last_name, in->family_name);
	set_str(&u->external_id, in->external_id);
	bool same = u->nemails == pl->n;
	for (size_t i = 0; same && i < pl->n; i++)
		same = strcmp(u->emails[i].norm, pl->norm[i]) == 0 &&
		       strcmp(u->emails[i].address, pl->addr[i]) == 0 &&
		       u->emails[i].primary == (i == 0);
	*emails_changed = !same;
	if (!same) {
		struct user fresh = { 0 };
		for (size_t i = 0; i < pl->n; i++)
			user_add_email(&fresh, pl->addr[i], pl->norm[i], i == 0);
		for (size_t i = 0; i < u->nemails; i++) {
			free(u->emails[i].address);
			free(u->emails[i].norm);
		}
		free(u->emails);
		u->emails = fresh.emails;
		u->nemails = fresh.nemails;
	}
	set_str(&u->public_metadata, meta);
	u->status = in->active ? USER_ACTIVE : USER_DEACTIVATED;
}

/*
 * set_fields with the custom attributes of this transaction; *emails_changed
 * when the list moved. owners_known: find_owner() has shown, in this
 * transaction, that no user but u holds any of the addresses.
 */
static int apply_fields(struct db_conn *c, const char *conn_id, const struct du_op *op,
                        const struct directory_user_input *in, const struct email_plan *pl,
                        bool owners_known, struct user *u, bool *emails_changed)
{
	for (size_t i = 0; !owners_known && i < pl->n; i++) {
		int rc = store_user_check_email(c, pl->norm[i], u->id);
		if (rc)
			return rc;
	}
	int rc = 0;
	char *meta = scim_metadata(c, conn_id, op->codec, in->profile, u->public_metadata, &rc);
	if (rc == 0)
		set_fields(u, in, pl, meta, emails_changed);
	free(meta);
	return rc;
}

static char *user_text(const struct user *u)
{
	json_t *j = user_to_json(u);
	json_object_del(j, "updated_at");
	char *t = model_json_text(j);
	json_decref(j);
	return t;
}

static int revoke(struct db_conn *c, const struct actor *who, const char *user_id,
                  struct scim_effects *fx)
{
	char(*ids)[ID_MAX] = NULL;
	size_t n = 0;
	int rc = store_session_active_ids(c, user_id, clock_now(), &ids, &n);
	free(ids);
	fx->sessions_revoked += (int64_t)n;
	fx->deactivated = true;
	/* PRODUCT.md: every session (and the refresh tokens under it) dies in this transaction */
	return rc ? rc
	          : app_session_revoke_all_tx(c, who, user_id, APP_SESSION_REVOKED_DEACTIVATED);
}

/* The summaries a membership carries, from the user just written (no re-read). */
static void member_summary(struct membership *m, const struct directory_seats *st,
                           const struct user *u)
{
	membership_set_permissions(m, st->role_permissions);
	m->org_name = st->org_name ? xstrdup(st->org_name) : NULL;
	m->org_slug = st->org_slug ? xstrdup(st->org_slug) : NULL;
	m->user_first_name = u->first_name ? xstrdup(u->first_name) : NULL;
	m->user_last_name = u->last_name ? xstrdup(u->last_name) : NULL;
	for (size_t i = 0; i < u->nemails && !m->user_email; i++)
		if (u->emails[i].primary)
			m->user_email = xstrdup(u->emails[i].address);
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool seats_same(const struct directory_seats *a, const struct directory_seats *b)
{
	return str_same(a->default_role, b->default_role) &&
	       str_same(a->role_permissions, b->role_permissions) &&
	       str_same(a->org_name, b->org_name) && str_same(a->org_slug, b->org_slug);
}

/* A create's membership: its id and time, and its data if the user is as assumed (or NULL). */
struct join_pre {
	const char *member_id;
	int64_t now;
	const char *data;
	const struct directory_seats *seats; /* what data was built from */
	bool stale;                          /* out: the organization reads otherwise */
};

/*
 * A new member of the connection's organization, with its default role.
 * u, when given, is the user as just written: the recorded membership is
 * built from it instead of read back (or taken from jp when the
 * organization still reads as it did when jp->data was built).
 */
static int join(struct db_conn *c, const struct actor *who, const char *org_id, const char *user_id,
                const struct user *u, struct join_pre *jp, struct scim_effects *fx)
{
	struct membership m = { 0 }, saved = { 0 };
	struct directory_seats st = { 0 };
	int rc = store_directory_org_seats(c, org_id, user_id, &st);
	if (rc == 0 && st.is_member)
		rc = 1;
	if (rc == 0 && st.max > 0 && st.members >= st.max)
		rc = error_setc(ERR_CONFLICT, "membership_limit_reached",
		                "organization %s has no free seat (limit %lld)", org_id,
		                (long long)st.max);
	bool same = rc == 0 && jp && jp->data && u && seats_same(&st, jp->seats);
	const char *data = same ? jp->data : NULL;
	if (rc == 0 && jp && jp->data && !same)
		jp->stale = true;
	if (rc == 0) {
		if (jp)
			xsnprintf(m.id, sizeof(m.id), "%s", jp->member_id);
		else
			id_new(m.id, "mem");
		xsnprintf(m.org_id, sizeof(m.org_id), "%s", org_id);
		xsnprintf(m.user_id, sizeof(m.user_id), "%s", user_id);
		m.role = st.default_role;
		st.default_role = NULL;
		m.role_source = xstrdup(ROLE_SOURCE_DEFAULT);
		m.created_at = m.updated_at = jp ? jp->now : clock_now();
		rc = store_membership_insert(c, &m);
		if (rc == 0 && u && !data)
			member_summary(&m, &st, u);
		else if (rc == 0 && !u)
			rc = store_membership_get_by_id(c, m.id, &saved);
		if (rc == 0)
			rc = app_membership_record_data(c, who, "organization_membership.created",
			                                u ? &m : &saved, data);
		fx->member_joined = rc == 0;
	}
	directory_seats_release(&st);
	membership_release(&m);
	membership_release(&saved);
	return rc == 1 ? 0 : rc;
}

/*
 * An active user is a member, with the role its groups give (else the
 * default). A directory user that was just created is in no group yet, so
 * resolve is false then.
 */
static int ensure_member(struct db_conn *c, const struct actor *who, const char *org_id,
                         const struct directory_user *du, const struct user *u, struct join_pre *jp,
                         bool resolve, struct scim_effects *fx)
{
	int rc = join(c, who, org_id, du->user_id, u, jp, fx);
	bool changed = false;
	if (rc == 0 && resolve)
		rc = app_directory_resolve_member_tx(c, who, du->connection_id, du->id, &changed);
	fx->roles_changed += changed;
	return rc;
}

static void fill_directory_user(struct directory_user *du, const struct directory_user_input *in,
                                const char *user_id, int64_t now)
{
	if (user_id != du->user_id)
		xsnprintf(du->user_id, sizeof(du->user_id), "%s", user_id);
	set_str(&du->user_name, in->user_name);
	set_str(&du->external_id, in->external_id);
	set_str(&du->profile, in->profile);
	du->active = in->active;
	du->last_synced_at = du->updated_at = now;
}

static void new_user(struct user *u, const struct create_pre *pre)
{
	xsnprintf(u->id, sizeof(u->id), "%s", pre->user_id);
	u->public_metadata = xstrdup("{}");
	u->private_metadata = xstrdup("{}");
	u->created_at = pre->now;
}

static bool plan_same(const struct email_plan *a, const struct email_plan *b)
{
	bool same = a->n == b->n;
	for (size_t i = 0; same && i < a->n; i++)
		same = strcmp(a->norm[i], b->norm[i]) == 0 && strcmp(a->addr[i], b->addr[i]) == 0;
	return same;
}

/* The gatehouse user for a new SCIM user: found by address (linked) or new. */
static int create_user(struct db_conn *c, struct du_op *op, const char *conn_id,
                       const struct directory_user_input *in, const struct email_plan *pl,
                       struct user *u)
{
	const struct actor who = { "scim", conn_id };
	char owner[ID_MAX];
	int rc = find_owner(c, pl, owner);
	bool found = rc == 1;
	if (found)
		rc = check_linkable(c, conn_id, owner);
	if (rc == 0 && found)
		rc = store_user_get(c, owner, u);
	if (rc < 0)
		return rc;
	bool was_active = found && u->status == USER_ACTIVE;
	if (!found)
		new_user(u, op->pre);
	bool emails_changed = false;
	rc = apply_fields(c, conn_id, op, in, pl, true, u, &emails_changed);
	u->updated_at = op->pre->now;
	if (rc == 0)
		rc = found ? store_user_update(c, u, emails_changed) : store_user_insert(c, u);
	op->fx->user_created = !found;
	op->fx->user_adopted = found;
	op->fx->reactivated = found && !was_active && in->active;
	bool same_plan = !found && op->pre->user_json && plan_same(pl, &op->pre->spec_plan);
	op->spec_held = same_plan && str_same(u->public_metadata, op->pre->spec_meta);
	op->hint_stale |= same_plan && !op->spec_held;
	if (rc == 0)
		rc = app_user_record_data(c, &who, found ? "user.updated" : "user.created", u,
		                          op->spec_held ? op->pre->user_json : NULL);
	if (rc == 0 && was_active && !in->active)
		rc = revoke(c, &who, u->id, op->fx);
	return rc;
}

/*
 * Everything the transaction reads is read here, under the write lock: the
 * token and the connection's organization (one statement), the userName,
 * the domain rule, the addresses' owners, the seats. What needs no
 * database (decoding, normalising) was done before it (create_pre).
 */
static int create_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	const struct create_pre *pre = op->pre;
	const struct directory_user_input *in = &pre->in;
	const char *conn_id = op->p->connection_id;
	char org_id[ID_MAX] = "";
	struct email_plan pl = { 0 };
	struct user u = { 0 };
	struct directory_user du = { 0 };
	const struct actor who = { "scim", conn_id };
	int64_t now = pre->now;
	op->spec_held = op->hint_stale = false;
	memset(op->fx, 0, sizeof(*op->fx));
	directory_user_release(op->out);
	int rc = app_scim_check_org_tx(c, op->p, org_id);
	if (rc == 0)
		rc = check_name_free(c, conn_id, in->user_name, pre->name_norm, NULL);
	if (rc == 0)
		rc = plan_emails(c, conn_id, org_id, pre->cands, pre->ncands, &pl);
	if (rc == 0)
		rc = create_user(c, op, conn_id, in, &pl, &u);
	if (rc == 0) {
		id_new(du.id, "dusr");
		xsnprintf(du.connection_id, sizeof(du.connection_id), "%s", conn_id);
		fill_directory_user(&du, in, u.id, now);
		du.version = 1;
		du.created_at = now;
		rc = store_directory_user_insert(c, &du);
	}
	bool same_org = strcmp(org_id, pre->spec_org) == 0;
	op->hint_stale |= rc == 0 && op->spec_held && !same_org;
	struct join_pre jp = { pre->member_id, now,
		               op->spec_held && same_org ? pre->member_json : NULL,
		               &pre->spec_seats, false };
	if (rc == 0 && in->active)
		rc = ensure_member(c, &who, org_id, &du, &u, &jp, false, op->fx);
	op->hint_stale |= jp.stale;
	if (rc == 0) {
		/* the reply is what was written: no read back */
		for (size_t i = 0; i < u.nemails && !du.primary_email; i++)
			if (u.emails[i].primary)
				du.primary_email = xstrdup(u.emails[i].address);
		*op->out = du;
		memset(&du, 0, sizeof(du));
	}
	directory_user_release(&du);
	user_release(&u);
	plan_release(&pl);
	return rc;
}

/*
 * user_json and member_json as the transaction would build them if every
 * address is covered and owned by nobody (see struct create_pre).
 */
static void speculate(struct create_pre *pre, const struct du_op *op, struct directory_hint *h)
{
	for (size_t i = 0; i < pre->ncands; i++) {
		if (!pre->cands[i].norm)
			return; /* refused in the transaction */
		plan_add(&pre->spec_plan, pre->cands[i].addr, xstrdup(pre->cands[i].norm));
	}
	struct user u = { 0 };
	struct membership m = { 0 };
	bool changed;
	new_user(&u, pre);
	char *meta = scim_metadata_from(h->attrs, h->nattrs, op->codec, pre->in.profile,
	                                u.public_metadata);
	set_fields(&u, &pre->in, &pre->spec_plan, meta, &changed);
	free(meta);
	u.updated_at = pre->now;
	pre->spec_meta = u.public_metadata ? xstrdup(u.public_metadata) : NULL;
	pre->user_json = app_user_data(&u);
	xsnprintf(m.id, sizeof(m.id), "%s", pre->member_id);
	xsnprintf(m.org_id, sizeof(m.org_id), "%s", h->org_id);
	xsnprintf(m.user_id, sizeof(m.user_id), "%s", u.id);
	m.role = h->seats.default_role ? xstrdup(h->seats.default_role) : NULL;
	m.role_source = xstrdup(ROLE_SOURCE_DEFAULT);
	m.created_at = m.updated_at = pre->now;
	member_summary(&m, &h->seats, &u);
	pre->member_json = app_membership_data(&m);
	xsnprintf(pre->spec_org, sizeof(pre->spec_org), "%s", h->org_id);
	pre->spec_seats = h->seats;
	memset(&h->seats, 0, sizeof(h->seats));
	membership_release(&m);
	user_release(&u);
}

static int check_tx(struct db_conn *c, void *payload)
{
	const struct du_op *op = payload;
	return app_scim_check_tx(c, op->p);
}

/*
 * Before the write transaction: the codec's decoding (a body it refuses is
 * refused after the token check, as when it ran in the transaction),
 * normalised addresses, ids, the time, and the data the transaction will
 * most likely write, from the directory's hint.
 */
static int create_prepare(struct app *a, struct du_op *op, struct create_pre *pre)
{
	struct directory_hint h;
	id_new(pre->user_id, "user");
	id_new(pre->member_id, "mem");
	pre->now = clock_now();
	bool hinted = app_directory_hint_get(a, op->p->connection_id, &h) == 0;
	error_clear(); /* no hint only means nothing is built ahead */
	int rc = op->codec->transform(&pre->in, NULL, op->codec->payload);
	if (rc) {
		struct error_state decode = *error_get();
		int trc = app_read(a, check_tx, op);
		if (trc == 0)
			error_restore(&decode);
		rc = trc ? trc : rc;
	}
	if (rc == 0) {
		cands_prepare(&pre->in, &pre->cands, &pre->ncands);
		pre->name_norm = user_username_norm(pre->in.user_name);
	}
	if (rc == 0 && hinted)
		speculate(pre, op, &h);
	if (hinted)
		app_directory_hint_release(&h);
	return rc;
}

static void create_pre_release(struct create_pre *pre)
{
	cands_release(pre->cands, pre->ncands);
	free(pre->name_norm);
	directory_user_input_release(&pre->in);
	plan_release(&pre->spec_plan);
	free(pre->spec_meta);
	directory_seats_release(&pre->spec_seats);
	free(pre->user_json);
	free(pre->member_json);
	memset(pre, 0, sizeof(*pre));
}

int app_directory_user_create(struct app *a, const struct scim_principal *p,
                              const struct directory_user_codec *codec, struct directory_user *out,
                              struct scim_effects *fx)
{
	struct create_pre pre = { 0 };
	struct du_op op = { .p = p, .codec = codec, .pre = &pre, .out = out, .fx = fx };
	memset(out, 0, sizeof(*out));
	int rc = create_prepare(a, &op, &pre);
	if (rc == 0)
		rc = app_write_keyed(a, app_directory_lock_key(p->connection_id), create_tx, &op);
	if (op.hint_stale)
		app_directory_hint_drop(p->connection_id);
	create_pre_release(&pre);
	if (rc)
		directory_user_release(out);
	return rc;
}

/* Applies the new resource to the linked user; records what changed. */
static int update_user(struct db_conn *c, struct du_op *op, const struct directory_user_input *in,
                       const struct email_plan *pl, const struct directory_user *du)
{
	const struct actor who = { "scim", du->connection_id };
	struct user u = { 0 };
	int rc = store_user_get(c, du->user_id, &u);
	if (rc)
		return rc;
	bool was_active = u.status == USER_ACTIVE, emails_changed = false;
	char *before = user_text(&u);
	rc = apply_fields(c, du->connection_id, op, in, pl, false, &u, &emails_changed);
	char *after = rc == 0 ? user_text(&u) : NULL;
	bool changed =
	        after && (strcmp(before, after) != 0 || strcmp(du->profile, in->profile) != 0);
	if (rc == 0 && changed) {
		u.updated_at = clock_now();
		rc = store_user_update(c, &u, emails_changed);
	}
	/* journey 3: "Update → user.updated" */
	if (rc == 0 && changed)
		rc = app_user_record(c, &who, "user.updated", &u);
	if (rc == 0 && was_active && !in->active)
		rc = revoke(c, &who, u.id, op->fx);
	op->fx->reactivated = !was_active && in->active;
	free(before);
	free(after);
	user_release(&u);
	return rc;
}

static int update_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	const char *conn_id = op->p->connection_id;
	char org_id[ID_MAX];
	struct directory_user_input decoded = { 0 };
	const struct directory_user_input *in = &decoded;
	struct email_cand *cands = NULL;
	size_t ncands = 0;
	char *name_norm = NULL;
	struct email_plan pl = { 0 };
	struct directory_user du = { 0 };
	const struct actor who = { "scim", conn_id };
	memset(op->fx, 0, sizeof(*op->fx));
	directory_user_release(op->out);
	int rc = app_scim_check_org_tx(c, op->p, org_id);
	if (rc == 0)
		rc = store_directory_user_get(c, conn_id, op->id, &du);
	if (rc == 0)
		rc = app_directory_precondition(op->if_match, du.version);
	if (rc == 0 && (op->upre->decoded ||
	                (op->upre->profile && strcmp(op->upre->profile, du.profile) == 0)))
		in = &op->upre->in; /* decoded from this very profile */
	else if (rc == 0)
		rc = op->codec->transform(&decoded, du.profile, op->codec->payload);
	if (rc == 0) {
		name_norm = user_username_norm(in->user_name);
		rc = check_name_free(c, conn_id, in->user_name, name_norm, du.id);
	}
	if (rc == 0) {
		cands_prepare(in, &cands, &ncands);
		rc = plan_emails(c, conn_id, org_id, cands, ncands, &pl);
	}
	if (rc == 0)
		rc = update_user(c, op, in, &pl, &du);
	if (rc == 0) {
		fill_directory_user(&du, in, du.user_id, clock_now());
		rc = store_directory_user_update(c, &du);
	}
	if (rc == 0 && in->active)
		rc = ensure_member(c, &who, org_id, &du, NULL, NULL, true, op->fx);
	if (rc == 0)
		rc = store_directory_user_get(c, conn_id, du.id, op->out);
	directory_user_release(&du);
	plan_release(&pl);
	cands_release(cands, ncands);
	free(name_norm);
	directory_user_input_release(&decoded);
	return rc;
}

static int profile_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	struct directory_user du = { 0 };
	int rc = store_directory_user_get(c, op->p->connection_id, op->id, &du);
	if (rc == 0) {
		free(op->out->profile);
		op->out->profile = du.profile; /* taken */
		du.profile = NULL;
	}
	directory_user_release(&du);
	return rc;
}

/*
 * The codec's decoding before the write transaction: the new body as it is,
 * or a patch applied to the profile read now. Any failure only means the
 * transaction decodes, and answers, as before.
 */
static void update_prepare(struct app *a, struct du_op *op, struct update_pre *pre)
{
	struct directory_user seen = { 0 };
	struct du_op r = { .p = op->p, .id = op->id, .out = &seen };
	if (op->codec->whole) {
		pre->decoded = op->codec->transform(&pre->in, NULL, op->codec->payload) == 0;
		if (!pre->decoded)
			directory_user_input_release(&pre->in);
	} else if (app_read(a, profile_tx, &r) == 0 &&
	           op->codec->transform(&pre->in, seen.profile, op->codec->payload) == 0) {
		pre->profile = seen.profile; /* taken */
		seen.profile = NULL;
	} else {
		directory_user_input_release(&pre->in);
	}
	directory_user_release(&seen);
	error_clear();
}

int app_directory_user_update(struct app *a, const struct scim_principal *p, const char *id,
                              int64_t if_match, const struct directory_user_codec *codec,
                              struct directory_user *out, struct scim_effects *fx)
{
	struct update_pre pre = { 0 };
	struct du_op op = { .p = p,
		            .codec = codec,
		            .upre = &pre,
		            .id = id,
		            .if_match = if_match,
		            .out = out,
		            .fx = fx };
	memset(out, 0, sizeof(*out));
	update_prepare(a, &op, &pre);
	int rc = app_write_keyed(a, app_directory_lock_key(p->connection_id), update_tx, &op);
	free(pre.profile);
	directory_user_input_release(&pre.in);
	if (rc)
		directory_user_release(out);
	return rc;
}

/* RFC 7644 §3.6: the resource goes; journey 3: the user is deactivated, not deleted. */
static int delete_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	struct directory_user du = { 0 };
	struct user u = { 0 };
	const struct actor who = { "scim", op->p->connection_id };
	memset(op->fx, 0, sizeof(*op->fx));
	int rc = app_scim_check_tx(c, op->p);
	if (rc == 0)
		rc = store_directory_user_get(c, op->p->connection_id, op->id, &du);
	if (rc == 0)
		rc = app_directory_precondition(op->if_match, du.version);
	if (rc == 0)
		rc = store_user_get(c, du.user_id, &u);
	bool active = rc == 0 && u.status == USER_ACTIVE;
	if (active) {
		u.status = USER_DEACTIVATED;
		u.updated_at = clock_now();
		rc = store_user_update(c, &u, false);
		if (rc == 0)
			rc = app_user_record(c, &who, "user.updated", &u);
		if (rc == 0)
			rc = revoke(c, &who, u.id, op->fx);
	}
	if (rc == 0)
		rc = store_directory_member_forget(c, du.id);
	if (rc == 0)
		rc = store_directory_user_delete(c, du.connection_id, du.id);
	if (rc == 0) {
		json_t *j = directory_user_to_json(&du);
		char *data = model_json_text(j);
		json_decref(j);
		struct change ch = {
			&who, "directory_user.deleted", "directory_user", du.id, NULL, data, NULL
		};
		rc = app_audit_change(c, &ch);
		free(data);
	}
	user_release(&u);
	directory_user_release(&du);
	return rc;
}

int app_directory_user_delete(struct app *a, const struct scim_principal *p, const char *id,
                              int64_t if_match, struct scim_effects *fx)
{
	struct du_op op = { .p = p, .id = id, .if_match = if_match, .fx = fx };
	return app_write_keyed(a, app_directory_lock_key(p->connection_id), delete_tx, &op);
}

static int get_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	directory_user_release(op->out);
	int rc = app_scim_check_tx(c, op->p);
	return rc ? rc : store_directory_user_get(c, op->p->connection_id, op->id, op->out);
}

int app_directory_user_get(struct app *a, const struct scim_principal *p, const char *id,
                           struct directory_user *out)
{
	struct du_op op = { .p = p, .id = id, .out = out };
	memset(out, 0, sizeof(*out));
	int rc = app_read(a, get_tx, &op);
	if (rc)
		directory_user_release(out);
	return rc;
}

#define SCAN_BATCH 500

/* Walks the candidates the index allows, keeping the page of those the filter matches. */
static int list_filtered(struct db_conn *c, struct du_op *op, const char *value)
{
	const struct directory_user_query *q = op->q;
	char after[ID_MAX] = "";
	int64_t matched = 0;
	size_t kept = 0;
	*op->items = xcalloc((size_t)q->count + 1, sizeof(**op->items));
	for (;;) {
		struct directory_user *v = NULL;
		size_t n = 0;
		int rc = store_directory_user_scan(c, op->p->connection_id, q->key, value, after,
		                                   SCAN_BATCH, &v, &n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			bool keep = q->match(&v[i], q->payload);
			if (keep && ++matched >= q->start_index && (int64_t)kept < q->count) {
				(*op->items)[kept++] = v[i];
				*op->count = kept; /* so a failure later frees what was kept */
				continue;
			}
			directory_user_release(&v[i]);
		}
		if (n)
			xsnprintf(after, sizeof(after), "%s", v[n - 1].id);
		free(v);
		if (n < SCAN_BATCH)
			break;
	}
	*op->count = kept;
	*op->total = matched;
	return 0;
}

/* Frees a listed page and leaves it empty. */
static void page_release(struct directory_user **items, size_t *count)
{
	for (size_t i = 0; *items && i < *count; i++)
		directory_user_release(&(*items)[i]);
	free(*items);
	*items = NULL;
	*count = 0;
}

static int list_tx(struct db_conn *c, void *payload)
{
	struct du_op *op = payload;
	const struct directory_user_query *q = op->q;
	page_release(op->items, op->count); /* a rerun starts empty */
	int rc = app_scim_check_tx(c, op->p);
	if (rc)
		return rc;
	char *value = q->key == DIRUSER_USER_NAME ? user_username_norm(q->value)
	                                          : (q->value ? xstrdup(q->value) : NULL);
	if (q->match) {
		rc = list_filtered(c, op, value);
	} else {
		rc = store_directory_user_page(c, op->p->connection_id, q->key, value,
		                               q->start_index - 1, q->count, op->items, op->count);
		/* a first page that is not full holds every match (one snapshot): no count */
		if (rc == 0 && q->start_index == 1 && (int64_t)*op->count < q->count)
			*op->total = (int64_t)*op->count;
		else if (rc == 0)
			*op->total =
			        store_directory_user_count(c, op->p->connection_id, q->key, value);
		if (rc == 0 && *op->total < 0)
			rc = (int)*op->total;
	}
	free(value);
	return rc;
}

int app_directory_user_list(struct app *a, const struct scim_principal *p,
                            const struct directory_user_query *q, struct directory_user **items,
                            size_t *count, int64_t *total)
{
	struct du_op op = { .p = p, .q = q, .items = items, .count = count, .total = total };
	*items = NULL;
	*count = 0;
	*total = 0;
	int rc = app_read(a, list_tx, &op);
	if (rc)
		page_release(items, count);
	return rc;
}
