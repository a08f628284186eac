/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Browser pages of enterprise sign-in that need more than route_html(): the
 * outcome of a test sign-in (a list of problems), and the generic failure
 * page end users see. Escaped, no scripts, not cached, not framed, no Referer
 * (callback URLs carry codes and states).
 */
#ifndef GATEHOUSE_ROUTES_SSO_H
#define GATEHOUSE_ROUTES_SSO_H

#include "routes/routes.h"

/* Replies with a page: title (escaped here) and body_html (already escaped by the caller). */
int routes_sso_page(struct route_ctx *ctx, int status, const char *title, const char *body_html);
/*
 * The page an end user sees when a sign-in fails: generic words and the
 * request id to quote to their administrator, never the cause.
 */
int routes_sso_sign_in_failed(struct route_ctx *ctx, int status);

#endif
