/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SCIM schemas gatehouse serves (RFC 7643 §4, §8.7.1): core User and Group,
 * the enterprise User extension, and gatehouse's custom User extension that
 * accepts any attribute name. One table drives attribute lookups (names are
 * case-insensitive, RFC 7643 §2.1), case-exactness for filters, multi-valued
 * handling in PATCH, and the /Schemas, /ResourceTypes and
 * /ServiceProviderConfig documents, so what is advertised is what is
 * implemented.
 */
#ifndef GATEHOUSE_SCIM_SCHEMA_H
#define GATEHOUSE_SCIM_SCHEMA_H

#include <jansson.h>

#define SCIM_URN_USER       "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_URN_GROUP      "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_URN_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCIM_URN_CUSTOM     "urn:gatehouse:scim:schemas:extension:custom:2.0:User"
#define SCIM_URN_LIST       "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_URN_PATCH      "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_URN_ERROR      "urn:ietf:params:scim:api:messages:2.0:Error"

/* Largest page a list answers (advertised as filter.maxResults). */
#define SCIM_MAX_RESULTS 1000

enum scim_type {
	SCIM_STRING,
	SCIM_BOOLEAN,
	SCIM_DECIMAL,
	SCIM_INTEGER,
	SCIM_DATETIME,
	SCIM_REFERENCE,
	SCIM_COMPLEX,
	SCIM_BINARY,
};

enum scim_mutability { SCIM_READ_WRITE, SCIM_READ_ONLY, SCIM_IMMUTABLE, SCIM_WRITE_ONLY };
enum scim_returned { SCIM_RET_DEFAULT, SCIM_RET_ALWAYS, SCIM_RET_NEVER, SCIM_RET_REQUEST };

struct scim_attr {
	const char *name; /* canonical spelling */
	enum scim_type type;
	bool multi_valued, required, case_exact;
	enum scim_mutability mutability;
	enum scim_returned returned;
	const char *uniqueness;       /* "none" | "server" */
	const struct scim_attr *subs; /* complex: sub-attributes, ended by a NULL name */
	const char *description;
};

struct scim_schema {
	const char *id; /* the URN */
	const char *name;
	const char *description;
	const struct scim_attr *attrs; /* ended by a NULL name; NULL: any attribute name */
};

/* The schema with this URN (case-insensitive), or NULL. */
const struct scim_schema *scim_schema_find(const char *urn);
/* An attribute of a schema (case-insensitive), or NULL. */
const struct scim_attr *scim_schema_attr(const struct scim_schema *s, const char *name);
/* A sub-attribute of a complex attribute (case-insensitive), or NULL. */
const struct scim_attr *scim_schema_sub(const struct scim_attr *a, const char *name);

/*
 * Resolves an attribute named in a filter or path: urn NULL means the
 * resource's core schema (core_urn). Also knows the common attributes id,
 * externalId and meta (RFC 7643 §3.1). Returns NULL for attributes the
 * schemas do not define (which are still stored and matched, with default
 * traits: single-valued, not case-exact).
 */
const struct scim_attr *scim_schema_lookup(const char *core_urn, const char *urn, const char *name);
/* Case-exactness of name[.sub] (RFC 7643 §2.2 caseExact); false when unknown. */
bool scim_schema_case_exact(const char *core_urn, const char *urn, const char *name,
                            const char *sub);
/* True for extension URNs a User may carry (enterprise, custom). */
bool scim_schema_is_user_extension(const char *urn);

/* RFC 7643 §7 / RFC 7644 §4: documents served under base_url (no trailing '/'). */
json_t *scim_schema_list_json(const char *base_url);
/* One schema document by URN, or NULL when unknown. */
json_t *scim_schema_json(const char *urn, const char *base_url);
json_t *scim_resource_types_json(const char *base_url);
/* One resource type ("User" | "Group"), or NULL. */
json_t *scim_resource_type_json(const char *name, const char *base_url);
/* RFC 7643 §5: exactly what this implementation supports. */
json_t *scim_service_provider_config_json(const char *base_url, const char *documentation_url);

#endif
