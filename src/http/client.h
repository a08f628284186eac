/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The outbound HTTP client (webhooks, IdP metadata, OIDC discovery, token
 * endpoints, JWKS). It wraps libcurl — the only file that includes curl.h —
 * and enforces what customer-supplied URLs require (STACK.md pitfall 25):
 *
 *  - https only (http also, to loopback hosts, in the test policy);
 *  - no redirects: a 3xx is returned to the caller as a status;
 *  - an SSRF guard on the address actually connected to, checked twice: when
 *    the socket is opened (before any byte is sent) and again before each
 *    request on a new or reused connection. Loopback, private, shared,
 *    link-local, unique-local, multicast, reserved and documentation ranges
 *    (also in IPv4-mapped, NAT64 and 6to4 forms) are refused. Checking the
 *    connected address, not the name, is what defeats DNS rebinding;
 *  - proxies from the environment are ignored (the guard would see the proxy);
 *  - connect and total timeouts, and a hard cap on the response body.
 *
 * libcurl is not linked: the first http_client_send() or
 * http_client_check_url() loads libcurl.so.4 with dlopen and initialises it
 * (once, whichever thread comes first), so a server that makes no outbound
 * call never maps it. Without it (or with a libcurl older than 7.85) both
 * fail with ERR_UNAVAILABLE "library_unavailable", naming the library.
 *
 * Thread-safety: call http_client_global_init() once in main before threads
 * start (it only sets the policy). After that every function is
 * thread-safe; each thread keeps one reused curl handle (so keep-alive works
 * for a worker sending many requests), freed when the thread exits.
 */
#ifndef GATEHOUSE_HTTP_CLIENT_H
#define GATEHOUSE_HTTP_CLIENT_H

#define HTTP_CLIENT_URL_MAX              2048
#define HTTP_CLIENT_CONNECT_TIMEOUT_MS   5000
#define HTTP_CLIENT_DEFAULT_TIMEOUT_MS   15000
#define HTTP_CLIENT_DEFAULT_MAX_RESPONSE (1024 * 1024)
#define HTTP_CLIENT_USER_AGENT           "gatehouse/0.1"

/* Which targets the client may reach. The default (all false) is production. */
struct http_client_policy {
	bool allow_http;     /* accept http:// as well, but only to loopback hosts */
	bool allow_loopback; /* let 127.0.0.0/8 and ::1 past the SSRF guard; nothing else */
};

/*
 * Sets the policy (libcurl is loaded later, on first use). Call once in main
 * before any thread starts; allow_loopback_targets = true is the test mode
 * (both policy flags set). Calling it again only replaces the policy.
 */
void http_client_global_init(bool allow_loopback_targets);

/*
 * Replaces the policy. Startup and tests only: it must not race with
 * http_client_send() in another thread.
 */
void http_client_set_policy(const struct http_client_policy *policy);

struct http_client_request {
	const char *method;         /* "GET", "POST", ...; NULL means GET */
	const char *url;            /* checked as by http_client_check_url's syntax rules */
	const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;           /* sent as is; may be NULL */
	size_t body_len;
	int timeout_ms;            /* whole transfer; <= 0: HTTP_CLIENT_DEFAULT_TIMEOUT_MS */
	size_t max_response_bytes; /* body cap; 0: HTTP_CLIENT_DEFAULT_MAX_RESPONSE */
};

struct http_client_response {
	int status; /* HTTP status; any status, 3xx and 5xx included, is a success */
	char *body; /* owned, NUL-terminated (not counted in body_len); "" if empty */
	size_t body_len;
	char *content_type; /* owned; NULL when the peer sent none */
};

/*
 * Sends one request and reads the whole response into *out, which the caller
 * releases with http_client_response_release() (also safe after a failure,
 * when *out is left zeroed). A non-2xx status is not an error here.
 *
 * Every request gets "User-Agent: gatehouse/0.1"; "Expect: 100-continue" is
 * never sent. Header lines must contain ':' and no CR or LF.
 *
 * Errors (recorded in the error slot with a stable code):
 *   ERR_INVALID   "invalid_url" / "invalid_request": URL, method or header refused
 *   ERR_FORBIDDEN "ssrf_blocked": the target address is not allowed by the policy
 *   ERR_TOO_LARGE "response_too_large": the body passed max_response_bytes
 *   ERR_PEER      "peer_timeout" or "peer_error": DNS, connect, TLS or protocol
 *                 failure, with curl's message (worth retrying later)
 *   ERR_UNAVAILABLE "library_unavailable": libcurl.so.4 cannot be loaded
 */
int http_client_send(struct http_client_response *out, const struct http_client_request *req);

/* Frees what a response owns and zeroes it; NULL-tolerant. */
void http_client_response_release(struct http_client_response *r);

/*
 * Checks a URL an operator is saving (webhook endpoint, IdP metadata or
 * discovery URL): at most HTTP_CLIENT_URL_MAX printable ASCII bytes, parsed
 * by curl's URL parser, scheme https (http only when the policy allows it and
 * the host is localhost or a loopback address), a host, no user info, no IPv6
 * zone id, and — when the host is an IP literal (in any form curl accepts,
 * such as "0x7f.1") — an address the SSRF guard would let through.
 *
 * This cannot see what a name will resolve to, now or later (DNS may change):
 * the connect-time guard in http_client_send() is the real protection; this
 * is early, clear feedback. Returns 0 or ERR_INVALID ("invalid_url"), or
 * ERR_UNAVAILABLE ("library_unavailable") when libcurl cannot be loaded (its
 * URL parser does the parsing).
 */
int http_client_check_url(const char *url);

/*
 * True when ip_text is an IPv4 or IPv6 address (textual, no brackets or zone)
 * in a globally routable unicast range. False for anything else, including
 * text that does not parse: callers fail closed.
 */
bool http_client_ip_is_public(const char *ip_text);

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool http_client_ip_is_loopback(const char *ip_text);

#endif
