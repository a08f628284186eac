/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for model/role: built-ins, permission keys, input decoding. */
#include "base/common.h"

#include "base/error.h"
#include "model/role.h"
#include "test/harness/test.h"

static int decode(json_t **body, struct role_input *in, const char *text, bool create)
{
	json_decref(*body);
	role_input_release(in);
	*body = json_loads(text, 0, NULL);
	if (!*body)
		die("bad test JSON: %s", text);
	return role_input_from_json(in, *body, create);
}

TEST(role, builtins)
{
	ASSERT(role_is_builtin("org:admin"));
	ASSERT(!role_is_builtin("org:billing"));
	ASSERT_STR_EQ(role_builtin_key("role_builtin_member"), ROLE_MEMBER);
	ASSERT_STR_EQ(role_builtin_key("org:admin"), ROLE_ADMIN);
	ASSERT(role_builtin_key("org:billing") == NULL);
	struct role r;
	ASSERT(role_builtin(&r, ROLE_ADMIN));
	ASSERT(r.builtin);
	/* org:admin holds every system permission */
	size_t nsys = 0;
	while (model_system_permissions[nsys].key)
		nsys++;
	ASSERT_INT_EQ(r.npermissions, nsys);
	role_release(&r);
}

TEST(permission, system_and_custom_keys)
{
	ASSERT(permission_is_system("org:sys_entconns"));
	ASSERT(!permission_is_system("org:billing:manage"));
	ASSERT(permission_is_custom("org:billing:manage"));
	ASSERT(permission_is_custom("org:invoices_v2:read_all"));
	ASSERT(!permission_is_custom("org:billing"));          /* no action */
	ASSERT(!permission_is_custom("org:billing:manage:x")); /* one action only */
	ASSERT(!permission_is_custom("org:sys_custom:read"));  /* sys_ is reserved */
	ASSERT(!permission_is_custom("org:Billing:manage"));
	ASSERT(!permission_is_custom("app:billing:manage"));
	ASSERT(!permission_is_custom("org::manage"));
	ASSERT(!permission_is_custom("org:billing:"));
}

TEST(role_input, create_rules)
{
	json_t *body = NULL;
	struct role_input in = { 0 };
	ASSERT_INT_EQ(decode(&body, &in,
	                     "{\"key\":\"org:billing\",\"name\":\"Billing\",\"permissions\":"
	                     "[\"org:billing:manage\",\"org:sys_memberships:read\"]}",
	                     true),
	              0);
	ASSERT_INT_EQ(in.npermissions, 2);
	ASSERT_INT_EQ(decode(&body, &in, "{\"name\":\"Billing\"}", true), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "missing_field");
	ASSERT_INT_EQ(decode(&body, &in, "{\"key\":\"billing\",\"name\":\"B\"}", true),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_role_key");
	ASSERT_INT_EQ(
	        decode(&body, &in,
	               "{\"key\":\"org:b\",\"name\":\"B\",\"permissions\":[\"org:sys_nope:x\"]}",
	               true),
	        ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_permission");
	ASSERT_INT_EQ(
	        decode(&body, &in,
	               "{\"key\":\"org:b\",\"name\":\"B\",\"permissions\":[\"org:a:b\",\"org:a:b\"]}",
	               true),
	        ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "duplicate_permission");
	ASSERT_INT_EQ(decode(&body, &in, "{\"key\":\"org:b\",\"name\":\"B\",\"permissions\":\"x\"}",
	                     true),
	              ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_type");
	role_input_release(&in);
	json_decref(body);
}

TEST(role_input, update_cannot_change_the_key)
{
	json_t *body = NULL;
	struct role_input in = { 0 };
	ASSERT_INT_EQ(decode(&body, &in, "{\"key\":\"org:other\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "immutable");
	ASSERT_INT_EQ(decode(&body, &in, "{\"name\":\"\"}", false), ERR_INVALID);
	ASSERT_INT_EQ(decode(&body, &in, "{\"colour\":\"red\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "unknown_field");
	ASSERT_INT_EQ(decode(&body, &in, "{\"permissions\":[]}", false), 0);
	ASSERT(in.has_permissions);
	role_input_release(&in);
	json_decref(body);
}
