/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OAuth applications: the operator's apps as confidential OIDC clients of
 * gatehouse. The client secret (gh_secret_ + 256 random bits) is returned
 * once, at creation and at rotation, and stored as SHA-256 (a secret this
 * long needs no slow hash); presented secrets are compared in constant time.
 * Expected errors: ERR_NOT_FOUND (oauth_application_not_found), ERR_INVALID
 * (422), ERR_UNAUTHENTICATED (invalid_client) from authenticate.
 */
#ifndef GATEHOUSE_APP_OAUTH_APP_H
#define GATEHOUSE_APP_OAUTH_APP_H

#include "app/app.h"
#include "model/oauth.h"

/* *secret_out (caller wipes and frees) is the only copy of the client secret. */
int app_oauth_app_create(struct app *a, const struct actor *who, const struct oauth_app_input *in,
                         struct oauth_app *out, char **secret_out);
int app_oauth_app_update(struct app *a, const struct actor *who, const char *id,
                         const struct oauth_app_input *in, struct oauth_app *out);
/* Also ends every session the app started: its tokens die with them. */
int app_oauth_app_delete(struct app *a, const struct actor *who, const char *id);
/* By id (app_...) or client_id. */
int app_oauth_app_get(struct app *a, const char *id, struct oauth_app *out);
int app_oauth_app_list(struct app *a, const struct page *p, struct oauth_app **items, size_t *count,
                       int64_t *total);
/* A new secret replaces the old one at once. */
int app_oauth_app_rotate_secret(struct app *a, const struct actor *who, const char *id,
                                struct oauth_app *out, char **secret_out);
/*
 * Client authentication (RFC 6749 2.3.1): the app with this client_id and
 * secret, or ERR_UNAUTHENTICATED (invalid_client) without saying which was wrong.
 */
int app_oauth_app_authenticate(struct app *a, const char *client_id, const char *secret,
                               struct oauth_app *out);

#endif
