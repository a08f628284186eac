/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every route table, in matching order. Each resource file owns its table
 * (method, path, handler, auth, body limit); this list is the whole HTTP
 * surface. docs/openapi.json is checked against it by a test.
 */
#include "base/common.h"

#include "routes/routes.h"

const struct route *const routes_all[] = {
	routes_system,
	routes_orgs,
	routes_domains,
	routes_sessions,
	routes_audit,
	routes_connections,
	routes_oidc_rp,
	routes_sso,
	routes_saml,
	routes_saml_setup,
	routes_directory,
	routes_scim,
	routes_scim_users,
	routes_scim_groups,
	routes_members,
	routes_users,
	routes_roles,
	routes_webhooks,
	routes_oauth_apps,
	routes_oidc_op,
	routes_signin,
	routes_ui,
	routes_portal_api, /* the Security page's API */
	NULL,
};

size_t routes_count(void)
{
	size_t n = 0;
	for (const struct route *const *t = routes_all; *t; t++)
		for (const struct route *r = *t; r->method; r++)
			n++;
	return n;
}

const struct route *routes_at(size_t index)
{
	for (const struct route *const *t = routes_all; *t; t++)
		for (const struct route *r = *t; r->method; r++)
			if (index-- == 0)
				return r;
	return NULL;
}

size_t routes_index(const struct route *target)
{
	size_t i = 0;
	for (const struct route *const *t = routes_all; *t; t++)
		for (const struct route *r = *t; r->method; r++, i++)
			if (r == target)
				return i;
	return SIZE_MAX;
}
