/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCIM error responses (RFC 7644 §3.12): the Error message with "status" as
 * a string, "scimType" for 400 (and 409 uniqueness) errors, and "detail".
 *
 * scimType is chosen explicitly where the error is found: scim/ sets the
 * error slot's stable code to the RFC name ("invalidFilter", "noTarget",
 * ...); app/ errors are mapped here by their code (a conflict is
 * "uniqueness", invalid input "invalidValue").
 */
#ifndef GATEHOUSE_SCIM_ERROR_H
#define GATEHOUSE_SCIM_ERROR_H

#include "base/error.h"

#include <jansson.h>

/* True for the scimType names of RFC 7644 §3.12 (Table 9). */
bool scim_error_is_scim_type(const char *s);

struct scim_error {
	int status;
	const char *scim_type; /* NULL when none applies */
	const char *detail;    /* borrowed from the error state */
};

/* The status and scimType an error state answers with. */
void scim_error_from_state(struct scim_error *out, const struct error_state *e);
/* The Error message (new reference). */
json_t *scim_error_json(const struct scim_error *e);

#endif
