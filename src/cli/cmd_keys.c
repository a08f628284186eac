/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse keys list|create|revoke — operator secret keys. */
#include "base/common.h"

#include "app/key.h"
#include "cli/output.h"
#include "model/model.h"

static const struct cli_flag flags[] = {
	{ "name", "name", 's', "a label for the key (e.g. the app or person using it)" },
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse keys <list|create|revoke> [options]\n\n"
	       "  list\n"
	       "  create [--name NAME]     prints the new key once; only its hash is stored\n"
	       "  revoke KEY_ID\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static json_t *key_json(const struct api_key *k)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(k->id));
	json_object_set_new(j, "name", json_string(k->name));
	json_object_set_new(j, "hint", json_string(k->key_hint));
	model_json_time(j, "created_at", k->created_at);
	model_json_time(j, "last_used_at", k->last_used_at);
	model_json_time(j, "revoked_at", k->revoked_at);
	return j;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct actor who = { "cli", NULL };
	if (!strcmp(sub, "list")) {
		struct api_key *items = NULL;
		size_t n = 0;
		int rc = app_key_list(a, &items, &n);
		if (rc)
			return cli_fail(rc);
		json_t *data = json_array();
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(data, key_json(&items[i]));
			api_key_release(&items[i]);
		}
		free(items);
		static const char *const cols[] = { "id",         "name",       "hint",
			                            "created_at", "revoked_at", NULL };
		cli_print_list(data, (int64_t)n, cols, args->json);
		return EXIT_OK;
	}
	if (!strcmp(sub, "create")) {
		json_t *name = json_object_get(args->body, "name");
		struct api_key k;
		char *secret = NULL;
		int rc =
		        app_key_create(a, &who, name ? json_string_value(name) : NULL, &k, &secret);
		if (rc)
			return cli_fail(rc);
		json_t *j = key_json(&k);
		json_object_set_new(j, "secret", json_string(secret));
		cli_print_object(j, args->json);
		if (!args->json)
			fprintf(stderr, "store the secret now: it is not shown again\n");
		memset(secret, 0, strlen(secret));
		free(secret);
		api_key_release(&k);
		return EXIT_OK;
	}
	if (!strcmp(sub, "revoke")) {
		if (args->npositional < 1) {
			fprintf(stderr, "gatehouse: keys revoke needs a key id\n");
			return EXIT_USAGE;
		}
		int rc = app_key_revoke(a, &who, args->positional[0]);
		if (rc)
			return cli_fail(rc);
		if (args->json)
			printf("{\"id\":\"%s\",\"revoked\":true}\n", args->positional[0]);
		else
			printf("revoked %s\n", args->positional[0]);
		return EXIT_OK;
	}
	fprintf(stderr, "gatehouse: unknown keys command '%s'\n", sub);
	return EXIT_USAGE;
}

int cmd_keys(int argc, char **argv, const struct config *cfg)
{
	static const struct cli_sub subs[] = {
		{ "list", 0 },
		{ "create", 0 },
		{ "revoke", 1 },
		{ NULL, 0 },
	};
	const struct cli_data_command cmd = {
		.name = "keys", .flags = flags, .subs = subs, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
