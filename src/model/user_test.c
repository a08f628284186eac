/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for model/user: input decoding, email rules, filters, JSON shape. */
#include "base/common.h"

#include "base/error.h"
#include "model/user.h"
#include "test/harness/test.h"

/* A decoded input and the body its strings are borrowed from. */
struct fx {
	json_t *body;
	struct user_input in;
};

static void fx_release(struct fx *f)
{
	user_input_release(&f->in);
	json_decref(f->body);
	f->body = NULL;
}

/* Decodes body text as a create (or update) into f, replacing what f held. */
static int decode(struct fx *f, const char *text, bool create)
{
	fx_release(f);
	f->body = json_loads(text, 0, NULL);
	if (!f->body)
		die("bad test JSON: %s", text);
	return user_input_from_json(&f->in, f->body, create);
}

static const char *field_code(void)
{
	return error_get()->nfields ? error_get()->fields[0].code : "";
}

TEST(user_input, create_normalises_and_picks_first_as_primary)
{
	struct fx f = { 0 };
	struct user u = { 0 };
	ASSERT_INT_EQ(decode(&f,
	                     "{\"email_addresses\":[\"Bob@Example.COM\",\"b2@x.io\"],"
	                     "\"first_name\":\"Bob\",\"username\":\"Bob.B\"}",
	                     true),
	              0);
	ASSERT_INT_EQ(f.in.nemails, 2);
	ASSERT_STR_EQ(f.in.emails_norm[0], "bob@example.com");
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT_STR_EQ(user_primary_email(&u), "Bob@Example.COM");
	ASSERT(!u.emails[1].primary);
	ASSERT_STR_EQ(u.first_name, "Bob");
	user_release(&u);
	fx_release(&f);
}

TEST(user_input, create_needs_an_email)
{
	struct fx f = { 0 };
	ASSERT_INT_EQ(decode(&f, "{\"first_name\":\"A\"}", true), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "missing_field");
	ASSERT_STR_EQ(error_get()->fields[0].field, "email_addresses");
	ASSERT_INT_EQ(error_http_status(error_get()), 422);
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[]}", true), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "empty");
	/* an update need not carry one */
	ASSERT_INT_EQ(decode(&f, "{\"first_name\":\"A\"}", false), 0);
	fx_release(&f);
}

TEST(user_input, primary_email_alone_is_the_address)
{
	struct fx f = { 0 };
	struct user u = { 0 };
	ASSERT_INT_EQ(decode(&f, "{\"primary_email\":\"Solo@Example.com\"}", true), 0);
	ASSERT_INT_EQ(f.in.nemails, 1);
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT_INT_EQ(u.nemails, 1);
	ASSERT_STR_EQ(user_primary_email(&u), "Solo@Example.com");
	ASSERT_STR_EQ(u.emails[0].norm, "solo@example.com");
	user_release(&u);
	fx_release(&f);
}

TEST(user_input, email_rules)
{
	struct fx f = { 0 };
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[\"a@x.com\",\"A@X.COM\"]}", true),
	              ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "duplicate_email");
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[\"not-an-email\"]}", true), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_email");
	ASSERT_STR_EQ(error_get()->fields[0].field, "email_addresses");
	ASSERT_INT_EQ(decode(&f,
	                     "{\"email_addresses\":[\"a@x.com\"],\"primary_email\":\"b@x.com\"}",
	                     true),
	              ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "primary_email_not_listed");
	ASSERT_INT_EQ(
	        decode(&f, "{\"email_addresses\":[\"a@x.com\"],\"primary_email\":null}", true),
	        ERR_INVALID);
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":\"a@x.com\"}", true), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_type");
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[42]}", true), ERR_INVALID);
	fx_release(&f);
}

TEST(user_input, over_long_email_is_too_long)
{
	char text[1200];
	char local[400];
	memset(local, 'a', sizeof(local) - 1);
	local[sizeof(local) - 1] = '\0';
	xsnprintf(text, sizeof(text), "{\"email_addresses\":[\"%s@x.com\"]}", local);
	struct fx f = { 0 };
	ASSERT_INT_EQ(decode(&f, text, true), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "too_long");
	fx_release(&f);
}

TEST(user_input, types_lengths_and_unknown_fields)
{
	struct fx f = { 0 };
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[\"a@x.com\"],\"nickname\":\"x\"}", true),
	              ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "unknown_field");
	ASSERT_INT_EQ(decode(&f, "{\"first_name\":5}", false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_type");
	ASSERT_INT_EQ(decode(&f, "{\"public_metadata\":[1]}", false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_type");
	ASSERT_INT_EQ(decode(&f, "{\"first_name\":\"a\\nb\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid");
	char text[400];
	char name[300];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	xsnprintf(text, sizeof(text), "{\"last_name\":\"%s\"}", name);
	ASSERT_INT_EQ(decode(&f, text, false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "too_long");
	fx_release(&f);
}

TEST(user_input, username_and_status)
{
	struct fx f = { 0 };
	ASSERT_INT_EQ(decode(&f, "{\"username\":\"has space\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_username");
	ASSERT_INT_EQ(decode(&f, "{\"status\":\"suspended\"}", false), ERR_INVALID);
	ASSERT_STR_EQ(field_code(), "invalid_status");
	ASSERT_INT_EQ(decode(&f, "{\"status\":\"deactivated\",\"username\":\"\"}", false), 0);
	ASSERT_INT_EQ(f.in.status, USER_DEACTIVATED);
	ASSERT(user_username_is_valid("a.b_c-9"));
	ASSERT(!user_username_is_valid(""));
	ASSERT(!user_username_is_valid("caf\xc3\xa9"));
	char *n = user_username_norm("MiXeD");
	ASSERT_STR_EQ(n, "mixed");
	free(n);
	fx_release(&f);
}

/* A user with a@x.com (primary) and b@x.com. */
static void two_addresses(struct user *u)
{
	memset(u, 0, sizeof(*u));
	user_add_email(u, "a@x.com", "a@x.com", true);
	user_add_email(u, "B@x.com", "b@x.com", false);
}

TEST(user_apply, replacing_the_list_keeps_a_listed_primary)
{
	struct user u;
	struct fx f = { 0 };
	two_addresses(&u);
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[\"c@x.com\",\"a@x.com\"]}", false), 0);
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT_INT_EQ(u.nemails, 2);
	ASSERT_STR_EQ(user_primary_email(&u), "a@x.com");
	/* the primary is dropped: the first address takes over */
	ASSERT_INT_EQ(decode(&f, "{\"email_addresses\":[\"d@x.com\",\"c@x.com\"]}", false), 0);
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT_STR_EQ(user_primary_email(&u), "d@x.com");
	user_release(&u);
	fx_release(&f);
}

TEST(user_apply, primary_email_must_be_one_of_the_addresses)
{
	struct user u;
	struct fx f = { 0 };
	two_addresses(&u);
	ASSERT_INT_EQ(decode(&f, "{\"primary_email\":\"b@X.COM\"}", false), 0);
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT_STR_EQ(user_primary_email(&u), "B@x.com");
	ASSERT(!u.emails[0].primary);
	ASSERT_INT_EQ(decode(&f, "{\"primary_email\":\"z@x.com\",\"first_name\":\"Z\"}", false), 0);
	ASSERT_INT_EQ(user_apply(&u, &f.in), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "primary_email_not_listed");
	/* nothing changed on failure */
	ASSERT_STR_EQ(user_primary_email(&u), "B@x.com");
	ASSERT(u.first_name == NULL);
	user_release(&u);
	fx_release(&f);
}

TEST(user_apply, empty_string_clears_and_metadata_null_resets)
{
	struct user u;
	struct fx f = { 0 };
	two_addresses(&u);
	u.first_name = xstrdup("Ann");
	u.public_metadata = xstrdup("{\"a\":1}");
	ASSERT_INT_EQ(decode(&f, "{\"first_name\":\"\",\"public_metadata\":null}", false), 0);
	ASSERT_INT_EQ(user_apply(&u, &f.in), 0);
	ASSERT(u.first_name == NULL);
	ASSERT_STR_EQ(u.public_metadata, "{}");
	user_release(&u);
	fx_release(&f);
}

TEST(user_filter, parse)
{
	struct user_filter f;
	ASSERT_INT_EQ(user_filter_parse(&f, "A@Example.COM", NULL, "active"), 0);
	ASSERT_STR_EQ(f.email_norm, "a@example.com");
	user_filter_release(&f);
	ASSERT_INT_EQ(user_filter_parse(&f, "nope", NULL, NULL), ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_query");
	user_filter_release(&f);
	ASSERT_INT_EQ(user_filter_parse(&f, NULL, NULL, "gone"), ERR_INVALID);
	user_filter_release(&f);
}

TEST(user_json, shape)
{
	struct user u;
	two_addresses(&u);
	xsnprintf(u.id, sizeof(u.id), "user_x");
	u.status = USER_DEACTIVATED;
	u.created_at = u.updated_at = TEST_FAKE_NOW;
	json_t *j = user_to_json(&u);
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "object")), "user");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "primary_email")), "a@x.com");
	ASSERT_STR_EQ(json_string_value(json_object_get(j, "status")), "deactivated");
	json_t *e = json_array_get(json_object_get(j, "email_addresses"), 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "email_address")), "B@x.com");
	ASSERT(json_is_false(json_object_get(e, "primary")));
	ASSERT(json_is_null(json_object_get(j, "last_sign_in_at")));
	ASSERT(json_is_object(json_object_get(j, "private_metadata")));
	json_decref(j);
	user_release(&u);
}
