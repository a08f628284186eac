/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse signing-keys list|rotate — the OpenID Provider's ID-token keys. */
#include "base/common.h"

#include "app/signing_key.h"
#include "cli/output.h"
#include "model/model.h"

static int help(void)
{
	printf("usage: gatehouse signing-keys <list|rotate>\n\n"
	       "  list      the active key and the retired keys still published in the JWKS\n"
	       "  rotate    make a new active key; the old one stays in the JWKS for %d hours\n"
	       "            so tokens it signed still verify (every node picks the new key up\n"
	       "            within %d s)\n",
	       APP_SIGNING_KEY_GRACE_S / 3600, APP_SIGNING_KEY_RELOAD_S);
	return EXIT_OK;
}

static int list(struct app *a, bool json)
{
	struct signing_key *items = NULL;
	size_t n = 0;
	int rc = app_signing_key_list(a, &items, &n);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "kid", json_string(items[i].kid));
		json_object_set_new(j, "alg", json_string(items[i].alg));
		json_object_set_new(j, "status", json_string(items[i].status));
		model_json_time(j, "created_at", items[i].created_at);
		model_json_time(j, "retired_at", items[i].retired_at);
		json_array_append_new(data, j);
		signing_key_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = {
		"kid", "alg", "status", "created_at", "retired_at", NULL
	};
	cli_print_list(data, (int64_t)n, cols, json);
	return EXIT_OK;
}

int cmd_signing_keys(int argc, char **argv, const struct config *cfg)
{
	struct cli_args args;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return argc < 2 ? (help(), EXIT_USAGE) : help();
	static const struct cli_flag none[] = { { NULL, NULL, 0, NULL } };
	int rc = cli_args_parse(&args, argc, argv, none);
	if (rc || args.help) {
		cli_args_release(&args);
		return rc ? rc : help();
	}
	struct app *a = NULL;
	int ex = EXIT_OK;
	if (cli_open(&a, cfg, &ex) == 0) {
		if (!strcmp(argv[1], "list")) {
			ex = list(a, args.json);
		} else if (!strcmp(argv[1], "rotate")) {
			struct actor who = { "cli", NULL };
			char *kid = NULL;
			rc = app_signing_key_ensure(a);
			if (rc == 0)
				rc = app_signing_key_rotate(a, &who, &kid);
			if (rc) {
				ex = cli_fail(rc);
			} else {
				printf(args.json ? "{\"kid\":\"%s\",\"status\":\"active\"}\n"
				                 : "new active signing key %s\n",
				       kid);
				free(kid);
			}
		} else {
			fprintf(stderr, "gatehouse: unknown signing-keys command '%s'\n", argv[1]);
			ex = EXIT_USAGE;
		}
		app_free(a);
	}
	cli_args_release(&args);
	return ex;
}
