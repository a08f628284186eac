/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP server over libmicrohttpd (see server.h). */
#include "base/common.h"

#include "http/server.h"

#include "base/clock.h"
#include "base/error.h"
#include "base/log.h"
#include "http/proxy.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MEMORY_LIMIT (64 * 1024)

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	atomic_uint in_flight;
	unsigned port;
};

/*
 * A chunked body over the route's limit is read on and thrown away, up to
 * this many bytes, so the client gets its 413; past that the connection is
 * closed without an answer (an endless body must not hold a thread).
 */
#define DISCARD_MAX (1024 * 1024)

struct req_state {
	struct http_request req;
	struct http_server *server;
	int status;
	bool responded;
	size_t discarded; /* bytes of a too-large chunked body skipped so far */
};

const char *http_request_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->engine, MHD_HEADER_KIND, name);
}

const char *http_request_query(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->engine, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	struct url_params *p = cls;
	(void)kind;
	if (p->n == URL_PARAMS_MAX || strlen(key) > URL_PARAM_MAX_LEN ||
	    (value && strlen(value) > URL_PARAM_MAX_LEN)) {
		p->n = URL_PARAMS_MAX + 1; /* marks "too many or too long" */
		return MHD_NO;
	}
	if (!p->duplicate[0] && url_params_get(p, key))
		xsnprintf(p->duplicate, sizeof(p->duplicate), "%.60s", key);
	p->names[p->n] = xstrdup(key);
	p->values[p->n] = xstrdup(value ? value : "");
	p->n++;
	return MHD_YES;
}

int http_request_query_params(const struct http_request *r, struct url_params *out)
{
	memset(out, 0, sizeof(*out));
	MHD_get_connection_values(r->engine, MHD_GET_ARGUMENT_KIND, collect_query, out);
	if (out->n > URL_PARAMS_MAX) {
		out->n = URL_PARAMS_MAX;
		url_params_release(out);
		return error_setc(ERR_INVALID, "invalid_request",
		                  "too many or too long query parameters");
	}
	return 0;
}

const char *http_request_param(const struct http_request *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

void http_response_header(struct http_response *res, const char *name, const char *value)
{
	if (res->nheaders >= HTTP_MAX_HEADERS)
		die("too many response headers");
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders].value = xstrdup(value);
	res->nheaders++;
}

void http_response_text(struct http_response *res, int status, const char *content_type,
                        const char *text)
{
	res->status = status;
	res->content_type = content_type;
	buf_reset(&res->body);
	if (buf_appends(&res->body, text))
		die("response body over its limit");
}

/* Every X-Forwarded-For line, in order, joined with ",": a proxy may add its own line
 * instead of extending the client's, and the client's must not be the one read. */
struct xff {
	struct buf b;
	/* A value shorter than its size (a NUL inside: what follows, perhaps the
	 * proxy's entry, would be lost), or too long. libmicrohttpd 0.9.75 cuts a
	 * value at a NUL and reports the shorter size, so the proxy must refuse
	 * NUL in headers (nginx and HAProxy do); this catches a library that
	 * reports the whole size. */
	bool unusable;
};

static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                size_t key_size, const char *value, size_t value_size)
{
	struct xff *x = cls;
	(void)kind;
	if (!key || key_size != 15 || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (!value || strlen(value) != value_size || (x->b.len && buf_appends(&x->b, ",") != 0) ||
	    buf_append(&x->b, value, value_size) != 0)
		x->unusable = true;
	return MHD_YES;
}

static void peer_address(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, (socklen_t)size);
}

static void client_address(struct http_server *s, struct MHD_Connection *c, char *out, size_t size)
{
	char peer[INET6_ADDRSTRLEN] = "";
	peer_address(c, peer, sizeof(peer));
	if (!http_proxies_trust(s->cfg.trusted_proxies, peer)) {
		xsnprintf(out, size, "%s", peer);
		return;
	}
	struct xff x = { 0 };
	buf_init(&x.b, HEAD_MEMORY_LIMIT); /* the whole head fits in that: never too long */
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, join_xff, &x);
	/* unusable: the proxy is the address (one the operator can act on) */
	http_proxies_client(s->cfg.trusted_proxies, peer, x.b.len && !x.unusable ? x.b.data : NULL,
	                    out, size);
	buf_release(&x.b);
}

static enum MHD_Result send_response(struct req_state *st, struct MHD_Connection *c,
                                     struct http_response *res)
{
	size_t len = 0;
	char *body = buf_detach(&res->body, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (res->content_type)
		MHD_add_response_header(r, "Content-Type", res->content_type);
	MHD_add_response_header(r, "X-Request-Id", st->req.id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < res->nheaders; i++) {
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
		free(res->headers[i].value);
	}
	res->nheaders = 0;
	st->status = res->status;
	st->responded = true;
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_simple(struct req_state *st, struct MHD_Connection *c, int status,
                                    const char *code, const char *title)
{
	struct http_response res = { 0 };
	buf_init(&res.body, 4096);
	char text[512];
	xsnprintf(text, sizeof(text),
	          "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"code\":\"%s\","
	          "\"detail\":\"%s\"}",
	          title, status, code, title);
	http_response_text(&res, status, "application/problem+json", text);
	return send_response(st, c, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_state *st = *con_cls;
	(void)version;
	if (!st) {
		/* First call: only the head is here (pitfall 12: do not answer yet). */
		st = xcalloc(1, sizeof(*st));
		st->server = s;
		st->req.method = method;
		st->req.path = url;
		st->req.engine = c;
		st->req.started_us = clock_mono_us();
		id_new(st->req.id, "req");
		client_address(s, c, st->req.remote_ip, sizeof(st->req.remote_ip));
		atomic_fetch_add(&s->in_flight, 1);
		*con_cls = st;
		st->req.body_max_bytes = s->cfg.begin(&st->req, s->cfg.payload);
		buf_init(&st->req.body, st->req.body_max_bytes);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > st->req.body_max_bytes) {
			st->req.body_too_large = true;
			if (s->cfg.too_large) {
				struct http_response res = { 0 };
				buf_init(&res.body, 4096);
				s->cfg.too_large(&st->req, &res, s->cfg.payload);
				enum MHD_Result ok = send_response(st, c, &res);
				buf_release(&res.body);
				return ok;
			}
			return reply_simple(
			        st, c, 413, "payload_too_large",
			        "The request body is larger than this endpoint accepts");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (st->responded)
			return MHD_NO;
		if (!st->req.body_too_large &&
		    buf_append(&st->req.body, upload_data, *upload_data_size) == 0) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		/* chunked body over the limit: skip the rest, answer 413 at its end */
		st->req.body_too_large = true;
		st->status = 413;
		st->discarded += *upload_data_size;
		*upload_data_size = 0;
		return st->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	if (st->responded)
		return MHD_YES;
	if (st->req.body_too_large)
		return reply_simple(st, c, 413, "payload_too_large",
		                    "The request body is larger than this endpoint accepts");
	struct http_response res = { 0 };
	res.status = 500;
	buf_init(&res.body, 64 * 1024 * 1024);
	s->cfg.handle(&st->req, &res, s->cfg.payload);
	enum MHD_Result ok = send_response(st, c, &res);
	buf_release(&res.body);
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req_state *st = *con_cls;
	(void)c;
	if (!st)
		return;
	int status = st->status;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !status)
		status = 499; /* client went away or timed out before a response */
	if (s->cfg.finished)
		s->cfg.finished(&st->req, status, s->cfg.payload);
	for (int i = 0; i < st->req.nparams; i++)
		free(st->req.param_values[i]);
	buf_release(&st->req.body);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decodes %HH in the path and query arguments in place, except %00: a decoded
 * NUL would end the C string early, so "/v1/organizations/X/%00/anything"
 * would be routed as "/v1/organizations/X". It stays "%00" and matches no route.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	const char *r = s;
	while (*r) {
		int hi = r[0] == '%' ? hex_value(r[1]) : -1;
		int lo = hi >= 0 ? hex_value(r[2]) : -1;
		if (lo >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_debug("http engine", "detail=\"%s\"", msg);
}

/* "host:port" → sockaddr. IPv6 hosts in brackets. Empty host = all interfaces (IPv4). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return error_set(ERR_INVALID, "listen address %s needs a port (host:port)", listen);
	size_t hlen = (size_t)(colon - listen);
	if (hlen >= sizeof(host))
		return error_set(ERR_INVALID, "listen address too long");
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (!end || *end || port < 0 || port > 65535)
		return error_set(ERR_INVALID, "listen port in %s is not a number 0-65535", listen);
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hlen - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return error_set(ERR_INVALID, "listen address %s is not an IPv6 address",
			                 listen);
		*len = sizeof(*a6);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (!host[0])
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return error_set(ERR_INVALID, "listen address %s is not an IPv4 address", listen);
	*len = sizeof(*a4);
	return 0;
}

/* want connections, and room for the rest: SQLite's pool holds two files per
 * connection (database and log), up to 33 connections with the writer. */
#define FD_HEADROOM 256

static void raise_fd_limit(unsigned want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want + FD_HEADROOM) {
		rl.rlim_cur = rl.rlim_max < want + FD_HEADROOM ? rl.rlim_max : want + FD_HEADROOM;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int http_server_start(struct http_server **out, const struct http_server_config *cfg)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sslen = 0;
	*out = NULL;
	int rc = parse_listen(cfg->listen, &ss, &sslen);
	if (rc)
		return rc;
	struct http_server *s = xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	raise_fd_limit(cfg->max_connections);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	                 MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_POLL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &ss,
	                             MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
	                             MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                             cfg->max_connections_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
	                             cfg->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                             (size_t)HEAD_MEMORY_LIMIT, MHD_OPTION_NOTIFY_COMPLETED,
	                             on_completed, s, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	                             MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                             MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (!s->daemon) {
		free(s);
		return error_set(ERR_UNAVAILABLE,
		                 "cannot listen on %s (address in use or not local?)", cfg->listen);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
}

unsigned http_server_port(const struct http_server *s)
{
	return s->port;
}

unsigned http_server_in_flight(struct http_server *s)
{
	return atomic_load(&s->in_flight);
}

void http_server_drain(struct http_server *s, unsigned grace_s)
{
	if (!s)
		return;
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	int64_t deadline = clock_mono_us() + (int64_t)grace_s * 1000000;
	while (atomic_load(&s->in_flight) > 0 && clock_mono_us() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->daemon);
	free(s);
}
