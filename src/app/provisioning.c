/* SPDX-License-Identifier: Apache-2.0 */
/* JIT provisioning after a successful SSO sign-in (see provisioning.h). */
#include "base/common.h"

#include "app/provisioning.h"

#include "app/audit.h"
#include "app/membership.h"
#include "app/user.h"
#include "base/clock.h"
#include "base/error.h"
#include "store/connection.h"
#include "store/domain.h"
#include "store/membership.h"
#include "store/org.h"
#include "store/user.h"

struct prov_op {
	const struct connection *conn;
	const struct sso_identity *id;
	struct sso_provisioned *out;
	const char *email_norm;
	char domain[256];
};

static int not_covered(const char *domain, const char *conn_id)
{
	return error_setc(ERR_FORBIDDEN, "email_domain_not_covered",
	                  "%s is not a verified domain covered by connection %s", domain, conn_id);
}

/* The connection covers this domain, and it is verified for the connection's organization. */
int app_provision_check_domain_tx(struct db_conn *c, const struct connection *conn,
                                  const char *domain)
{
	bool covered = false;
	for (size_t i = 0; i < conn->ndomains && !covered; i++)
		covered = strcmp(conn->domains[i], domain) == 0;
	struct domain d = { 0 };
	int rc = covered ? store_domain_get(c, conn->org_id, domain, &d) : ERR_NOT_FOUND;
	bool verified = rc == 0 && !strcmp(d.status, "verified");
	domain_release(&d);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	return verified ? 0 : not_covered(domain, conn->id);
}

int app_provision_check_covered_tx(struct db_conn *c, const char *conn_id, const char *org_id,
                                   const char *domain)
{
	int rc = store_connection_covers_verified(c, conn_id, org_id, domain);
	if (rc < 0)
		return rc;
	return rc == 1 ? 0 : not_covered(domain, conn_id);
}

static int domain_only_tx(struct db_conn *c, void *payload)
{
	struct prov_op *op = payload;
	return app_provision_check_domain_tx(c, op->conn, op->domain);
}

static int split_domain(struct prov_op *op, const char *email, char **norm)
{
	int rc = model_email_normalize(norm, email ? email : "");
	if (rc)
		return error_setc(ERR_FORBIDDEN, "missing_email",
		                  "the IdP sent no usable email address (got '%.80s')",
		                  email ? email : "");
	xsnprintf(op->domain, sizeof(op->domain), "%s", strrchr(*norm, '@') + 1);
	op->email_norm = *norm;
	return 0;
}

int app_provision_check_domain(struct app *a, const struct connection *conn, const char *email)
{
	struct prov_op op = { .conn = conn };
	char *norm = NULL;
	int rc = split_domain(&op, email, &norm);
	if (rc == 0)
		rc = app_read(a, domain_only_tx, &op);
	free(norm);
	return rc;
}

char *app_provision_metadata(const struct connection *conn, const struct custom_attribute *attrs,
                             size_t nattrs, const char *attributes_json, const char *base)
{
	return app_provision_metadata_from(strcmp(conn->protocol, "saml") == 0 ? PROVISION_SAML
	                                                                       : PROVISION_OIDC,
	                                   attrs, nattrs, attributes_json, base);
}

static const char *source_of(const struct custom_attribute *a, enum provision_source source)
{
	switch (source) {
	case PROVISION_SAML:
		return a->saml_attribute;
	case PROVISION_OIDC:
		return a->oidc_claim;
	default:
		return a->scim_attribute;
	}
}

char *app_provision_metadata_from(enum provision_source source,
                                  const struct custom_attribute *attrs, size_t nattrs,
                                  const char *attributes_json, const char *base)
{
	json_t *meta = json_loads(base ? base : "{}", 0, NULL);
	if (!json_is_object(meta)) {
		json_decref(meta);
		meta = json_object();
	}
	json_t *sent = json_loads(attributes_json ? attributes_json : "{}", 0, NULL);
	for (size_t i = 0; json_is_object(sent) && i < nattrs; i++) {
		const char *from = source_of(&attrs[i], source);
		json_t *values = from ? json_object_get(sent, from) : NULL;
		if (!values)
			continue; /* not sent: not written at all */
		if (!json_is_array(values)) {
			json_t *one = json_array();
			json_array_append(one, values);
			values = one;
		} else {
			json_incref(values);
		}
		if (attrs[i].multi_valued)
			json_object_set(meta, attrs[i].key, values);
		else if (json_array_size(values) > 0)
			json_object_set(meta, attrs[i].key, json_array_get(values, 0));
		json_decref(values);
	}
	json_decref(sent);
	char *text = model_json_text(meta);
	json_decref(meta);
	return text;
}

static bool set_if_changed(char **dst, const char *v)
{
	if (!v || !*v || (*dst && !strcmp(*dst, v)))
		return false;
	free(*dst);
	*dst = xstrdup(v);
	return true;
}

/* Finds the user by email or creates it; refreshes what the IdP is the source of. */
static int upsert_user(struct db_conn *c, struct prov_op *op, const struct actor *who,
                       struct user *u)
{
	struct custom_attribute *attrs = NULL;
	size_t nattrs = 0;
	int rc = store_attribute_list(c, op->conn->id, &attrs, &nattrs);
	if (rc)
		return rc;
	struct user_filter f = { .email_norm = xstrdup(op->email_norm) };
	struct user *found = NULL;
	size_t n = 0;
	rc = store_user_list(c, &f, NULL, 1, &found, &n, NULL); /* no COUNT(*) */
	free(f.email_norm);
	bool create = rc == 0 && n == 0;
	if (rc == 0 && n == 1) {
		*u = found[0];
		memset(&found[0], 0, sizeof(found[0]));
	}
	free(found);
	if (rc == 0 && !create && u->status == USER_DEACTIVATED)
		rc = error_setc(ERR_FORBIDDEN, "user_deactivated",
		                "user %s is deactivated; an operator must reactivate it", u->id);
	if (rc == 0 && create) {
		id_new(u->id, "user");
		user_add_email(u, op->id->email, op->email_norm, true);
		u->public_metadata = xstrdup("{}");
		u->private_metadata = xstrdup("{}");
		u->created_at = clock_now();
	}
	int64_t now = clock_now();
	bool changed = false;
	if (rc == 0) {
		changed |= set_if_changed(&u->first_name, op->id->first_name);
		changed |= set_if_changed(&u->last_name, op->id->last_name);
		changed |= set_if_changed(&u->external_id, op->id->external_id);
		char *meta = app_provision_metadata(op->conn, attrs, nattrs,
		                                    op->id->attributes_json, u->public_metadata);
		changed |= set_if_changed(&u->public_metadata, meta);
		free(meta);
		u->last_sign_in_at = now;
		u->updated_at = now;
	}
	for (size_t i = 0; i < nattrs; i++)
		custom_attribute_release(&attrs[i]);
	free(attrs);
	if (rc)
		return rc;
	op->out->user_created = create;
	/* a returning user whose details did not change: only last_sign_in_at is written */
	rc = create ? store_user_insert(c, u) : changed ? store_user_update(c, u, false) : 0;
	if (rc == 0)
		rc = store_user_touch_sign_in(c, u->id, now);
	if (rc == 0 && (create || changed))
		rc = app_user_record(c, who, create ? "user.created" : "user.updated", u);
	return rc;
}

static int join_org(struct db_conn *c, struct prov_op *op, const struct actor *who,
                    const struct user *u)
{
	struct org o = { 0 };
	int rc = store_org_get(c, op->conn->org_id, &o);
	if (rc == 0)
		rc = store_membership_exists(c, o.id, u->id);
	if (rc == 1) {
		org_release(&o);
		return 0; /* already a member: the role stays as it is */
	}
	if (rc == 0 && o.max_memberships > 0 && o.members_count >= o.max_memberships)
		rc = error_setc(ERR_FORBIDDEN, "membership_limit_reached",
		                "organization %s has no free seat for %s", o.id, op->email_norm);
	struct membership m = { 0 };
	struct membership saved = { 0 };
	if (rc == 0) {
		id_new(m.id, "mem");
		xsnprintf(m.org_id, sizeof(m.org_id), "%s", o.id);
		xsnprintf(m.user_id, sizeof(m.user_id), "%s", u->id);
		m.role = xstrdup(op->conn->default_role ? op->conn->default_role : o.default_role);
		m.role_source =
		        xstrdup(op->conn->default_role ? ROLE_SOURCE_MANUAL : ROLE_SOURCE_DEFAULT);
		m.created_at = m.updated_at = clock_now();
		rc = store_membership_insert(c, &m);
	}
	if (rc == 0)
		rc = store_membership_get_by_id(c, m.id, &saved);
	if (rc == 0)
		rc = app_membership_record(c, who, "organization_membership.created", &saved);
	if (rc == 0)
		op->out->member_created = true;
	membership_release(&m);
	membership_release(&saved);
	org_release(&o);
	return rc;
}

static int provision_tx(struct db_conn *c, void *payload)
{
	struct prov_op *op = payload;
	const struct actor who = { "sso", op->conn->id };
	struct user u = { 0 };
	int rc = app_provision_check_domain_tx(c, op->conn, op->domain);
	if (rc == 0)
		rc = upsert_user(c, op, &who, &u);
	if (rc == 0)
		rc = join_org(c, op, &who, &u);
	if (rc == 0) {
		xsnprintf(op->out->user_id, sizeof(op->out->user_id), "%s", u.id);
		xsnprintf(op->out->org_id, sizeof(op->out->org_id), "%s", op->conn->org_id);
	}
	user_release(&u);
	return rc;
}

struct member_op {
	const char *email_norm, *org_id;
	bool member;
};

static int member_tx(struct db_conn *c, void *payload)
{
	struct member_op *op = payload;
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT 1 FROM user_emails e JOIN memberships m ON m.user_id = e.user_id "
	                  "WHERE e.email_norm = ? AND m.org_id = ?",
	                  "tt", op->email_norm, op->org_id);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	op->member = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}

bool app_provision_is_member(struct app *a, const struct connection *conn, const char *email)
{
	char *norm = NULL;
	struct member_op op = { NULL, conn->org_id, false };
	if (model_email_normalize(&norm, email ? email : "") == 0) {
		op.email_norm = norm;
		if (app_read(a, member_tx, &op))
			op.member = false;
	}
	error_clear();
	free(norm);
	return op.member;
}

int app_provision_sso_tx(struct db_conn *c, const struct connection *conn,
                         const struct sso_identity *id, struct sso_provisioned *out)
{
	struct prov_op op = { .conn = conn, .id = id, .out = out };
	char *norm = NULL;
	memset(out, 0, sizeof(*out));
	int rc = split_domain(&op, id->email, &norm);
	if (rc == 0)
		rc = provision_tx(c, &op);
	free(norm);
	return rc;
}

int app_provision_sso(struct app *a, const struct connection *conn, const struct sso_identity *id,
                      struct sso_provisioned *out)
{
	struct prov_op op = { .conn = conn, .id = id, .out = out };
	char *norm = NULL;
	memset(out, 0, sizeof(*out));
	int rc = split_domain(&op, id->email, &norm);
	if (rc == 0)
		rc = app_write(a, provision_tx, &op);
	free(norm);
	return rc;
}
