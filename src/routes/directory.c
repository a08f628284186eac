/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory Sync in the Backend API, under /v1/enterprise_connections/{conn}:
 * directory_sync (on, off, status, token rotation, request log, jobs),
 * directory_users, directory_groups and role_mappings.
 */
#include "base/common.h"

#include "app/directory.h"

#include "routes/routes.h"

static int reply(struct route_ctx *ctx, int status, struct directory *d, char *token)
{
	json_t *j = directory_to_json(d, ctx->app->cfg->public_url);
	directory_release(d);
	if (token) {
		/* shown once: only its hash is kept */
		json_object_set_new(j, "bearer_token", json_string(token));
		free(token);
		http_response_header(ctx->res, "Cache-Control", "no-store");
	}
	return route_json(ctx, status, j);
}

int routes_directory_enable(struct route_ctx *ctx)
{
	struct directory d;
	char *token = NULL;
	int rc = app_directory_enable(ctx->app, &ctx->actor, route_param(ctx, "conn"), &d, &token);
	return rc ? rc : reply(ctx, 201, &d, token);
}

int routes_directory_status(struct route_ctx *ctx)
{
	struct directory d;
	int rc = app_directory_get(ctx->app, route_param(ctx, "conn"), &d);
	return rc ? rc : reply(ctx, 200, &d, NULL);
}

int routes_directory_disable(struct route_ctx *ctx)
{
	struct directory d;
	int rc = app_directory_disable(ctx->app, &ctx->actor, route_param(ctx, "conn"), &d);
	return rc ? rc : reply(ctx, 200, &d, NULL);
}

int routes_directory_rotate(struct route_ctx *ctx)
{
	struct directory d;
	char *token = NULL;
	int rc = app_directory_rotate(ctx->app, &ctx->actor, route_param(ctx, "conn"), &d, &token);
	return rc ? rc : reply(ctx, 200, &d, token);
}

int routes_directory_users(struct route_ctx *ctx)
{
	struct page p;
	struct directory_user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_directory_users(ctx->app, route_param(ctx, "conn"), &p, &items, &n,
		                         &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_user_to_json(&items[i]));
		directory_user_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

int routes_directory_groups(struct route_ctx *ctx)
{
	struct page p;
	struct directory_group *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_directory_groups(ctx->app, route_param(ctx, "conn"), &p, &items, &n,
		                          &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_group_to_json(&items[i], NULL));
		directory_group_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int mappings_reply(struct route_ctx *ctx, const char *job_id)
{
	struct role_mapping *m = NULL;
	size_t n = 0;
	const char *conn = route_param(ctx, "conn");
	int rc = app_directory_mappings_get(ctx->app, conn, &m, &n);
	if (rc)
		return rc;
	json_t *j = role_mappings_to_json(conn, m, n);
	for (size_t i = 0; i < n; i++)
		role_mapping_release(&m[i]);
	free(m);
	if (job_id)
		json_object_set_new(j, "job_id", job_id[0] ? json_string(job_id) : json_null());
	return route_json(ctx, 200, j);
}

static int mappings_get(struct route_ctx *ctx)
{
	return mappings_reply(ctx, NULL);
}

static int mappings_put(struct route_ctx *ctx)
{
	json_t *body = NULL;
	struct role_mapping *m = NULL;
	size_t n = 0;
	char job[ID_MAX] = "";
	int rc = route_body(ctx, &body);
	if (rc == 0)
		rc = role_mappings_from_json(&m, &n, body);
	if (rc == 0)
		rc = app_directory_mappings_set(ctx->app, &ctx->actor, route_param(ctx, "conn"), m,
		                                n, job);
	for (size_t i = 0; i < n; i++)
		role_mapping_release(&m[i]);
	free(m);
	json_decref(body);
	return rc ? rc : mappings_reply(ctx, job);
}

static int requests(struct route_ctx *ctx)
{
	struct page p;
	struct scim_request *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_scim_requests(ctx->app, route_param(ctx, "conn"), &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, scim_request_to_json(&items[i]));
		scim_request_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int jobs(struct route_ctx *ctx)
{
	struct page p;
	struct directory_job *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = route_page(ctx, &p);
	if (rc == 0)
		rc = app_directory_jobs(ctx->app, route_param(ctx, "conn"), &p, &items, &n, &total);
	if (rc)
		return rc;
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, directory_job_to_json(&items[i]));
		directory_job_release(&items[i]);
	}
	free(items);
	return route_list(ctx, data, total, &p);
}

static int job(struct route_ctx *ctx)
{
	struct directory_job j;
	int rc = app_directory_job_get(ctx->app, route_param(ctx, "conn"), route_param(ctx, "job"),
	                               &j);
	if (rc)
		return rc;
	json_t *out = directory_job_to_json(&j);
	directory_job_release(&j);
	return route_json(ctx, 200, out);
}

const struct route routes_directory[] = {
	{ "POST", "/v1/enterprise_connections/{conn}/directory_sync", routes_directory_enable,
	  AUTH_SECRET_KEY, BODY_SMALL, "directory.enable" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_sync", routes_directory_status,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.get" },
	{ "DELETE", "/v1/enterprise_connections/{conn}/directory_sync", routes_directory_disable,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.disable" },
	{ "POST", "/v1/enterprise_connections/{conn}/directory_sync/rotate_token",
	  routes_directory_rotate, AUTH_SECRET_KEY, BODY_SMALL, "directory.rotate" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_sync/requests", requests,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.requests" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_sync/jobs", jobs, AUTH_SECRET_KEY,
	  BODY_NONE, "directory.jobs" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_sync/jobs/{job}", job,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.job" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_users", routes_directory_users,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.users" },
	{ "GET", "/v1/enterprise_connections/{conn}/directory_groups", routes_directory_groups,
	  AUTH_SECRET_KEY, BODY_NONE, "directory.groups" },
	{ "GET", "/v1/enterprise_connections/{conn}/role_mappings", mappings_get, AUTH_SECRET_KEY,
	  BODY_NONE, "directory.mappings.get" },
	{ "PUT", "/v1/enterprise_connections/{conn}/role_mappings", mappings_put, AUTH_SECRET_KEY,
	  BODY_DEFAULT, "directory.mappings.set" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
