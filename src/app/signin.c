/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Placeholder for the OpenID Provider's completion of an authorization
 * request (see signin.h): replaced when the OP side (oauth applications,
 * /oauth2/authorize) is merged.
 */
#include "base/common.h"

#include "app/signin.h"

#include "base/error.h"

int app_signin_finish(struct app *a, const char *auth_request_id, const struct sso_provisioned *who,
                      char **redirect_out)
{
	(void)a;
	(void)who;
	*redirect_out = NULL;
	return error_setc(
	        ERR_UNAVAILABLE, "oauth_not_available",
	        "no OAuth authorization request %.80s: the OpenID Provider is not part of "
	        "this build yet",
	        auth_request_id);
}
