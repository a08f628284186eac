/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse domains list|get|add|verify|update|remove ORG ... — as /v1/organizations/{org}/domains.
 */
#include "base/common.h"

#include "app/domain.h"
#include "cli/output.h"
#include "dns/verify.h"

static const struct cli_flag flags[] = {
	{ "name", "name", 's', "domain name (add)" },
	{ "enrollment-mode", "enrollment_mode", 's',
	  "manual_invitation, automatic_invitation or automatic_suggestion" },
	{ "sso-enforced", "sso_enforced", 'b',
	  "require SSO for this domain's users (--no-sso-enforced for contractors)" },
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse domains <command> ORG [DOMAIN] [options]\n\n"
	       "  list ORG\n"
	       "  get ORG DOMAIN\n"
	       "  add ORG NAME [options]       shows the TXT record to publish\n"
	       "  verify ORG DOMAIN            looks the TXT record up now (real DNS)\n"
	       "  update ORG DOMAIN [options]\n"
	       "  remove ORG DOMAIN\n\n"
	       "ORG is an id or slug; DOMAIN an id or the domain name.\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static int show(struct domain *d, bool json)
{
	json_t *j = domain_to_json(d);
	if (!json) {
		json_t *v = json_object_get(j, "verification");
		json_object_set(j, "status", json_object_get(v, "status"));
		json_object_set(j, "txt_record_name", json_object_get(v, "txt_record_name"));
		json_object_set(j, "txt_record_value", json_object_get(v, "txt_record_value"));
		json_t *f = json_object_get(v, "failure");
		if (json_is_object(f))
			json_object_set(j, "failure", json_object_get(f, "message"));
		json_object_del(j, "verification");
	}
	cli_print_object(j, json);
	domain_release(d);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	struct actor who = { "cli", NULL };
	struct domain_input in = { 0 };
	struct domain d;
	int rc;
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: domains %s needs an organization\n", sub);
		return EXIT_USAGE;
	}
	const char *org = args->positional[0];
	if (!strcmp(sub, "list")) {
		struct page p = { args->limit, args->starting_after };
		struct domain *items = NULL;
		size_t n = 0;
		int64_t total = 0;
		rc = app_domain_list(a, org, &p, &items, &n, &total);
		if (rc)
			return cli_fail(rc);
		json_t *data = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *j = domain_to_json(&items[i]);
			json_object_set_new(j, "status", json_string(items[i].status));
			json_array_append_new(data, j);
			domain_release(&items[i]);
		}
		free(items);
		static const char *const cols[] = { "id", "name", "status", "sso_enforced", NULL };
		cli_print_list(data, total, cols, args->json);
		return EXIT_OK;
	}
	if (args->npositional < 2) {
		fprintf(stderr, "gatehouse: domains %s needs ORG and DOMAIN\n", sub);
		return EXIT_USAGE;
	}
	const char *dom = args->positional[1];
	if (!strcmp(sub, "add")) {
		json_object_set_new(args->body, "name", json_string(dom));
		rc = domain_input_from_json(&in, args->body, true);
		if (rc == 0)
			rc = app_domain_create(a, &who, org, &in, &d);
	} else if (!strcmp(sub, "get")) {
		rc = app_domain_get(a, org, dom, &d);
	} else if (!strcmp(sub, "verify")) {
		rc = dns_verify_domain(a, &who, org, dom, &d);
	} else if (!strcmp(sub, "update")) {
		rc = domain_input_from_json(&in, args->body, false);
		if (rc == 0)
			rc = app_domain_update(a, &who, org, dom, &in, &d);
	} else if (!strcmp(sub, "remove")) {
		rc = app_domain_delete(a, &who, org, dom);
		if (rc)
			return cli_fail(rc);
		printf(args->json ? "{\"id\":\"%s\",\"deleted\":true}\n" : "removed %s\n", dom);
		return EXIT_OK;
	} else {
		fprintf(stderr, "gatehouse: unknown domains command '%s'\n", sub);
		return EXIT_USAGE;
	}
	return rc ? cli_fail(rc) : show(&d, args->json);
}

int cmd_domains(int argc, char **argv, const struct config *cfg)
{
	static const struct cli_sub subs[] = {
		{ "list", 1 },   { "get", 2 },    { "add", 2 }, { "verify", 2 },
		{ "update", 2 }, { "remove", 2 }, { NULL, 0 },
	};
	const struct cli_data_command cmd = {
		.name = "domains", .flags = flags, .subs = subs, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
