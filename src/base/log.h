/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One line per event on stderr: logfmt by default, JSON lines when chosen.
 * Every line has ts, level and msg, plus req_id from the thread's request
 * context when one is set. Thread-safe (one write(2) per line).
 */
#ifndef GATEHOUSE_BASE_LOG_H
#define GATEHOUSE_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_FORMAT_LOGFMT, LOG_FORMAT_JSON };

void log_setup(enum log_level min, enum log_format format);
/* Sets (or clears with NULL) the request id attached to this thread's lines. */
void log_set_request_id(const char *req_id);
/* This thread's request id ("" when none). */
const char *log_request_id(void);

/*
 * msg is a fixed message; fmt adds key=value pairs, written as given
 * ("route=%s status=%d"). Values are escaped by log_kv below when they may
 * contain spaces or quotes.
 */
void log_write(enum log_level level, const char *msg, const char *fmt, ...) PRINTF_LIKE(3, 4);

#define log_debug(msg, ...) log_write(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...)  log_write(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...)  log_write(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_write(LOG_ERROR, msg, __VA_ARGS__)

#endif
