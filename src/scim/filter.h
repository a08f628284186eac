/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): text → AST, and
 * evaluation of a filter against a resource (a JSON object).
 *
 * The whole grammar: eq ne co sw ew gt ge lt le pr, and/or/not with the
 * usual precedence (not > and > or), parentheses, value paths
 * (emails[type eq "work" and value co "@"]), URN-qualified attribute names
 * (urn:...:enterprise:2.0:User:department) and case-insensitive names and
 * operators. Two liberties real IdPs need: an unquoted comparison value is a
 * string (Entra ID: "externalId eq jyoung"), and a value path may be
 * followed by a sub-attribute comparison (Entra ID:
 * emails[type eq "work"].value eq "a@b.c").
 *
 * Errors: ERR_INVALID with the stable code "invalidFilter" (filters) or
 * "invalidPath" (paths) and the offending offset in the detail. Input is
 * bounded: SCIM_FILTER_MAX bytes, SCIM_FILTER_MAX_DEPTH nesting and
 * SCIM_FILTER_MAX_NODES nodes.
 */
#ifndef GATEHOUSE_SCIM_FILTER_H
#define GATEHOUSE_SCIM_FILTER_H

#include <jansson.h>

#define SCIM_FILTER_MAX       4096
#define SCIM_FILTER_MAX_DEPTH 32
#define SCIM_FILTER_MAX_NODES 256

enum scim_cmp {
	SCIM_EQ,
	SCIM_NE,
	SCIM_CO,
	SCIM_SW,
	SCIM_EW,
	SCIM_GT,
	SCIM_GE,
	SCIM_LT,
	SCIM_LE,
	SCIM_PR
};
enum scim_value_kind {
	SCIM_VAL_STRING,
	SCIM_VAL_NUMBER,
	SCIM_VAL_TRUE,
	SCIM_VAL_FALSE,
	SCIM_VAL_NULL
};
enum scim_node { SCIM_NODE_AND, SCIM_NODE_OR, SCIM_NODE_NOT, SCIM_NODE_CMP, SCIM_NODE_VALUE_PATH };

/* [urn ":"] name ["." sub]; urn NULL means the resource's own schema. */
struct scim_attr_path {
	char *urn, *name, *sub; /* owned; name NULL only for a path naming a whole extension */
};

struct scim_value {
	enum scim_value_kind kind;
	char *str;  /* SCIM_VAL_STRING, and SCIM_VAL_NUMBER's text (owned, UTF-8) */
	double num; /* SCIM_VAL_NUMBER */
};

struct scim_filter {
	enum scim_node kind;
	struct scim_filter *left, *right; /* AND/OR; NOT and VALUE_PATH use left */
	struct scim_attr_path path;       /* CMP, VALUE_PATH */
	enum scim_cmp op;                 /* CMP; VALUE_PATH with a trailing comparison */
	struct scim_value value;
	char *tail_sub; /* VALUE_PATH: emails[...].value op v compares value (owned) */
};

/* Parses a filter. Caller frees *out with scim_filter_free. */
int scim_filter_parse(struct scim_filter **out, const char *text, size_t len);
void scim_filter_free(struct scim_filter *f);

/*
 * Whether resource matches f. core_urn names the resource's core schema
 * (for case-exactness and URN-qualified names of the core schema).
 * Strings compare case-insensitively unless the attribute is caseExact; a
 * multi-valued attribute matches when any value does; a complex attribute
 * without a sub-attribute compares its "value" sub-attribute.
 */
bool scim_filter_match(const struct scim_filter *f, json_t *resource, const char *core_urn);

/*
 * If f is (or contains as an and-operand) attr eq "string" on the core
 * schema's attribute named name (case-insensitive), the value; else NULL.
 * Lets the store answer common filters (userName eq, externalId eq) with an
 * index before the full filter is evaluated.
 */
const char *scim_filter_eq_value(const struct scim_filter *f, const char *name);

/* A PATCH path: attrPath, or valuePath optionally followed by ".sub" (RFC 7644 §3.5.2). */
struct scim_path {
	struct scim_attr_path attr;
	struct scim_filter *filter; /* the value selection filter, or NULL */
	char *filter_sub;           /* sub-attribute after the filter, or NULL */
};

/* Parses a PATCH path ("invalidPath" on failure). Caller frees with scim_path_free. */
int scim_path_parse(struct scim_path **out, const char *text, size_t len);
void scim_path_free(struct scim_path *p);

/*
 * Splits an attribute reference such as "name.givenName" or
 * "urn:...:enterprise:2.0:User:manager.value" into out (owned members).
 * A known schema URN alone gives name NULL. Returns false when it is not
 * shaped like one (the caller picks the error code).
 */
bool scim_attr_path_split(struct scim_attr_path *out, const char *text, size_t len);
void scim_attr_path_release(struct scim_attr_path *p);

/*
 * The values at path in obj as borrowed JSON values appended to out (an
 * array the caller owns; values are added with json_array_append, so they
 * stay valid while out lives): every value of a multi-valued attribute, the
 * sub-attribute of each element, or the "value" sub-attribute of complex
 * values when sub is NULL and values is true. Used by filters and by custom
 * attribute mapping.
 */
void scim_path_collect(json_t *out, json_t *obj, const struct scim_attr_path *p,
                       const char *core_urn, bool values);

/* The member of obj whose name equals key case-insensitively, or NULL (borrowed). */
json_t *scim_json_get(json_t *obj, const char *key);
/* Its actual key spelling, or NULL. */
const char *scim_json_key(json_t *obj, const char *key);

#endif
