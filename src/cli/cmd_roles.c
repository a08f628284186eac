/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse roles list|get|create|update|delete|permissions, and
 * gatehouse permissions — the same use cases as /v1/roles and /v1/permissions.
 */
#include "base/common.h"

#include "app/role.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ "key", "key", 's', "role key, e.g. org:billing (create only)" },
	{ "name", "name", 's', "display name" },
	{ "description", "description", 's', "free text" },
	{ "permissions", "permissions", 'a',
	  "permissions, comma-separated or repeated (replaces the list)" },
	{ NULL, NULL, 0, NULL },
};

static const struct actor cli_actor = { "cli", NULL };

static int help(void)
{
	printf("usage: gatehouse roles <command> [options]\n\n"
	       "  list [--limit N] [--starting-after KEY]\n"
	       "  get KEY\n"
	       "  create --key KEY --name NAME [--permissions a,b] [--description TEXT]\n"
	       "  update KEY [--name NAME] [--permissions a,b] [--description TEXT]\n"
	       "  delete KEY                 members holding it get their org's default role\n"
	       "  permissions                system permissions and those custom roles use\n"
	       "\nBuilt-in roles (org:admin, org:member) are listed but cannot be changed.\n\n"
	       "options:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int list(struct app *a, struct cli_args *args)
{
	static const char *const cols[] = { "key", "name", "builtin", "permissions", NULL };
	struct page p = { args->limit, args->starting_after };
	struct role *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_role_list(a, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, role_to_json(&items[i]));
		role_release(&items[i]);
	}
	free(items);
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int permissions(struct app *a, bool json)
{
	static const char *const cols[] = { "key", "system", "name", NULL };
	struct permission *items = NULL;
	size_t n = 0;
	int rc = app_role_permissions(a, &items, &n);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, permission_to_json(&items[i]));
		permission_release(&items[i]);
	}
	free(items);
	cli_print_list(data, (int64_t)n, cols, json);
	return EXIT_OK;
}

static int destroy(struct app *a, const char *key, bool json)
{
	struct role r;
	int64_t reassigned = 0;
	int rc = app_role_delete(a, &cli_actor, key, &r, &reassigned);
	if (rc)
		return cli_fail(rc);
	json_t *j = json_object();
	json_object_set_new(j, "object", json_string("role"));
	json_object_set_new(j, "id", json_string(r.id));
	json_object_set_new(j, "key", json_string(r.key));
	json_object_set_new(j, "deleted", json_true());
	json_object_set_new(j, "reassigned_memberships", json_integer(reassigned));
	role_release(&r);
	cli_print_object(j, json);
	return EXIT_OK;
}

static int write_role(struct app *a, const char *key, json_t *body, struct role *out)
{
	struct role_input in = { 0 };
	int rc = role_input_from_json(&in, body, key == NULL);
	if (rc == 0)
		rc = key ? app_role_update(a, &cli_actor, key, &in, out)
		         : app_role_create(a, &cli_actor, &in, out);
	role_input_release(&in);
	return rc;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct role r;
	int rc;
	if (!strcmp(sub, "list"))
		return list(a, args);
	if (!strcmp(sub, "permissions"))
		return permissions(a, args->json);
	if (!strcmp(sub, "create")) {
		rc = write_role(a, NULL, args->body, &r);
	} else if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: roles %s needs a role key\n", sub);
		return EXIT_USAGE;
	} else if (!strcmp(sub, "get")) {
		rc = app_role_get(a, args->positional[0], &r);
	} else if (!strcmp(sub, "update")) {
		rc = write_role(a, args->positional[0], args->body, &r);
	} else if (!strcmp(sub, "delete")) {
		return destroy(a, args->positional[0], args->json);
	} else {
		fprintf(stderr, "gatehouse: unknown roles command '%s'\n", sub);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc);
	cli_print_object(role_to_json(&r), args->json);
	role_release(&r);
	return EXIT_OK;
}

/* Shared by "roles SUB" and "permissions" (argv[1] is the subcommand). */
int cmd_roles(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = {
		.name = "roles", .flags = flags, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}

int cmd_permissions(int argc, char **argv, const struct config *cfg)
{
	/* "permissions [--json]" is "roles permissions [--json]" */
	static char sub[] = "permissions";
	char **v = xcalloc((size_t)argc + 2, sizeof(char *));
	v[0] = argv[0];
	v[1] = sub;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			free(v);
			printf("usage: gatehouse permissions [--json]\n\n"
			       "Lists the system permissions and the custom ones some role holds.\n");
			return EXIT_OK;
		}
		v[i + 1] = argv[i];
	}
	int rc = cmd_roles(argc + 1, v, cfg);
	free(v);
	return rc;
}
