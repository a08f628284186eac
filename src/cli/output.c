/* SPDX-License-Identifier: Apache-2.0 */
/* Flags → JSON bodies, and table/JSON output for data commands (see output.h). */
#include "base/common.h"

#include "cli/output.h"

#include "base/error.h"

static const struct cli_flag *find_flag(const struct cli_flag *flags, const char *name)
{
	for (const struct cli_flag *f = flags; f && f->flag; f++)
		if (strcmp(f->flag, name) == 0)
			return f;
	return NULL;
}

static bool is_bool_flag(const struct cli_flag *flags, const char *name)
{
	const struct cli_flag *f = find_flag(flags, name);
	return f && f->type == 'b';
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "gatehouse: %s: %s (see --help)\n", what, arg);
	return EXIT_USAGE;
}

static int add_value(json_t *body, const struct cli_flag *f, const char *v)
{
	if (f->type == 's') {
		json_object_set_new(body, f->field, json_string(v));
		return 0;
	}
	if (f->type == 'a') {
		json_t *arr = json_object_get(body, f->field);
		if (!arr) {
			arr = json_array();
			json_object_set_new(body, f->field, arr);
		}
		/* "a,b,c" or repeated flags */
		const char *p = v;
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (n)
				json_array_append_new(arr, json_stringn(p, n));
			p += n + (comma ? 1 : 0);
		}
		return 0;
	}
	if (f->type == 'i') {
		char *end = NULL;
		long long n = strtoll(v, &end, 10);
		if (!*v || !end || *end)
			return usage_error("needs an integer", f->flag);
		json_object_set_new(body, f->field, json_integer(n));
		return 0;
	}
	json_error_t jerr;
	json_t *j = json_loads(v, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return usage_error("needs JSON", f->flag);
	json_object_set_new(body, f->field, j);
	return 0;
}

int cli_args_parse(struct cli_args *out, int argc, char **argv, const struct cli_flag *flags)
{
	memset(out, 0, sizeof(*out));
	out->body = json_object();
	out->limit = 100;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			out->json = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			out->help = true;
		} else if (!strcmp(a, "--data")) {
			/* the whole request body as JSON, as the HTTP API takes it */
			json_error_t jerr;
			json_t *d = i + 1 < argc
			                    ? json_loads(argv[++i], JSON_REJECT_DUPLICATES, &jerr)
			                    : NULL;
			if (!json_is_object(d)) {
				json_decref(d);
				return usage_error("--data needs a JSON object", argv[i]);
			}
			json_object_update(out->body, d);
			json_decref(d);
		} else if (!strcmp(a, "--limit") || !strcmp(a, "--starting-after")) {
			if (i + 1 >= argc)
				return usage_error("needs a value", a);
			if (a[2] == 'l') {
				char *end = NULL;
				out->limit = strtoll(argv[++i], &end, 10);
				if (!end || *end || out->limit < 1 || out->limit > 500)
					return usage_error("must be 1-500", a);
			} else {
				out->starting_after = argv[++i];
			}
		} else if (!strncmp(a, "--no-", 5) && is_bool_flag(flags, a + 5)) {
			const struct cli_flag *f = find_flag(flags, a + 5);
			if (f)
				json_object_set_new(out->body, f->field, json_false());
		} else if (!strncmp(a, "--", 2)) {
			char name[64];
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			xsnprintf(name, sizeof(name), "%.*s", (int)n, a + 2);
			const struct cli_flag *f = find_flag(flags, name);
			if (!f)
				return usage_error("unknown option", a);
			if (f->type == 'b' && !eq) {
				json_object_set_new(out->body, f->field, json_true());
				continue;
			}
			const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return usage_error("needs a value", f->flag);
			if (f->type == 'b') {
				json_object_set_new(
				        out->body, f->field,
				        json_boolean(!strcmp(v, "true") || !strcmp(v, "1")));
				continue;
			}
			int rc = add_value(out->body, f, v);
			if (rc)
				return rc;
		} else if (out->npositional < 4) {
			out->positional[out->npositional++] = a;
		} else {
			return usage_error("unexpected argument", a);
		}
	}
	return 0;
}

void cli_args_release(struct cli_args *a)
{
	json_decref(a->body);
	a->body = NULL;
}

int cli_check_sub(const char *command, const char *sub, const struct cli_args *args,
                  const struct cli_sub *subs)
{
	for (const struct cli_sub *s = subs; s->name; s++) {
		if (strcmp(s->name, sub) != 0)
			continue;
		if (args->npositional >= s->positional)
			return EXIT_OK;
		fprintf(stderr, "gatehouse: %s %s needs %d argument%s (see --help)\n", command, sub,
		        s->positional, s->positional == 1 ? "" : "s");
		return EXIT_USAGE;
	}
	fprintf(stderr, "gatehouse: unknown %s command '%s' (see --help)\n", command, sub);
	return EXIT_USAGE;
}

int cli_open(struct app **out, const struct config *cfg, int *exit_out)
{
	int rc = app_open(out, cfg, true);
	if (rc)
		*exit_out = cli_fail(rc);
	return rc;
}

int cli_run_data_command(const struct cli_data_command *cmd, int argc, char **argv,
                         const struct config *cfg)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return argc < 2 ? (cmd->help(), EXIT_USAGE) : cmd->help();
	const struct cli_flag *flags =
	        cmd->list_flags && !strcmp(argv[1], "list") ? cmd->list_flags : cmd->flags;
	struct cli_args args;
	int ex = cli_args_parse(&args, argc, argv, flags);
	if (ex || args.help) {
		cli_args_release(&args);
		return ex ? ex : cmd->help();
	}
	if (cmd->subs)
		ex = cli_check_sub(cmd->name, argv[1], &args, cmd->subs);
	if (ex == EXIT_OK && cmd->needs && args.npositional < 1) {
		fprintf(stderr, "gatehouse: %s %s needs %s\n", cmd->name, argv[1], cmd->needs);
		ex = EXIT_USAGE;
	}
	struct app *a = NULL;
	if (ex == EXIT_OK && cli_open(&a, cfg, &ex) == 0) {
		ex = cmd->run(a, argv[1], &args);
		app_free(a);
	}
	cli_args_release(&args);
	return ex;
}

static void print_value(FILE *f, json_t *v)
{
	if (json_is_string(v)) {
		fputs(json_string_value(v), f);
	} else if (json_is_null(v) || !v) {
		fputs("-", f);
	} else {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		fputs(t ? t : "?", f);
		free(t);
	}
}

void cli_print_object(json_t *obj, bool json)
{
	if (json) {
		char *t = json_dumps(obj, JSON_INDENT(2));
		printf("%s\n", t ? t : "{}");
		free(t);
	} else {
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v)
		{
			printf("%-20s ", key);
			print_value(stdout, v);
			putchar('\n');
		}
	}
	json_decref(obj);
}

void cli_print_list(json_t *data, int64_t total, const char *const *columns, bool json)
{
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "data", data);
		json_object_set_new(j, "total_count", json_integer(total));
		char *t = json_dumps(j, JSON_INDENT(2));
		printf("%s\n", t ? t : "{}");
		free(t);
		json_decref(j);
		return;
	}
	size_t ncol = 0;
	while (columns[ncol])
		ncol++;
	size_t width[16] = { 0 };
	for (size_t c = 0; c < ncol && c < 16; c++)
		width[c] = strlen(columns[c]);
	size_t i;
	json_t *row;
	json_array_foreach(data, i, row)
	{
		for (size_t c = 0; c < ncol && c < 16; c++) {
			json_t *v = json_object_get(row, columns[c]);
			char *t = json_is_string(v) ? xstrdup(json_string_value(v))
			                            : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			size_t n = t ? strlen(t) : 1;
			if (n > width[c])
				width[c] = n > 48 ? 48 : n;
			free(t);
		}
	}
	for (size_t c = 0; c < ncol && c < 16; c++) {
		for (const char *p = columns[c]; *p; p++)
			putchar(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		printf("%*s", (int)(width[c] - strlen(columns[c]) + 2), "");
	}
	putchar('\n');
	json_array_foreach(data, i, row)
	{
		for (size_t c = 0; c < ncol && c < 16; c++) {
			json_t *v = json_object_get(row, columns[c]);
			char *t = !v || json_is_null(v) ? xstrdup("-")
			          : json_is_string(v)
			                  ? xstrdup(json_string_value(v))
			                  : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			printf("%-*.48s  ", (int)width[c], t ? t : "");
			free(t);
		}
		putchar('\n');
	}
	printf("(%zu shown, %lld in all)\n", json_array_size(data), (long long)total);
	json_decref(data);
}

void cli_print_flags(const struct cli_flag *flags)
{
	for (const struct cli_flag *f = flags; f && f->flag; f++) {
		const char *arg = f->type == 'b'   ? ""
		                  : f->type == 'i' ? " N"
		                  : f->type == 'j' ? " JSON"
		                                   : " VALUE";
		char left[64];
		xsnprintf(left, sizeof(left), "--%s%s", f->flag, arg);
		printf("  %-28s %s\n", left, f->help);
	}
	printf("  %-28s %s\n", "--data JSON",
	       "request body fields as JSON (merged with the flags above)");
	printf("  %-28s %s\n", "--json", "print JSON (the API's shape) instead of a table");
}
