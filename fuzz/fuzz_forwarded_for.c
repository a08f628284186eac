/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The X-Forwarded-For reader (http/proxy.c) on arbitrary bytes: never reads
 * out of bounds, and the address it settles on is the peer or an IP address
 * that appears in the header (in canonical form, so compared after parsing).
 * The first line of the input is the trusted list, the rest the header.
 */
#include "base/common.h"

#include "fuzz/fuzz.h"

#include "http/proxy.h"

#include <arpa/inet.h>

static bool same_address(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	if (inet_pton(AF_INET, a, x) == 1 && inet_pton(AF_INET, b, y) == 1)
		return memcmp(x, y, 4) == 0;
	if (inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1)
		return memcmp(x, y, 16) == 0;
	return false;
}

/* An entry without its port and brackets ("[v6]:p" -> "v6", "a.b.c.d:p" -> "a.b.c.d"). */
static void strip_port(char *t)
{
	if (t[0] == '[') {
		memmove(t, t + 1, strlen(t));
		char *close = strchr(t, ']');
		if (close)
			*close = '\0';
		return;
	}
	char *colon = strchr(t, ':');
	if (colon && !strchr(colon + 1, ':'))
		*colon = '\0';
}

/* Does the header hold an entry equal to ip? */
static bool in_header(const char *xff, const char *ip)
{
	char *copy = xstrdup(xff), *save = NULL;
	bool found = false;
	for (char *t = strtok_r(copy, ", \t", &save); t && !found;
	     t = strtok_r(NULL, ", \t", &save)) {
		strip_port(t);
		char mapped[64];
		xsnprintf(mapped, sizeof(mapped), "::ffff:%s", ip);
		found = same_address(t, ip) || same_address(t, mapped);
	}
	free(copy);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *in = xstrndup((const char *)data, size);
	char *nl = strchr(in, '\n');
	const char *xff = nl ? nl + 1 : "";
	if (nl)
		*nl = '\0';
	struct http_proxies *p = NULL;
	if (http_proxies_parse(in, &p) != 0)
		http_proxies_parse("127.0.0.0/8 10.0.0.0/8 fd00::/8", &p);
	static const char *const peers[] = { "127.0.0.1", "10.1.2.3", "203.0.113.5", "fd00::1" };
	for (size_t i = 0; i < ARRAY_SIZE(peers); i++) {
		char out[64];
		http_proxies_client(p, peers[i], xff, out, sizeof(out));
		if (strcmp(out, peers[i]) != 0 && !in_header(xff, out))
			abort();
		if (!http_proxies_trust(p, peers[i]) && strcmp(out, peers[i]) != 0)
			abort(); /* an untrusted peer is always the client */
	}
	http_proxies_free(p);
	free(in);
	return 0;
}
