/* SPDX-License-Identifier: Apache-2.0 */
/* gatehouse webhooks list|get|create|update|delete|deliveries|retry — as /v1/webhook_endpoints. */
#include "base/common.h"

#include "app/webhook.h"
#include "cli/output.h"
#include "http/client.h"

static const struct cli_flag flags[] = {
	{ "url", "url", 's', "https URL that receives the events" },
	{ "description", "description", 's', "free text" },
	{ "events", "events", 'a', "event types to send, comma-separated (default: all)" },
	{ "enabled", "enabled", 'b', "deliver to this endpoint (--no-enabled pauses it)" },
	{ NULL, NULL, 0, NULL },
};

static int help(void)
{
	printf("usage: gatehouse webhooks <command> [options]\n\n"
	       "  list\n"
	       "  get WHE\n"
	       "  create --url URL [--events a,b] [--description TEXT]   prints the signing secret once\n"
	       "  update WHE [options]\n"
	       "  delete WHE\n"
	       "  deliveries WHE            the delivery log with status codes\n"
	       "  retry WHE EVT             deliver an event again now\n\noptions:\n");
	cli_print_flags(flags);
	return EXIT_OK;
}

static json_t *endpoint_json(const struct webhook_endpoint *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(e->id));
	json_object_set_new(j, "url", json_string(e->url));
	json_object_set_new(j, "description", json_string(e->description));
	json_t *ev = json_loads(e->events, 0, NULL);
	json_object_set_new(j, "events", ev ? ev : json_array());
	json_object_set_new(j, "enabled", json_boolean(e->enabled));
	model_json_time(j, "created_at", e->created_at);
	model_json_time(j, "updated_at", e->updated_at);
	return j;
}

static int check_input(struct webhook_input *in, json_t *body, bool create)
{
	int rc = webhook_input_from_json(in, body, create);
	if (rc == 0 && in->has_url)
		rc = http_client_check_url(in->url);
	return rc;
}

static int deliveries(struct app *a, const char *whe, struct cli_args *args)
{
	struct page p = { args->limit, args->starting_after };
	struct webhook_delivery *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = app_webhook_deliveries(a, whe, &p, &items, &n, &total);
	if (rc)
		return cli_fail(rc);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "event_id", json_string(items[i].event_id));
		json_object_set_new(j, "event_type", json_string(items[i].event_type));
		json_object_set_new(j, "status", json_string(items[i].status));
		json_object_set_new(j, "attempts", json_integer(items[i].attempts));
		json_object_set_new(j, "last_status_code", json_integer(items[i].last_status_code));
		model_json_str(j, "last_error", items[i].last_error);
		json_array_append_new(data, j);
		webhook_delivery_release(&items[i]);
	}
	free(items);
	static const char *const cols[] = { "event_id", "event_type",       "status",
		                            "attempts", "last_status_code", NULL };
	cli_print_list(data, total, cols, args->json);
	return EXIT_OK;
}

static int run(struct app *a, const char *sub, struct cli_args *args)
{
	http_client_global_init(a->cfg->allow_loopback_targets);
	struct actor who = { "cli", NULL };
	struct webhook_input in = { 0 };
	struct webhook_endpoint e;
	int rc;
	if (!strcmp(sub, "list")) {
		struct page p = { args->limit, args->starting_after };
		struct webhook_endpoint *items = NULL;
		size_t n = 0;
		int64_t total = 0;
		rc = app_webhook_list(a, &p, &items, &n, &total);
		if (rc)
			return cli_fail(rc);
		json_t *data = json_array();
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(data, endpoint_json(&items[i]));
			webhook_endpoint_release(&items[i]);
		}
		free(items);
		static const char *const cols[] = { "id", "url", "events", "enabled", NULL };
		cli_print_list(data, total, cols, args->json);
		return EXIT_OK;
	}
	if (!strcmp(sub, "create")) {
		char *secret = NULL;
		rc = check_input(&in, args->body, true);
		if (rc == 0)
			rc = app_webhook_create(a, &who, &in, &e, &secret);
		webhook_input_release(&in);
		if (rc)
			return cli_fail(rc);
		json_t *j = endpoint_json(&e);
		json_object_set_new(j, "secret", json_string(secret));
		cli_print_object(j, args->json);
		memset(secret, 0, strlen(secret));
		free(secret);
		webhook_endpoint_release(&e);
		return EXIT_OK;
	}
	if (args->npositional < 1) {
		fprintf(stderr, "gatehouse: webhooks %s needs an endpoint id\n", sub);
		return EXIT_USAGE;
	}
	const char *id = args->positional[0];
	if (!strcmp(sub, "deliveries"))
		return deliveries(a, id, args);
	if (!strcmp(sub, "retry")) {
		if (args->npositional < 2) {
			fprintf(stderr, "gatehouse: webhooks retry needs WHE and EVT\n");
			return EXIT_USAGE;
		}
		rc = app_webhook_retry(a, &who, id, args->positional[1]);
		if (rc)
			return cli_fail(rc);
		printf(args->json ? "{\"event_id\":\"%s\",\"status\":\"pending\"}\n"
		                  : "%s queued for delivery\n",
		       args->positional[1]);
		return EXIT_OK;
	}
	if (!strcmp(sub, "delete")) {
		rc = app_webhook_delete(a, &who, id);
		if (rc)
			return cli_fail(rc);
		printf(args->json ? "{\"id\":\"%s\",\"deleted\":true}\n" : "deleted %s\n", id);
		return EXIT_OK;
	}
	if (!strcmp(sub, "get")) {
		rc = app_webhook_get(a, id, &e);
	} else if (!strcmp(sub, "update")) {
		rc = check_input(&in, args->body, false);
		if (rc == 0)
			rc = app_webhook_update(a, &who, id, &in, &e);
		webhook_input_release(&in);
	} else {
		fprintf(stderr, "gatehouse: unknown webhooks command '%s'\n", sub);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(rc);
	cli_print_object(endpoint_json(&e), args->json);
	webhook_endpoint_release(&e);
	return EXIT_OK;
}

int cmd_webhooks(int argc, char **argv, const struct config *cfg)
{
	static const struct cli_sub subs[] = {
		{ "list", 0 },   { "create", 0 },     { "get", 1 },   { "update", 1 },
		{ "delete", 1 }, { "deliveries", 1 }, { "retry", 2 }, { NULL, 0 },
	};
	const struct cli_data_command cmd = {
		.name = "webhooks", .flags = flags, .subs = subs, .help = help, .run = run
	};
	return cli_run_data_command(&cmd, argc, argv, cfg);
}
