/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Organization domains: verified through a DNS TXT record whose name and
 * value gatehouse chooses. Public mail domains are refused; a domain verified
 * by one organization cannot be claimed (nor can names under it) by another.
 */
#ifndef GATEHOUSE_MODEL_DOMAIN_H
#define GATEHOUSE_MODEL_DOMAIN_H

#include "base/id.h"
#include "model/model.h"

#define DOMAIN_TXT_PREFIX   "_gatehouse-verification."
#define DOMAIN_VALUE_PREFIX "gatehouse-verification="

struct domain {
	char id[ID_MAX];
	char org_id[ID_MAX];
	char *name;
	char *status; /* unverified | verified | failed */
	char *txt_record_name, *txt_record_value;
	int64_t last_checked_at, verified_at;
	char *failure; /* JSON {"code","message"} of the last failed check, or NULL */
	char *enrollment_mode;
	bool sso_enforced;
	int64_t created_at, updated_at;
};

struct domain_input {
	const char *name, *enrollment_mode;
	bool sso_enforced;
	bool has_name, has_enrollment_mode, has_sso_enforced;
};

/* A well-known public mail provider (gmail.com, outlook.com, ...), or a name under one. */
bool domain_is_public_mail(const char *normalized_name);
/* True when child equals parent or lies under it (a.b.example.com under example.com). */
bool domain_is_within(const char *child, const char *parent);
int domain_input_from_json(struct domain_input *out, json_t *body, bool create);
void domain_release(struct domain *d);
json_t *domain_to_json(const struct domain *d);

#endif
