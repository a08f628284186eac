/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse connections ... — as /v1/enterprise_connections (and custom attributes). */
#include "base/common.h"

#include "app/connection.h"
#include "cli/output.h"
#include "http/client.h"
#include "routes/saml.h"
#include "saml/saml.h"

static const struct cli_flag flags[] = {
	{ "organization", "organization_id", 's',
	  "organization id or slug (create, or move on update)" },
	{ "name", "name", 's', "display name" },
	{ "protocol", "protocol", 's', "saml, oidc or easie (create)" },
	{ "provider", "provider", 's',
	  "okta, google_workspace, microsoft_entra_id, custom_saml, custom_oidc" },
	{ "domains", "domains", 'a', "covered domains of the organization, comma-separated" },
	{ "default-role", "default_role", 's',
	  "role for members who join through this connection" },
	{ "allow-idp-initiated", "allow_idp_initiated", 'b', "accept IdP-initiated SAML sign-ins" },
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse connections <command> [CONN] [options]\n\n"
	       "  list [--organization ORG]\n"
	       "  get CONN\n"
	       "  create --organization ORG --protocol saml --provider okta [--domains a.com] [--data '{\"saml\":{...}}']\n"
	       "  update CONN [options] [--data JSON]\n"
	       "  delete CONN\n"
	       "  activate CONN | deactivate CONN\n"
	       "  attributes CONN                      list custom attributes\n"
	       "  lookup EMAIL                         which connection signs this email in\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int show(struct connection *x, const struct config *cfg, bool json)
{
	cli_print_object(connection_to_json(x, cfg->public_url), json);
	connection_release(x);
	return EXIT_OK;
}

static int list(struct app *a, struct cli_args *args, const struct config *cfg)
{
	struct page p = { args->limit, args->starting_after };
	struct connection *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	json_t *org = json_object_get(args->body, "organization_id");
	int rc =
	        app_connection_list(a, org ? json_string_value(org) : NULL, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, connection_to_json(&items[i], cfg->public_url));
		connection_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "id",     "organization_id", "protocol", "provider",
		                            "status", "domains",         NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int attributes(struct app *a, const char *conn, bool json)
{
	struct custom_attribute *items = NULL;
	size_t n = 0;
	int rc = app_attribute_list(a, conn, &items, &n);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(data, custom_attribute_to_json(&items[i]));
		custom_attribute_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = {
		"id", "key", "saml_attribute", "oidc_claim", "scim_attribute", "multi_valued", NULL
	};
	cli_print_list(data, (int64_t)n, cols, json);
	return EXIT_OK;
}

static int lookup(struct app *a, const char *email, bool json)
{
	struct sso_route r;
	int rc = app_sso_lookup(a, email, &r);
	if (rc)
		return cli_fail(rc);
	json_t *j = json_object();
	json_object_set_new(j, "email", json_string(r.email));
	json_object_set_new(j, "connection_id",
	                    r.connection_id[0] ? json_string(r.connection_id) : json_null());
	json_object_set_new(j, "organization_id",
	                    r.org_id[0] ? json_string(r.org_id) : json_null());
	json_object_set_new(j, "sso_enforced", json_boolean(r.connection_id[0] && r.sso_enforced));
	cli_print_object(j, json);
	return EXIT_OK;
}

/* SAML: the IdP metadata the input names (pasted, or fetched now), as the API does. */
static int saml_prepare(struct saml_setup *s, struct connection_input *in, const struct config *cfg)
{
	http_client_global_init(cfg->allow_loopback_targets);
	if (saml_global_init() != 0)
		return ERR_INTERNAL;
	int rc = routes_saml_setup_prepare(s, in);
	size_t i;
	json_t *w;
	json_array_foreach(s->warnings, i, w)
	        fprintf(stderr, "gatehouse: warning: %s\n",
	                json_string_value(json_object_get(w, "message")));
	return rc;
}

/* A new SAML connection gets its SP key pairs at once (its SP metadata is then complete). */
static int saml_keys(struct app *a, const struct actor *who, struct connection *x)
{
	struct saml_sp_keys k;
	char id[ID_MAX];
	int rc = routes_saml_keys(a, who, x->id, &k);
	saml_sp_keys_release(&k);
	if (rc) {
		connection_release(x);
		return rc;
	}
	xsnprintf(id, sizeof(id), "%s", x->id);
	connection_release(x);
	return app_connection_get(a, id, x);
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	const struct config *cfg = a->cfg;
	struct actor who = { "cli", NULL };
	struct connection_input in = { 0 };
	struct connection x;
	int rc;
	if (!strcmp(sub, "list"))
		return list(a, args, cfg);
	if (!strcmp(sub, "create")) {
		struct saml_setup s = { 0 };
		rc = connection_input_from_json(&in, args->body, true);
		bool saml = rc == 0 && !strcmp(in.protocol, "saml");
		if (rc == 0 && saml)
			rc = saml_prepare(&s, &in, cfg);
		if (rc == 0)
			rc = app_connection_create(a, &who, &in, &x);
		if (rc == 0 && saml)
			rc = saml_keys(a, &who, &x);
		connection_input_release(&in);
		routes_saml_setup_release(&s);
		return rc ? cli_fail(rc) : show(&x, cfg, args->json);
	}
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: connections %s needs an argument (see --help)\n", sub);
		return EXIT_USAGE;
	}
	const char *id = args->positional[0];
	if (!strcmp(sub, "attributes"))
		return attributes(a, id, args->json);
	if (!strcmp(sub, "lookup"))
		return lookup(a, id, args->json);
	if (!strcmp(sub, "delete")) {
		rc = app_connection_delete(a, &who, id);
		if (rc)
			return cli_fail(rc);
		printf(args->json ? "{\"id\":\"%s\",\"deleted\":true}\n" : "deleted %s\n", id);
		return EXIT_OK;
	}
	if (!strcmp(sub, "get")) {
		rc = app_connection_get(a, id, &x);
	} else if (!strcmp(sub, "update")) {
		struct saml_setup s = { 0 };
		rc = connection_input_from_json(&in, args->body, false);
		if (rc == 0 && in.has_saml)
			rc = saml_prepare(&s, &in, cfg);
		if (rc == 0)
			rc = app_connection_update(a, &who, id, &in, &x);
		connection_input_release(&in);
		routes_saml_setup_release(&s);
	} else if (!strcmp(sub, "activate")) {
		rc = app_connection_activate(a, &who, id, &x);
	} else if (!strcmp(sub, "deactivate")) {
		rc = app_connection_deactivate(a, &who, id, &x);
	} else {
		fprintf(stderr, "gatehouse: unknown connections command '%s'\n", sub);
		return EXIT_USAGE;
	}
	return rc ? cli_fail(rc) : show(&x, cfg, args->json);
}

int cmd_connections(int argc, char **argv, const struct config *cfg)
{
	const struct cli_data_command cmd = {
		.name = "connections", .flags = flags, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
