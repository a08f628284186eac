/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error vocabulary and the per-thread error slot.
 *
 * Functions that can fail return 0 or a negative enum error_code. The detail is
 * recorded once, where the failure is found, with error_set(); callers pass the
 * code up unchanged. routes/ maps codes to HTTP once. The slot also carries a
 * stable snake_case code for API clients ("domain_not_verified") and a short
 * list of field errors for validation failures.
 */
#ifndef GATEHOUSE_BASE_ERROR_H
#define GATEHOUSE_BASE_ERROR_H

enum error_code {
	ERR_OK = 0,
	ERR_INVALID = -1,         /* 400/422: the input is wrong */
	ERR_UNAUTHENTICATED = -2, /* 401 */
	ERR_FORBIDDEN = -3,       /* 403 */
	ERR_NOT_FOUND = -4,       /* 404: absent, or not the caller's */
	ERR_CONFLICT = -5,        /* 409 */
	ERR_TOO_LARGE = -6,       /* 413 */
	ERR_RATE_LIMITED = -7,    /* 429 */
	ERR_PEER = -8,            /* 502: a peer answered badly */
	ERR_UNAVAILABLE = -9,     /* 503 */
	ERR_RETRY = -10,          /* transaction conflict; retried by the store */
	ERR_INTERNAL = -11,       /* 500 */
};

#define ERROR_MAX_FIELDS 16

struct error_field {
	char field[64];
	char code[48];
};

struct error_state {
	int code;
	int http_status;  /* 0: derive from code */
	char stable[48];  /* snake_case code for clients; "" = derive from code */
	char detail[512]; /* human words, safe to show the caller */
	size_t nfields;
	struct error_field fields[ERROR_MAX_FIELDS];
};

/* Records code + detail in this thread's slot, replacing what was there; returns code. */
int error_set(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Like error_set, with a stable client-facing code such as "domain_taken". */
int error_setc(int code, const char *stable, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Overrides the HTTP status derived from the code (e.g. 422 for ERR_INVALID). */
void error_set_status(int http_status);
/* Appends a field error (kept if there is room). */
void error_add_field(const char *field, const char *code);
/* Prepends prefix to every field name ("saml." for members of a nested object). */
void error_prefix_fields(const char *prefix);
/* Prepends context to the detail: error_prefix("org %s: ", id). */
void error_prefix(const char *fmt, ...) PRINTF_LIKE(1, 2);
void error_clear(void);
/* Puts back a slot saved earlier (so cleanup code cannot overwrite the cause). */
void error_restore(const struct error_state *saved);
/* Borrowed pointer to this thread's slot. */
const struct error_state *error_get(void);
/* The name of a code ("not_found"), used when no stable code was given. */
const char *error_code_name(int code);
int error_http_status(const struct error_state *e);

#endif
