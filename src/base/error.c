/* SPDX-License-Identifier: Apache-2.0 */
/* The per-thread error slot (see error.h). */
#include "base/common.h"

#include "base/error.h"

static _Thread_local struct error_state slot;

/*
 * The arguments may point into the slot itself (a caller wrapping the
 * previous error: error_setc(..., "%s", error_get()->detail)): format into
 * a local buffer first, then replace the slot.
 */
int error_set(int code, const char *fmt, ...)
{
	char detail[sizeof(slot.detail)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	error_clear();
	slot.code = code;
	memcpy(slot.detail, detail, sizeof(detail));
	return code;
}

int error_setc(int code, const char *stable, const char *fmt, ...)
{
	char detail[sizeof(slot.detail)], st[sizeof(slot.stable)];
	va_list ap;
	xsnprintf(st, sizeof(st), "%s", stable);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	error_clear();
	slot.code = code;
	memcpy(slot.stable, st, sizeof(st));
	memcpy(slot.detail, detail, sizeof(detail));
	return code;
}

void error_set_status(int http_status)
{
	slot.http_status = http_status;
}

void error_add_field(const char *field, const char *code)
{
	if (slot.nfields >= ERROR_MAX_FIELDS)
		return;
	struct error_field *f = &slot.fields[slot.nfields++];
	xsnprintf(f->field, sizeof(f->field), "%s", field);
	xsnprintf(f->code, sizeof(f->code), "%s", code);
}

void error_prefix_fields(const char *prefix)
{
	for (size_t i = 0; i < slot.nfields; i++) {
		char old[sizeof(slot.fields[i].field)];
		memcpy(old, slot.fields[i].field, sizeof(old));
		xsnprintf(slot.fields[i].field, sizeof(slot.fields[i].field), "%s%s", prefix, old);
	}
}

void error_prefix(const char *fmt, ...)
{
	char pre[256], old[sizeof(slot.detail)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, slot.detail, sizeof(old));
	xsnprintf(slot.detail, sizeof(slot.detail), "%s%s", pre, old);
}

void error_clear(void)
{
	memset(&slot, 0, sizeof(slot));
}

void error_restore(const struct error_state *saved)
{
	slot = *saved;
}

const struct error_state *error_get(void)
{
	return &slot;
}

const char *error_code_name(int code)
{
	switch (code) {
	case ERR_OK:
		return "ok";
	case ERR_INVALID:
		return "invalid_request";
	case ERR_UNAUTHENTICATED:
		return "unauthenticated";
	case ERR_FORBIDDEN:
		return "forbidden";
	case ERR_NOT_FOUND:
		return "not_found";
	case ERR_CONFLICT:
		return "conflict";
	case ERR_TOO_LARGE:
		return "payload_too_large";
	case ERR_RATE_LIMITED:
		return "rate_limited";
	case ERR_PEER:
		return "bad_gateway";
	case ERR_UNAVAILABLE:
		return "unavailable";
	case ERR_RETRY:
		return "conflict_retry";
	default:
		return "internal_error";
	}
}

int error_http_status(const struct error_state *e)
{
	if (e->http_status)
		return e->http_status;
	switch (e->code) {
	case ERR_INVALID:
		return 400;
	case ERR_UNAUTHENTICATED:
		return 401;
	case ERR_FORBIDDEN:
		return 403;
	case ERR_NOT_FOUND:
		return 404;
	case ERR_CONFLICT:
	case ERR_RETRY:
		return 409;
	case ERR_TOO_LARGE:
		return 413;
	case ERR_RATE_LIMITED:
		return 429;
	case ERR_PEER:
		return 502;
	case ERR_UNAVAILABLE:
		return 503;
	default:
		return 500;
	}
}
