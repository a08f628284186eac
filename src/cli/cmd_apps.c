/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse apps list|get|create|update|delete|rotate-secret — as /v1/oauth_applications. */
#include "base/common.h"

#include "app/oauth_app.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ "name", "name", 's', "the application's name" },
	{ "redirect-uri", "redirect_uris", 'a',
	  "redirect URI, exact match (repeat or comma-separate; update replaces the list)" },
	{ "post-logout-redirect-uri", "post_logout_redirect_uris", 'a',
	  "where /oauth2/logout may send the browser (repeatable)" },
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse apps <command> [options]\n\n"
	       "The operator's applications as OpenID Connect clients of gatehouse.\n\n"
	       "  list\n"
	       "  get APP                 by id (app_...) or client_id\n"
	       "  create --name NAME --redirect-uri URL   prints the client secret once\n"
	       "  update APP [options]\n"
	       "  delete APP              its sessions end\n"
	       "  rotate-secret APP       prints the new secret once; the old one stops working\n\n"
	       "options:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int print_app(struct oauth_app *a, char *secret, bool json)
{
	cli_print_object(oauth_app_to_json(a, secret), json);
	oauth_app_release(a);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	return EXIT_OK;
}

static int list(struct app *a, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct oauth_app *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_oauth_app_list(a, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, oauth_app_to_json(&items[i], NULL));
		oauth_app_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "id", "name", "client_id", "redirect_uris", NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct actor who = { "cli", NULL };
	struct oauth_app_input in = { 0 };
	struct oauth_app o;
	char *secret = NULL;
	int rc;
	if (!strcmp(sub, "list"))
		return list(a, args);
	if (!strcmp(sub, "create")) {
		rc = oauth_app_input_from_json(&in, args->body, true);
		if (rc == 0)
			rc = app_oauth_app_create(a, &who, &in, &o, &secret);
		oauth_app_input_release(&in);
		return rc ? cli_fail(rc) : print_app(&o, secret, args->json);
	}
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: apps %s needs an application id\n", sub);
		return EXIT_USAGE;
	}
	const char *id = args->positional[0];
	if (!strcmp(sub, "get")) {
		rc = app_oauth_app_get(a, id, &o);
	} else if (!strcmp(sub, "update")) {
		rc = oauth_app_input_from_json(&in, args->body, false);
		if (rc == 0)
			rc = app_oauth_app_update(a, &who, id, &in, &o);
		oauth_app_input_release(&in);
	} else if (!strcmp(sub, "rotate-secret")) {
		rc = app_oauth_app_rotate_secret(a, &who, id, &o, &secret);
	} else if (!strcmp(sub, "delete")) {
		rc = app_oauth_app_delete(a, &who, id);
		if (rc)
			return cli_fail(rc);
		printf(args->json ? "{\"id\":\"%s\",\"deleted\":true}\n" : "deleted %s\n", id);
		return EXIT_OK;
	} else {
		fprintf(stderr, "gatehouse: unknown apps command '%s'\n", sub);
		return EXIT_USAGE;
	}
	return rc ? cli_fail(rc) : print_app(&o, secret, args->json);
}

int cmd_apps(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = {
		.name = "apps", .flags = flags, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
