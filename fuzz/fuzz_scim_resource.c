/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM resource JSON on arbitrary bytes, as an IdP could send it: the first
 * byte picks User decode, Group decode (with its members), or a PatchOp
 * applied to a User and then decoded (and, for Groups, its member operations
 * taken out). Invariants: every refusal names an RFC 7644 scimType, and a
 * decoded User always has a userName and at least one email.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "scim/error.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "scim/schema.h"

static void check(int rc)
{
	if (rc && !scim_error_is_scim_type(error_get()->stable))
		abort();
}

static void user(json_t *body)
{
	struct directory_user_input in;
	int rc = scim_user_decode(&in, body);
	check(rc);
	if (rc == 0 && (!in.user_name || in.nemails == 0 || !in.profile))
		abort();
	if (rc == 0)
		directory_user_input_release(&in);
}

static void group(json_t *body)
{
	struct directory_member_ops m = { 0 };
	int rc = scim_members_from_value(&m, json_object_get(body, "members"));
	check(rc);
	directory_member_ops_release(&m);
	struct directory_group_input in;
	rc = scim_group_decode(&in, body);
	check(rc);
	if (rc == 0)
		directory_group_input_release(&in);
}

static void patch(json_t *body, bool members)
{
	struct scim_patch p;
	int rc = scim_patch_parse(&p, body);
	check(rc);
	if (rc)
		return;
	struct directory_member_ops m = { 0 };
	if (members) {
		rc = scim_patch_take_members(&p, &m);
		check(rc);
		directory_member_ops_release(&m);
	}
	json_t *res = json_pack("{s:s, s:[{s:s, s:b}], s:{s:s}}", "userName", "u", "emails",
	                        "value", "u@x.io", "primary", 1, "name", "givenName", "G");
	if (rc == 0) {
		rc = scim_patch_apply(res, &p, members ? SCIM_URN_GROUP : SCIM_URN_USER);
		check(rc);
	}
	if (rc == 0 && !members)
		user(res);
	json_decref(res);
	scim_patch_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	error_clear();
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!body)
		return 0;
	switch (data[0] % 4) {
	case 0:
		user(body);
		break;
	case 1:
		group(body);
		break;
	case 2:
		patch(body, false);
		break;
	default:
		patch(body, true);
		break;
	}
	json_decref(body);
	return 0;
}
