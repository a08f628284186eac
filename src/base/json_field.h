/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed, bounded reads of JSON request bodies (jansson), with the error codes
 * of the HTTP contract: 400 invalid_json / invalid_utf8 for bytes that are not
 * a JSON object, 422 unknown_field / invalid_type / too_long / missing_field /
 * invalid for members. Each failure names the field in the error slot.
 *
 * Strings returned are borrowed from the json_t and live as long as it does.
 * Only decoders (model/ *_from_json and routes/) include this header.
 */
#ifndef GATEHOUSE_BASE_JSON_FIELD_H
#define GATEHOUSE_BASE_JSON_FIELD_H

#include <jansson.h>

/* Parses body as one JSON object (duplicate keys refused). Caller json_decref()s. */
int json_field_parse_object(json_t **out, const char *body, size_t len);
/* Refuses members whose names are not in the NULL-terminated allowed list. */
int json_field_check_known(json_t *obj, const char *const *allowed);

/*
 * Each getter: a missing member leaves *out as it was and sets *present
 * false (if present is non-NULL); JSON null counts as present with *out NULL
 * for strings. Returns 0 or ERR_INVALID (422).
 */
int json_field_string(const json_t *obj, const char *key, size_t max_len, const char **out,
                      bool *present);
int json_field_bool(const json_t *obj, const char *key, bool *out, bool *present);
int json_field_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
                   bool *present);
/* An object member, re-serialised compactly (caller frees); NULL for null. */
int json_field_object_text(const json_t *obj, const char *key, size_t max_bytes, char **out,
                           bool *present);
/* An array of strings; *out is a NULL-terminated xmalloc'd vector of borrowed strings. */
int json_field_string_array(const json_t *obj, const char *key, size_t max_items, size_t max_len,
                            const char ***out, size_t *count, bool *present);
/* Records a 422 field error for a required member that is absent. */
int json_field_missing(const char *key);

#endif
