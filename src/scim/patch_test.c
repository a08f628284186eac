/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM PATCH: the examples of RFC 7644 §3.5.2.1-3, the shapes Entra ID (with
 * and without aadOptscim062020) and Okta send, and the error cases (noTarget,
 * mutability, invalidPath, invalidSyntax).
 */
#include "base/common.h"

#include "base/error.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "scim/schema.h"
#include "test/harness/test.h"

static const char *const user_json =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
        "\"id\":\"2819c223\",\"userName\":\"bjensen@example.com\","
        "\"name\":{\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},\"active\":true,"
        "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true}],"
        "\"addresses\":[{\"type\":\"work\",\"streetAddress\":\"100 Universal City Plaza\","
        "\"locality\":\"Hollywood\"},{\"type\":\"home\",\"streetAddress\":\"456 Hollywood Blvd\"}]}";

/* Applies body to the user (or resource text); returns 0 and the result, or the error. */
static int run(const char *resource, const char *body, json_t **out)
{
	struct scim_patch p;
	json_t *res = json_loads(resource, 0, NULL);
	json_t *b = json_loads(body, 0, NULL);
	if (!res || !b)
		die("bad test JSON: %s", body);
	error_clear();
	int rc = scim_patch_parse(&p, b);
	if (rc == 0)
		rc = scim_patch_apply(res, &p, SCIM_URN_USER);
	if (rc == 0 && out)
		*out = res;
	else
		json_decref(res);
	scim_patch_release(&p);
	json_decref(b);
	return rc;
}

static const char *str_at(json_t *res, const char *pointer)
{
	/* a tiny JSON path: "a.b" or "a[1].b" */
	json_t *cur = res;
	char buf[128];
	xsnprintf(buf, sizeof(buf), "%s", pointer);
	for (char *part = buf; part && cur;) {
		char *dot = strchr(part, '.');
		if (dot)
			*dot = 0;
		char *br = strchr(part, '[');
		if (br)
			*br = 0;
		cur = json_object_get(cur, part);
		if (br)
			cur = json_array_get(cur, (size_t)strtol(br + 1, NULL, 10));
		part = dot ? dot + 1 : NULL;
	}
	return json_string_value(cur);
}

#define OPS(x)                                                                                     \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" x "]}"

TEST(scim_patch, rfc7644_add)
{
	json_t *r = NULL;
	/* §3.5.2.1: add without a path */
	ASSERT_INT_EQ(
	        run(user_json,
	            OPS("{\"op\":\"add\",\"value\":{\"emails\":[{\"value\":\"babs@jensen.org\","
	                "\"type\":\"home\"}],\"nickname\":\"Babs\"}}"),
	            &r),
	        0);
	ASSERT_INT_EQ(json_array_size(json_object_get(r, "emails")), 2);
	ASSERT_STR_EQ(json_string_value(json_object_get(r, "nickName")), "Babs");
	json_decref(r);
	/* adding a value that is already there adds nothing */
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"add\",\"path\":\"emails\",\"value\":[{\"value\":"
	                      "\"bjensen@example.com\",\"type\":\"work\",\"primary\":true}]}"),
	                  &r),
	              0);
	ASSERT_INT_EQ(json_array_size(json_object_get(r, "emails")), 1);
	json_decref(r);
}

TEST(scim_patch, rfc7644_remove)
{
	json_t *r = NULL;
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"remove\",\"path\":\"addresses[type eq \\\"work\\\" and "
	                      "locality ew \\\"wood\\\"]\"}"),
	                  &r),
	              0);
	ASSERT_INT_EQ(json_array_size(json_object_get(r, "addresses")), 1);
	json_decref(r);
	ASSERT_INT_EQ(run(user_json, OPS("{\"op\":\"remove\",\"path\":\"name.givenName\"}"), &r),
	              0);
	ASSERT(json_object_get(json_object_get(r, "name"), "givenName") == NULL);
	json_decref(r);
	/* §3.5.2.2: no path → noTarget; a filter matching nothing → noTarget */
	ASSERT(run(user_json, OPS("{\"op\":\"remove\"}"), NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "noTarget");
	ASSERT(run(user_json, OPS("{\"op\":\"remove\",\"path\":\"emails[type eq \\\"x\\\"]\"}"),
	           NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "noTarget");
}

TEST(scim_patch, rfc7644_replace)
{
	json_t *r = NULL;
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"replace\",\"path\":\"addresses[type eq \\\"work\\\"]\","
	                      "\"value\":{\"type\":\"work\",\"streetAddress\":\"911 Universal City "
	                      "Plaza\"}}"),
	                  &r),
	              0);
	ASSERT_STR_EQ(str_at(r, "addresses[0].streetAddress"), "911 Universal City Plaza");
	ASSERT(json_object_get(json_array_get(json_object_get(r, "addresses"), 0), "locality") ==
	       NULL);
	json_decref(r);
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"replace\",\"path\":\"addresses[type eq "
	                      "\\\"work\\\"].streetAddress\",\"value\":\"1010 Broadway Ave\"}"),
	                  &r),
	              0);
	ASSERT_STR_EQ(str_at(r, "addresses[0].streetAddress"), "1010 Broadway Ave");
	ASSERT_STR_EQ(str_at(r, "addresses[0].locality"), "Hollywood");
	json_decref(r);
	/* replace without a path: emails replaced entirely */
	ASSERT_INT_EQ(
	        run(user_json,
	            OPS("{\"op\":\"replace\",\"value\":{\"emails\":[{\"value\":"
	                "\"bjensen@example.com\",\"type\":\"home\"}],\"nickname\":\"Babs\"}}"),
	            &r),
	        0);
	ASSERT_STR_EQ(str_at(r, "emails[0].type"), "home");
	ASSERT_INT_EQ(json_array_size(json_object_get(r, "emails")), 1);
	json_decref(r);
}

TEST(scim_patch, entra_id_without_flag)
{
	json_t *r = NULL;
	struct directory_user_input in;
	/* "Replace" and "active": "False" (learn.microsoft.com SCIM compatibility page) */
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}"), &r),
	              0);
	ASSERT_INT_EQ(scim_user_decode(&in, r), 0);
	ASSERT(!in.active);
	ASSERT(json_is_false(json_object_get(r, "active")));
	directory_user_input_release(&in);
	json_decref(r);
	/* the work email replaced by a value path with a sub-attribute */
	ASSERT_INT_EQ(
	        run(user_json,
	            OPS("{\"op\":\"Replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	                "\"value\":\"TestBcwqnm@test.microsoft.com\"},"
	                "{\"op\":\"Replace\",\"path\":\"name.givenName\",\"value\":\"Gtfd\"},"
	                "{\"op\":\"Replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:"
	                "enterprise:2.0:User:employeeNumber\",\"value\":\"Eqpj\"}"),
	            &r),
	        0);
	ASSERT_STR_EQ(str_at(r, "emails[0].value"), "TestBcwqnm@test.microsoft.com");
	ASSERT_STR_EQ(str_at(r, "name.givenName"), "Gtfd");
	json_t *ext = json_object_get(r, SCIM_URN_ENTERPRISE);
	ASSERT_STR_EQ(json_string_value(json_object_get(ext, "employeeNumber")), "Eqpj");
	json_decref(r);
	/* manager as an array of one reference */
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"Add\",\"path\":\"urn:ietf:params:scim:schemas:extension:"
	                      "enterprise:2.0:User:manager\",\"value\":[{\"$ref\":null,\"value\":"
	                      "\"2819c223\"}]}"),
	                  &r),
	              0);
	ASSERT_INT_EQ(scim_user_decode(&in, r), 0);
	ext = json_object_get(r, SCIM_URN_ENTERPRISE);
	ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(ext, "manager"), "value")),
	              "2819c223");
	directory_user_input_release(&in);
	json_decref(r);
}

TEST(scim_patch, entra_id_with_flag)
{
	json_t *r = NULL;
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"replace\",\"value\":{\"displayName\":\"Bjfe\","
	                      "\"name.givenName\":\"Kkom\",\"name.familyName\":\"Unua\","
	                      "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
	                      "employeeNumber\":\"Aklq\"}}"),
	                  &r),
	              0);
	ASSERT_STR_EQ(str_at(r, "displayName"), "Bjfe");
	ASSERT_STR_EQ(str_at(r, "name.givenName"), "Kkom");
	ASSERT_STR_EQ(str_at(r, "name.familyName"), "Unua");
	json_t *ext = json_object_get(r, SCIM_URN_ENTERPRISE);
	ASSERT_STR_EQ(json_string_value(json_object_get(ext, "employeeNumber")), "Aklq");
	/* the extension is now listed in schemas */
	bool listed = false;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(r, "schemas"), i, s) listed =
	        listed || strcmp(json_string_value(s), SCIM_URN_ENTERPRISE) == 0;
	ASSERT(listed);
	json_decref(r);
	/* a work email created when there is none (the filter's eq terms make the element) */
	const char *no_work =
	        "{\"userName\":\"a\",\"emails\":[{\"value\":\"a@b.c\",\"type\":\"home\"}]}";
	ASSERT_INT_EQ(run(no_work,
	                  OPS("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	                      "\"value\":\"w@b.c\"}"),
	                  &r),
	              0);
	ASSERT_STR_EQ(str_at(r, "emails[1].type"), "work");
	ASSERT_STR_EQ(str_at(r, "emails[1].value"), "w@b.c");
	json_decref(r);
}

TEST(scim_patch, okta_shapes)
{
	json_t *r = NULL;
	/* developer.okta.com SCIM 2.0 reference: deactivate with a path-less replace */
	ASSERT_INT_EQ(run(user_json, OPS("{\"op\":\"replace\",\"value\":{\"active\":false}}"), &r),
	              0);
	ASSERT(json_is_false(json_object_get(r, "active")));
	json_decref(r);
	/* group rename echoes the id: ignored when unchanged, refused when changed */
	ASSERT_INT_EQ(run(user_json,
	                  OPS("{\"op\":\"replace\",\"value\":{\"id\":\"2819c223\",\"displayName\":"
	                      "\"Test SCIMv2\"}}"),
	                  &r),
	              0);
	ASSERT_STR_EQ(str_at(r, "displayName"), "Test SCIMv2");
	json_decref(r);
	ASSERT(run(user_json, OPS("{\"op\":\"replace\",\"value\":{\"id\":\"other\"}}"), NULL) ==
	       ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "mutability");
}

TEST(scim_patch, syntax_errors)
{
	ASSERT(run(user_json, "{\"Operations\":[]}", NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidSyntax");
	ASSERT(run(user_json,
	           "{\"schemas\":[\"x\"],\"Operations\":[{\"op\":\"add\",\"value\":{}}]}",
	           NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidSyntax");
	ASSERT(run(user_json, OPS("{\"op\":\"move\",\"path\":\"a\"}"), NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidSyntax");
	ASSERT(run(user_json, OPS("{\"op\":\"add\",\"path\":\"a[\",\"value\":1}"), NULL) ==
	       ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidPath");
	ASSERT(run(user_json, OPS("{\"op\":\"add\",\"path\":\"name\"}"), NULL) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidValue");
	/* "operations" in another case is accepted (RFC 7643 §2.1) */
	ASSERT_INT_EQ(run(user_json,
	                  "{\"operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":\"x\"}]}",
	                  NULL),
	              0);
}

static int members_of(const char *body, struct directory_member_ops *m, size_t *left)
{
	struct scim_patch p;
	json_t *b = json_loads(body, 0, NULL);
	error_clear();
	int rc = scim_patch_parse(&p, b);
	if (rc == 0)
		rc = scim_patch_take_members(&p, m);
	*left = p.nops;
	scim_patch_release(&p);
	json_decref(b);
	return rc;
}

TEST(scim_patch, group_members)
{
	struct directory_member_ops m;
	size_t left = 0;
	/* Okta Group Push: remove by filter, then add */
	ASSERT_INT_EQ(members_of(OPS("{\"op\":\"remove\",\"path\":\"members[value eq "
	                             "\\\"89bb1940\\\"]\"},{\"op\":\"add\",\"path\":\"members\","
	                             "\"value\":[{\"value\":\"23a35c27\",\"display\":\"t@o.l\"}]}"),
	                         &m, &left),
	              0);
	ASSERT_INT_EQ(m.nops, 2);
	ASSERT_INT_EQ(m.ops[0].kind, DIRECTORY_MEMBERS_REMOVE);
	ASSERT_STR_EQ(m.ops[0].ids[0], "89bb1940");
	ASSERT_INT_EQ(m.ops[1].kind, DIRECTORY_MEMBERS_ADD);
	ASSERT_STR_EQ(m.ops[1].ids[0], "23a35c27");
	ASSERT_INT_EQ(left, 0);
	directory_member_ops_release(&m);
	/* Entra ID without the flag: Remove with a value array; replace = remove all + add */
	ASSERT_INT_EQ(
	        members_of(OPS("{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{"
	                       "\"value\":\"u1091\"}]},{\"op\":\"replace\",\"path\":\"members\","
	                       "\"value\":[{\"value\":\"a\"},{\"value\":\"b\"}]},"
	                       "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"n\"}"),
	                   &m, &left),
	        0);
	ASSERT_INT_EQ(m.nops, 3);
	ASSERT_INT_EQ(m.ops[0].kind, DIRECTORY_MEMBERS_REMOVE);
	ASSERT_INT_EQ(m.ops[1].kind, DIRECTORY_MEMBERS_REMOVE_ALL);
	ASSERT_INT_EQ(m.ops[2].nids, 2);
	ASSERT_INT_EQ(left, 1);
	directory_member_ops_release(&m);
	/* a path-less add of members and a rename together */
	ASSERT_INT_EQ(members_of(OPS("{\"op\":\"add\",\"value\":{\"members\":[{\"value\":\"x\"}],"
	                             "\"displayName\":\"d\"}}"),
	                         &m, &left),
	              0);
	ASSERT_INT_EQ(m.nops, 1);
	ASSERT_INT_EQ(left, 1);
	directory_member_ops_release(&m);
	/* nested groups and other filters are refused */
	ASSERT(members_of(OPS("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"g\","
	                      "\"type\":\"Group\"}]}"),
	                  &m, &left) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidValue");
	ASSERT(members_of(OPS("{\"op\":\"remove\",\"path\":\"members[display eq \\\"x\\\"]\"}"), &m,
	                  &left) == ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalidFilter");
}
