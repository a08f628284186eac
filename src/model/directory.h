/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory Sync (PRODUCT.md "Directory (SCIM)", "Group and role mapping"):
 * the directory of one enterprise connection, the users and groups its IdP
 * provisions, the ordered group → role mappings, role re-resolution jobs and
 * the inbound SCIM request log. Typed structs, input decoding and the API
 * shapes; the SCIM wire format is scim/'s.
 */
#ifndef GATEHOUSE_MODEL_DIRECTORY_H
#define GATEHOUSE_MODEL_DIRECTORY_H

#include "base/id.h"
#include "model/model.h"

#define DIRECTORY_USER_NAME_MAX   256
#define DIRECTORY_MAX_EMAILS      16
#define DIRECTORY_PROFILE_MAX     (64 * 1024)
#define DIRECTORY_MAX_MAPPINGS    100
#define DIRECTORY_TOKEN_OVERLAP_S 600 /* a rotated token keeps working for 10 minutes */
#define DIRECTORY_TOKEN_PREFIX    "scim_"
#define DIRECTORY_HASH_LEN        65 /* SHA-256 in hex, with NUL */

/* The directory of one connection. */
struct directory {
	char connection_id[ID_MAX];
	char org_id[ID_MAX];
	bool enabled;
	char *token_hint; /* "scim_...wxyz" */
	int64_t token_created_at;
	int64_t previous_token_expires_at; /* 0: no previous token */
	int64_t enabled_at, disabled_at, created_at, updated_at;
	int64_t users_count, groups_count; /* read with the row */
};

/* The API shape (token never included); scim_base_url from public_url. */
json_t *directory_to_json(const struct directory *d, const char *public_url);
void directory_release(struct directory *d);

struct directory_email {
	char *value; /* as the IdP wrote it */
	char *type;  /* "work", ... or NULL */
	bool primary;
};

/* A SCIM User as gatehouse reads it (decoded by scim/resource.c). */
struct directory_user_input {
	char *user_name;
	char *external_id;              /* NULL when absent */
	char *given_name, *family_name; /* NULL when absent */
	struct directory_email *emails; /* at least one */
	size_t nemails;
	bool active;
	char *profile; /* the whole resource, normalised, without id/meta/password (JSON text) */
};
void directory_user_input_release(struct directory_user_input *in);
/* The primary address (the one marked primary, else the first). */
const struct directory_email *directory_user_input_primary(const struct directory_user_input *in);

/* A provisioned user: the SCIM resource and the gatehouse user it is linked to. */
struct directory_user {
	char id[ID_MAX]; /* the SCIM id ("dusr_...") */
	char connection_id[ID_MAX];
	char user_id[ID_MAX];
	char *user_name, *external_id;
	bool active;
	char *profile; /* SCIM resource JSON text */
	int64_t version, last_synced_at, created_at, updated_at;
	char *primary_email; /* of the linked user, read with the row */
};
void directory_user_release(struct directory_user *u);
/* The API shape of GET .../directory_users. */
json_t *directory_user_to_json(const struct directory_user *u);

/* A SCIM Group as gatehouse reads it (members travel separately, by id). */
struct directory_group_input {
	char *display_name;
	char *external_id; /* NULL when absent */
	char *profile;     /* without id, meta and members (JSON text) */
};
void directory_group_input_release(struct directory_group_input *in);

struct directory_group {
	char id[ID_MAX]; /* "grp_..." */
	char connection_id[ID_MAX];
	char *display_name, *external_id;
	char *profile;
	int64_t member_count, version, created_at, updated_at;
};
void directory_group_release(struct directory_group *g);
json_t *directory_group_to_json(const struct directory_group *g, const char *org_id);

/*
 * Changes to a group's members by member id, in order (taken out of a SCIM
 * PATCH, or a POST/PUT member list), so a group of any size changes without
 * its member list being loaded.
 */
enum directory_member_kind {
	DIRECTORY_MEMBERS_ADD,
	DIRECTORY_MEMBERS_REMOVE,
	DIRECTORY_MEMBERS_REMOVE_ALL
};

struct directory_member_op {
	enum directory_member_kind kind;
	char **ids; /* owned; the members' SCIM ids */
	size_t nids;
};

struct directory_member_ops {
	struct directory_member_op *ops;
	size_t nops;
	size_t total_ids;
};
void directory_member_ops_release(struct directory_member_ops *m);

/* One member of a group, for SCIM output. */
struct directory_member {
	char id[ID_MAX]; /* the member's SCIM id */
	char *user_name;
};

/* One entry of a connection's ordered group → role mapping list. */
struct role_mapping {
	char group_id[ID_MAX];
	char *role;
	char *group_display_name; /* read with the row */
};
void role_mapping_release(struct role_mapping *m);

/*
 * Decodes PUT .../role_mappings: {"data": [{"group_id": "grp_...", "role":
 * "org:..."}, ...]} or the bare array, in rank order (first match wins).
 * 422 invalid_role_mapping / duplicate_group / too_many. Roles and groups
 * are checked to exist by app/. *out is an xmalloc'd array.
 */
int role_mappings_from_json(struct role_mapping **out, size_t *count, json_t *body);
json_t *role_mappings_to_json(const char *connection_id, const struct role_mapping *m, size_t n);

/* A background re-resolution of roles (progress visible through the API). */
struct directory_job {
	char id[ID_MAX]; /* "djob_..." */
	char connection_id[ID_MAX];
	char *kind, *reason, *status; /* status: pending | running | succeeded | failed */
	int64_t total, done;
	char *error;
	int64_t created_at, updated_at, finished_at;
};
void directory_job_release(struct directory_job *j);
json_t *directory_job_to_json(const struct directory_job *j);

/* One inbound SCIM request, as the log keeps it. */
struct scim_request {
	char id[ID_MAX]; /* "sreq_..." */
	char connection_id[ID_MAX];
	char *method, *path;
	int status;
	char *scim_type, *detail; /* of an error; NULL on success */
	char *changes;            /* what changed, in words; NULL when nothing */
	char *request_body;       /* redacted, truncated */
	int64_t duration_us;
	int64_t created_at;
};
void scim_request_release(struct scim_request *r);
json_t *scim_request_to_json(const struct scim_request *r);

#endif
