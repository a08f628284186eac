/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse users list|get|create|update|delete|deactivate|memberships — the
 * same use cases as /v1/users and /v1/users/{user}/memberships.
 */
#include "base/common.h"

#include "app/membership.h"
#include "app/user.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ "email", "email_addresses", 'a',
	  "email address (repeat or comma-separate; replaces the list)" },
	{ "primary-email", "primary_email", 's', "which address is primary (default: the first)" },
	{ "first-name", "first_name", 's', "first name (\"\" clears)" },
	{ "last-name", "last_name", 's', "last name (\"\" clears)" },
	{ "username", "username", 's', "unique username, 1-64 of letters, digits, . _ -" },
	{ "external-id", "external_id", 's', "the id of this user in your own system" },
	{ "status", "status", 's', "active or deactivated (deactivating revokes every session)" },
	{ "public-metadata", "public_metadata", 'j', "JSON object" },
	{ "private-metadata", "private_metadata", 'j', "JSON object" },
	{ NULL, NULL, 0, NULL },
};

/* list filters: the query parameters of GET /v1/users */
static const struct cli_flag list_flags[] = {
	{ "email", "email", 's', "only the user with this address (any case)" },
	{ "external-id", "external_id", 's', "only users with this external id" },
	{ "status", "status", 's', "only active or deactivated users" },
	{ NULL, NULL, 0, NULL },
};

static const struct actor cli_actor = { "cli", NULL };

static int help(void)
{
	printf("usage: gatehouse users <command> [options]\n\n"
	       "  list [--email ADDR] [--external-id ID] [--status S] [--limit N] [--starting-after ID]\n"
	       "  get USER\n"
	       "  create --email ADDR [--email ADDR ...] [options]\n"
	       "  update USER [options]\n"
	       "  deactivate USER            revokes every active session of the user\n"
	       "  delete USER                removes the user and its memberships\n"
	       "  memberships USER           the user's organizations\n\noptions:\n");
	cli_print_flags(flags);
	printf("\nlist filters:\n");
	cli_print_flags(list_flags);
	return EXIT_OK;
}

static const char *body_text(const struct cli_args *args, const char *field)
{
	return json_string_value(json_object_get(args->body, field));
}

static int list(struct app *a, struct cli_args *args)
{
	static const char *const cols[] = { "id",        "primary_email", "first_name",
		                            "last_name", "status",        NULL };
	struct page p = { args->limit, args->starting_after };
	struct user_filter f;
	struct user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = user_filter_parse(&f, body_text(args, "email"), body_text(args, "external_id"),
	                           body_text(args, "status"));
	if (rc == 0)
		rc = app_user_list(a, &f, &p, &items, &n, &total);
	user_filter_release(&f);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, user_to_json(&items[i]));
		user_release(&items[i]);
	}
	free(items);
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int memberships(struct app *a, const char *user, struct cli_args *args)
{
	static const char *const cols[] = { "id", "organization_id", "role", "role_source", NULL };
	struct page p = { args->limit, args->starting_after };
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_membership_list_user(a, user, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, membership_to_json(&items[i]));
		membership_release(&items[i]);
	}
	free(items);
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int write_user(struct app *a, const char *sub, const char *id, json_t *body,
                      struct user *out)
{
	struct user_input in = { 0 };
	bool create = !strcmp(sub, "create");
	if (!strcmp(sub, "deactivate"))
		json_object_set_new(body, "status", json_string("deactivated"));
	int rc = user_input_from_json(&in, body, create);
	if (rc == 0)
		rc = create ? app_user_create(a, &cli_actor, &in, out, NULL)
		            : app_user_update(a, &cli_actor, id, &in, out, NULL);
	user_input_release(&in);
	return rc;
}

static int deleted(const char *id, bool json)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("user"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "deleted", json_true());
	cli_print_object(j, json);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct user u;
	int rc;
	if (!strcmp(sub, "list"))
		return list(a, args);
	if (!strcmp(sub, "create")) {
		rc = write_user(a, sub, NULL, args->body, &u);
	} else if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: users %s needs a user id\n", sub);
		return EXIT_USAGE;
	} else if (!strcmp(sub, "get")) {
		rc = app_user_get(a, args->positional[0], &u);
	} else if (!strcmp(sub, "update") || !strcmp(sub, "deactivate")) {
		rc = write_user(a, sub, args->positional[0], args->body, &u);
	} else if (!strcmp(sub, "delete")) {
		rc = app_user_delete(a, &cli_actor, args->positional[0]);
		return rc ? cli_fail(rc) : deleted(args->positional[0], args->json);
	} else if (!strcmp(sub, "memberships")) {
		return memberships(a, args->positional[0], args);
	} else {
		fprintf(stderr, "gatehouse: unknown users command '%s'\n", sub);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc);
	cli_print_object(user_to_json(&u), args->json);
	user_release(&u);
	return EXIT_OK;
}

int cmd_users(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = {
		.name = "users", .flags = flags, .list_flags = list_flags, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
