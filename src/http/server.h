/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP/1.1 server: listening socket, connection threads, limits, and the
 * request/response types the rest of the program sees. It wraps
 * libmicrohttpd (thread-per-connection mode, STACK.md pitfall 17); nothing
 * outside this file includes the engine's header.
 *
 * Limits (pitfalls 12-15): a connection cap, a per-IP cap, an idle timeout,
 * 64 KiB for the request head, and a body limit chosen per request by the
 * begin callback (a larger body is answered 413 before it is buffered).
 *
 * A request runs start to finish on one thread. Shutdown (http_server_drain)
 * stops accepting, waits for in-flight requests to finish writing, then
 * closes idle connections.
 */
#ifndef GATEHOUSE_HTTP_SERVER_H
#define GATEHOUSE_HTTP_SERVER_H

#include "base/buf.h"
#include "base/id.h"
#include "base/url.h"

#define HTTP_MAX_PARAMS  6
#define HTTP_MAX_HEADERS 12

struct http_request {
	const char *method;
	const char *path; /* without the query string, not percent-decoded */
	char id[ID_MAX];  /* request id, echoed as X-Request-Id */
	char remote_ip[64];
	struct buf body;
	int64_t started_us;
	/* filled by the router */
	const void *route;
	const char *param_names[HTTP_MAX_PARAMS];
	char *param_values[HTTP_MAX_PARAMS];
	int nparams;
	void *engine; /* private to server.c */
	size_t body_max_bytes;
	bool body_too_large;
};

struct http_header {
	const char *name;
	char *value; /* owned */
};

struct http_response {
	int status;
	const char *content_type; /* static string */
	struct buf body;
	struct http_header headers[HTTP_MAX_HEADERS];
	int nheaders;
};

/* A request header (case-insensitive name), or NULL. Borrowed for the request. */
const char *http_request_header(const struct http_request *r, const char *name);
/* A decoded query parameter, or NULL. Borrowed for the request. */
const char *http_request_query(const struct http_request *r, const char *name);
/*
 * Every decoded query parameter, in order, with the first repeated name in
 * out->duplicate (OAuth refuses repeats). ERR_INVALID (invalid_request) past
 * URL_PARAMS_MAX or URL_PARAM_MAX_LEN. Release with url_params_release.
 */
int http_request_query_params(const struct http_request *r, struct url_params *out);
/* A path parameter captured by the router ("org"), or NULL. */
const char *http_request_param(const struct http_request *r, const char *name);

/* Adds a response header (value copied). */
void http_response_header(struct http_response *res, const char *name, const char *value);
/* Replaces the body with text and sets status and content type. */
void http_response_text(struct http_response *res, int status, const char *content_type,
                        const char *text);

struct http_proxies;

struct http_server_config {
	const char *listen; /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080" */
	unsigned max_connections;
	unsigned max_connections_per_ip;
	unsigned idle_timeout_s;
	/* Reverse proxies whose X-Forwarded-For is believed (http/proxy.h); NULL: none.
	 * The caller keeps it until http_server_drain returns. */
	const struct http_proxies *trusted_proxies;
	/* Called when the head has arrived; returns the body limit for this request. */
	size_t (*begin)(struct http_request *req, void *payload);
	/* Called with the whole body; fills res. */
	void (*handle)(struct http_request *req, struct http_response *res, void *payload);
	/* Optional: fills res for a body over the limit (413); NULL gives a problem document. */
	void (*too_large)(struct http_request *req, struct http_response *res, void *payload);
	/* Called after the response is sent or the connection failed (for logging/metrics). */
	void (*finished)(struct http_request *req, int status, void *payload);
	void *payload;
};

struct http_server;

/* Starts listening. ERR_INVALID for a bad address, ERR_UNAVAILABLE if the bind fails. */
int http_server_start(struct http_server **out, const struct http_server_config *cfg);
/* The bound port (useful with port 0). */
unsigned http_server_port(const struct http_server *s);
/* Requests in flight right now. */
unsigned http_server_in_flight(struct http_server *s);
/* Stops accepting, waits up to grace_s for in-flight requests, then stops and frees. */
void http_server_drain(struct http_server *s, unsigned grace_s);

#endif
