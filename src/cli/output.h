/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What data commands share: turning --flags into the same JSON body the HTTP
 * API takes (so the same decoders validate both), opening the app, and
 * printing results as a table or, with --json, as the API's JSON.
 */
#ifndef GATEHOUSE_CLI_OUTPUT_H
#define GATEHOUSE_CLI_OUTPUT_H

#include "app/app.h"
#include "cli/cli.h"

#include <jansson.h>

/* A flag a command accepts: --name VALUE, typed. */
struct cli_flag {
	const char *flag;  /* "max-memberships" */
	const char *field; /* JSON member: "max_memberships" */
	char type; /* 's' string, 'i' integer, 'b' boolean (no value), 'j' JSON, 'a' string list
	              (repeatable) */
	const char *help;
};

struct cli_args {
	bool json;
	bool help;
	const char *positional[4];
	int npositional;
	json_t *body; /* members from flags */
	int64_t limit;
	const char *starting_after;
};

/* Parses argv[2..] (argv[1] is the subcommand). Returns 0 or EXIT_USAGE (message printed). */
int cli_args_parse(struct cli_args *out, int argc, char **argv, const struct cli_flag *flags);
void cli_args_release(struct cli_args *a);

/* A subcommand and how many positional arguments it needs ("get" ORG: 1). */
struct cli_sub {
	const char *name;
	int positional;
};

/*
 * EXIT_OK when sub is one of subs (ended by a NULL name) and args hold its
 * positional arguments, else EXIT_USAGE with a message. Data commands check
 * this before cli_open(), so a mistyped command opens (and so creates and
 * migrates) no database and writes no key file.
 */
int cli_check_sub(const char *command, const char *sub, const struct cli_args *args,
                  const struct cli_sub *subs);

/* Opens the database (migrating it) for a data command; prints the error on failure. */
int cli_open(struct app **out, const struct config *cfg, int *exit_out);

/* A data command: `gatehouse NAME SUB [args] [--flags]` over the database. */
struct cli_data_command {
	const char *name;
	const struct cli_flag *flags;
	const struct cli_flag *list_flags; /* of the "list" sub-command when they differ; or NULL */
	const struct cli_sub *subs; /* checked before the database opens; NULL: run() checks */
	const char *needs;          /* what the first argument must be, if one is required */
	int (*help)(void);
	int (*run)(struct app *a, const char *sub, struct cli_args *args);
};

/*
 * The whole life of a data command: --help, flag parsing, the sub-command
 * and argument checks (before any database is opened or created), opening
 * the database, run(), and the exit code.
 */
int cli_run_data_command(const struct cli_data_command *cmd, int argc, char **argv,
                         const struct config *cfg);

/* Prints obj: JSON, or "field: value" lines. Steals obj. */
void cli_print_object(json_t *obj, bool json);
/* Prints a list: JSON {data,total_count}, or a table of the given columns. Steals data. */
void cli_print_list(json_t *data, int64_t total, const char *const *columns, bool json);
void cli_print_flags(const struct cli_flag *flags);

#endif
