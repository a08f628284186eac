/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook endpoints and deliveries: event types, input decoding, JSON output. */
#ifndef GATEHOUSE_MODEL_WEBHOOK_H
#define GATEHOUSE_MODEL_WEBHOOK_H

#include "model/model.h"

/* The event types of the HTTP contract, NULL-terminated. */
extern const char *const model_event_types[];
bool model_event_type_is_known(const char *type);

struct webhook_input {
	const char *url, *description;
	const char **events; /* vector owned, strings borrowed */
	size_t nevents;
	bool enabled;
	bool has_url, has_description, has_events, has_enabled;
};

int webhook_input_from_json(struct webhook_input *out, json_t *body, bool create);
void webhook_input_release(struct webhook_input *in);
/* The events filter as stored: a JSON array text (caller frees). */
char *webhook_events_text(const char *const *events, size_t n);

#endif
