/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM User and Group resources ⇄ gatehouse's directory types (RFC 7643 §4).
 *
 * Decoding validates what gatehouse relies on and keeps everything else:
 * attributes gatehouse does not model (addresses, phoneNumbers, unknown
 * extensions, ...) stay in the stored profile and come back on GET. It also
 * normalises what IdPs send in more than one shape: "active" as the strings
 * "True"/"False" (Entra ID without aadOptscim062020), the enterprise
 * "manager" as a string or a one-element array (Entra ID), and null values
 * (RFC 7643 §2.5: unassigned). "password" is never kept; "id" and "meta" are
 * the server's.
 *
 * Errors: ERR_INVALID with scimType invalidValue (missing userName, no
 * emails — userName is not a fallback address —, a bad address, a wrong
 * type) or invalidSyntax (not an object, wrong schemas).
 */
#ifndef GATEHOUSE_SCIM_RESOURCE_H
#define GATEHOUSE_SCIM_RESOURCE_H

#include "model/directory.h"

#include <jansson.h>

/*
 * Decodes a User resource (a POST/PUT body or a patched resource). res is
 * normalised in place; out->profile is its text. Caller releases out.
 */
int scim_user_decode(struct directory_user_input *out, json_t *res);
/* Decodes a Group resource; its members are read with scim_members_from_value. */
int scim_group_decode(struct directory_group_input *out, json_t *res);

/*
 * The stored profile as a resource with id, meta (location under base_url,
 * ".../scim/v2/{conn}") and active set (new reference).
 */
json_t *scim_user_encode(const struct directory_user *u, const char *base_url);
/*
 * The same from profile, the object scim_user_decode() turned into u->profile
 * (taken: the caller's reference becomes the result's), without parsing the
 * text again.
 */
json_t *scim_user_encode_from(const struct directory_user *u, json_t *profile,
                              const char *base_url);
/*
 * A Group resource; members (n of them, NULL for none) are listed unless
 * members_excluded, in which case the attribute is left out entirely.
 */
json_t *scim_group_encode(const struct directory_group *g, const struct directory_member *members,
                          size_t n, bool members_excluded, const char *base_url);
/* The ETag of a version: W/"<version>" into out (32 bytes). */
void scim_etag(char out[32], int64_t version);

/*
 * RFC 7644 §3.4.2.5 / §3.9: keeps only the attributes listed in attributes
 * (comma-separated paths; id and schemas always stay) or drops those in
 * excluded. Either may be NULL. invalidValue for a list that does not parse.
 */
int scim_project(json_t *res, const char *attributes, const char *excluded, const char *core_urn);
/* True when the excluded list (or, when given, the attributes list) leaves out name. */
bool scim_projection_excludes(const char *attributes, const char *excluded, const char *name);

#endif
