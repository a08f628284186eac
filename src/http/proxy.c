/* SPDX-License-Identifier: Apache-2.0 */
/* The client's address behind trusted reverse proxies (see proxy.h). */
#include "base/common.h"

#include "http/proxy.h"

#include "base/error.h"

#include <arpa/inet.h>

#define MAX_PROXIES 64
#define MAX_HOPS    32 /* X-Forwarded-For entries read, from the right */

struct block {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
};

struct http_proxies {
	struct block blocks[MAX_PROXIES];
	size_t n;
};

/* A plain address (no port, no brackets, no zone) into family and bytes. */
static bool parse_addr(const char *s, size_t len, int *family, unsigned char addr[16])
{
	char text[INET6_ADDRSTRLEN];
	if (len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		/* An IPv4-mapped IPv6 address is the IPv4 address (dual-stack sockets). */
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
		};
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
			memmove(addr, addr + 12, 4);
			*family = AF_INET;
		} else {
			*family = AF_INET6;
		}
		return true;
	}
	return false;
}

/* ":" followed by 1-5 digits */
static bool port_ok(const char *s, size_t len)
{
	if (len < 2 || len > 6 || s[0] != ':')
		return false;
	for (size_t i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int parse_block(const char *s, size_t len, struct block *b)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	if (!parse_addr(s, alen, &b->family, b->addr))
		return error_set(ERR_INVALID,
		                 "trusted_proxies: %.*s is not an IP address or CIDR block",
		                 (int)(len > 64 ? 64 : len), s);
	/* ::ffff:a.b.c.d/N is the IPv4 block a.b.c.d/(N-96) */
	bool mapped = b->family == AF_INET && memchr(s, ':', alen) != NULL;
	unsigned max = mapped ? 128 : b->family == AF_INET ? 32 : 128;
	b->prefix = b->family == AF_INET ? 32 : 128;
	if (slash) {
		unsigned v = 0;
		size_t digits = len - alen - 1;
		bool ok = digits >= 1 && digits <= 3;
		for (size_t i = 0; ok && i < digits; i++) {
			char ch = slash[1 + i];
			ok = ch >= '0' && ch <= '9';
			v = v * 10 + (unsigned)(ch - '0');
		}
		if (!ok || v > max || (mapped && v < 96))
			return error_set(ERR_INVALID,
			                 "trusted_proxies: %.*s has a bad prefix length",
			                 (int)(len > 64 ? 64 : len), s);
		b->prefix = mapped ? v - 96 : v;
	}
	return 0;
}

int http_proxies_parse(const char *spec, struct http_proxies **out)
{
	*out = NULL;
	struct http_proxies *p = xcalloc(1, sizeof(*p));
	for (const char *s = spec ? spec : ""; *s;) {
		s += strspn(s, " ,\t");
		size_t len = strcspn(s, " ,\t");
		if (!len)
			break;
		if (p->n == MAX_PROXIES) {
			free(p);
			return error_set(ERR_INVALID, "trusted_proxies: more than %d entries",
			                 MAX_PROXIES);
		}
		int rc = parse_block(s, len, &p->blocks[p->n]);
		if (rc) {
			free(p);
			return rc;
		}
		p->n++;
		s += len;
	}
	if (p->n == 0)
		free(p);
	else
		*out = p;
	return 0;
}

void http_proxies_free(struct http_proxies *p)
{
	free(p);
}

bool http_proxies_trust_all(const struct http_proxies *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (p->blocks[i].prefix == 0)
			return true;
	return false;
}

/*
 * One X-Forwarded-For entry as proxies write it: an address, IPv4 with a
 * port (a.b.c.d:port), or IPv6 in brackets with or without a port
 * ([v6]:port), as nginx's realip module accepts.
 */
static bool parse_entry(const char *s, size_t len, int *family, unsigned char addr[16])
{
	if (len >= 2 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return false;
		size_t rest = len - (size_t)(close - s) - 1;
		if (rest && !port_ok(close + 1, rest))
			return false;
		return parse_addr(s + 1, (size_t)(close - s) - 1, family, addr);
	}
	const char *colon = memchr(s, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - s) - 1)) {
		/* one colon: IPv4 with a port (an IPv6 address has at least two) */
		if (!port_ok(colon, len - (size_t)(colon - s)))
			return false;
		return parse_addr(s, (size_t)(colon - s), family, addr) && *family == AF_INET;
	}
	return parse_addr(s, len, family, addr);
}

static bool in_block(const struct block *b, int family, const unsigned char addr[16])
{
	if (b->family != family)
		return false;
	unsigned full = b->prefix / 8, rest = b->prefix % 8;
	if (memcmp(b->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (b->addr[full] & mask) == (addr[full] & mask);
}

static bool trusted(const struct http_proxies *p, int family, const unsigned char addr[16])
{
	for (size_t i = 0; p && i < p->n; i++)
		if (in_block(&p->blocks[i], family, addr))
			return true;
	return false;
}

bool http_proxies_trust(const struct http_proxies *p, const char *ip)
{
	int family;
	unsigned char addr[16];
	return p && ip && parse_addr(ip, strlen(ip), &family, addr) && trusted(p, family, addr);
}

static void put(char *out, size_t size, const char *s, size_t len)
{
	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

void http_proxies_client(const struct http_proxies *p, const char *peer, const char *xff, char *out,
                         size_t size)
{
	put(out, size, peer ? peer : "", peer ? strlen(peer) : 0);
	if (!xff || !http_proxies_trust(p, peer))
		return;
	/* From the right: each entry was added by the hop to its right, which is
	 * trusted (the peer first), so the entry is what that proxy saw. Commas,
	 * spaces and tabs separate entries; empty ones are skipped. */
	size_t end = strlen(xff);
	for (int hop = 0; hop < MAX_HOPS;) {
		while (end > 0 && strchr(", \t", xff[end - 1]))
			end--;
		if (end == 0)
			return; /* every entry was trusted: the leftmost one is in out */
		size_t start = end;
		while (start > 0 && !strchr(", \t", xff[start - 1]))
			start--;
		int family;
		unsigned char addr[16];
		if (!parse_entry(xff + start, end - start, &family, addr))
			return; /* not an address: keep the last one a trusted hop vouched for */
		char text[INET6_ADDRSTRLEN];
		inet_ntop(family, addr, text, sizeof(text));
		put(out, size, text, strlen(text));
		if (!trusted(p, family, addr))
			return; /* the client */
		end = start;
		hop++;
	}
}
