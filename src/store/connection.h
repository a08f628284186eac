/* SPDX-License-Identifier: Apache-2.0 */
/* Enterprise connections, the domains they cover, custom attributes. Caller's transaction. */
#ifndef GATEHOUSE_STORE_CONNECTION_H
#define GATEHOUSE_STORE_CONNECTION_H

#include "model/connection.h"
#include "store/db.h"

/* Sealed secrets of a connection (each may be NULL); never part of struct connection. */
struct connection_secrets {
	char *sp_signing_key, *sp_encryption_key, *oidc_client_secret;
};
void connection_secrets_release(struct connection_secrets *s);

int store_connection_get(struct db_conn *c, const char *id, struct connection *out);
int store_connection_insert(struct db_conn *c, const struct connection *conn,
                            const struct connection_secrets *secrets);
/* Writes every column; secrets members that are NULL are left as they are. */
int store_connection_update(struct db_conn *c, const struct connection *conn,
                            const struct connection_secrets *secrets);
int store_connection_delete(struct db_conn *c, const char *id);
int store_connection_secrets_get(struct db_conn *c, const char *id, struct connection_secrets *out);
/* org_id may be NULL (all). */
int store_connection_list(struct db_conn *c, const char *org_id, const char *starting_after,
                          int64_t limit, struct connection **items, size_t *count, int64_t *total);
/* Replaces the covered domains with these domain ids (already checked to be the org's). */
int store_connection_set_domains(struct db_conn *c, const char *conn_id, char (*domain_ids)[ID_MAX],
                                 size_t n);
/*
 * Whether the connection covers the domain named domain_name and that domain
 * is a verified domain of org_id: 1, 0, or an error.
 */
int store_connection_covers_verified(struct db_conn *c, const char *conn_id, const char *org_id,
                                     const char *domain_name);
/* Number of the connection's covered domains that are verified. */
int64_t store_connection_verified_domains(struct db_conn *c, const char *conn_id);
/*
 * Another active connection covering one of conn_id's domains: its id into
 * other_out ("" if none) and the domain name into domain_out.
 */
int store_connection_overlap(struct db_conn *c, const char *conn_id, char other_out[ID_MAX],
                             char domain_out[256]);
/*
 * The active connection that covers a verified domain equal to domain_name:
 * ids into conn_out/org_out ("" when none), *sso_enforced from the domain.
 */
int store_connection_for_domain(struct db_conn *c, const char *domain_name, char conn_out[ID_MAX],
                                char org_out[ID_MAX], bool *sso_enforced);

int store_attribute_insert(struct db_conn *c, const struct custom_attribute *a);
int store_attribute_update(struct db_conn *c, const struct custom_attribute *a);
int store_attribute_delete(struct db_conn *c, const char *conn_id, const char *id);
int store_attribute_get(struct db_conn *c, const char *conn_id, const char *id,
                        struct custom_attribute *out);
int store_attribute_list(struct db_conn *c, const char *conn_id, struct custom_attribute **items,
                         size_t *count);

#endif
