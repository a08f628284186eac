/* SPDX-License-Identifier: Apache-2.0 */
/* The SCIM schema table and the discovery documents built from it (see schema.h). */
#include "base/common.h"

#include "scim/schema.h"

#include <strings.h>

#define END                                                                                        \
	{                                                                                          \
		NULL, SCIM_STRING, false, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, NULL,   \
		        NULL, NULL                                                                 \
	}
/* A read-write, single-valued, not case-exact attribute of type t. */
#define A(n, t, d)                                                                                 \
	{                                                                                          \
		n, t, false, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none", NULL, d      \
	}
/* A multi-valued complex attribute with the given sub-attributes. */
#define MV(n, subs, d)                                                                             \
	{                                                                                          \
		n, SCIM_COMPLEX, true, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",    \
		        subs, d                                                                    \
	}

/* RFC 7643 §2.4: the usual sub-attributes of a multi-valued attribute. */
static const struct scim_attr multi_subs[] = {
	A("value", SCIM_STRING, "The value"),
	A("display", SCIM_STRING, "A human-readable name"),
	A("type", SCIM_STRING, "A label such as work or home"),
	A("primary", SCIM_BOOLEAN, "The preferred value"),
	END,
};

static const struct scim_attr name_subs[] = {
	A("formatted", SCIM_STRING, "The full name"),
	A("familyName", SCIM_STRING, "Family name"),
	A("givenName", SCIM_STRING, "Given name"),
	A("middleName", SCIM_STRING, "Middle name"),
	A("honorificPrefix", SCIM_STRING, "Honorific prefix"),
	A("honorificSuffix", SCIM_STRING, "Honorific suffix"),
	END,
};

static const struct scim_attr address_subs[] = {
	A("formatted", SCIM_STRING, "The full mailing address"),
	A("streetAddress", SCIM_STRING, "Street address"),
	A("locality", SCIM_STRING, "City or locality"),
	A("region", SCIM_STRING, "State or region"),
	A("postalCode", SCIM_STRING, "Postal code"),
	A("country", SCIM_STRING, "Country (ISO 3166-1 alpha-2)"),
	A("type", SCIM_STRING, "work, home or other"),
	A("primary", SCIM_BOOLEAN, "The preferred address"),
	END,
};

static const struct scim_attr ref_subs[] = {
	{ "value", SCIM_STRING, false, false, true, SCIM_IMMUTABLE, SCIM_RET_DEFAULT, "none", NULL,
	  "The id of the referenced resource" },
	{ "$ref", SCIM_REFERENCE, false, false, true, SCIM_IMMUTABLE, SCIM_RET_DEFAULT, "none",
	  NULL, "The URI of the referenced resource" },
	A("display", SCIM_STRING, "A human-readable name"),
	A("type", SCIM_STRING, "User or Group"),
	END,
};

static const struct scim_attr manager_subs[] = {
	A("value", SCIM_STRING, "The id of the manager"),
	{ "$ref", SCIM_REFERENCE, false, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  NULL, "The URI of the manager" },
	{ "displayName", SCIM_STRING, false, false, false, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  NULL, "The manager's name" },
	END,
};

static const struct scim_attr meta_subs[] = {
	{ "resourceType", SCIM_STRING, false, false, true, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  NULL, "User or Group" },
	{ "created", SCIM_DATETIME, false, false, false, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  NULL, "When the resource was added" },
	{ "lastModified", SCIM_DATETIME, false, false, false, SCIM_READ_ONLY, SCIM_RET_DEFAULT,
	  "none", NULL, "When the resource last changed" },
	{ "location", SCIM_REFERENCE, false, false, true, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  NULL, "The URI of the resource" },
	{ "version", SCIM_STRING, false, false, true, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  NULL, "The ETag of the resource" },
	END,
};

/* RFC 7643 §3.1: attributes of every resource. */
static const struct scim_attr common_attrs[] = {
	{ "id", SCIM_STRING, false, false, true, SCIM_READ_ONLY, SCIM_RET_ALWAYS, "server", NULL,
	  "Issued by gatehouse; stable and case-sensitive" },
	{ "externalId", SCIM_STRING, false, false, true, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  NULL, "The IdP's identifier for the resource" },
	{ "meta", SCIM_COMPLEX, false, false, false, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  meta_subs, "Resource metadata" },
	END,
};

static const struct scim_attr user_attrs[] = {
	{ "userName", SCIM_STRING, false, true, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "server",
	  NULL, "Unique per directory, compared case-insensitively" },
	{ "name", SCIM_COMPLEX, false, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  name_subs, "The components of the user's name" },
	A("displayName", SCIM_STRING, "The name to display"),
	A("nickName", SCIM_STRING, "Casual name"),
	A("profileUrl", SCIM_REFERENCE, "A profile page"),
	A("title", SCIM_STRING, "Job title"),
	A("userType", SCIM_STRING, "Relationship to the organization"),
	A("preferredLanguage", SCIM_STRING, "Preferred language"),
	A("locale", SCIM_STRING, "Locale"),
	A("timezone", SCIM_STRING, "Time zone (IANA name)"),
	A("active", SCIM_BOOLEAN, "false deactivates the user and revokes every session"),
	{ "password", SCIM_STRING, false, false, false, SCIM_WRITE_ONLY, SCIM_RET_NEVER, "none",
	  NULL, "Accepted and discarded: gatehouse users sign in through their IdP" },
	MV("emails", multi_subs,
	   "Email addresses; at least one is required and the primary one's domain must be covered by the connection"),
	MV("phoneNumbers", multi_subs, "Phone numbers"),
	MV("ims", multi_subs, "Instant messaging addresses"),
	MV("photos", multi_subs, "Photo URLs"),
	MV("addresses", address_subs, "Physical addresses"),
	{ "groups", SCIM_COMPLEX, true, false, false, SCIM_READ_ONLY, SCIM_RET_DEFAULT, "none",
	  ref_subs, "Groups the user belongs to (managed through /Groups)" },
	MV("entitlements", multi_subs, "Entitlements"),
	MV("roles", multi_subs, "Roles"),
	MV("x509Certificates", multi_subs, "Certificates"),
	END,
};

static const struct scim_attr enterprise_attrs[] = {
	A("employeeNumber", SCIM_STRING, "Employee number"),
	A("costCenter", SCIM_STRING, "Cost center"),
	A("organization", SCIM_STRING, "Organization"),
	A("division", SCIM_STRING, "Division"),
	A("department", SCIM_STRING, "Department"),
	{ "manager", SCIM_COMPLEX, false, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  manager_subs, "The user's manager (a string id is accepted too)" },
	END,
};

static const struct scim_attr group_attrs[] = {
	{ "displayName", SCIM_STRING, false, true, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  NULL, "The group's name" },
	{ "members", SCIM_COMPLEX, true, false, false, SCIM_READ_WRITE, SCIM_RET_DEFAULT, "none",
	  ref_subs, "Members (users of this directory)" },
	END,
};

static const struct scim_schema schemas[] = {
	{ SCIM_URN_USER, "User", "User Account", user_attrs },
	{ SCIM_URN_GROUP, "Group", "Group", group_attrs },
	{ SCIM_URN_ENTERPRISE, "EnterpriseUser", "Enterprise User", enterprise_attrs },
	{ SCIM_URN_CUSTOM, "GatehouseCustomUser",
	  "Any attribute name; a connection's custom attributes map them into public_metadata",
	  NULL },
};

const struct scim_schema *scim_schema_find(const char *urn)
{
	for (size_t i = 0; urn && i < ARRAY_SIZE(schemas); i++)
		if (strcasecmp(schemas[i].id, urn) == 0)
			return &schemas[i];
	return NULL;
}

static const struct scim_attr *find_in(const struct scim_attr *list, const char *name)
{
	for (const struct scim_attr *a = list; a && a->name && name; a++)
		if (strcasecmp(a->name, name) == 0)
			return a;
	return NULL;
}

const struct scim_attr *scim_schema_attr(const struct scim_schema *s, const char *name)
{
	return s ? find_in(s->attrs, name) : NULL;
}

const struct scim_attr *scim_schema_sub(const struct scim_attr *a, const char *name)
{
	return a ? find_in(a->subs, name) : NULL;
}

const struct scim_attr *scim_schema_lookup(const char *core_urn, const char *urn, const char *name)
{
	if (!urn || strcasecmp(urn, core_urn) == 0) {
		const struct scim_attr *c = find_in(common_attrs, name);
		return c ? c : scim_schema_attr(scim_schema_find(core_urn), name);
	}
	return scim_schema_attr(scim_schema_find(urn), name);
}

bool scim_schema_case_exact(const char *core_urn, const char *urn, const char *name,
                            const char *sub)
{
	const struct scim_attr *a = scim_schema_lookup(core_urn, urn, name);
	if (a && sub)
		a = scim_schema_sub(a, sub);
	return a && a->case_exact;
}

bool scim_schema_is_user_extension(const char *urn)
{
	return urn &&
	       (strcasecmp(urn, SCIM_URN_ENTERPRISE) == 0 || strcasecmp(urn, SCIM_URN_CUSTOM) == 0);
}

/* --- discovery documents (RFC 7643 §5-§7) --- */

static const char *type_name(enum scim_type t)
{
	static const char *const names[] = { "string",   "boolean",   "decimal", "integer",
		                             "dateTime", "reference", "complex", "binary" };
	return names[t];
}

static const char *mutability_name(enum scim_mutability m)
{
	static const char *const names[] = { "readWrite", "readOnly", "immutable", "writeOnly" };
	return names[m];
}

static const char *returned_name(enum scim_returned r)
{
	static const char *const names[] = { "default", "always", "never", "request" };
	return names[r];
}

static json_t *attr_json(const struct scim_attr *a)
{
	json_t *j = json_object();
	json_object_set_new(j, "name", json_string(a->name));
	json_object_set_new(j, "type", json_string(type_name(a->type)));
	json_object_set_new(j, "multiValued", json_boolean(a->multi_valued));
	json_object_set_new(j, "description", json_string(a->description ? a->description : ""));
	json_object_set_new(j, "required", json_boolean(a->required));
	if (a->type == SCIM_STRING || a->type == SCIM_REFERENCE)
		json_object_set_new(j, "caseExact", json_boolean(a->case_exact));
	json_object_set_new(j, "mutability", json_string(mutability_name(a->mutability)));
	json_object_set_new(j, "returned", json_string(returned_name(a->returned)));
	json_object_set_new(j, "uniqueness", json_string(a->uniqueness ? a->uniqueness : "none"));
	if (a->type == SCIM_REFERENCE) {
		json_t *rt = json_array();
		json_array_append_new(
		        rt, json_string(strcmp(a->name, "$ref") == 0 ? "User" : "external"));
		json_object_set_new(j, "referenceTypes", rt);
	}
	if (a->subs) {
		json_t *subs = json_array();
		for (const struct scim_attr *s = a->subs; s->name; s++)
			json_array_append_new(subs, attr_json(s));
		json_object_set_new(j, "subAttributes", subs);
	}
	return j;
}

static json_t *meta(const char *type, const char *base_url, const char *what, const char *id)
{
	json_t *m = json_object();
	json_object_set_new(m, "resourceType", json_string(type));
	char *loc = xasprintf("%s/%s/%s", base_url, what, id);
	json_object_set_new(m, "location", json_string(loc));
	free(loc);
	return m;
}

static json_t *schema_json(const struct scim_schema *s, const char *base_url)
{
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(sch, json_string("urn:ietf:params:scim:schemas:core:2.0:Schema"));
	json_object_set_new(j, "schemas", sch);
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "name", json_string(s->name));
	json_object_set_new(j, "description", json_string(s->description));
	json_t *attrs = json_array();
	for (const struct scim_attr *a = s->attrs; a && a->name; a++)
		json_array_append_new(attrs, attr_json(a));
	json_object_set_new(j, "attributes", attrs);
	json_object_set_new(j, "meta", meta("Schema", base_url, "Schemas", s->id));
	return j;
}

static json_t *list_of(json_t *items)
{
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(sch, json_string(SCIM_URN_LIST));
	json_object_set_new(j, "schemas", sch);
	json_object_set_new(j, "totalResults", json_integer((json_int_t)json_array_size(items)));
	json_object_set_new(j, "itemsPerPage", json_integer((json_int_t)json_array_size(items)));
	json_object_set_new(j, "startIndex", json_integer(1));
	json_object_set_new(j, "Resources", items);
	return j;
}

json_t *scim_schema_list_json(const char *base_url)
{
	json_t *items = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(schemas); i++)
		json_array_append_new(items, schema_json(&schemas[i], base_url));
	return list_of(items);
}

json_t *scim_schema_json(const char *urn, const char *base_url)
{
	const struct scim_schema *s = scim_schema_find(urn);
	return s ? schema_json(s, base_url) : NULL;
}

static json_t *resource_type(bool user, const char *base_url)
{
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(sch,
	                      json_string("urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
	json_object_set_new(j, "schemas", sch);
	json_object_set_new(j, "id", json_string(user ? "User" : "Group"));
	json_object_set_new(j, "name", json_string(user ? "User" : "Group"));
	json_object_set_new(j, "endpoint", json_string(user ? "/Users" : "/Groups"));
	json_object_set_new(j, "description",
	                    json_string(user ? "User Account" : "Group of users"));
	json_object_set_new(j, "schema", json_string(user ? SCIM_URN_USER : SCIM_URN_GROUP));
	if (user) {
		json_t *ext = json_array();
		const char *urns[] = { SCIM_URN_ENTERPRISE, SCIM_URN_CUSTOM };
		for (size_t i = 0; i < ARRAY_SIZE(urns); i++) {
			json_t *e = json_object();
			json_object_set_new(e, "schema", json_string(urns[i]));
			json_object_set_new(e, "required", json_false());
			json_array_append_new(ext, e);
		}
		json_object_set_new(j, "schemaExtensions", ext);
	}
	json_object_set_new(
	        j, "meta",
	        meta("ResourceType", base_url, "ResourceTypes", user ? "User" : "Group"));
	return j;
}

json_t *scim_resource_types_json(const char *base_url)
{
	json_t *items = json_array();
	json_array_append_new(items, resource_type(true, base_url));
	json_array_append_new(items, resource_type(false, base_url));
	return list_of(items);
}

json_t *scim_resource_type_json(const char *name, const char *base_url)
{
	if (strcasecmp(name, "User") == 0)
		return resource_type(true, base_url);
	if (strcasecmp(name, "Group") == 0)
		return resource_type(false, base_url);
	return NULL;
}

static json_t *supported(bool yes)
{
	json_t *j = json_object();
	json_object_set_new(j, "supported", json_boolean(yes));
	return j;
}

json_t *scim_service_provider_config_json(const char *base_url, const char *documentation_url)
{
	json_t *j = json_object();
	json_t *sch = json_array();
	json_array_append_new(
	        sch, json_string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
	json_object_set_new(j, "schemas", sch);
	json_object_set_new(j, "documentationUri", json_string(documentation_url));
	json_object_set_new(j, "patch", supported(true));
	json_t *bulk = supported(false);
	json_object_set_new(bulk, "maxOperations", json_integer(0));
	json_object_set_new(bulk, "maxPayloadSize", json_integer(0));
	json_object_set_new(j, "bulk", bulk);
	json_t *filter = supported(true);
	json_object_set_new(filter, "maxResults", json_integer(SCIM_MAX_RESULTS));
	json_object_set_new(j, "filter", filter);
	json_object_set_new(j, "changePassword", supported(false));
	json_object_set_new(j, "sort", supported(false));
	json_object_set_new(j, "etag", supported(true));
	json_t *schemes = json_array();
	json_t *bearer = json_object();
	json_object_set_new(bearer, "type", json_string("oauthbearertoken"));
	json_object_set_new(bearer, "name", json_string("Bearer token"));
	json_object_set_new(bearer, "description",
	                    json_string("The connection's Directory Sync token, shown once when "
	                                "Directory Sync is turned on or the token is rotated"));
	json_object_set_new(bearer, "primary", json_true());
	json_array_append_new(schemes, bearer);
	json_object_set_new(j, "authenticationSchemes", schemes);
	json_t *m = json_object();
	json_object_set_new(m, "resourceType", json_string("ServiceProviderConfig"));
	char *loc = xasprintf("%s/ServiceProviderConfig", base_url);
	json_object_set_new(m, "location", json_string(loc));
	free(loc);
	json_object_set_new(j, "meta", m);
	return j;
}
