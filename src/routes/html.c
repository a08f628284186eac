/* SPDX-License-Identifier: Apache-2.0 */
/* HTML pages for browsers (see html.h). */
#include "base/common.h"

#include "routes/html.h"

void routes_html_escape(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			buf_appends(b, "&lt;");
			break;
		case '>':
			buf_appends(b, "&gt;");
			break;
		case '&':
			buf_appends(b, "&amp;");
			break;
		case '"':
			buf_appends(b, "&quot;");
			break;
		case '\'':
			buf_appends(b, "&#39;");
			break;
		default:
			buf_append(b, s, 1);
		}
	}
}

int routes_html_page(struct route_ctx *ctx, int status, const char *title, const char *body_html)
{
	struct http_response *res = ctx->res;
	buf_reset(&res->body);
	buf_appends(&res->body, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                        "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	routes_html_escape(&res->body, title);
	buf_appends(
	        &res->body,
	        "</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;"
	        "margin:3em auto;padding:0 1em;color:#222}code{background:#f3f3f3;padding:0 .2em}"
	        "li{margin:.4em 0}.passed{color:#176f2c}.failed{color:#a4161a}</style></head>"
	        "<body><h1>");
	routes_html_escape(&res->body, title);
	buf_appends(&res->body, "</h1>\n");
	buf_appends(&res->body, body_html);
	buf_appends(&res->body, "\n</body></html>\n");
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	http_response_header(res, "Cache-Control", "no-store");
	http_response_header(
	        res, "Content-Security-Policy",
	        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
	http_response_header(res, "Referrer-Policy", "no-referrer");
	http_response_header(res, "X-Content-Type-Options", "nosniff");
	return 0;
}

int routes_html_sign_in_failed(struct route_ctx *ctx, int status)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_appends(&b, "<p>We could not sign you in. Please try again; if it keeps failing, "
	                "contact your administrator and give them this reference:</p><p><code>");
	routes_html_escape(&b, ctx->req->id);
	buf_appends(&b, "</code></p>");
	int rc = routes_html_page(ctx, status, "Sign-in failed", b.data);
	buf_release(&b);
	return rc;
}
