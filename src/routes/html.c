/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few HTML pages the sign-in path shows (errors, the email-first form).
 * Everything from input is escaped; the pages load nothing and run nothing,
 * and the CSP says so. form-action is left open on purpose: the email form's
 * answer will redirect to the customer's IdP, which form-action 'self' would
 * block in some browsers.
 */
#include "base/common.h"

#include "routes/routes.h"

int route_html_escape(struct buf *b, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '&':
			rc = buf_appends(b, "&amp;");
			break;
		case '<':
			rc = buf_appends(b, "&lt;");
			break;
		case '>':
			rc = buf_appends(b, "&gt;");
			break;
		case '"':
			rc = buf_appends(b, "&quot;");
			break;
		case '\'':
			rc = buf_appends(b, "&#39;");
			break;
		default:
			rc = buf_append(b, s, 1);
		}
	}
	return rc;
}

int route_html(struct route_ctx *ctx, int status, const char *title, const char *message,
               const char *form_request_id)
{
	struct buf *b = &ctx->res->body;
	buf_reset(b);
	buf_appends(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width\">"
	               "<link rel=\"stylesheet\" href=\"/assets/ui.css\"><title>");
	route_html_escape(b, title);
	buf_appends(b, "</title></head>\n<body>\n<main>\n<h1>");
	route_html_escape(b, title);
	buf_appends(b, "</h1>\n");
	if (message && *message) {
		buf_appends(b, "<p>");
		route_html_escape(b, message);
		buf_appends(b, "</p>\n");
	}
	if (form_request_id) {
		buf_appends(b, "<form method=\"post\" action=\"/sign-in\">\n"
		               "<input type=\"hidden\" name=\"request\" value=\"");
		route_html_escape(b, form_request_id);
		buf_appends(
		        b,
		        "\">\n<label for=\"email\">Work email</label>\n"
		        "<input id=\"email\" type=\"email\" name=\"email\" autocomplete=\"email\" "
		        "required autofocus>\n<button type=\"submit\">Continue</button>\n"
		        "</form>\n");
	}
	buf_appends(b, "</main>\n</body></html>\n");
	ctx->res->status = status;
	ctx->res->content_type = "text/html; charset=utf-8";
	char *csp = xasprintf("default-src 'none'; style-src 'self'; frame-ancestors %s; "
	                      "base-uri 'none'",
	                      ctx->frame_ancestors ? ctx->frame_ancestors : "'none'");
	http_response_header(ctx->res, "Content-Security-Policy", csp);
	free(csp);
	if (!ctx->frame_ancestors)
		http_response_header(ctx->res, "X-Frame-Options", "DENY");
	http_response_header(ctx->res, "X-Content-Type-Options", "nosniff");
	http_response_header(ctx->res, "Referrer-Policy", "no-referrer");
	http_response_header(ctx->res, "Cache-Control", "no-store");
	return 0;
}
