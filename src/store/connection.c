/* SPDX-License-Identifier: Apache-2.0 */
/* Enterprise connections and custom attributes (see connection.h). */
#include "base/common.h"

#include "store/connection.h"

#include "base/error.h"

#define CONN_COLS                                                                                  \
	"id, org_id, name, protocol, provider, status, default_role, allow_idp_initiated, "        \
	"saml_idp_metadata_url, saml_idp_metadata_xml, saml_idp_entity_id, saml_idp_sso_url, "     \
	"saml_idp_certificates, saml_sign_authn_requests, saml_want_encrypted_assertions, "        \
	"saml_allow_sha1, saml_require_signed_response, saml_sp_signing_cert, "                    \
	"saml_sp_encryption_cert, oidc_issuer, oidc_client_id, "                                   \
	"CASE WHEN oidc_client_secret IS NULL THEN 0 ELSE 1 END, oidc_scopes, "                    \
	"oidc_authorization_endpoint, oidc_token_endpoint, oidc_jwks_uri, "                        \
	"oidc_userinfo_endpoint, oidc_require_email_verified, easie_tenant, tested_at, "           \
	"activated_at, created_at, updated_at "

void connection_secrets_release(struct connection_secrets *s)
{
	free(s->sp_signing_key);
	free(s->sp_encryption_key);
	free(s->oidc_client_secret);
	memset(s, 0, sizeof(*s));
}

static void read_row(struct db_stmt *s, struct connection *c)
{
	int i = 0;
	memset(c, 0, sizeof(*c));
	xsnprintf(c->id, sizeof(c->id), "%s", db_text(s, i++));
	xsnprintf(c->org_id, sizeof(c->org_id), "%s", db_text(s, i++));
	c->name = db_text_dup(s, i++);
	c->protocol = db_text_dup(s, i++);
	c->provider = db_text_dup(s, i++);
	c->status = db_text_dup(s, i++);
	c->default_role = db_text_dup(s, i++);
	c->allow_idp_initiated = db_int(s, i++) != 0;
	c->saml_idp_metadata_url = db_text_dup(s, i++);
	c->saml_idp_metadata_xml = db_text_dup(s, i++);
	c->saml_idp_entity_id = db_text_dup(s, i++);
	c->saml_idp_sso_url = db_text_dup(s, i++);
	c->saml_idp_certificates = db_text_dup(s, i++);
	c->saml_sign_authn_requests = db_int(s, i++) != 0;
	c->saml_want_encrypted_assertions = db_int(s, i++) != 0;
	c->saml_allow_sha1 = db_int(s, i++) != 0;
	c->saml_require_signed_response = db_int(s, i++) != 0;
	c->saml_sp_signing_cert = db_text_dup(s, i++);
	c->saml_sp_encryption_cert = db_text_dup(s, i++);
	c->oidc_issuer = db_text_dup(s, i++);
	c->oidc_client_id = db_text_dup(s, i++);
	c->oidc_has_client_secret = db_int(s, i++) != 0;
	c->oidc_scopes = db_text_dup(s, i++);
	c->oidc_authorization_endpoint = db_text_dup(s, i++);
	c->oidc_token_endpoint = db_text_dup(s, i++);
	c->oidc_jwks_uri = db_text_dup(s, i++);
	c->oidc_userinfo_endpoint = db_text_dup(s, i++);
	c->oidc_require_email_verified = db_int(s, i++) != 0;
	c->easie_tenant = db_text_dup(s, i++);
	c->tested_at = db_int(s, i++);
	c->activated_at = db_int(s, i++);
	c->created_at = db_int(s, i++);
	c->updated_at = db_int(s, i++);
}

static int load_domains(struct db_conn *c, struct connection *conn)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT d.name FROM connection_domains cd JOIN domains d ON d.id = cd.domain_id "
	        "WHERE cd.connection_id = ? ORDER BY d.name",
	        "t", conn->id);
	if (rc)
		return rc;
	size_t cap = 4;
	conn->domains = xcalloc(cap + 1, sizeof(char *));
	while ((rc = db_step(s)) == DB_ROW) {
		if (conn->ndomains == cap) {
			cap *= 2;
			conn->domains = xrealloc(conn->domains, (cap + 1) * sizeof(char *));
		}
		conn->domains[conn->ndomains++] = db_text_dup(s, 0);
		conn->domains[conn->ndomains] = NULL;
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

static int not_found(const char *id)
{
	return error_setc(ERR_NOT_FOUND, "connection_not_found", "no enterprise connection %.80s",
	                  id);
}

int store_connection_get(struct db_conn *c, const char *id, struct connection *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s, "SELECT " CONN_COLS "FROM enterprise_connections WHERE id = ?",
	                  "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_row(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return not_found(id);
	return rc < 0 ? rc : load_domains(c, out);
}

int store_connection_insert(struct db_conn *c, const struct connection *x,
                            const struct connection_secrets *sec)
{
	int64_t n =
	        db_exec(c,
	                "INSERT INTO enterprise_connections (id, org_id, name, protocol, provider, "
	                "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                "ttttttii", x->id, x->org_id, x->name, x->protocol, x->provider, x->status,
	                x->created_at, x->updated_at);
	return n < 0 ? (int)n : store_connection_update(c, x, sec);
}

int store_connection_update(struct db_conn *c, const struct connection *x,
                            const struct connection_secrets *sec)
{
	int64_t n = db_exec(
	        c,
	        "UPDATE enterprise_connections SET name = ?, provider = ?, status = ?, "
	        "default_role = ?, allow_idp_initiated = ?, saml_idp_metadata_url = ?, "
	        "saml_idp_metadata_xml = ?, saml_idp_entity_id = ?, saml_idp_sso_url = ?, "
	        "saml_idp_certificates = ?, saml_sign_authn_requests = ?, "
	        "saml_want_encrypted_assertions = ?, saml_allow_sha1 = ?, "
	        "saml_require_signed_response = ?, saml_sp_signing_cert = ?, "
	        "saml_sp_encryption_cert = ?, oidc_issuer = ?, oidc_client_id = ?, oidc_scopes = ?, "
	        "oidc_authorization_endpoint = ?, oidc_token_endpoint = ?, oidc_jwks_uri = ?, "
	        "oidc_userinfo_endpoint = ?, oidc_require_email_verified = ?, easie_tenant = ?, "
	        "tested_at = ?, activated_at = ?, updated_at = ? WHERE id = ?",
	        "ttttbtttttbbbbtttttttttbtiiit", x->name, x->provider, x->status, x->default_role,
	        x->allow_idp_initiated, x->saml_idp_metadata_url, x->saml_idp_metadata_xml,
	        x->saml_idp_entity_id, x->saml_idp_sso_url,
	        x->saml_idp_certificates ? x->saml_idp_certificates : "[]",
	        x->saml_sign_authn_requests, x->saml_want_encrypted_assertions, x->saml_allow_sha1,
	        x->saml_require_signed_response, x->saml_sp_signing_cert,
	        x->saml_sp_encryption_cert, x->oidc_issuer, x->oidc_client_id,
	        x->oidc_scopes ? x->oidc_scopes : "openid email profile",
	        x->oidc_authorization_endpoint, x->oidc_token_endpoint, x->oidc_jwks_uri,
	        x->oidc_userinfo_endpoint, x->oidc_require_email_verified, x->easie_tenant,
	        x->tested_at, x->activated_at, x->updated_at, x->id);
	if (n == 0)
		return not_found(x->id);
	if (n < 0 || !sec)
		return n < 0 ? (int)n : 0;
	const struct {
		const char *sql;
		const char *value;
	} sets[] = {
		{ "UPDATE enterprise_connections SET saml_sp_signing_key = ? WHERE id = ?",
		  sec->sp_signing_key },
		{ "UPDATE enterprise_connections SET saml_sp_encryption_key = ? WHERE id = ?",
		  sec->sp_encryption_key },
		{ "UPDATE enterprise_connections SET oidc_client_secret = ? WHERE id = ?",
		  sec->oidc_client_secret },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		if (!sets[i].value)
			continue;
		n = db_exec(c, sets[i].sql, "tt", sets[i].value, x->id);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int store_connection_delete(struct db_conn *c, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM enterprise_connections WHERE id = ?", "t", id);
	if (n == 0)
		return not_found(id);
	return n < 0 ? (int)n : 0;
}

int store_connection_secrets_get(struct db_conn *c, const char *id, struct connection_secrets *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_query(c, &s,
	                  "SELECT saml_sp_signing_key, saml_sp_encryption_key, oidc_client_secret "
	                  "FROM enterprise_connections WHERE id = ?",
	                  "t", id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->sp_signing_key = db_text_dup(s, 0);
		out->sp_encryption_key = db_text_dup(s, 1);
		out->oidc_client_secret = db_text_dup(s, 2);
	}
	db_done(s);
	if (rc == DB_DONE)
		return not_found(id);
	return rc < 0 ? rc : 0;
}

int store_connection_list(struct db_conn *c, const char *org_id, const char *starting_after,
                          int64_t limit, struct connection **items, size_t *count, int64_t *total)
{
	struct db_stmt *s;
	const char *o = org_id ? org_id : "";
	*items = NULL;
	*count = 0;
	int rc = db_query(
	        c, &s, "SELECT COUNT(*) FROM enterprise_connections WHERE (? = '' OR org_id = ?)",
	        "tt", o, o);
	if (rc)
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*total = db_int(s, 0);
	db_done(s);
	if (rc < 0)
		return rc;
	rc = db_query(c, &s,
	              "SELECT " CONN_COLS
	              "FROM enterprise_connections WHERE (? = '' OR org_id = ?) "
	              "AND id > ? ORDER BY id LIMIT ?",
	              "ttti", o, o, starting_after ? starting_after : "", limit);
	if (rc)
		return rc;
	struct connection *v = xcalloc((size_t)limit, sizeof(*v));
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit)
		read_row(s, &v[n++]);
	db_done(s);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = load_domains(c, &v[i]);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}

int store_connection_set_domains(struct db_conn *c, const char *conn_id, char (*ids)[ID_MAX],
                                 size_t n)
{
	int64_t r =
	        db_exec(c, "DELETE FROM connection_domains WHERE connection_id = ?", "t", conn_id);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = db_exec(
		        c,
		        "INSERT INTO connection_domains (connection_id, domain_id) VALUES (?, ?) "
		        "ON CONFLICT DO NOTHING",
		        "tt", conn_id, ids[i]);
	return r < 0 ? (int)r : 0;
}

int store_connection_covers_verified(struct db_conn *c, const char *conn_id, const char *org_id,
                                     const char *domain_name)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT 1 FROM domains d JOIN connection_domains cd ON cd.domain_id = d.id "
	        "AND cd.connection_id = ? WHERE d.org_id = ? AND d.name = ? AND "
	        "d.status = 'verified'",
	        "ttt", conn_id, org_id, domain_name);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc < 0 ? rc : rc == DB_ROW;
}

int64_t store_connection_verified_domains(struct db_conn *c, const char *conn_id)
{
	struct db_stmt *s;
	int rc = db_query(
	        c, &s,
	        "SELECT COUNT(*) FROM connection_domains cd JOIN domains d ON d.id = cd.domain_id "
	        "WHERE cd.connection_id = ? AND d.status = 'verified'",
	        "t", conn_id);
	if (rc)
		return rc;
	int64_t n = db_step(s) == DB_ROW ? db_int(s, 0) : 0;
	db_done(s);
	return n;
}

int store_connection_overlap(struct db_conn *c, const char *conn_id, char other_out[ID_MAX],
                             char domain_out[256])
{
	struct db_stmt *s;
	other_out[0] = domain_out[0] = '\0';
	int rc = db_query(
	        c, &s,
	        "SELECT o.connection_id, d.name FROM connection_domains mine "
	        "JOIN connection_domains o ON o.domain_id = mine.domain_id "
	        "JOIN enterprise_connections e ON e.id = o.connection_id "
	        "JOIN domains d ON d.id = mine.domain_id "
	        "WHERE mine.connection_id = ? AND o.connection_id <> ? AND e.status = 'active' "
	        "LIMIT 1",
	        "tt", conn_id, conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(other_out, ID_MAX, "%s", db_text(s, 0));
		xsnprintf(domain_out, 256, "%s", db_text(s, 1));
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

int store_connection_for_domain(struct db_conn *c, const char *domain_name, char conn_out[ID_MAX],
                                char org_out[ID_MAX], bool *sso_enforced)
{
	struct db_stmt *s;
	conn_out[0] = org_out[0] = '\0';
	*sso_enforced = false;
	int rc = db_query(c, &s,
	                  "SELECT e.id, e.org_id, d.sso_enforced FROM domains d "
	                  "JOIN connection_domains cd ON cd.domain_id = d.id "
	                  "JOIN enterprise_connections e ON e.id = cd.connection_id "
	                  "WHERE d.name = ? AND d.status = 'verified' AND e.status = 'active' "
	                  "AND e.org_id = d.org_id ORDER BY e.id LIMIT 1",
	                  "t", domain_name);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		xsnprintf(conn_out, ID_MAX, "%s", db_text(s, 0));
		xsnprintf(org_out, ID_MAX, "%s", db_text(s, 1));
		*sso_enforced = db_int(s, 2) != 0;
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

#define ATTR_COLS                                                                                  \
	"id, connection_id, key, saml_attribute, oidc_claim, scim_attribute, multi_valued, created_at, updated_at "

static void read_attr(struct db_stmt *s, struct custom_attribute *a)
{
	memset(a, 0, sizeof(*a));
	xsnprintf(a->id, sizeof(a->id), "%s", db_text(s, 0));
	xsnprintf(a->connection_id, sizeof(a->connection_id), "%s", db_text(s, 1));
	a->key = db_text_dup(s, 2);
	a->saml_attribute = db_text_dup(s, 3);
	a->oidc_claim = db_text_dup(s, 4);
	a->scim_attribute = db_text_dup(s, 5);
	a->multi_valued = db_int(s, 6) != 0;
	a->created_at = db_int(s, 7);
	a->updated_at = db_int(s, 8);
}

int store_attribute_insert(struct db_conn *c, const struct custom_attribute *a)
{
	int64_t n = db_exec(
	        c,
	        "INSERT INTO custom_attributes (id, connection_id, key, saml_attribute, "
	        "oidc_claim, scim_attribute, multi_valued, created_at, updated_at) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "ttttttbii", a->id, a->connection_id, a->key, a->saml_attribute, a->oidc_claim,
	        a->scim_attribute, a->multi_valued, a->created_at, a->updated_at);
	return n < 0 ? (int)n : 0;
}

int store_attribute_update(struct db_conn *c, const struct custom_attribute *a)
{
	int64_t n =
	        db_exec(c,
	                "UPDATE custom_attributes SET key = ?, saml_attribute = ?, oidc_claim = ?, "
	                "scim_attribute = ?, multi_valued = ?, updated_at = ? "
	                "WHERE id = ? AND connection_id = ?",
	                "ttttbitt", a->key, a->saml_attribute, a->oidc_claim, a->scim_attribute,
	                a->multi_valued, a->updated_at, a->id, a->connection_id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "custom_attribute_not_found",
		                  "no custom attribute %s", a->id);
	return n < 0 ? (int)n : 0;
}

int store_attribute_delete(struct db_conn *c, const char *conn_id, const char *id)
{
	int64_t n = db_exec(c, "DELETE FROM custom_attributes WHERE id = ? AND connection_id = ?",
	                    "tt", id, conn_id);
	if (n == 0)
		return error_setc(ERR_NOT_FOUND, "custom_attribute_not_found",
		                  "no custom attribute %.80s", id);
	return n < 0 ? (int)n : 0;
}

int store_attribute_get(struct db_conn *c, const char *conn_id, const char *id,
                        struct custom_attribute *out)
{
	struct db_stmt *s;
	int rc = db_query(c, &s,
	                  "SELECT " ATTR_COLS
	                  "FROM custom_attributes WHERE id = ? AND connection_id = ?",
	                  "tt", id, conn_id);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		read_attr(s, out);
	db_done(s);
	if (rc == DB_DONE)
		return error_setc(ERR_NOT_FOUND, "custom_attribute_not_found",
		                  "no custom attribute %.80s", id);
	return rc < 0 ? rc : 0;
}

int store_attribute_list(struct db_conn *c, const char *conn_id, struct custom_attribute **items,
                         size_t *count)
{
	struct db_stmt *s;
	*items = NULL;
	*count = 0;
	int rc = db_query(c, &s,
	                  "SELECT " ATTR_COLS
	                  "FROM custom_attributes WHERE connection_id = ? ORDER BY key",
	                  "t", conn_id);
	if (rc)
		return rc;
	size_t cap = 8, n = 0;
	struct custom_attribute *v = xcalloc(cap, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		read_attr(s, &v[n++]);
	}
	db_done(s);
	*items = v;
	*count = n;
	return rc < 0 ? rc : 0;
}
