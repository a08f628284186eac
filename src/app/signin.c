/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-off to enterprise sign-in (see signin.h). */
#include "base/common.h"

#include "app/signin.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/url.h"

void signin_next_release(struct signin_next *n)
{
	free(n->url);
	free(n->message);
	memset(n, 0, sizeof(*n));
}

static int page(struct signin_next *out, int status, const char *code, char *message)
{
	memset(out, 0, sizeof(*out));
	out->kind = SIGNIN_NEXT_PAGE;
	out->status = status;
	xsnprintf(out->code, sizeof(out->code), "%s", code);
	out->message = message;
	return 0;
}

int app_signin_route(struct app *a, const struct auth_request *req, const char *email,
                     const char *organization, const char *connection, struct signin_next *out)
{
	(void)a;
	(void)req;
	if (email) {
		const char *domain = strrchr(email, '@');
		return page(out, 404, "no_connection",
		            xasprintf("No enterprise connection covers %s. Ask your administrator "
		                      "to set up single sign-on for this domain.",
		                      domain ? domain + 1 : email));
	}
	return page(out, 404, "no_connection",
	            xasprintf("%s %s has no active enterprise connection.",
	                      connection ? "The connection" : "The organization",
	                      connection ? connection : organization));
}

int app_signin_email(struct app *a, const struct auth_request *req, const char *email,
                     struct signin_next *out)
{
	char *norm = NULL;
	if (model_email_normalize(&norm, email))
		return page(out, 400, "invalid_email",
		            xstrdup("That is not an email address. Type your work email, like "
		                    "name@company.com."));
	int rc = app_signin_route(a, req, norm, NULL, NULL, out);
	free(norm);
	return rc;
}

int app_signin_begin(struct app *a, const struct auth_request *req, struct signin_next *out)
{
	memset(out, 0, sizeof(*out));
	if (req->login_hint)
		return app_signin_email(a, req, req->login_hint, out);
	if (req->organization || req->connection)
		return app_signin_route(a, req, NULL, req->organization, req->connection, out);
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, a->cfg->public_url);
	buf_appends(&b, "/sign-in");
	url_append_param(&b, '?', "request", req->id);
	out->kind = SIGNIN_NEXT_REDIRECT;
	out->url = buf_detach(&b, NULL);
	return 0;
}
