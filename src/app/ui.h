/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions of the pages: the organization's Security page ("portal"),
 * opened through a single-use portal link minted by the app for one member,
 * and the operator dashboard, opened with an operator password or a secret
 * key. The browser holds a random cookie token (only its SHA-256 is stored)
 * and sends the session's CSRF token in a header with every API call.
 *
 * A portal session is re-checked on every request: the organization still
 * has self_serve_sso on, the user is active, still a member, and the
 * member's role still grants org:sys_entconns. A dashboard session ends when
 * its operator is removed or its key revoked.
 */
#ifndef GATEHOUSE_APP_UI_H
#define GATEHOUSE_APP_UI_H

#include "app/app.h"
#include "store/ui_session.h"

#define APP_PORTAL_LINK_TTL_S 300
#define APP_UI_PERMISSION     "org:sys_entconns"
#define APP_UI_KIND_PORTAL    "portal"
#define APP_UI_KIND_DASHBOARD "dashboard"

/*
 * Mints a portal link for a member of org (id or slug). return_url, when
 * given, must be an absolute http(s) URL (the page's "back to the app" link).
 * ERR_NOT_FOUND for the org or user; 409 self_serve_sso_disabled; 422
 * not_a_member, invalid_return_url. *url_out (caller frees) holds the only
 * copy of the token.
 */
int app_ui_portal_link_create(struct app *a, const struct actor *who, const char *org,
                              const char *user_id, const char *return_url, char **url_out,
                              int64_t *expires_at_out);
/*
 * Redeems a link: marks it used and opens a portal session. 401
 * portal_link_invalid / portal_link_expired / portal_link_used; 403 as for
 * app_ui_authenticate. *cookie_out (caller frees) is the session's cookie
 * token.
 */
int app_ui_portal_open(struct app *a, const char *token, struct ui_session *out, char **cookie_out);
/*
 * What a link would open, without using it: its organization and user ids
 * (NUL-terminated into the ID_MAX buffers). 401 portal_link_invalid.
 */
int app_ui_portal_link_peek(struct app *a, const char *token, char org_id[ID_MAX],
                            char user_id[ID_MAX]);
/*
 * The live session of kind for a cookie token, with every check above.
 * 401 session_expired; 403 self_serve_sso_disabled, user_deactivated,
 * not_a_member, missing_permission (portal).
 */
int app_ui_authenticate(struct app *a, const char *kind, const char *cookie_token,
                        struct ui_session *out);
/* Ends the session (sign-out). */
int app_ui_end(struct app *a, const struct ui_session *s);
/*
 * Opens a dashboard session with an operator's username and password
 * (401 invalid_credentials; 429 operator_locked after repeated failures) or
 * with a secret key (401 invalid_api_key).
 */
int app_ui_dashboard_login_password(struct app *a, const char *username, const char *password,
                                    const char *remote_ip, struct ui_session *out,
                                    char **cookie_out);
int app_ui_dashboard_login_key(struct app *a, const char *secret_key, struct ui_session *out,
                               char **cookie_out);
/* Deletes expired links and sessions (a bounded batch); the count or an error. */
int64_t app_ui_sweep(struct app *a);

#endif
