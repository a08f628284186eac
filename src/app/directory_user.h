/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM Users of a connection's directory (PRODUCT.md journey 3). Each use
 * case is one transaction that first checks the request's token again
 * (app_scim_check_tx), so a disabled directory or a revoked token writes
 * nothing. What needs no lock is done before it (decoding, normalising,
 * ids, the time, the events' data from a hint); the transaction reads every
 * fact itself and uses what was prepared only if it finds the same facts.
 *
 * - Create: the user exists before first sign-in, is a member of the
 *   connection's organization (its default role, then role resolution) and
 *   user.created fires. An existing gatehouse user with the address (JIT,
 *   API) is linked instead (user.updated). The primary address's domain
 *   must be a verified domain the connection covers; other addresses of
 *   uncovered domains stay in the SCIM profile only.
 * - userName is unique per directory, case-insensitively (409 uniqueness).
 * - Update (PUT/PATCH): user.updated; active=false deactivates the user and
 *   revokes every session in the same transaction; active=true reactivates.
 * - Delete: the SCIM resource goes; the user is deactivated as above (a
 *   later create with the same address links it again: Entra ID's
 *   re-create after soft delete).
 * - Custom attributes with a scim_attribute write public_metadata keys; a
 *   mapped attribute absent from the resource removes its key.
 *
 * Expected errors: ERR_UNAUTHENTICATED/ERR_FORBIDDEN (token), ERR_NOT_FOUND
 * (scim_not_found), ERR_CONFLICT (user_name_taken, email_taken,
 * membership_limit_reached, 412 precondition_failed), ERR_FORBIDDEN
 * (email_domain_not_covered), ERR_INVALID (from the codec).
 */
#ifndef GATEHOUSE_APP_DIRECTORY_USER_H
#define GATEHOUSE_APP_DIRECTORY_USER_H

#include "app/directory.h"
#include "store/directory.h"

/* What routes/ gives the use cases to read SCIM; pure (a transaction may rerun). */
struct directory_user_codec {
	/* The new resource, from the stored one (current NULL for a create). */
	int (*transform)(struct directory_user_input *out, const char *current, void *payload);
	/* The values at a SCIM path of a profile as a JSON array text (caller frees), or NULL. */
	char *(*values)(const char *profile, const char *path, void *payload);
	void *payload;
	bool whole; /* transform ignores current: the body is the whole resource (PUT) */
};

int app_directory_user_create(struct app *a, const struct scim_principal *p,
                              const struct directory_user_codec *codec, struct directory_user *out,
                              struct scim_effects *fx);
/* if_match: the version an If-Match header names, or 0. */
int app_directory_user_update(struct app *a, const struct scim_principal *p, const char *id,
                              int64_t if_match, const struct directory_user_codec *codec,
                              struct directory_user *out, struct scim_effects *fx);
int app_directory_user_delete(struct app *a, const struct scim_principal *p, const char *id,
                              int64_t if_match, struct scim_effects *fx);
int app_directory_user_get(struct app *a, const struct scim_principal *p, const char *id,
                           struct directory_user *out);

struct directory_user_query {
	enum directory_user_key key; /* an index the filter allows (DIRUSER_ALL: none) */
	const char *value;
	/* the whole filter; NULL when the index answers it exactly */
	bool (*match)(const struct directory_user *u, void *payload);
	void *payload;
	int64_t start_index, count; /* RFC 7644 §3.4.2.4 */
};
/* One page of matches (*items xmalloc'd, each released by the caller) and their total. */
int app_directory_user_list(struct app *a, const struct scim_principal *p,
                            const struct directory_user_query *q, struct directory_user **items,
                            size_t *count, int64_t *total);

#endif
