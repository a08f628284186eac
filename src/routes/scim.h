/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the SCIM route files (scim.c, scim_users.c, scim_groups.c) share:
 * application/scim+json responses with ETags, bodies, list parameters,
 * If-Match / If-None-Match (RFC 7644 §3.14), and the custom-attribute value
 * reader handed to app/.
 */
#ifndef GATEHOUSE_ROUTES_SCIM_H
#define GATEHOUSE_ROUTES_SCIM_H

#include "routes/routes.h"
#include "scim/list.h"

/* {public_url}/scim/v2/{conn} (caller frees). */
char *route_scim_base(struct route_ctx *ctx);
/* Replies with obj as application/scim+json (steals it); ETag from meta.version, if any. */
int route_scim_json(struct route_ctx *ctx, int status, json_t *obj);
/* Parses the body as a JSON object; 400 invalidSyntax otherwise. */
int route_scim_body(struct route_ctx *ctx, json_t **out);
/* The version an If-Match header names (0: none or "*"). */
int64_t route_scim_if_match(struct route_ctx *ctx);
/* True when If-None-Match names this version: the caller answers 304. */
bool route_scim_not_modified(struct route_ctx *ctx, int64_t version);
/* Replies 304 Not Modified. */
int route_scim_304(struct route_ctx *ctx, int64_t version);
/* filter, startIndex, count, attributes, excludedAttributes from the query (or a .search body). */
int route_scim_list_query(struct route_ctx *ctx, json_t *search_body, struct scim_list_query *q);
/* The values at a SCIM path of a profile (JSON array text), for custom attributes. */
char *route_scim_values(const char *profile, const char *path, void *payload);
/* Records what the request changed, for the request log. */
void route_scim_changes(struct route_ctx *ctx, const char *what, const char *id,
                        const struct scim_effects *fx);

#endif
