/* SPDX-License-Identifier: Apache-2.0 */
/* EASIE issuers and tenant rules (see easie.h). */
#include "base/common.h"

#include "oidc_rp/easie.h"

#include "base/error.h"

#include <ctype.h>

enum oidc_rp_tenant_rule oidc_rp_easie_rule(const char *provider)
{
	if (provider && !strcmp(provider, "google_workspace"))
		return OIDC_RP_TENANT_GOOGLE_HD;
	if (provider && !strcmp(provider, "microsoft_entra_id"))
		return OIDC_RP_TENANT_MICROSOFT_TID;
	return OIDC_RP_TENANT_NONE;
}

/* 8-4-4-4-12 hexadecimal digits. */
static bool is_guid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Letters, digits, '-' and '.', with a dot, at most 253 characters. */
static bool is_domain(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 253 || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

static char *without_slash(const char *s)
{
	size_t n = strlen(s);
	return xstrndup(s, n && s[n - 1] == '/' ? n - 1 : n);
}

int oidc_rp_easie_issuer(char **out, enum oidc_rp_tenant_rule rule, const char *google_issuer,
                         const char *microsoft_authority, const char *tenant)
{
	*out = NULL;
	if (!tenant)
		tenant = "";
	if (rule == OIDC_RP_TENANT_GOOGLE_HD && is_domain(tenant)) {
		*out = xstrdup(google_issuer);
		return 0;
	}
	if (rule == OIDC_RP_TENANT_MICROSOFT_TID && is_guid(tenant)) {
		char *base = without_slash(microsoft_authority);
		*out = xasprintf("%s/%s/v2.0", base, tenant);
		free(base);
		return 0;
	}
	if (rule == OIDC_RP_TENANT_GOOGLE_HD)
		return error_setc(ERR_INVALID, "invalid_tenant",
		                  "easie_tenant \"%.100s\" is not a domain name: set it to the "
		                  "customer's Google Workspace domain (the hd claim)",
		                  tenant);
	if (rule == OIDC_RP_TENANT_MICROSOFT_TID)
		return error_setc(
		        ERR_INVALID, "invalid_tenant",
		        "easie_tenant \"%.100s\" is not a tenant id: set it to the customer's "
		        "Microsoft Entra directory (tenant) id, a GUID",
		        tenant);
	return error_setc(ERR_INVALID, "invalid_tenant",
	                  "EASIE needs the google_workspace or microsoft_entra_id provider");
}
