/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared rules of the domain vocabulary: limits on names, slugs, role keys,
 * email normalisation, metadata size, RFC 3339 output. Pure functions.
 */
#ifndef GATEHOUSE_MODEL_MODEL_H
#define GATEHOUSE_MODEL_MODEL_H

#include <jansson.h>

#define MODEL_NAME_MAX     256
#define MODEL_SLUG_MAX     64
#define MODEL_ROLE_KEY_MAX 64
#define MODEL_EMAIL_MAX    320
#define MODEL_METADATA_MAX 8192
#define MODEL_URL_MAX      2048

/* Slugs: 1-64 of [a-z0-9-], not starting or ending with '-'. */
bool model_slug_is_valid(const char *s);
/* Derives a slug from a name ("Acme, Inc." → "acme-inc"); caller frees. */
char *model_slug_from_name(const char *name);
/* Role keys: "org:" + 1-60 of [a-z0-9_:], e.g. org:admin, org:billing_manager. */
bool model_role_key_is_valid(const char *s);
/* Permission keys: "org:" + [a-z0-9_]+ (":" [a-z0-9_:]+)? e.g. org:sys_domains:manage. */
bool model_permission_key_is_valid(const char *s);
/*
 * Email: one '@', a local part of 1-64 printable non-space bytes, a domain of
 * dot-separated LDH labels. Normalised form: lowercase. Returns 0 or
 * ERR_INVALID; *norm_out (caller frees) is set on success.
 */
int model_email_normalize(char **norm_out, const char *email);
/* Domain names: LDH labels, at least one dot, ≤ 253 characters; lowercased copy. */
int model_domain_normalize(char **norm_out, const char *name);

/* Adds "key": RFC 3339 time, or null when at is 0. */
void model_json_time(json_t *obj, const char *key, int64_t at);
/* Adds "key": the parsed JSON text (an object), or {} when text is NULL/invalid. */
void model_json_raw(json_t *obj, const char *key, const char *json_text);
/* Adds "key": string or null. */
void model_json_str(json_t *obj, const char *key, const char *s);
/*
 * Serialises compactly, byte for byte as json_dumps(obj, JSON_COMPACT) does
 * (keys in insertion order, the same escapes), in a fifth of its
 * instructions (model/json_text.c); caller frees.
 */
char *model_json_text(const json_t *obj);

#endif
