/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users: the struct, its email-address rules, input decoding with
 * validation, list filters and JSON output. Pure: uniqueness across users
 * (emails, usernames) is checked by app/ against the store.
 */
#ifndef GATEHOUSE_MODEL_USER_H
#define GATEHOUSE_MODEL_USER_H

#include "base/id.h"
#include "model/model.h"

#define USER_MAX_EMAILS      16
#define USER_USERNAME_MAX    64
#define USER_EXTERNAL_ID_MAX 256

enum user_status { USER_ACTIVE = 0, USER_DEACTIVATED = 1 };

struct user_email {
	char *address; /* as the caller wrote it */
	char *norm;    /* model_email_normalize(): the instance-wide uniqueness key */
	bool primary;
};

struct user {
	char id[ID_MAX];
	struct user_email *emails; /* owned; exactly one primary once the user exists */
	size_t nemails;
	char *first_name, *last_name; /* NULL when unset */
	char *username;               /* case kept; unique case-insensitively */
	char *external_id;
	char *public_metadata, *private_metadata; /* JSON object text */
	enum user_status status;
	int64_t last_sign_in_at; /* 0: never */
	int64_t created_at, updated_at;
};

/*
 * Fields a create or update may carry; has_* says which were sent. Emails
 * arrive as strings ("email_addresses": ["a@x.com"]) and are normalised
 * here. An empty string for a name, username or external_id clears it.
 */
struct user_input {
	const char **emails; /* borrowed strings, owned vector */
	char **emails_norm;  /* owned, parallel to emails */
	size_t nemails;
	const char *primary_email; /* borrowed */
	char *primary_norm;        /* owned */
	const char *first_name, *last_name, *username, *external_id;
	char *public_metadata, *private_metadata; /* owned */
	enum user_status status;
	bool has_emails, has_primary_email, has_first_name, has_last_name, has_username,
	        has_external_id, has_public_metadata, has_private_metadata, has_status;
};

/*
 * Decodes and validates a request body (strings borrowed from body). A
 * create needs email_addresses or primary_email (primary_email alone means
 * that one address). Returns 0 or ERR_INVALID: 400 invalid_json is the
 * caller's, everything here is 422 with the field named (unknown_field,
 * invalid_type, too_long, missing_field, invalid_email, duplicate_email,
 * primary_email_not_listed, invalid_username, invalid_status, invalid).
 */
int user_input_from_json(struct user_input *out, json_t *body, bool create);
void user_input_release(struct user_input *in);

/*
 * Applies the input's fields to u (strings copied). Email rules: a sent
 * email_addresses replaces the list; the primary is primary_email when sent
 * (it must be in the resulting list), else the old primary if it is still
 * listed, else the first address. Returns 0 or ERR_INVALID (422
 * primary_email_not_listed); u is unchanged on failure.
 */
int user_apply(struct user *u, const struct user_input *in);
/* The primary address as written, or NULL when the user has none. */
const char *user_primary_email(const struct user *u);

/* Username rules: 1-64 of A-Z a-z 0-9 '.' '_' '-'. */
bool user_username_is_valid(const char *s);
/* The case-folded form that must be unique (caller frees; NULL for NULL). */
char *user_username_norm(const char *username);

const char *user_status_name(enum user_status s);
/* false for anything but "active" / "deactivated". */
bool user_status_parse(enum user_status *out, const char *s);

/* Filters of GET /v1/users; NULL members do not filter. */
struct user_filter {
	char *email_norm; /* owned */
	const char *external_id;
	const char *status; /* "active" | "deactivated" */
};

/*
 * Builds a filter from query values (each may be NULL). ERR_INVALID 422
 * invalid_query naming the parameter for an address that is not one or an
 * unknown status.
 */
int user_filter_parse(struct user_filter *out, const char *email, const char *external_id,
                      const char *status);
void user_filter_release(struct user_filter *f);

/* Adds one address (copied) to u; primary clears the flag on the others. */
void user_add_email(struct user *u, const char *address, const char *norm, bool primary);
void user_release(struct user *u);
/* New reference; the API shape of a user. */
json_t *user_to_json(const struct user *u);

#endif
