/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EASIE: sign-in through the multi-tenant Google or Microsoft OpenID
 * Providers for an organization whose domain is bound to one of them. The
 * account must belong to the customer's tenant, or any Google or Microsoft
 * user could cross over:
 *
 *  - Google: the issuer is Google's (setting easie_google_issuer), the
 *    authorization request carries hd=<domain> as a hint, and the ID token's
 *    hd claim must equal the connection's easie_tenant (a Workspace domain).
 *  - Microsoft: the issuer is the tenant-specific one,
 *    {easie_microsoft_authority}/{tenant id}/v2.0, so discovery, keys and the
 *    iss check are that tenant's, and the tid claim must equal easie_tenant
 *    (the directory id, a GUID).
 */
#ifndef GATEHOUSE_OIDC_RP_EASIE_H
#define GATEHOUSE_OIDC_RP_EASIE_H

#include "oidc_rp/id_token.h"

/* The tenant rule for a connection's provider preset ("google_workspace", "microsoft_entra_id"). */
enum oidc_rp_tenant_rule oidc_rp_easie_rule(const char *provider);
/*
 * The issuer a tenant's tokens come from. ERR_INVALID (invalid_tenant) when
 * the provider has no EASIE rule or the tenant is not a domain name (Google)
 * or a GUID (Microsoft). Caller frees *out.
 */
int oidc_rp_easie_issuer(char **out, enum oidc_rp_tenant_rule rule, const char *google_issuer,
                         const char *microsoft_authority, const char *tenant);

#endif
