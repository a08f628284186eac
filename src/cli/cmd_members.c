/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse members list|add|update|remove — the same use cases as
 * /v1/organizations/{org}/memberships.
 */
#include "base/common.h"

#include "app/membership.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ "user", "user_id", 's', "the user to add (add only)" },
	{ "role", "role", 's',
	  "role key, e.g. org:admin (add: default is the org's default_role; list: filter)" },
	{ NULL, NULL, 0, NULL },
};

static const struct actor cli_actor = { "cli", NULL };

static int help(void)
{
	printf("usage: gatehouse members <command> ORG ... [options]   (ORG: id or slug)\n\n"
	       "  list ORG [--role ROLE] [--limit N] [--starting-after MEM]\n"
	       "  add ORG --user USER [--role ROLE]\n"
	       "  update ORG USER --role ROLE\n"
	       "  remove ORG USER\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int list(struct app *a, const char *org, struct cli_args *args)
{
	static const char *const cols[] = { "id", "user_id", "email", "role", "role_source", NULL };
	struct page p = { args->limit, args->starting_after };
	struct membership *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	const char *role = json_string_value(json_object_get(args->body, "role"));
	int rc = app_membership_list(a, org, role, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = membership_to_json(&items[i]);
		/* the table shows the member's address; --json keeps the API shape */
		if (!args->json)
			json_object_set(
			        j, "email",
			        json_object_get(json_object_get(j, "user"), "primary_email"));
		json_array_append_new(data, j);
		membership_release(&items[i]);
	}
	free(items);
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int removed(const struct membership *m, bool json)
{
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("organization_membership"));
	json_object_set_new(j, "id", json_string(m->id));
	json_object_set_new(j, "organization_id", json_string(m->org_id));
	json_object_set_new(j, "user_id", json_string(m->user_id));
	json_object_set_new(j, "deleted", json_true());
	cli_print_object(j, json);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	const char *org = args->positional[0];
	struct membership_input in = { 0 };
	struct membership m;
	int rc;
	if (!strcmp(sub, "list"))
		return list(a, org, args);
	if (!strcmp(sub, "add")) {
		rc = membership_input_from_json(&in, args->body, true);
		if (rc == 0)
			rc = app_membership_create(a, &cli_actor, org, &in, &m);
	} else if (args->npositional < 2) {
		fprintf(stderr, "gatehouse: members %s needs ORG and USER\n", sub);
		return EXIT_USAGE;
	} else if (!strcmp(sub, "update")) {
		rc = membership_input_from_json(&in, args->body, false);
		if (rc == 0)
			rc = app_membership_update(a, &cli_actor, org, args->positional[1], &in,
			                           &m);
	} else if (!strcmp(sub, "remove")) {
		rc = app_membership_delete(a, &cli_actor, org, args->positional[1], &m);
		if (rc)
			return cli_fail(rc);
		removed(&m, args->json);
		membership_release(&m);
		return EXIT_OK;
	} else {
		fprintf(stderr, "gatehouse: unknown members command '%s'\n", sub);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc);
	cli_print_object(membership_to_json(&m), args->json);
	membership_release(&m);
	return EXIT_OK;
}

int cmd_members(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = { .name = "members",
		                              .flags = flags,
		                              .needs = "an organization id or slug",
		                              .help = help,
		                              .run = run };
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
