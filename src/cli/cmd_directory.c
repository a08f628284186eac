/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gatehouse directory ... — Directory Sync of a connection, as the Backend
 * API's /v1/enterprise_connections/{conn}/directory_sync, directory_users,
 * directory_groups and role_mappings.
 */
#include "base/common.h"

#include "app/directory.h"
#include "app/directory_role.h"
#include "cli/output.h"

static const struct cli_flag flags[] = {
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse directory <command> CONN [options]\n\n"
	       "  status CONN                 is Directory Sync on; the SCIM base URL; counts\n"
	       "  enable CONN                 turn it on and print the bearer token (shown once)\n"
	       "  disable CONN                turn it off (SCIM answers 403; mapped roles become editable)\n"
	       "  rotate CONN                 a new token; the old one works for 10 more minutes\n"
	       "  users CONN                  provisioned users (status, last synced)\n"
	       "  groups CONN                 provisioned groups (member counts)\n"
	       "  mappings CONN [--data '{\"data\":[{\"group_id\":\"grp_...\",\"role\":\"org:...\"}]}']\n"
	       "                              show, or replace, the ordered group → role mappings\n"
	       "  requests CONN               the inbound SCIM request log, newest first\n"
	       "  jobs CONN                   role re-resolution jobs and their progress\n"
	       "  run-jobs                    work through pending jobs now (no server needed)\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int show(struct directory *d, char *token, const struct config *cfg, bool json)
{
	json_t *j = directory_to_json(d, cfg->public_url);
	directory_release(d);
	if (token) {
		json_object_set_new(j, "bearer_token", json_string(token));
		if (!json)
			fprintf(stderr,
			        "The bearer token is shown once; paste it into the IdP now.\n");
		free(token);
	}
	cli_print_object(j, json);
	return EXIT_OK;
}

static int users(struct app *a, const char *conn, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct directory_user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_directory_users(a, conn, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_user_to_json(&items[i]));
		directory_user_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "id",     "user_id",        "user_name",
		                            "status", "last_synced_at", NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int groups(struct app *a, const char *conn, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct directory_group *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_directory_groups(a, conn, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_group_to_json(&items[i], NULL));
		directory_group_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "id", "display_name", "member_count", "updated_at",
		                            NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int mappings(struct app *a, const char *conn, struct cli_args *args)
{
	struct role_mapping *m = NULL;
	size_t n = 0;
	char job[ID_MAX] = "";
	struct actor who = { "cli", NULL };
	int rc = 0;
	if (json_object_size(args->body)) {
		rc = role_mappings_from_json(&m, &n, args->body);
		if (rc == 0)
			rc = app_directory_mappings_set(a, &who, conn, m, n, job);
		for (size_t i = 0; i < n; i++)
			role_mapping_release(&m[i]);
		free(m);
		if (rc)
			return cli_fail(rc);
		if (job[0] && !args->json)
			printf("members are re-resolved by job %s (gatehouse directory jobs %s)\n",
			       job, conn);
	}
	rc = app_directory_mappings_get(a, conn, &m, &n);
	if (rc)
		return cli_fail(rc);
	json_t *j = role_mappings_to_json(conn, m, n);
	for (size_t i = 0; i < n; i++)
		role_mapping_release(&m[i]);
	free(m);
	static const char *const cols[] = { "rank", "group_id", "group_display_name", "role",
		                            NULL };
	cli_print_list(json_incref(json_object_get(j, "data")), (int64_t)n, cols, args->json);
	json_decref(j);
	return EXIT_OK;
}

static int requests(struct app *a, const char *conn, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct scim_request *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_scim_requests(a, conn, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, scim_request_to_json(&items[i]));
		scim_request_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "created_at", "method", "path",    "status",
		                            "scim_type",  "detail", "changes", NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int jobs(struct app *a, const char *conn, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct directory_job *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_directory_jobs(a, conn, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_job_to_json(&items[i]));
		directory_job_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "id", "reason", "status", "done", "total", NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int run_on(struct app *a, const char *sub, const char *conn, struct cli_args *args,
                  const struct config *cfg)
{
	struct actor who = { "cli", NULL };
	struct directory d;
	char *token = NULL;
	int rc;
	if (!strcmp(sub, "users"))
		return users(a, conn, args);
	if (!strcmp(sub, "groups"))
		return groups(a, conn, args);
	if (!strcmp(sub, "mappings"))
		return mappings(a, conn, args);
	if (!strcmp(sub, "requests"))
		return requests(a, conn, args);
	if (!strcmp(sub, "jobs"))
		return jobs(a, conn, args);
	if (!strcmp(sub, "status"))
		rc = app_directory_get(a, conn, &d);
	else if (!strcmp(sub, "enable"))
		rc = app_directory_enable(a, &who, conn, &d, &token);
	else if (!strcmp(sub, "disable"))
		rc = app_directory_disable(a, &who, conn, &d);
	else if (!strcmp(sub, "rotate"))
		rc = app_directory_rotate(a, &who, conn, &d, &token);
	else {
		fprintf(stderr, "gatehouse: unknown directory command '%s'\n", sub);
		return EXIT_USAGE;
	}
	return rc ? cli_fail(rc) : show(&d, token, cfg, args->json);
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	const struct config *cfg = a->cfg;
	if (!strcmp(sub, "run-jobs")) {
		int rc = app_directory_jobs_drain(a);
		return rc < 0 ? cli_fail(rc) : EXIT_OK;
	}
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: directory %s needs a connection id (see --help)\n",
		        sub);
		return EXIT_USAGE;
	}
	return run_on(a, sub, args->positional[0], args, cfg);
}

int cmd_directory(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = {
		.name = "directory", .flags = flags, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
