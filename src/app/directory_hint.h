/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a SCIM create assumes about its directory before its write
 * transaction: the connection's organization, that organization's default
 * role, name and slug, and the connection's custom attributes. A hint is
 * never trusted: the transaction reads every fact again and uses what was
 * built from the hint only when the facts are the same (app/directory_user.c).
 * Kept per node for APP_DIRECTORY_HINT_S, dropped at once when a transaction
 * finds it stale; read (outside any write) when missing.
 */
#ifndef GATEHOUSE_APP_DIRECTORY_HINT_H
#define GATEHOUSE_APP_DIRECTORY_HINT_H

#include "app/app.h"
#include "model/connection.h"
#include "store/directory.h"

#define APP_DIRECTORY_HINT_S 30

struct directory_hint {
	char org_id[ID_MAX];
	struct directory_seats seats; /* is_member, max and members are not kept */
	struct custom_attribute *attrs;
	size_t nattrs;
};
void app_directory_hint_release(struct directory_hint *h);

/* A copy of conn_id's hint (released by the caller); an error when it cannot be read. */
int app_directory_hint_get(struct app *a, const char *conn_id, struct directory_hint *out);
/* Forgets conn_id's hint: a transaction found it stale. */
void app_directory_hint_drop(const char *conn_id);

#endif
