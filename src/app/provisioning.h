/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Just-in-time provisioning (PRODUCT.md journey 2): after a connection's IdP
 * vouched for an identity, make the user exist, be a member of the
 * connection's organization, and carry the mapped custom attributes.
 *
 * - The email's domain must be a verified domain of the connection's
 *   organization that the connection covers, whatever the IdP asserts
 *   (ERR_FORBIDDEN email_domain_not_covered).
 * - First sign-in creates the user (user.created); later ones refresh names,
 *   external id and custom attributes (user.updated when something changed).
 * - A non-member joins with the connection's default role, else the
 *   organization's (organization_membership.created); a member removed by
 *   hand rejoins this way. Existing memberships keep their role.
 * - Custom attributes: a mapped attribute the IdP did not send is not written;
 *   multi_valued writes every value as an array, otherwise the first value.
 * - A deactivated user is refused (ERR_FORBIDDEN user_deactivated).
 */
#ifndef GATEHOUSE_APP_PROVISIONING_H
#define GATEHOUSE_APP_PROVISIONING_H

#include "app/app.h"
#include "model/connection.h"

struct sso_identity {
	const char *email;
	const char *first_name, *last_name; /* may be NULL */
	const char *external_id;            /* NameID or sub; may be NULL */
	const char *attributes_json;        /* {"name": ["value", ...]}; may be NULL */
};

struct sso_provisioned {
	char user_id[ID_MAX];
	char org_id[ID_MAX];
	bool user_created, member_created;
};

/* Checks only the email-domain rule (also used by test sign-ins, which provision nothing). */
int app_provision_check_domain(struct app *a, const struct connection *conn, const char *email);
int app_provision_sso(struct app *a, const struct connection *conn, const struct sso_identity *id,
                      struct sso_provisioned *out);
/*
 * Whether email already belongs to a member of conn's organization (a hint for
 * how to schedule the sign-in's transaction; false on any error).
 */
bool app_provision_is_member(struct app *a, const struct connection *conn, const char *email);
/* The same inside the caller's transaction (app_signin_finish). */
int app_provision_sso_tx(struct db_conn *c, const struct connection *conn,
                         const struct sso_identity *id, struct sso_provisioned *out);
/*
 * The public_metadata this identity's attributes produce over base (a JSON
 * object text; NULL is {}); caller frees. Exposed for tests and test sign-ins.
 */
char *app_provision_metadata(const struct connection *conn, const struct custom_attribute *attrs,
                             size_t nattrs, const char *attributes_json, const char *base);

/* Where a custom attribute's value comes from (its saml_attribute, oidc_claim or scim_attribute).
 */
enum provision_source { PROVISION_SAML, PROVISION_OIDC, PROVISION_SCIM };
/* app_provision_metadata for an explicit source (Directory Sync uses PROVISION_SCIM). */
char *app_provision_metadata_from(enum provision_source source,
                                  const struct custom_attribute *attrs, size_t nattrs,
                                  const char *attributes_json, const char *base);
/*
 * Inside the caller's transaction: the journey-2 domain rule for one
 * (lowercase) domain — covered by conn and verified for its organization.
 * ERR_FORBIDDEN email_domain_not_covered.
 */
int app_provision_check_domain_tx(struct db_conn *c, const struct connection *conn,
                                  const char *domain);
/*
 * The same rule, read fresh in the caller's transaction without the
 * connection row: conn_id must cover the domain and org_id (the
 * connection's organization) must have verified it. Same error.
 */
int app_provision_check_covered_tx(struct db_conn *c, const char *conn_id, const char *org_id,
                                   const char *domain);

#endif
