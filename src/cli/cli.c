/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommand table and argument handling (see cli.h). */
#include "base/common.h"

#include "cli/cli.h"

#include "base/error.h"
#include "base/log.h"

#include <time.h>

const struct cli_command cli_commands[] = {
	{ "serve", "run the server (HTTP API, sign-in, SCIM, pages)", cmd_serve },
	{ "migrate", "apply database migrations and exit", cmd_migrate },
	{ "orgs", "organizations: list, get, create, update, delete", cmd_orgs },
	{ "connections",
	  "enterprise connections (SAML, OIDC, EASIE), custom attributes, SSO lookup",
	  cmd_connections },
	{ "directory",
	  "Directory Sync (SCIM) of a connection: enable, rotate, users, groups, role mappings, request log",
	  cmd_directory },
	{ "domains", "organization domains: list, get, add, verify, update, remove", cmd_domains },
	{ "users", "users: list, get, create, update, deactivate, delete, memberships", cmd_users },
	{ "members", "organization members: list, add, update, remove", cmd_members },
	{ "roles", "roles: list, get, create, update, delete, permissions", cmd_roles },
	{ "permissions", "list the system permissions and custom ones in use", cmd_permissions },
	{ "keys", "operator secret keys: list, create, revoke", cmd_keys },
	{ "operators", "dashboard accounts: list, create, delete, set-password", cmd_operators },
	{ "webhooks", "webhook endpoints: list, get, create, update, delete, deliveries, retry",
	  cmd_webhooks },
	{ "apps",
	  "OAuth applications (OIDC clients): list, get, create, update, delete, rotate-secret",
	  cmd_apps },
	{ "signing-keys", "the OpenID Provider's ID-token signing keys: list, rotate",
	  cmd_signing_keys },
	{ "config", "show the effective configuration (secrets hidden)", cmd_config },
	{ "version", "print the version", cmd_version },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gatehouse <command> [options]\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
	        "\nglobal options (also as GATEHOUSE_* environment variables or in --config FILE):\n");
	config_print_help(f);
	fprintf(f, "\n'gatehouse <command> --help' describes a command.\n");
}

int cli_fail(int rc)
{
	const struct error_state *e = error_get();
	const char *code = e->stable[0] ? e->stable : error_code_name(rc);
	fprintf(stderr, "gatehouse: %s (%s)\n", e->detail[0] ? e->detail : "failed", code);
	for (size_t i = 0; i < e->nfields; i++)
		fprintf(stderr, "  field %s: %s\n", e->fields[i].field, e->fields[i].code);
	switch (rc) {
	case ERR_UNAVAILABLE:
		return EXIT_UNAVAILABLE;
	case ERR_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case ERR_CONFLICT:
		return EXIT_CONFLICT;
	case ERR_INVALID:
		return EXIT_INVALID;
	default:
		return EXIT_FAILED;
	}
}

int cli_main(int argc, char **argv)
{
	/* STACK.md pitfall 5: UTC avoids a stat of /etc/localtime per time call. */
	setenv("TZ", "UTC", 1);
	tzset();
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL, NULL);
	const struct cli_command *cmd = NULL;
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			cmd = c;
	if (!cmd) {
		fprintf(stderr, "gatehouse: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	struct config cfg;
	int sub_argc = argc - 1;
	char **sub_argv = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 1; i < argc; i++)
		sub_argv[i - 1] = argv[i];
	/* config_load skips argv[0]: here that is the command name */
	int rc = config_load(&cfg, &sub_argc, sub_argv);
	if (rc) {
		fprintf(stderr, "gatehouse: %s\n", error_get()->detail);
		free(sub_argv);
		config_release(&cfg);
		return EXIT_USAGE;
	}
	log_setup(!strcmp(cfg.log_level, "debug")   ? LOG_DEBUG
	          : !strcmp(cfg.log_level, "warn")  ? LOG_WARN
	          : !strcmp(cfg.log_level, "error") ? LOG_ERROR
	                                            : LOG_INFO,
	          !strcmp(cfg.log_format, "json") ? LOG_FORMAT_JSON : LOG_FORMAT_LOGFMT);
	rc = cmd->run(sub_argc, sub_argv, &cfg);
	config_release(&cfg);
	free(sub_argv);
	return rc;
}

int cmd_version(int argc, char **argv, const struct config *cfg)
{
	(void)argc;
	(void)argv;
	(void)cfg;
	printf("gatehouse %s\n", GATEHOUSE_VERSION);
	return EXIT_OK;
}

int cmd_config(int argc, char **argv, const struct config *cfg)
{
	if (argc > 1 && !strcmp(argv[1], "reference")) {
		config_print_markdown(stdout);
		return EXIT_OK;
	}
	bool help = argc > 1 && !strcmp(argv[1], "--help");
	if (help || (argc > 1 && strcmp(argv[1], "show") != 0)) {
		printf("usage: gatehouse config [show|reference]\n\n"
		       "show: the effective settings, secrets hidden; reference: every setting as Markdown.\n");
		return help ? EXIT_OK : EXIT_USAGE;
	}
	config_print(cfg, stdout);
	return EXIT_OK;
}
