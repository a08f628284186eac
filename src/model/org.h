/* SPDX-License-Identifier: Apache-2.0 */
/* Organizations: the struct, input decoding with validation, JSON output. */
#ifndef GATEHOUSE_MODEL_ORG_H
#define GATEHOUSE_MODEL_ORG_H

#include "base/id.h"
#include "model/model.h"

struct org {
	char id[ID_MAX];
	char *name;
	char *slug;
	char *default_role;
	bool self_serve_sso;
	int64_t max_memberships; /* 0: no limit */
	char *public_metadata;   /* JSON object text */
	char *private_metadata;
	int64_t members_count;
	int64_t created_at, updated_at;
};

/* Fields a create or update may carry; has_* says which were sent. */
struct org_input {
	const char *name, *slug, *default_role;
	bool self_serve_sso;
	int64_t max_memberships;
	char *public_metadata, *private_metadata; /* owned */
	bool has_name, has_slug, has_default_role, has_self_serve_sso, has_max_memberships,
	        has_public_metadata, has_private_metadata;
};

/*
 * Decodes and validates a request body (strings borrowed from body). For a
 * create, name is required. Returns 0 or ERR_INVALID (422, field named).
 */
int org_input_from_json(struct org_input *out, json_t *body, bool create);
void org_input_release(struct org_input *in);

void org_release(struct org *o);
/* New reference; the API shape of an organization. */
json_t *org_to_json(const struct org *o);

#endif
