/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM PATCH (RFC 7644 §3.5.2): decoding a PatchOp message and applying its
 * operations, in order, to a resource held as a JSON object.
 *
 * What real clients send is accepted: "op" in any case (Entra ID's "Replace"),
 * "Operations" in any case, path-less add/replace whose value keys are
 * dotted ("name.givenName") or URN-qualified
 * ("urn:...:enterprise:2.0:User:employeeNumber"), value-path filters that
 * match nothing on replace (the element is created from the filter's eq
 * terms: emails[type eq "work"].value), and the read-only members clients
 * echo back (id with its current value, meta, schemas) are ignored.
 *
 * Errors (ERR_INVALID, the stable code is the RFC 7644 §3.12 scimType):
 * invalidSyntax (not a PatchOp), invalidPath, invalidValue, invalidFilter,
 * mutability (changing id), noTarget (remove without a path, or a filter that
 * matches nothing where no element can be made).
 *
 * Atomicity is the caller's: apply to a copy and keep it only when every
 * operation succeeded.
 */
#ifndef GATEHOUSE_SCIM_PATCH_H
#define GATEHOUSE_SCIM_PATCH_H

#include "model/directory.h"
#include "scim/filter.h"

#include <jansson.h>

#define SCIM_PATCH_MAX_OPS 1000

enum scim_patch_kind { SCIM_PATCH_ADD, SCIM_PATCH_REMOVE, SCIM_PATCH_REPLACE };

struct scim_patch_op {
	enum scim_patch_kind op;
	struct scim_path *path; /* owned; NULL when the operation has none */
	json_t *value;          /* owned reference; NULL when absent */
};

struct scim_patch {
	struct scim_patch_op *ops;
	size_t nops;
};

/* Decodes body (a parsed JSON object). Caller releases with scim_patch_release. */
int scim_patch_parse(struct scim_patch *out, json_t *body);
void scim_patch_release(struct scim_patch *p);

/* Applies every operation to resource, whose core schema is core_urn. */
int scim_patch_apply(json_t *resource, const struct scim_patch *p, const char *core_urn);

/*
 * Moves every operation on "members" out of p into out, in order: add
 * (path "members", or a path-less add/replace value with "members"),
 * replace (remove all, then add), remove of all members, of the values
 * listed (Entra ID without aadOptscim062020) or selected by
 * members[value eq "..."] (or several joined by "or"). A member whose type
 * is not "User" is refused (invalidValue: nested groups are not supported);
 * other member filters are refused with invalidFilter.
 */
int scim_patch_take_members(struct scim_patch *p, struct directory_member_ops *out);
/*
 * The member values of a Group body ("members": [{"value": ...}]) as
 * DIRECTORY_MEMBERS_ADD into out (for POST and PUT). Absent or null: nothing.
 */
int scim_members_from_value(struct directory_member_ops *out, json_t *members);

#endif
