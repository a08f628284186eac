/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request-body decoding on arbitrary bytes: the JSON parse (duplicates
 * refused, UTF-8 checked) and every resource's typed input decoder, as an
 * API client could send them. The first byte picks the decoder. Invariant:
 * a failure always leaves a stable error code in the slot.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "base/error.h"
#include "base/json_field.h"
#include "model/domain.h"
#include "model/org.h"
#include "model/role.h"
#include "model/webhook.h"

static void decode(unsigned which, json_t *body)
{
	bool create = which & 1;
	int rc = 0;
	switch ((which >> 1) % 4) {
	case 0: {
		struct org_input in;
		rc = org_input_from_json(&in, body, create);
		org_input_release(&in);
		break;
	}
	case 1: {
		struct role_input in;
		rc = role_input_from_json(&in, body, create);
		role_input_release(&in);
		break;
	}
	case 2: {
		struct domain_input in;
		rc = domain_input_from_json(&in, body, create);
		if (rc == 0 && in.has_name && in.name) {
			char *norm = NULL;
			if (model_domain_normalize(&norm, in.name) == 0)
				(void)domain_is_public_mail(norm);
			free(norm);
		}
		break;
	}
	default: {
		struct webhook_input in;
		rc = webhook_input_from_json(&in, body, create);
		webhook_input_release(&in);
		break;
	}
	}
	if (rc && !error_get()->stable[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	error_clear();
	json_t *body = NULL;
	if (json_field_parse_object(&body, (const char *)data + 1, size - 1) == 0) {
		decode(data[0], body);
		json_decref(body);
	} else if (!error_get()->stable[0]) {
		abort();
	}
	char *email = NULL;
	if (size < 400) {
		char *s = xstrndup((const char *)data, size);
		if (model_email_normalize(&email, s) == 0 && strchr(email, '@') == NULL)
			abort();
		free(s);
	}
	free(email);
	return 0;
}
