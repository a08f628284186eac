/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enterprise connection use cases: configuration, the covered domains, the
 * status machine (draft → tested → active ↔ inactive), custom attributes,
 * and routing an email to the connection that must sign it in.
 *
 * Expected errors: ERR_NOT_FOUND (connection_not_found, organization_not_found,
 * domain_not_in_organization as 422), ERR_CONFLICT (connection_not_tested,
 * no_verified_domain, domain_has_active_connection, connection_incomplete,
 * key_taken), ERR_INVALID.
 */
#ifndef GATEHOUSE_APP_CONNECTION_H
#define GATEHOUSE_APP_CONNECTION_H

#include "app/app.h"
#include "model/connection.h"

int app_connection_create(struct app *a, const struct actor *who, const struct connection_input *in,
                          struct connection *out);
int app_connection_update(struct app *a, const struct actor *who, const char *id,
                          const struct connection_input *in, struct connection *out);
int app_connection_delete(struct app *a, const struct actor *who, const char *id);
int app_connection_get(struct app *a, const char *id, struct connection *out);
int app_connection_list(struct app *a, const char *org_id, const struct page *p,
                        struct connection **items, size_t *count, int64_t *total);
int app_connection_activate(struct app *a, const struct actor *who, const char *id,
                            struct connection *out);
int app_connection_deactivate(struct app *a, const struct actor *who, const char *id,
                              struct connection *out);
/* Records a passed test sign-in: draft → tested (other states keep theirs). */
int app_connection_mark_tested(struct app *a, const struct actor *who, const char *id);

int app_attribute_create(struct app *a, const struct actor *who, const char *conn_id,
                         const struct custom_attribute_input *in, struct custom_attribute *out);
int app_attribute_update(struct app *a, const struct actor *who, const char *conn_id,
                         const char *id, const struct custom_attribute_input *in,
                         struct custom_attribute *out);
int app_attribute_delete(struct app *a, const struct actor *who, const char *conn_id,
                         const char *id);
int app_attribute_list(struct app *a, const char *conn_id, struct custom_attribute **items,
                       size_t *count);

/* Where an email must sign in. connection_id/org_id are "" when no active connection covers it. */
struct sso_route {
	char email[321];
	char domain[256];
	char connection_id[ID_MAX];
	char org_id[ID_MAX];
	bool sso_enforced;
};
int app_sso_lookup(struct app *a, const char *email, struct sso_route *out);

#endif
