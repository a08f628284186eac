/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse operators list|create|delete|set-password — dashboard accounts. */
#include "base/common.h"

#include "app/operator.h"
#include "cli/output.h"
#include "model/model.h"

#include <termios.h>
#include <unistd.h>

static const struct cli_flag flags[] = {
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse operators <list|create|delete|set-password> [options]\n\n"
	       "  list\n"
	       "  create USERNAME          asks for the password (or reads one line from\n"
	       "                           stdin, or GATEHOUSE_OPERATOR_PASSWORD)\n"
	       "  set-password USERNAME    the same; ends the account's dashboard sessions\n"
	       "  delete USERNAME|ID       ends the account's dashboard sessions\n\n"
	       "Passwords are hashed with argon2id; %d to %d characters.\n",
	       APP_OPERATOR_PASSWORD_MIN, APP_OPERATOR_PASSWORD_MAX);
	return EXIT_OK;
}

static json_t *operator_json(const struct operator_account *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(o->id));
	json_object_set_new(j, "username", json_string(o->username));
	model_json_time(j, "created_at", o->created_at);
	model_json_time(j, "last_sign_in_at", o->last_sign_in_at);
	return j;
}

/* The password: environment, else a terminal prompt without echo, else one stdin line. */
static char *read_password(void)
{
	const char *env = getenv("GATEHOUSE_OPERATOR_PASSWORD");
	if (env && *env)
		return xstrdup(env);
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char line[APP_OPERATOR_PASSWORD_MAX + 2];
	char *got = fgets(line, sizeof(line), stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!got)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *p = xstrdup(line);
	memset(line, 0, sizeof(line));
	return p;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct actor who = { "cli", NULL };
	if (!strcmp(sub, "list")) {
		struct operator_account *items = NULL;
		size_t n = 0;
		int rc = app_operator_list(a, &items, &n);
		if (rc)
			return cli_fail(rc);
		json_t *data = json_array();
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(data, operator_json(&items[i]));
			operator_account_release(&items[i]);
		}
		free(items);
		static const char *const cols[] = { "id", "username", "created_at",
			                            "last_sign_in_at", NULL };
		cli_print_list(data, (int64_t)n, cols, args->json);
		return EXIT_OK;
	}
	const char *name = args->positional[0];
	if (!strcmp(sub, "delete")) {
		int rc = app_operator_delete(a, &who, name);
		if (rc)
			return cli_fail(rc);
		if (args->json)
			printf("{\"deleted\":true}\n");
		else
			printf("deleted operator %s\n", name);
		return EXIT_OK;
	}
	char *pw = read_password();
	if (!pw) {
		fprintf(stderr, "gatehouse: no password given\n");
		return EXIT_USAGE;
	}
	int rc;
	if (!strcmp(sub, "create")) {
		struct operator_account o;
		rc = app_operator_create(a, &who, name, pw, &o);
		if (rc == 0) {
			cli_print_object(operator_json(&o), args->json);
			operator_account_release(&o);
		}
	} else {
		rc = app_operator_set_password(a, &who, name, pw);
		if (rc == 0)
			printf(args->json ? "{\"password_changed\":true}\n" : "password changed\n");
	}
	memset(pw, 0, strlen(pw));
	free(pw);
	return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_operators(int argc, char **argv, const struct config *cfg)
{
	static const struct cli_sub subs[] = {
		{ "list", 0 }, { "create", 1 }, { "delete", 1 }, { "set-password", 1 }, { NULL, 0 },
	};
	const struct cli_data_command cmd = {
		.name = "operators", .flags = flags, .subs = subs, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
