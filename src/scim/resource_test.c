/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM resources: decoding what Okta and Entra ID send (their documented
 * create bodies), the product rules (emails required, userName not a
 * fallback), normalisation, encoding with meta/ETag, projection, lists and
 * errors.
 */
#include "base/common.h"

#include "base/error.h"
#include "scim/error.h"
#include "scim/list.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "scim/schema.h"
#include "test/harness/test.h"

static int decode(const char *text, struct directory_user_input *in, json_t **res_out)
{
	json_t *res = json_loads(text, 0, NULL);
	if (!res)
		die("bad test JSON: %s", text);
	error_clear();
	int rc = scim_user_decode(in, res);
	if (res_out)
		*res_out = res;
	else
		json_decref(res);
	return rc;
}

TEST(scim_resource, okta_create_user)
{
	/* developer.okta.com/docs/reference/scim/scim-20 "Create the User" */
	const char *body =
	        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	        "\"userName\":\"test.user@okta.local\",\"name\":{\"givenName\":\"Test\","
	        "\"familyName\":\"User\"},\"emails\":[{\"primary\":true,\"value\":"
	        "\"test.user@okta.local\",\"type\":\"work\"}],\"displayName\":\"Test User\","
	        "\"locale\":\"en-US\",\"externalId\":\"00ujl29u0le5T6Aj10h7\",\"groups\":[],"
	        "\"password\":\"1mz050nq\",\"active\":true}";
	struct directory_user_input in;
	json_t *res = NULL;
	ASSERT_INT_EQ(decode(body, &in, &res), 0);
	ASSERT_STR_EQ(in.user_name, "test.user@okta.local");
	ASSERT_STR_EQ(in.given_name, "Test");
	ASSERT_STR_EQ(in.family_name, "User");
	ASSERT_STR_EQ(in.external_id, "00ujl29u0le5T6Aj10h7");
	ASSERT_INT_EQ(in.nemails, 1);
	ASSERT(in.emails[0].primary);
	ASSERT(in.active);
	/* never kept: the password; kept: what gatehouse does not model */
	ASSERT(strstr(in.profile, "1mz050nq") == NULL);
	ASSERT(strstr(in.profile, "en-US") != NULL);
	ASSERT(json_object_get(res, "groups") == NULL);
	directory_user_input_release(&in);
	json_decref(res);
}

TEST(scim_resource, entra_create_user)
{
	/* learn.microsoft.com use-scim-to-provision-users-and-groups, example 2 */
	const char *body =
	        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\","
	        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0User\"],"
	        "\"externalId\":\"jyoung\",\"userName\":\"jyoung@testuser.com\",\"active\":true,"
	        "\"addresses\":null,\"displayName\":\"Joy Young\",\"emails\":[{\"type\":\"work\","
	        "\"value\":\"jyoung@Contoso.com\",\"primary\":true}],\"meta\":{\"resourceType\":"
	        "\"User\"},\"name\":{\"familyName\":\"Young\",\"givenName\":\"Joy\"},"
	        "\"phoneNumbers\":null,\"preferredLanguage\":null,\"title\":null,\"department\":null,"
	        "\"manager\":null}";
	struct directory_user_input in;
	json_t *res = NULL;
	ASSERT_INT_EQ(decode(body, &in, &res), 0);
	ASSERT(json_object_get(res, "addresses") == NULL);
	ASSERT(json_object_get(res, "meta") == NULL);
	ASSERT(json_object_get(res, "title") == NULL);
	ASSERT_STR_EQ(directory_user_input_primary(&in)->value, "jyoung@Contoso.com");
	directory_user_input_release(&in);
	json_decref(res);
	/* the manager as a plain string becomes {"value": ...} */
	ASSERT_INT_EQ(decode("{\"userName\":\"m\",\"emails\":[{\"value\":\"m@x.io\"}],"
	                     "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{"
	                     "\"manager\":\"boss-1\"}}",
	                     &in, &res),
	              0);
	ASSERT(strstr(in.profile, "{\"value\":\"boss-1\"}") != NULL);
	directory_user_input_release(&in);
	json_decref(res);
}

TEST(scim_resource, product_rules)
{
	struct directory_user_input in;
	ASSERT(decode("{\"userName\":\"a@b.io\"}", &in, NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidValue");
	ASSERT(strstr(error_get()->detail, "emails is required") != NULL);
	ASSERT(strstr(error_get()->detail, "userName is not used") != NULL);
	ASSERT(decode("{\"userName\":\"a\",\"emails\":[]}", &in, NULL) == ERR_INVALID);
	ASSERT(decode("{\"userName\":\"a\",\"emails\":[{\"value\":\"not-an-address\"}]}", &in,
	              NULL) == ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "not-an-address") != NULL);
	ASSERT(decode("{\"emails\":[{\"value\":\"a@b.io\"}]}", &in, NULL) == ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "userName") != NULL);
	ASSERT(decode("{\"userName\":\"a\",\"emails\":[{\"value\":\"a@b.io\"}],\"active\":\"maybe\"}",
	              &in, NULL) == ERR_INVALID);
	ASSERT(decode("{\"schemas\":[\"urn:x\"],\"userName\":\"a\",\"emails\":[{\"value\":\"a@b.io\"}]}",
	              &in, NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidSyntax");
	/* "False" in any case */
	ASSERT_INT_EQ(decode("{\"userName\":\"a\",\"emails\":[{\"value\":\"a@b.io\",\"primary\":"
	                     "\"True\"}],\"active\":\"FALSE\"}",
	                     &in, NULL),
	              0);
	ASSERT(!in.active);
	ASSERT(in.emails[0].primary);
	directory_user_input_release(&in);
}

TEST(scim_resource, encode_with_meta)
{
	struct directory_user u = { 0 };
	xsnprintf(u.id, sizeof(u.id), "dusr_1");
	u.active = false;
	u.profile = xstrdup("{\"userName\":\"a\",\"active\":true,\"title\":\"t\"}");
	u.version = 7;
	u.created_at = 1790000000;
	u.updated_at = 1790000060;
	json_t *j = scim_user_encode(&u, "https://gh.example/scim/v2/conn_1");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "id")), "dusr_1");
	ASSERT(json_is_false(json_object_get(j, "active")));
	json_t *m = json_object_get(j, "meta");
	ASSERT_STR_EQ(json_string_value(json_object_get(m, "version")), "W/\"7\"");
	ASSERT_STR_EQ(json_string_value(json_object_get(m, "location")),
	              "https://gh.example/scim/v2/conn_1/Users/dusr_1");
	ASSERT_STR_EQ(json_string_value(json_object_get(m, "created")), "2026-09-21T14:13:20Z");
	ASSERT_STR_EQ(json_string_value(json_object_get(m, "resourceType")), "User");
	/* attributes=userName keeps id and schemas too */
	ASSERT_INT_EQ(scim_project(j, "userName", NULL, SCIM_URN_USER), 0);
	ASSERT(json_object_get(j, "title") == NULL);
	ASSERT(json_object_get(j, "id") != NULL);
	ASSERT(json_object_get(j, "userName") != NULL);
	json_decref(j);
	directory_user_release(&u);
}

TEST(scim_resource, group_and_members)
{
	struct directory_group_input in;
	json_t *res = json_loads(
	        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\","
	        "\"http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group\"],"
	        "\"externalId\":\"8aa1a0c0\",\"displayName\":\"displayName\","
	        "\"meta\":{\"resourceType\":\"Group\"},\"members\":[{\"value\":\"u1\"}]}",
	        0, NULL);
	ASSERT_INT_EQ(scim_group_decode(&in, res), 0);
	ASSERT_STR_EQ(in.display_name, "displayName");
	ASSERT_STR_EQ(in.external_id, "8aa1a0c0");
	ASSERT(strstr(in.profile, "members") == NULL);
	directory_group_input_release(&in);
	json_decref(res);
	res = json_loads("{\"members\":[]}", 0, NULL);
	ASSERT(scim_group_decode(&in, res) == ERR_INVALID);
	json_decref(res);
	struct directory_group g = { 0 };
	xsnprintf(g.id, sizeof(g.id), "grp_1");
	g.profile = xstrdup("{\"displayName\":\"Eng\"}");
	char uname[] = "a@b.io";
	struct directory_member m = { "dusr_1", uname };
	json_t *j = scim_group_encode(&g, &m, 1, false, "https://x/scim/v2/c");
	ASSERT_STR_EQ(json_string_value(json_object_get(
	                      json_array_get(json_object_get(j, "members"), 0), "$ref")),
	              "https://x/scim/v2/c/Users/dusr_1");
	json_decref(j);
	j = scim_group_encode(&g, NULL, 0, true, "https://x/scim/v2/c");
	ASSERT(json_object_get(j, "members") == NULL);
	json_decref(j);
	directory_group_release(&g);
	ASSERT(scim_projection_excludes(NULL, "members", "members"));
	ASSERT(scim_projection_excludes("displayName", NULL, "members"));
	ASSERT(!scim_projection_excludes("displayName,members.value", NULL, "members"));
}

TEST(scim_list, paging_and_errors)
{
	struct scim_list_query q;
	ASSERT_INT_EQ(scim_list_query_parse(&q, NULL, "0", "-3", NULL, NULL), 0);
	ASSERT_INT_EQ(q.start_index, 1);
	ASSERT_INT_EQ(q.count, 0);
	scim_list_query_release(&q);
	ASSERT_INT_EQ(scim_list_query_parse(&q, "userName eq \"a\"", "2", "100000", NULL, NULL), 0);
	ASSERT_INT_EQ(q.count, SCIM_MAX_RESULTS);
	ASSERT(q.filter != NULL);
	scim_list_query_release(&q);
	ASSERT(scim_list_query_parse(&q, NULL, "x", NULL, NULL, NULL) == ERR_INVALID);
	ASSERT(scim_list_query_parse(&q, "userName eq", NULL, NULL, NULL, NULL) == ERR_INVALID);
	struct scim_error e;
	scim_error_from_state(&e, error_get());
	ASSERT_INT_EQ(e.status, 400);
	ASSERT_STR_EQ(e.scim_type, "invalidFilter");
	json_t *j = scim_error_json(&e);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "status")), "400");
	json_decref(j);
	error_setc(ERR_CONFLICT, "user_name_taken", "taken");
	scim_error_from_state(&e, error_get());
	ASSERT_INT_EQ(e.status, 409);
	ASSERT_STR_EQ(e.scim_type, "uniqueness");
	error_setc(ERR_NOT_FOUND, "scim_not_found", "gone");
	scim_error_from_state(&e, error_get());
	ASSERT_INT_EQ(e.status, 404);
	ASSERT(e.scim_type == NULL);
}

TEST(scim_schema, discovery_documents)
{
	json_t *j = scim_schema_list_json("https://x/scim/v2/c");
	ASSERT_INT_EQ(json_integer_value(json_object_get(j, "totalResults")), 4);
	json_decref(j);
	j = scim_schema_json(SCIM_URN_CUSTOM, "https://x/scim/v2/c");
	ASSERT(j != NULL);
	json_decref(j);
	j = scim_service_provider_config_json("https://x/scim/v2/c", "https://x/docs");
	ASSERT(json_is_true(json_object_get(json_object_get(j, "patch"), "supported")));
	ASSERT(json_is_false(json_object_get(json_object_get(j, "bulk"), "supported")));
	ASSERT(json_is_false(json_object_get(json_object_get(j, "sort"), "supported")));
	json_decref(j);
	ASSERT(scim_schema_case_exact(SCIM_URN_USER, NULL, "externalId", NULL));
	ASSERT(!scim_schema_case_exact(SCIM_URN_USER, NULL, "userName", NULL));
	ASSERT(scim_schema_case_exact(SCIM_URN_GROUP, NULL, "members", "value"));
}
