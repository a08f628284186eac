/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse orgs list|get|create|update|delete — the same use cases as /v1/organizations. */
#include "base/common.h"

#include "app/org.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ "name", "name", 's', "organization name" },
	{ "slug", "slug", 's', "URL-safe unique slug (default: from the name)" },
	{ "default-role", "default_role", 's', "role given to new members (default org:member)" },
	{ "self-serve-sso", "self_serve_sso", 'b',
	  "enable the self-serve Security page (--no-self-serve-sso to disable)" },
	{ "max-memberships", "max_memberships", 'i', "seat limit" },
	{ "public-metadata", "public_metadata", 'j', "JSON object" },
	{ "private-metadata", "private_metadata", 'j', "JSON object" },
	{ NULL, NULL, 0, NULL },
};

static const struct actor cli_actor = { "cli", NULL };

static int help(void)
{
	printf("usage: gatehouse orgs <list|get|create|update|delete> [options]\n\n"
	       "  list [--limit N] [--starting-after ID]\n"
	       "  get ORG                      (id or slug)\n"
	       "  create --name NAME [options]\n"
	       "  update ORG [options]\n"
	       "  delete ORG\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct org o;
	struct org_input in = { 0 };
	int rc;
	if (!strcmp(sub, "list")) {
		struct page p = { args->limit, args->starting_after };
		struct org *items = NULL;
		size_t n = 0;
		int64_t total = 0;
		rc = app_org_list(a, &p, &items, &n, &total);
		if (rc)
			return cli_fail(rc);
		json_t *data = json_array();
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(data, org_to_json(&items[i]));
			org_release(&items[i]);
		}
		free(items);
		static const char *const cols[] = {
			"id", "slug", "name", "members_count", "self_serve_sso", NULL
		};
		cli_print_list(data, total, cols, args->json);
		return EXIT_OK;
	}
	if (!strcmp(sub, "create")) {
		rc = org_input_from_json(&in, args->body, true);
		if (rc == 0)
			rc = app_org_create(a, &cli_actor, &in, &o);
		org_input_release(&in);
		if (rc)
			return cli_fail(rc);
		cli_print_object(org_to_json(&o), args->json);
		org_release(&o);
		return EXIT_OK;
	}
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: orgs %s needs an organization id or slug\n", sub);
		return EXIT_USAGE;
	}
	const char *id = args->positional[0];
	if (!strcmp(sub, "get")) {
		rc = app_org_get(a, id, &o);
	} else if (!strcmp(sub, "update")) {
		rc = org_input_from_json(&in, args->body, false);
		if (rc == 0)
			rc = app_org_update(a, &cli_actor, id, &in, &o);
		org_input_release(&in);
	} else if (!strcmp(sub, "delete")) {
		rc = app_org_delete(a, &cli_actor, id);
		if (rc)
			return cli_fail(rc);
		if (args->json)
			printf("{\"id\":\"%s\",\"deleted\":true}\n", id);
		else
			printf("deleted %s\n", id);
		return EXIT_OK;
	} else {
		fprintf(stderr, "gatehouse: unknown orgs command '%s'\n", sub);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc);
	cli_print_object(org_to_json(&o), args->json);
	org_release(&o);
	return EXIT_OK;
}

int cmd_orgs(int argc, char **argv, const struct config *cfg)
{
	static const struct cli_sub subs[] = {
		{ "list", 0 },   { "create", 0 }, { "get", 1 },
		{ "update", 1 }, { "delete", 1 }, { NULL, 0 },
	};
	const struct cli_data_command cmd = {
		.name = "orgs", .flags = flags, .subs = subs, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
