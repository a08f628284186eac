/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small self-contained HTML pages for browser-facing routes (sign-in results
 * and errors): no scripts, no external resources, not cached, not framed, and
 * no Referer (callback URLs carry codes and states).
 */
#ifndef GATEHOUSE_ROUTES_HTML_H
#define GATEHOUSE_ROUTES_HTML_H

#include "routes/routes.h"

/* Appends s to b escaped for HTML text and attribute values. */
void routes_html_escape(struct buf *b, const char *s);
/* Replies with a page: title (escaped here) and body_html (already escaped by the caller). */
int routes_html_page(struct route_ctx *ctx, int status, const char *title, const char *body_html);
/*
 * The page an end user sees when a sign-in fails: generic words and the
 * request id to quote to their administrator, never the cause.
 */
int routes_html_sign_in_failed(struct route_ctx *ctx, int status);

#endif
