/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command-line interface: a table of subcommands (serve, migrate, orgs,
 * users, ...). Data commands call the same app/ use cases as the HTTP API,
 * directly against the database (not over HTTP); they print tables by
 * default and JSON with --json.
 *
 * Exit codes scripts can rely on: 0 success, 1 other failure, 2 usage
 * error, 3 the database or another dependency is unavailable, 4 not found,
 * 5 conflict, 6 invalid input (the message and --json error say which field).
 */
#ifndef GATEHOUSE_CLI_CLI_H
#define GATEHOUSE_CLI_CLI_H

#include "config/config.h"

enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_UNAVAILABLE = 3,
	EXIT_NOT_FOUND = 4,
	EXIT_CONFLICT = 5,
	EXIT_INVALID = 6,
};

struct cli_command {
	const char *name;
	const char *summary;
	/* argv[0] is the command name; config already loaded (flags removed). */
	int (*run)(int argc, char **argv, const struct config *cfg);
};

extern const struct cli_command cli_commands[];

int cli_main(int argc, char **argv);
/* Maps an error code to an exit code and prints the error slot to stderr. */
int cli_fail(int rc);

int cmd_serve(int argc, char **argv, const struct config *cfg);
int cmd_migrate(int argc, char **argv, const struct config *cfg);
int cmd_config(int argc, char **argv, const struct config *cfg);
int cmd_version(int argc, char **argv, const struct config *cfg);
int cmd_keys(int argc, char **argv, const struct config *cfg);
int cmd_operators(int argc, char **argv, const struct config *cfg);
int cmd_orgs(int argc, char **argv, const struct config *cfg);
int cmd_webhooks(int argc, char **argv, const struct config *cfg);
int cmd_domains(int argc, char **argv, const struct config *cfg);
int cmd_apps(int argc, char **argv, const struct config *cfg);
int cmd_signing_keys(int argc, char **argv, const struct config *cfg);
int cmd_connections(int argc, char **argv, const struct config *cfg);
int cmd_directory(int argc, char **argv, const struct config *cfg);
int cmd_users(int argc, char **argv, const struct config *cfg);
int cmd_members(int argc, char **argv, const struct config *cfg);
int cmd_roles(int argc, char **argv, const struct config *cfg);
int cmd_permissions(int argc, char **argv, const struct config *cfg);

#define GATEHOUSE_VERSION "0.1.0"

#endif
