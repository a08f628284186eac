/* SPDX-License-Identifier: Apache-2.0 */
/* RP-initiated logout checks (see oidc_op.h). */
#include "base/common.h"

#include "base/error.h"
#include "oidc_op/oidc_op.h"

int oidc_op_logout_check_hint(const struct jose_claims *c, const char *issuer,
                              const char *client_id, const char **client_out, const char **sid_out)
{
	int rc = jose_jwt_check_iss(c, issuer);
	if (rc)
		return rc;
	if (c->naud != 1)
		return error_setc(ERR_INVALID, "invalid_request",
		                  "id_token_hint must name exactly one audience");
	if (client_id && strcmp(client_id, c->aud[0]) != 0)
		return error_setc(ERR_INVALID, "invalid_request",
		                  "client_id differs from the id_token_hint's audience");
	if (!c->sid)
		return error_setc(ERR_INVALID, "invalid_request", "id_token_hint has no sid");
	*client_out = c->aud[0];
	*sid_out = c->sid;
	return 0;
}
