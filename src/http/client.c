/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The outbound HTTP client over libcurl (see client.h). The address rules are
 * the pure functions at the top; the curl callbacks and the URL check use
 * them. Nothing outside this file sees a CURL handle. libcurl is loaded on
 * first use (http/curl_dl.h).
 */
#include "base/common.h"

#include "http/client.h"

#include "base/buf.h"
#include "base/dl.h"
#include "base/error.h"
#include "base/log.h"
#include "http/curl_dl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>

#if LIBCURL_VERSION_NUM < 0x075500
#error "libcurl 7.85.0 or later is needed (CURLOPT_PROTOCOLS_STR, CURLOPT_PREREQFUNCTION)"
#endif

#define HEADER_LINE_MAX  8192
#define HEADER_COUNT_MAX 64
#define METHOD_MAX       16

/* The oldest libcurl with every option configure() sets (the build needs it too). */
#define CURL_VERSION_NEEDED 0x075500

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t easy_key;
static struct http_client_policy policy; /* all false: production */

struct http_curl_dl http_curl_dl;

static struct dl_library libcurl =
        DL_LIBRARY("libcurl.so.4", "Debian package libcurl4",
                   "outbound HTTP (webhooks, IdP metadata, OIDC discovery, tokens, JWKS)",
                   http_curl_dl_symbols);

/* ---- address classification ------------------------------------------ */

struct v4_range {
	uint32_t net;
	int bits;
};

/*
 * IPv4 ranges that are not globally reachable unicast: the RFC 6890
 * special-purpose registry (with RFC 6598 shared space) plus multicast and
 * the reserved block. 192.0.0.0/24 holds a few anycast services; refusing
 * them costs nothing.
 */
static const struct v4_range v4_refused[] = {
	{ 0x00000000, 8 },  /* 0.0.0.0/8 "this network" */
	{ 0x0a000000, 8 },  /* 10.0.0.0/8 RFC 1918 */
	{ 0x64400000, 10 }, /* 100.64.0.0/10 carrier-grade NAT, RFC 6598 */
	{ 0x7f000000, 8 },  /* 127.0.0.0/8 loopback */
	{ 0xa9fe0000, 16 }, /* 169.254.0.0/16 link-local, cloud metadata */
	{ 0xac100000, 12 }, /* 172.16.0.0/12 RFC 1918 */
	{ 0xc0000000, 24 }, /* 192.0.0.0/24 IETF protocol assignments */
	{ 0xc0000200, 24 }, /* 192.0.2.0/24 TEST-NET-1 */
	{ 0xc0586300, 24 }, /* 192.88.99.0/24 6to4 relay anycast, RFC 7526 */
	{ 0xc0a80000, 16 }, /* 192.168.0.0/16 RFC 1918 */
	{ 0xc6120000, 15 }, /* 198.18.0.0/15 benchmarking */
	{ 0xc6336400, 24 }, /* 198.51.100.0/24 TEST-NET-2 */
	{ 0xcb007100, 24 }, /* 203.0.113.0/24 TEST-NET-3 */
	{ 0xe0000000, 4 },  /* 224.0.0.0/4 multicast */
	{ 0xf0000000, 4 },  /* 240.0.0.0/4 reserved, 255.255.255.255 broadcast */
};

struct v6_range {
	unsigned char net[16];
	int bits;
};

/* Inside 2000::/3 (the only global unicast block), prefixes that are not reachable. */
static const struct v6_range v6_refused[] = {
	{ { 0x20, 0x01, 0x00, 0x00 }, 32 },             /* 2001::/32 Teredo */
	{ { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 }, 48 }, /* 2001:2::/48 benchmarking */
	{ { 0x20, 0x01, 0x00, 0x10 }, 28 },             /* 2001:10::/28 ORCHID */
	{ { 0x20, 0x01, 0x00, 0x20 }, 28 },             /* 2001:20::/28 ORCHIDv2 */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },             /* 2001:db8::/32 documentation */
	{ { 0x3f, 0xff }, 20 },                         /* 3fff::/20 documentation, RFC 9637 */
};

static const unsigned char v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
static const unsigned char nat64_prefix[12] = { 0x00, 0x64, 0xff, 0x9b }; /* 64:ff9b::/96 */

static uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static bool v4_in(uint32_t a, const struct v4_range *r)
{
	uint32_t mask = 0xffffffffu << (32 - r->bits);
	return (a & mask) == r->net;
}

static bool v6_in(const unsigned char a[16], const struct v6_range *r)
{
	int full = r->bits / 8, rest = r->bits % 8;
	if (memcmp(a, r->net, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (r->net[full] & mask);
}

static bool v4_is_public(uint32_t a)
{
	for (size_t i = 0; i < ARRAY_SIZE(v4_refused); i++)
		if (v4_in(a, &v4_refused[i]))
			return false;
	return true;
}

static bool v6_is_public(const unsigned char a[16])
{
	/* Forms that carry an IPv4 address are judged by that address. */
	if (memcmp(a, v4_mapped_prefix, 12) == 0 || memcmp(a, nat64_prefix, 12) == 0)
		return v4_is_public(load_be32(a + 12));
	if (a[0] == 0x20 && a[1] == 0x02) /* 2002::/16 6to4, RFC 3056 */
		return v4_is_public(load_be32(a + 2));
	/*
	 * Outside 2000::/3 nothing is global unicast: ::, ::1, IPv4-compatible
	 * ::/96, 64:ff9b:1::/48, 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8.
	 */
	if ((a[0] & 0xe0) != 0x20)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(v6_refused); i++)
		if (v6_in(a, &v6_refused[i]))
			return false;
	return true;
}

static bool v6_is_loopback(const unsigned char a[16])
{
	static const unsigned char one[16] = { [15] = 1 };
	if (memcmp(a, one, 16) == 0)
		return true;
	return memcmp(a, v4_mapped_prefix, 12) == 0 && a[12] == 127;
}

/* An address in binary: family AF_INET (4 bytes in a) or AF_INET6 (16), 0 if none. */
struct ip {
	int family;
	unsigned char a[16];
};

static bool ip_parse(struct ip *out, const char *text)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return false;
	if (inet_pton(AF_INET, text, out->a) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, text, out->a) == 1)
		out->family = AF_INET6;
	return out->family != 0;
}

static bool ip_is_public(const struct ip *ip)
{
	if (ip->family == AF_INET)
		return v4_is_public(load_be32(ip->a));
	return ip->family == AF_INET6 && v6_is_public(ip->a);
}

static bool ip_is_loopback(const struct ip *ip)
{
	if (ip->family == AF_INET)
		return ip->a[0] == 127;
	return ip->family == AF_INET6 && v6_is_loopback(ip->a);
}

static bool ip_is_allowed(const struct ip *ip, bool allow_loopback)
{
	return ip_is_public(ip) || (allow_loopback && ip_is_loopback(ip));
}

bool http_client_ip_is_public(const char *ip_text)
{
	struct ip ip;
	return ip_parse(&ip, ip_text) && ip_is_public(&ip);
}

bool http_client_ip_is_loopback(const char *ip_text)
{
	struct ip ip;
	return ip_parse(&ip, ip_text) && ip_is_loopback(&ip);
}

/* ---- URL checks --------------------------------------------------------- */

static int url_refuse(const char *why)
{
	return error_setc(ERR_INVALID, "invalid_url", "URL %s", why);
}

static bool host_is_localhost_name(const char *host)
{
	size_t n = strlen(host);
	if (n && host[n - 1] == '.') /* the absolute form "localhost." */
		n--;
	/* RFC 6761 6.3: localhost and every name under it. */
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	       (n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0);
}

/*
 * Parses host (curl's form: IPv6 in brackets, no zone) as an IP literal. IPv4
 * goes through inet_aton, which reads "127.1", "0x7f.0.0.1" and "2130706433"
 * as getaddrinfo would; curl normally rewrites those, but not with a
 * trailing dot.
 */
static bool host_ip(struct ip *out, const char *host)
{
	char text[64];
	size_t n = strlen(host);
	struct in_addr v4;

	memset(out, 0, sizeof(*out));
	if (n && host[n - 1] == '.')
		n--;
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, host, n);
	text[n] = '\0';
	if (inet_aton(text, &v4)) {
		out->family = AF_INET;
		memcpy(out->a, &v4, 4);
		return true;
	}
	return ip_parse(out, text);
}

static bool url_part_present(CURLU *u, CURLUPart part)
{
	char *v = NULL;
	CURLUcode uc = curl_url_get(u, part, &v, 0);
	curl_free(v);
	return uc == CURLUE_OK;
}

/* The checks on the host; check_address adds the IP-literal and localhost rules. */
static int url_check_host(const char *host, bool is_http, const struct http_client_policy *p,
                          bool check_address)
{
	struct ip ip;
	bool literal = host_ip(&ip, host);
	bool loopback = literal ? ip_is_loopback(&ip) : host_is_localhost_name(host);
	if (host[0] == '\0')
		return url_refuse("has no host");
	if (is_http && !loopback)
		return url_refuse("must use https");
	if (!check_address)
		return 0;
	if (loopback && !p->allow_loopback)
		return url_refuse("must not point at a loopback host");
	if (literal && !ip_is_allowed(&ip, p->allow_loopback))
		return url_refuse("must not point at a private, shared or reserved address");
	return 0;
}

static int url_check(const char *url, const struct http_client_policy *p, bool check_address)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL;
	int rc = 0;

	if (!url || !*url)
		return url_refuse("is empty");
	size_t n = strlen(url);
	if (n > HTTP_CLIENT_URL_MAX)
		return url_refuse("is longer than 2048 bytes");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return url_refuse("contains spaces, control or non-ASCII characters");

	u = curl_url();
	if (!u)
		die("curl_url: out of memory");
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK) {
		rc = error_setc(ERR_INVALID, "invalid_url", "URL does not parse: %s",
		                curl_url_strerror(uc));
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = url_refuse("has no scheme or host");
		goto cleanup;
	}
	bool is_http = strcmp(scheme, "http") == 0;
	size_t slen = strlen(scheme);
	if (strcmp(scheme, "https") != 0 && !(is_http && p->allow_http)) {
		rc = url_refuse("must use https");
		goto cleanup;
	}
	/* curl reads "https:///x" as host x; an operator who typed that meant something else. */
	if (strncasecmp(url, scheme, slen) != 0 || strncmp(url + slen, "://", 3) != 0 ||
	    url[slen + 3] == '/') {
		rc = url_refuse("must have the form scheme://host/...");
		goto cleanup;
	}
	if (url_part_present(u, CURLUPART_USER) || url_part_present(u, CURLUPART_PASSWORD)) {
		rc = url_refuse("must not contain user info");
		goto cleanup;
	}
	if (url_part_present(u, CURLUPART_ZONEID)) {
		rc = url_refuse("must not contain an IPv6 zone id");
		goto cleanup;
	}
	rc = url_check_host(host, is_http, p, check_address);
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* ---- global state and the per-thread handle ----------------------------- */

static void easy_free(void *handle)
{
	curl_easy_cleanup(handle);
}

/*
 * Runs once, on the first request or URL check: loads libcurl, checks that it
 * is new enough for configure()'s options (CURLOPT_PROTOCOLS_STR and the
 * CURLOPT_PREREQFUNCTION guard; an older one would refuse them on every
 * request), and initialises it. curl_global_init comes before any other curl
 * call; pthread_once makes it run once, before every other thread's first
 * call returns from ensure_libcurl().
 */
static void global_setup(void)
{
	if (dl_library_load(&libcurl) != 0)
		return;
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	if (!v || v->version_num < CURL_VERSION_NEEDED) {
		dl_library_fail(&libcurl, "it is version %s; 7.85.0 or later is needed",
		                v && v->version ? v->version : "?");
		return;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		dl_library_fail(&libcurl, "curl_global_init failed");
		return;
	}
	if (pthread_key_create(&easy_key, easy_free) != 0)
		die("pthread_key_create failed");
}

/* 0 once libcurl is loaded and initialised; ERR_UNAVAILABLE naming it when it cannot be. */
static int ensure_libcurl(void)
{
	pthread_once(&init_once, global_setup);
	return dl_library_check(&libcurl);
}

void http_client_global_init(bool allow_loopback_targets)
{
	struct http_client_policy p = { allow_loopback_targets, allow_loopback_targets };
	http_client_set_policy(&p);
}

void http_client_set_policy(const struct http_client_policy *p)
{
	/*
	 * libcurl is not loaded here: loading it, with OpenSSL's TLS state that
	 * curl_global_init sets up, adds about 4.5 MB to a server's VmRSS (its
	 * first webhook URL check), which a server without webhooks or IdP
	 * calls never needs. The first request or URL check loads and
	 * initialises it (ensure_libcurl). Its version is checked then, not at
	 * start: curl_version_info would need the library.
	 */
	policy = *p;
}

int http_client_check_url(const char *url)
{
	int rc = ensure_libcurl();
	return rc ? rc : url_check(url, &policy, true);
}

/* This thread's handle, created on first use; it is reset after every transfer. */
static CURL *thread_handle(void)
{
	CURL *h = pthread_getspecific(easy_key);
	if (h)
		return h;
	h = curl_easy_init();
	if (!h)
		die("curl_easy_init failed");
	if (pthread_setspecific(easy_key, h) != 0)
		die("pthread_setspecific failed");
	return h;
}

/* ---- one transfer -------------------------------------------------------- */

struct transfer {
	struct buf body;
	bool allow_loopback;
	bool blocked;   /* the SSRF guard refused an address */
	bool too_large; /* the body passed the cap */
};

static void log_refused(const char *ip_text)
{
	log_warn("outbound connection refused by the SSRF guard", "ip=%s", ip_text);
}

/*
 * First guard: runs before connect(2), so a refused address never sees a
 * packet. curl then tries the name's next address, if any.
 */
static curl_socket_t guard_open_socket(void *payload, curlsocktype purpose,
                                       struct curl_sockaddr *sa)
{
	struct transfer *t = payload;
	struct ip ip = { 0 };
	char text[INET6_ADDRSTRLEN] = "?";
	const unsigned char *raw = (const unsigned char *)&sa->addr;

	if (sa->family == AF_INET && sa->addrlen >= sizeof(struct sockaddr_in)) {
		ip.family = AF_INET;
		memcpy(ip.a, raw + offsetof(struct sockaddr_in, sin_addr), 4);
	} else if (sa->family == AF_INET6 && sa->addrlen >= sizeof(struct sockaddr_in6)) {
		ip.family = AF_INET6;
		memcpy(ip.a, raw + offsetof(struct sockaddr_in6, sin6_addr), 16);
	}
	if (ip.family)
		inet_ntop(ip.family, ip.a, text, sizeof(text));
	if (purpose != CURLSOCKTYPE_IPCXN || !ip_is_allowed(&ip, t->allow_loopback)) {
		t->blocked = true;
		log_refused(text);
		return CURL_SOCKET_BAD;
	}
	return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
}

/*
 * Second guard: runs before each request is sent, on a new or a reused
 * connection, with the address curl is actually connected to.
 */
static int guard_before_request(void *payload, char *primary_ip, char *local_ip, int primary_port,
                                int local_port)
{
	struct transfer *t = payload;
	struct ip ip;
	UNUSED(local_ip);
	UNUSED(primary_port);
	UNUSED(local_port);
	if (ip_parse(&ip, primary_ip) && ip_is_allowed(&ip, t->allow_loopback))
		return CURL_PREREQFUNC_OK;
	t->blocked = true;
	log_refused(primary_ip ? primary_ip : "?");
	return CURL_PREREQFUNC_ABORT;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *payload)
{
	struct transfer *t = payload;
	size_t len = size * nmemb;
	if (buf_append(&t->body, data, len) != 0) {
		t->too_large = true;
		return 0; /* anything but len aborts the transfer with CURLE_WRITE_ERROR */
	}
	return len;
}

static bool method_is_valid(const char *m)
{
	size_t n = strlen(m);
	if (n == 0 || n > METHOD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (m[i] < 'A' || m[i] > 'Z')
			return false;
	return true;
}

/* Builds the header list: the caller's lines (checked) and "Expect:" to suppress 100-continue. */
static int build_headers(struct curl_slist **out, const char *const *lines)
{
	struct curl_slist *list = NULL;
	size_t count = 0;
	*out = NULL;
	for (const char *const *l = lines; l && *l; l++) {
		const char *colon = strchr(*l, ':');
		if (++count > HEADER_COUNT_MAX || !colon || colon == *l ||
		    strlen(*l) > HEADER_LINE_MAX || strpbrk(*l, "\r\n")) {
			curl_slist_free_all(list);
			return error_setc(
			        ERR_INVALID, "invalid_request",
			        "http client: header line %zu is malformed or one too many", count);
		}
		list = curl_slist_append(list, *l);
		if (!list)
			die("curl_slist_append: out of memory");
	}
	list = curl_slist_append(list, "Expect:");
	if (!list)
		die("curl_slist_append: out of memory");
	*out = list;
	return 0;
}

/*
 * curl_easy_setopt is variadic: libcurl reads the value as a long, a
 * curl_off_t, a data pointer or a function pointer according to the range
 * the option's number is in. curl's own compile-time check is off here
 * (curl_dl.h), so these keep the part that matters: a value of the wrong
 * kind (an int where a long is read, a number where a pointer is) does not
 * compile. Function options go through SETOPT_FN with curl's callback type.
 */
#define IS_A(v, T) _Generic((v), T : 1, default : 0) /* NOLINT(bugprone-macro-parentheses): T */
#define IS_POINTER(v)                                                                              \
	_Generic((v), _Bool : 0, char : 0, signed char : 0, unsigned char : 0, short : 0,          \
	         unsigned short : 0, int : 0, unsigned : 0, long : 0, unsigned long : 0,           \
	         long long : 0, unsigned long long : 0, float : 0, double : 0, long double : 0,    \
	         default : 1)
#define SETOPT_TYPE_OK(opt, val)                                                                   \
	((opt) < CURLOPTTYPE_OBJECTPOINT     ? IS_A(val, long)                                     \
	 : (opt) < CURLOPTTYPE_FUNCTIONPOINT ? IS_POINTER(val)                                     \
	 : (opt) < CURLOPTTYPE_OFF_T         ? 0 /* SETOPT_FN */                                   \
	 : (opt) < CURLOPTTYPE_BLOB          ? IS_A(val, curl_off_t)                               \
	                                     : 0)

#define SETOPT_CALL(h, opt, val)                                                                   \
	do {                                                                                       \
		if (curl_easy_setopt(h, opt, val) != CURLE_OK)                                     \
			return error_set(ERR_INTERNAL, "http client: libcurl refused %s", #opt);   \
	} while (0)

#define SETOPT(h, opt, val)                                                                        \
	do {                                                                                       \
		_Static_assert(SETOPT_TYPE_OK(opt, val), #opt ": value of the wrong type");        \
		SETOPT_CALL(h, opt, val);                                                          \
	} while (0)

#define SETOPT_FN(h, opt, fn, type)                                                                \
	do {                                                                                       \
		_Static_assert((opt) >= CURLOPTTYPE_FUNCTIONPOINT && (opt) < CURLOPTTYPE_OFF_T,    \
		               #opt " does not take a function");                                  \
		_Static_assert(IS_A(fn, type), #fn " is not a " #type);                            \
		SETOPT_CALL(h, opt, fn);                                                           \
	} while (0)

static int set_method(CURL *h, const char *method, const struct http_client_request *req)
{
	bool has_body = req->body != NULL;
	if (strcmp(method, "HEAD") == 0) {
		SETOPT(h, CURLOPT_NOBODY, 1L);
		return 0;
	}
	if (has_body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0) {
		SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SETOPT(h, CURLOPT_POSTFIELDS, has_body ? req->body : "");
	}
	if (strcmp(method, "POST") != 0 && !(strcmp(method, "GET") == 0 && !has_body))
		SETOPT(h, CURLOPT_CUSTOMREQUEST, method);
	return 0;
}

static int configure(CURL *h, const struct http_client_request *req, const char *method,
                     struct transfer *t, struct curl_slist *headers, char *errbuf, bool allow_http)
{
	long total_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTP_CLIENT_DEFAULT_TIMEOUT_MS;
	long connect_ms = total_ms < HTTP_CLIENT_CONNECT_TIMEOUT_MS
	                          ? total_ms
	                          : HTTP_CLIENT_CONNECT_TIMEOUT_MS;

	SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(h, CURLOPT_URL, req->url);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, allow_http ? "http,https" : "https");
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_PROXY, ""); /* ignore *_proxy in the environment */
	SETOPT_FN(h, CURLOPT_OPENSOCKETFUNCTION, guard_open_socket, curl_opensocket_callback);
	SETOPT(h, CURLOPT_OPENSOCKETDATA, t);
	SETOPT_FN(h, CURLOPT_PREREQFUNCTION, guard_before_request, curl_prereq_callback);
	SETOPT(h, CURLOPT_PREREQDATA, t);
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SETOPT(h, CURLOPT_TIMEOUT_MS, total_ms);
	SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->body.max_bytes);
	SETOPT_FN(h, CURLOPT_WRITEFUNCTION, on_body, curl_write_callback);
	SETOPT(h, CURLOPT_WRITEDATA, t);
	SETOPT(h, CURLOPT_USERAGENT, HTTP_CLIENT_USER_AGENT);
	SETOPT(h, CURLOPT_HTTPHEADER, headers);
	return set_method(h, method, req);
}

static int map_result(CURLcode cc, const struct transfer *t, const char *errbuf)
{
	const char *msg = errbuf[0] ? errbuf : curl_easy_strerror(cc);
	if (cc == CURLE_OK)
		return 0;
	if (t->blocked)
		return error_setc(
		        ERR_FORBIDDEN, "ssrf_blocked",
		        "http client: the target address is private, loopback or reserved");
	if (t->too_large || cc == CURLE_FILESIZE_EXCEEDED)
		return error_setc(ERR_TOO_LARGE, "response_too_large",
		                  "http client: response body larger than %zu bytes",
		                  t->body.max_bytes);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return error_setc(ERR_PEER, "peer_timeout", "http client: %s", msg);
	if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT)
		return error_setc(ERR_INVALID, "invalid_url", "http client: %s", msg);
	return error_setc(ERR_PEER, "peer_error", "http client: %s", msg);
}

/* curl_easy_getinfo, with the check curl's typecheck-gcc.h made on the out pointer. */
#define GETINFO_TYPE_OK(info, p)                                                                   \
	((CURLINFO_TYPEMASK & (info)) == CURLINFO_LONG     ? IS_A(*(p), long)                      \
	 : (CURLINFO_TYPEMASK & (info)) == CURLINFO_STRING ? IS_A(*(p), char *)                    \
	                                                   : 0)
#define GETINFO(h, info, p)                                                                        \
	do {                                                                                       \
		_Static_assert(GETINFO_TYPE_OK(info, p), #info ": pointer of the wrong type");     \
		if (curl_easy_getinfo(h, info, p) != CURLE_OK)                                     \
			return error_set(ERR_INTERNAL, "http client: libcurl has no %s", #info);   \
	} while (0)

static int read_response(struct http_client_response *out, CURL *h, struct transfer *t)
{
	long status = 0;
	char *ct = NULL;
	GETINFO(h, CURLINFO_RESPONSE_CODE, &status);
	GETINFO(h, CURLINFO_CONTENT_TYPE, &ct);
	out->status = (int)status;
	out->content_type = ct ? xstrdup(ct) : NULL; /* ct is curl's until the next reset */
	out->body = buf_detach(&t->body, &out->body_len);
	return 0;
}

int http_client_send(struct http_client_response *out, const struct http_client_request *req)
{
	struct curl_slist *headers = NULL;
	struct transfer t = { 0 };
	struct http_client_policy p;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ensure_libcurl();
	if (rc)
		return rc;
	p = policy;
	const char *method = req->method ? req->method : "GET";
	size_t max = req->max_response_bytes ? req->max_response_bytes
	                                     : HTTP_CLIENT_DEFAULT_MAX_RESPONSE;
	buf_init(&t.body, max < (size_t)INT64_MAX ? max : (size_t)INT64_MAX); /* fits curl_off_t */
	t.allow_loopback = p.allow_loopback;

	/* Syntax and scheme only: the address is judged where it is known, at connect time. */
	rc = url_check(req->url, &p, false);
	if (rc)
		goto cleanup;
	if (!method_is_valid(method) || (!req->body && req->body_len)) {
		rc = error_setc(ERR_INVALID, "invalid_request",
		                "http client: the method or the body is malformed");
		goto cleanup;
	}
	rc = build_headers(&headers, req->headers);
	if (rc)
		goto cleanup;
	h = thread_handle();
	rc = configure(h, req, method, &t, headers, errbuf, p.allow_http);
	if (rc)
		goto cleanup;
	rc = map_result(curl_easy_perform(h), &t, errbuf);
	if (rc)
		goto cleanup;
	rc = read_response(out, h, &t);
cleanup:
	/* Drops every option pointing at this stack frame; keeps the connection cache. */
	if (h)
		curl_easy_reset(h);
	curl_slist_free_all(headers);
	buf_release(&t.body);
	if (rc)
		http_client_response_release(out);
	return rc;
}

void http_client_response_release(struct http_client_response *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->content_type);
	memset(r, 0, sizeof(*r));
}
