/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM Groups of a connection's directory: groups with members (directory
 * users of the same connection only; no duplicates), changed by member id
 * in any number per request, with directory_sync.group.created / updated /
 * deleted events. A change to the members of a mapped group, or the
 * deletion of one, re-resolves the affected members' roles (app/
 * directory_role.h): in the request for few members, else by a job.
 *
 * Expected errors: as app/directory_user.h; ERR_INVALID invalidValue for a
 * member that is not a user of this directory.
 */
#ifndef GATEHOUSE_APP_DIRECTORY_GROUP_H
#define GATEHOUSE_APP_DIRECTORY_GROUP_H

#include "app/directory.h"
#include "store/directory_group.h"

struct directory_group_codec {
	/* The new resource from the stored one (current NULL for a create); pure. */
	int (*transform)(struct directory_group_input *out, const char *current, void *payload);
	void *payload;
};

/* members may be NULL (none). */
int app_directory_group_create(struct app *a, const struct scim_principal *p,
                               const struct directory_group_codec *codec,
                               const struct directory_member_ops *members,
                               struct directory_group *out, struct scim_effects *fx);
/* codec NULL leaves name and profile as they are; if_match 0 or the expected version. */
int app_directory_group_update(struct app *a, const struct scim_principal *p, const char *id,
                               int64_t if_match, const struct directory_group_codec *codec,
                               const struct directory_member_ops *members,
                               struct directory_group *out, struct scim_effects *fx);
int app_directory_group_delete(struct app *a, const struct scim_principal *p, const char *id,
                               int64_t if_match, struct scim_effects *fx);

/* A group with (optionally) its members. */
struct directory_group_item {
	struct directory_group group;
	struct directory_member *members; /* NULL when not loaded */
	size_t nmembers;
};
void directory_group_item_release(struct directory_group_item *it);

int app_directory_group_get(struct app *a, const struct scim_principal *p, const char *id,
                            bool with_members, struct directory_group_item *out);

struct directory_group_query {
	enum directory_group_key key;
	const char *value;
	bool (*match)(const struct directory_group_item *g, void *payload); /* NULL: all */
	void *payload;
	bool with_members;
	int64_t start_index, count;
};
int app_directory_group_list(struct app *a, const struct scim_principal *p,
                             const struct directory_group_query *q,
                             struct directory_group_item **items, size_t *count, int64_t *total);

#endif
