/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for http/client: the address table, URL checks, and live
 * transfers against a tiny HTTP/1.1 server thread on 127.0.0.1.
 */
#include "base/common.h"

#include "base/error.h"
#include "http/client.h"
#include "test/harness/test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct http_client_policy production = { false, false };
static const struct http_client_policy http_only = { true, false };
static const struct http_client_policy loopback_ok = { true, true };

TEST(http_client, ip_classification)
{
	static const struct {
		const char *ip;
		bool is_public;
		bool is_loopback;
	} cases[] = {
		{ "8.8.8.8", true, false },
		{ "1.1.1.1", true, false },
		{ "93.184.216.34", true, false },
		{ "100.63.255.255", true, false },
		{ "100.128.0.0", true, false },
		{ "172.15.255.255", true, false },
		{ "172.32.0.0", true, false },
		{ "192.0.1.1", true, false },
		{ "198.17.255.255", true, false },
		{ "198.20.0.0", true, false },
		{ "223.255.255.255", true, false },
		{ "127.0.0.1", false, true },
		{ "127.255.255.254", false, true },
		{ "0.0.0.0", false, false },
		{ "0.1.2.3", false, false },
		{ "10.0.0.1", false, false },
		{ "10.255.255.255", false, false },
		{ "100.64.0.1", false, false },
		{ "100.127.255.255", false, false },
		{ "169.254.169.254", false, false },
		{ "172.16.0.1", false, false },
		{ "172.31.255.255", false, false },
		{ "192.0.0.8", false, false },
		{ "192.0.2.10", false, false },
		{ "192.88.99.1", false, false },
		{ "192.168.1.1", false, false },
		{ "198.18.0.1", false, false },
		{ "198.19.255.255", false, false },
		{ "198.51.100.7", false, false },
		{ "203.0.113.9", false, false },
		{ "224.0.0.1", false, false },
		{ "239.255.255.250", false, false },
		{ "240.0.0.1", false, false },
		{ "255.255.255.255", false, false },
		{ "2606:4700:4700::1111", true, false },
		{ "2001:4860:4860::8888", true, false },
		{ "2a00:1450:4001:80b::200e", true, false },
		{ "::ffff:8.8.8.8", true, false },
		{ "64:ff9b::808:808", true, false },
		{ "2002:0808:0808::1", true, false },
		{ "::1", false, true },
		{ "::", false, false },
		{ "::ffff:127.0.0.1", false, true },
		{ "::ffff:7f00:1", false, true },
		{ "::ffff:10.0.0.1", false, false },
		{ "::ffff:169.254.169.254", false, false },
		{ "::ffff:192.168.0.1", false, false },
		{ "::ffff:0.0.0.0", false, false },
		{ "::127.0.0.1", false, false },
		{ "::10.0.0.1", false, false },
		{ "::8.8.8.8", false, false },
		{ "64:ff9b::10.0.0.1", false, false },
		{ "64:ff9b::127.0.0.1", false, false },
		{ "64:ff9b:1::1", false, false },
		{ "2002:7f00:1::1", false, false },
		{ "2002:a9fe:a9fe::1", false, false },
		{ "fe80::1", false, false },
		{ "febf:ffff::1", false, false },
		{ "fec0::1", false, false },
		{ "fc00::1", false, false },
		{ "fd12:3456:789a::1", false, false },
		{ "ff02::1", false, false },
		{ "ff05::1:3", false, false },
		{ "100::1", false, false },
		{ "2001::1", false, false },
		{ "2001:2::1", false, false },
		{ "2001:10::1", false, false },
		{ "2001:20::1", false, false },
		{ "2001:db8::1", false, false },
		{ "3fff::1", false, false },
		{ "4000::1", false, false },
		{ "", false, false },
		{ "localhost", false, false },
		{ "127.1", false, false },
		{ "0x7f.0.0.1", false, false },
		{ "2130706433", false, false },
		{ "010.0.0.1", false, false },
		{ "8.8.8.8 ", false, false },
		{ "[::1]", false, false },
		{ "fe80::1%eth0", false, false },
		{ "1.2.3.4.5", false, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (http_client_ip_is_public(cases[i].ip) != cases[i].is_public ||
		    http_client_ip_is_loopback(cases[i].ip) != cases[i].is_loopback) {
			test_fail(__FILE__, __LINE__, "classification of \"%s\"", cases[i].ip);
			return;
		}
	}
	ASSERT(!http_client_ip_is_public(NULL));
}

struct url_case {
	const char *url;
	bool ok;
};

static bool url_cases_pass(const struct url_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = http_client_check_url(cases[i].url);
		if ((rc == 0) != cases[i].ok ||
		    (rc != 0 &&
		     (rc != ERR_INVALID || strcmp(error_get()->stable, "invalid_url") != 0))) {
			test_fail(__FILE__, __LINE__, "check_url(\"%s\") = %d", cases[i].url, rc);
			return false;
		}
	}
	return true;
}

TEST(http_client, check_url_production)
{
	static const struct url_case cases[] = {
		{ "https://hooks.example.com/gatehouse?x=1", true },
		{ "HTTPS://Example.COM:8443/a#frag", true },
		{ "https://8.8.8.8/", true },
		{ "https://[2606:4700:4700::1111]/", true },
		{ "https://xn--nxasmq6b.com/", true },
		{ "http://hooks.example.com/", false },
		{ "http://127.0.0.1:8080/", false },
		{ "ftp://example.com/", false },
		{ "file:///etc/passwd", false },
		{ "gopher://example.com/", false },
		{ "example.com/hook", false },
		{ "//example.com/hook", false },
		{ "https:///example.com", false },
		{ "https:/example.com", false },
		{ "https://", false },
		{ "https://:443/", false },
		{ "https://user:pw@example.com/", false },
		{ "https://user@example.com/", false },
		{ "https://@example.com/", false },
		{ "https://exa mple.com/", false },
		{ "https://example.com/\x01", false },
		{ "https://\xc3\xbc.example/", false },
		{ "https://example.com:99999/", false },
		{ "https://localhost/", false },
		{ "https://LOCALHOST./", false },
		{ "https://api.localhost/", false },
		{ "https://127.0.0.1/", false },
		{ "https://127.1/", false },
		{ "https://0x7f.1/", false },
		{ "https://0x7f.1./", false },
		{ "https://127.0.0.1./", false },
		{ "https://10.1./", false },
		{ "https://2130706433/", false },
		{ "https://017700000001/", false },
		{ "https://10.0.0.1/", false },
		{ "https://169.254.169.254/latest/meta-data/", false },
		{ "https://[::1]/", false },
		{ "https://[::ffff:127.0.0.1]/", false },
		{ "https://[::ffff:a00:1]/", false },
		{ "https://[fe80::1%25eth0]/", false },
		{ "https://[fd00::1]/", false },
		{ "", false },
		{ NULL, false },
	};
	http_client_set_policy(&production);
	if (!url_cases_pass(cases, ARRAY_SIZE(cases)))
		return;

	char long_url[HTTP_CLIENT_URL_MAX + 2];
	memcpy(long_url, "https://example.com/", 20);
	memset(long_url + 20, 'a', sizeof(long_url) - 21);
	long_url[sizeof(long_url) - 1] = '\0';
	ASSERT_INT_EQ(http_client_check_url(long_url), ERR_INVALID);
	long_url[HTTP_CLIENT_URL_MAX] = '\0';
	ASSERT_INT_EQ(http_client_check_url(long_url), 0);
}

TEST(http_client, check_url_test_policy)
{
	static const struct url_case cases[] = {
		{ "http://127.0.0.1:8080/", true }, { "http://localhost:8080/x", true },
		{ "http://[::1]:8080/", true },     { "https://127.0.0.1/", true },
		{ "http://example.com/", false },   { "http://10.0.0.1/", false },
		{ "https://10.0.0.1/", false },     { "https://192.168.0.10/", false },
		{ "https://[fd00::1]/", false },
	};
	http_client_set_policy(&loopback_ok);
	bool ok = url_cases_pass(cases, ARRAY_SIZE(cases));
	http_client_set_policy(&production);
	ASSERT(ok);
}

/* ---- a one-thread HTTP/1.1 server on 127.0.0.1 ---------------------------- */

struct test_server {
	int listen_fd;
	int stop_fds[2];
	int port;
	pthread_t thread;
	const char *response; /* raw bytes written for each request */
	size_t response_len;
	int max_requests; /* per connection; then the server closes it */
	bool never_answer;
	/* Results: read only after test_server_stop() (which joins). */
	int connections;
	int served;
	char request[8192]; /* the last request, head and body */
	size_t request_len;
};

/* Waits for fd to become readable; false on stop, timeout or error. */
static bool wait_readable(struct test_server *s, int fd)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { s->stop_fds[0], POLLIN, 0 } };
	return poll(p, 2, 5000) > 0 && !p[1].revents && p[0].revents;
}

/* Reads one request into s->request; false on EOF, stop or overflow. */
static bool read_request(struct test_server *s, int fd)
{
	size_t len = 0, need = 0;
	for (;;) {
		if (len == sizeof(s->request) - 1 || !wait_readable(s, fd))
			return false;
		ssize_t got = recv(fd, s->request + len, sizeof(s->request) - 1 - len, 0);
		if (got <= 0)
			return false;
		len += (size_t)got;
		s->request[len] = '\0';
		const char *end = strstr(s->request, "\r\n\r\n");
		if (!end)
			continue;
		if (!need) {
			const char *cl = strcasestr(s->request, "\r\nContent-Length:");
			size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			need = (size_t)(end + 4 - s->request) + body;
		}
		if (len >= need) {
			s->request_len = len;
			return true;
		}
	}
}

static void serve_connection(struct test_server *s, int fd)
{
	for (int i = 0; i < s->max_requests; i++) {
		if (!read_request(s, fd))
			return;
		if (s->never_answer) {
			wait_readable(s, s->stop_fds[0]);
			return;
		}
		s->served++;
		if (send(fd, s->response, s->response_len, MSG_NOSIGNAL) < 0)
			return;
	}
}

static void *server_main(void *arg)
{
	struct test_server *s = arg;
	while (wait_readable(s, s->listen_fd)) {
		int fd = accept(s->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		s->connections++;
		serve_connection(s, fd);
		close(fd);
	}
	/* Count connections still queued when told to stop (the listener is non-blocking). */
	for (int fd; (fd = accept(s->listen_fd, NULL, NULL)) >= 0; close(fd))
		s->connections++;
	return NULL;
}

static bool test_server_start(struct test_server *s, const char *response, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	s->response = response;
	s->response_len = len;
	if (!s->max_requests)
		s->max_requests = 1;
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->listen_fd < 0 || pipe(s->stop_fds) != 0)
		return false;
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s->listen_fd, 8) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sa, &salen) != 0)
		return false;
	s->port = ntohs(sa.sin_port);
	return pthread_create(&s->thread, NULL, server_main, s) == 0;
}

static void test_server_stop(struct test_server *s)
{
	if (write(s->stop_fds[1], "x", 1) != 1)
		die("test server: cannot signal stop");
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->stop_fds[0]);
	close(s->stop_fds[1]);
}

static const char created_response[] = "HTTP/1.1 201 Created\r\n"
                                       "Content-Type: application/json\r\n"
                                       "Content-Length: 11\r\n"
                                       "\r\n"
                                       "{\"ok\":true}";

/* Sends a GET to scheme://127.0.0.1:port/ and returns the code. */
static int get_local(struct test_server *s, const char *scheme)
{
	char url[64];
	struct http_client_response resp;
	xsnprintf(url, sizeof(url), "%s://127.0.0.1:%d/", scheme, s->port);
	struct http_client_request req = { .url = url, .timeout_ms = 3000 };
	int rc = http_client_send(&resp, &req);
	http_client_response_release(&resp);
	return rc;
}

TEST(http_client, loopback_refused_in_production)
{
	struct test_server s = { 0 };
	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	http_client_set_policy(&production);
	int rc = get_local(&s, "https");
	const char *stable = error_get()->stable;
	test_server_stop(&s);
	ASSERT_INT_EQ(rc, ERR_FORBIDDEN);
	ASSERT_STR_EQ(stable, "ssrf_blocked");
	ASSERT_INT_EQ(s.connections, 0); /* refused before connect(2) */
}

TEST(http_client, loopback_refused_without_allow_loopback)
{
	struct test_server s = { 0 };
	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	http_client_set_policy(&http_only);
	int rc = get_local(&s, "http");
	char stable[48];
	xsnprintf(stable, sizeof(stable), "%s", error_get()->stable);
	http_client_set_policy(&production);
	test_server_stop(&s);
	ASSERT_INT_EQ(rc, ERR_FORBIDDEN);
	ASSERT_STR_EQ(stable, "ssrf_blocked");
	ASSERT_INT_EQ(s.connections, 0);
}

TEST(http_client, round_trip)
{
	struct test_server s = { 0 };
	struct http_client_response resp = { 0 };
	char url[64];
	static const char *const headers[] = { "Content-Type: application/json", "X-Test: yes",
		                               NULL };
	static const char body[] = "{\"type\":\"user.created\"}";

	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	http_client_global_init(true);
	xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/hook?x=1", s.port);
	struct http_client_request req = { .method = "POST",
		                           .url = url,
		                           .headers = headers,
		                           .body = body,
		                           .body_len = sizeof(body) - 1,
		                           .timeout_ms = 3000 };
	int rc = http_client_send(&resp, &req);
	http_client_global_init(false);
	test_server_stop(&s);

	ASSERT_INT_EQ(rc, 0);
	ASSERT_INT_EQ(resp.status, 201);
	ASSERT_STR_EQ(resp.body, "{\"ok\":true}");
	ASSERT_INT_EQ(resp.body_len, 11);
	ASSERT_STR_EQ(resp.content_type, "application/json");
	http_client_response_release(&resp);
	ASSERT(resp.body == NULL);

	ASSERT_INT_EQ(s.connections, 1);
	ASSERT(strncmp(s.request, "POST /hook?x=1 HTTP/1.1\r\n", 25) == 0);
	ASSERT(strcasestr(s.request, "\r\nUser-Agent: gatehouse/0.1\r\n"));
	ASSERT(strcasestr(s.request, "\r\nX-Test: yes\r\n"));
	ASSERT(strcasestr(s.request, "\r\nContent-Type: application/json\r\n"));
	ASSERT(!strcasestr(s.request, "\r\nExpect:"));
	const char *sent = strstr(s.request, "\r\n\r\n");
	ASSERT(sent);
	ASSERT_STR_EQ(sent + 4, body);
}

/*
 * A kept-alive connection is checked again before the next request: the
 * socket guard does not run for it, the pre-request guard does.
 */
TEST(http_client, reused_connection_is_checked_again)
{
	struct test_server s = { .max_requests = 2 };
	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	http_client_set_policy(&loopback_ok);
	int first = get_local(&s, "http");
	http_client_set_policy(&http_only);
	int second = get_local(&s, "http");
	char stable[48];
	xsnprintf(stable, sizeof(stable), "%s", error_get()->stable);
	http_client_set_policy(&production);
	test_server_stop(&s);
	ASSERT_INT_EQ(first, 0);
	ASSERT_INT_EQ(second, ERR_FORBIDDEN);
	ASSERT_STR_EQ(stable, "ssrf_blocked");
	ASSERT_INT_EQ(s.connections, 1);
	ASSERT_INT_EQ(s.served, 1);
}

static char big_response[8192];

static int get_big(const char *head)
{
	struct test_server s = { 0 };
	size_t n = strlen(head);
	memcpy(big_response, head, n);
	memset(big_response + n, 'x', sizeof(big_response) - n);
	if (!test_server_start(&s, big_response, sizeof(big_response)))
		return 1;
	char url[64];
	struct http_client_response resp;
	xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/", s.port);
	struct http_client_request req = { .url = url,
		                           .timeout_ms = 3000,
		                           .max_response_bytes = 1000 };
	http_client_set_policy(&loopback_ok);
	int rc = http_client_send(&resp, &req);
	http_client_set_policy(&production);
	test_server_stop(&s);
	if (resp.body)
		return 2; /* out must be zeroed on failure */
	return rc;
}

TEST(http_client, oversize_streamed_response)
{
	ASSERT_INT_EQ(get_big("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), ERR_TOO_LARGE);
	ASSERT_STR_EQ(error_get()->stable, "response_too_large");
}

TEST(http_client, oversize_declared_response)
{
	ASSERT_INT_EQ(get_big("HTTP/1.1 200 OK\r\nContent-Length: 8150\r\n\r\n"), ERR_TOO_LARGE);
	ASSERT_STR_EQ(error_get()->stable, "response_too_large");
}

TEST(http_client, timeout_is_peer_error)
{
	struct test_server s = { .never_answer = true };
	char url[64];
	struct http_client_response resp;
	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/", s.port);
	struct http_client_request req = { .url = url, .timeout_ms = 300 };
	http_client_set_policy(&loopback_ok);
	int rc = http_client_send(&resp, &req);
	char stable[48];
	xsnprintf(stable, sizeof(stable), "%s", error_get()->stable);
	http_client_set_policy(&production);
	test_server_stop(&s);
	ASSERT_INT_EQ(rc, ERR_PEER);
	ASSERT_STR_EQ(stable, "peer_timeout");
}

TEST(http_client, refused_connection_is_peer_error)
{
	struct test_server s = { 0 };
	ASSERT(test_server_start(&s, created_response, sizeof(created_response) - 1));
	test_server_stop(&s); /* the port is closed now */
	http_client_set_policy(&loopback_ok);
	int rc = get_local(&s, "http");
	http_client_set_policy(&production);
	ASSERT_INT_EQ(rc, ERR_PEER);
	ASSERT_STR_EQ(error_get()->stable, "peer_error");
}

TEST(http_client, malformed_requests)
{
	static const char *const injected[] = { "X-A: 1\r\nX-B: 2", NULL };
	static const char *const nameless[] = { ": value", NULL };
	struct http_client_response resp;
	struct http_client_request req = { .url = "http://127.0.0.1:9/", .headers = injected };
	http_client_set_policy(&loopback_ok);
	int rc1 = http_client_send(&resp, &req);
	req.headers = nameless;
	int rc2 = http_client_send(&resp, &req);
	req.headers = NULL;
	req.method = "get";
	int rc3 = http_client_send(&resp, &req);
	req.method = NULL;
	req.url = "http://example.com/";
	int rc4 = http_client_send(&resp, &req);
	http_client_set_policy(&production);
	ASSERT_INT_EQ(rc1, ERR_INVALID);
	ASSERT_INT_EQ(rc2, ERR_INVALID);
	ASSERT_INT_EQ(rc3, ERR_INVALID);
	ASSERT_INT_EQ(rc4, ERR_INVALID);
	ASSERT_STR_EQ(error_get()->stable, "invalid_url");
}
