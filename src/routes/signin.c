/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /sign-in: the email-first page. GET shows the form for a pending
 * authorization request; POST takes the email and hands it to the SSO router
 * (app_signin_email), which answers with where the browser goes next.
 */
#include "base/common.h"

#include "app/signin.h"

#include "app/oauth.h"
#include "routes/routes.h"

#include <strings.h>

/* A page for a request that cannot continue (unknown, used, expired). */
static int request_problem(struct route_ctx *ctx, int rc)
{
	int status = rc == ERR_NOT_FOUND  ? 404
	             : rc == ERR_CONFLICT ? 409
	             : rc == ERR_INVALID  ? 400
	                                  : 0;
	if (!status)
		return rc;
	return route_html(ctx, status, "This sign-in link is no longer valid", error_get()->detail,
	                  NULL);
}

int routes_signin_next(struct route_ctx *ctx, struct signin_next *next)
{
	int rc = next->kind == SIGNIN_NEXT_REDIRECT
	                 ? route_redirect(ctx, next->url)
	                 : route_html(ctx, next->status,
	                              !strcmp(next->code, "invalid_email")
	                                      ? "Check your email address"
	                                      : "Single sign-on is not available",
	                              next->message, NULL);
	signin_next_release(next);
	return rc;
}

static int page(struct route_ctx *ctx)
{
	const char *id = http_request_query(ctx->req, "request");
	struct auth_request r;
	if (!id || !*id || strlen(id) > ID_MAX)
		return route_html(ctx, 400, "Start from your application",
		                  "This page is reached from an application's sign-in button.",
		                  NULL);
	int rc = app_oauth_request_pending(ctx->app, id, &r);
	if (rc)
		return request_problem(ctx, rc);
	rc = route_html(ctx, 200, "Sign in",
	                "Enter your work email to continue with your company's "
	                "single sign-on.",
	                r.id);
	auth_request_release(&r);
	return rc;
}

static int submit(struct route_ctx *ctx)
{
	struct url_params form;
	const char *ct = http_request_header(ctx->req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return route_html(ctx, 415, "Unsupported form", "Submit the sign-in form.", NULL);
	int rc = url_params_parse(&form, ctx->req->body.data ? ctx->req->body.data : "",
	                          ctx->req->body.len);
	if (rc)
		return route_html(ctx, 400, "Unreadable form", error_get()->detail, NULL);
	const char *id = url_params_get(&form, "request"), *email = url_params_get(&form, "email");
	struct auth_request r;
	struct signin_next next;
	if (!id || !email || form.duplicate[0]) {
		url_params_release(&form);
		return route_html(ctx, 400, "Start from your application",
		                  "The form is incomplete; start again from your application.",
		                  NULL);
	}
	rc = app_oauth_request_pending(ctx->app, id, &r);
	if (rc) {
		url_params_release(&form);
		return request_problem(ctx, rc);
	}
	rc = app_signin_email(ctx->app, &r, email, &next);
	auth_request_release(&r);
	url_params_release(&form);
	return rc ? rc : routes_signin_next(ctx, &next);
}

const struct route routes_signin[] = {
	{ "GET", "/sign-in", page, AUTH_NONE, BODY_NONE, "signin.page" },
	{ "POST", "/sign-in", submit, AUTH_NONE, BODY_SMALL, "signin.submit" },
	{ NULL, NULL, NULL, AUTH_NONE, 0, NULL },
};
