/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for model/membership: input decoding, permissions from roles, JSON shape. */
#include "base/common.h"

#include "base/error.h"
#include "model/membership.h"
#include "model/role.h"
#include "test/harness/test.h"

static int decode(json_t **body, struct membership_input *in, const char *text, bool create)
{
	json_decref(*body);
	*body = json_loads(text, 0, NULL);
	if (!*body)
		die("bad test JSON: %s", text);
	return membership_input_from_json(in, *body, create);
}

TEST(membership_input, create_and_update_fields)
{
	json_t *body = NULL;
	struct membership_input in;
	ASSERT_INT_EQ(decode(&body, &in, "{\"user_id\":\"user_1\"}", true), 0);
	ASSERT_STR_EQ(in.user_id, "user_1");
	ASSERT(!in.has_role);
	ASSERT_INT_EQ(decode(&body, &in, "{\"user_id\":\"user_1\",\"role\":\"org:billing\"}", true),
	              0);
	ASSERT_STR_EQ(in.role, "org:billing");
	ASSERT_INT_EQ(decode(&body, &in, "{\"role\":\"org:admin\"}", false), 0);
	/* an update changes the role only */
	ASSERT_INT_EQ(decode(&body, &in, "{\"role\":\"org:admin\",\"user_id\":\"user_2\"}", false),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "unknown_field");
	json_decref(body);
}

TEST(membership_input, refusals)
{
	json_t *body = NULL;
	struct membership_input in;
	ASSERT_INT_EQ(decode(&body, &in, "{\"role\":\"org:admin\"}", true), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "missing_field");
	ASSERT_INT_EQ(decode(&body, &in, "{\"user_id\":null}", true), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "missing_field");
	ASSERT_INT_EQ(decode(&body, &in, "{\"user_id\":7}", true), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_type");
	ASSERT_INT_EQ(decode(&body, &in, "{}", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "missing_field");
	ASSERT_INT_EQ(decode(&body, &in, "{\"role\":\"admin\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_role");
	ASSERT_INT_EQ(error_http_status(error_get()), 422);
	ASSERT_INT_EQ(decode(&body, &in, "{\"role\":null}", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_role");
	json_decref(body);
}

TEST(membership, permissions_follow_the_role)
{
	struct membership m = { 0 };
	m.role = xstrdup(ROLE_ADMIN);
	membership_set_permissions(&m, NULL);
	ASSERT_INT_EQ(m.npermissions, 7);
	free(m.role);
	m.role = xstrdup("org:billing");
	membership_set_permissions(&m, "[\"org:billing:manage\",\"org:sys_domains:read\"]");
	ASSERT_INT_EQ(m.npermissions, 2);
	ASSERT_STR_EQ(m.permissions[0], "org:billing:manage");
	ASSERT(m.permissions[2] == NULL);
	/* a role that is gone grants nothing */
	membership_set_permissions(&m, NULL);
	ASSERT_INT_EQ(m.npermissions, 0);
	membership_set_permissions(&m, "not json");
	ASSERT_INT_EQ(m.npermissions, 0);
	membership_release(&m);
}

TEST(membership, role_sources)
{
	ASSERT(membership_role_source_is_valid("manual"));
	ASSERT(membership_role_source_is_valid("default"));
	ASSERT(membership_role_source_is_valid("mapping"));
	ASSERT(!membership_role_source_is_valid("scim"));
}

TEST(membership_json, shape)
{
	struct membership m = { 0 };
	xsnprintf(m.id, sizeof(m.id), "mem_1");
	xsnprintf(m.org_id, sizeof(m.org_id), "org_1");
	xsnprintf(m.user_id, sizeof(m.user_id), "user_1");
	m.role = xstrdup(ROLE_MEMBER);
	m.role_source = xstrdup(ROLE_SOURCE_DEFAULT);
	m.user_email = xstrdup("a@x.com");
	m.org_slug = xstrdup("acme");
	membership_set_permissions(&m, NULL);
	json_t *j = membership_to_json(&m);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "object")), "organization_membership");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "role_source")), "default");
	ASSERT_STR_EQ(json_string_value(json_array_get(json_object_get(j, "permissions"), 0)),
	              "org:sys_memberships:read");
	json_t *u = json_object_get(j, "user");
	ASSERT_STR_EQ(json_string_value(json_object_get(u, "primary_email")), "a@x.com");
	ASSERT(json_is_null(json_object_get(u, "first_name")));
	ASSERT_STR_EQ(
	        json_string_value(json_object_get(json_object_get(j, "organization"), "slug")),
	        "acme");
	json_decref(j);
	membership_release(&m);
}
