/* SPDX-License-Identifier: Apache-2.0 */
/* The client's address behind trusted proxies (proxy.c): spoofing attempts first. */
#include "base/common.h"

#include "base/error.h"
#include "http/proxy.h"
#include "test/harness/test.h"

static char *client(const char *spec, const char *peer, const char *xff)
{
	static char out[64];
	struct http_proxies *p = NULL;
	if (http_proxies_parse(spec, &p) != 0)
		return NULL;
	http_proxies_client(p, peer, xff, out, sizeof(out));
	http_proxies_free(p);
	return out;
}

TEST(http_proxies, untrusted_peer_is_the_client_whatever_it_sends)
{
	ASSERT_STR_EQ(client("", "203.0.113.9", "198.51.100.1"), "203.0.113.9");
	ASSERT_STR_EQ(client("10.0.0.0/8", "203.0.113.9", "198.51.100.1"), "203.0.113.9");
	ASSERT_STR_EQ(client("10.0.0.0/8", "11.0.0.1", "198.51.100.1"), "11.0.0.1");
}

TEST(http_proxies, trusted_peer_gives_the_rightmost_untrusted_entry)
{
	/* the client forged the first entry; the proxy appended what it saw */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "1.1.1.1, 198.51.100.7"), "198.51.100.7");
	/* two proxies: the inner one is trusted too, so it is skipped */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9"),
	              "198.51.100.7");
	/* header lines joined by the server: the same list */
	ASSERT_STR_EQ(client("10.0.0.1", "10.0.0.1", "6.6.6.6,198.51.100.7"), "198.51.100.7");
	/* everyone trusted: the leftmost */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "10.0.0.5, 10.0.0.6"), "10.0.0.5");
	/* no header: the proxy itself */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", NULL), "10.1.2.3");
}

TEST(http_proxies, garbage_stops_at_the_last_vouched_address)
{
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7, not-an-ip"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "evil, 10.0.0.8"), "10.0.0.8");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", ""), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", " , ,"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7:99999x"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7:"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "[2001:db8::1"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "[2001:db8::1]x"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "fe80::1%eth0"), "10.1.2.3");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "010.1.2.3"), "10.1.2.3");
}

TEST(http_proxies, entries_as_proxies_write_them)
{
	/* ports (Azure Application Gateway, some ingress controllers), as nginx accepts */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7:4711"), "198.51.100.7");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "[2001:db8::7]:4711"), "2001:db8::7");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "[2001:db8::7]"), "2001:db8::7");
	/* empty entries are skipped; spaces separate like commas */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7,,"), "198.51.100.7");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "1.2.3.4,"), "1.2.3.4");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "198.51.100.7 10.0.0.9"), "198.51.100.7");
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "6.6.6.6 198.51.100.7"), "198.51.100.7");
	/* a forged port does not change which entry is the client */
	ASSERT_STR_EQ(client("10.0.0.0/8", "10.1.2.3", "10.0.0.1:80, 198.51.100.7"),
	              "198.51.100.7");
}

TEST(http_proxies, ipv6_and_mapped_addresses)
{
	ASSERT_STR_EQ(client("fd00::/8", "fd12::1", "2001:db8::7"), "2001:db8::7");
	ASSERT_STR_EQ(client("fd00::/8", "fe80::1", "2001:db8::7"), "fe80::1");
	/* a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d */
	ASSERT_STR_EQ(client("127.0.0.1", "::ffff:127.0.0.1", "198.51.100.7"), "198.51.100.7");
	ASSERT_STR_EQ(client("127.0.0.1", "127.0.0.1", "::ffff:198.51.100.7"), "198.51.100.7");
	/* prefix boundaries */
	ASSERT_STR_EQ(client("192.0.2.128/25", "192.0.2.127", "8.8.8.8"), "192.0.2.127");
	ASSERT_STR_EQ(client("192.0.2.128/25", "192.0.2.128", "8.8.8.8"), "8.8.8.8");
	ASSERT_STR_EQ(client("0.0.0.0/0", "192.0.2.1", "8.8.8.8"), "8.8.8.8");
}

TEST(http_proxies, bad_lists_are_refused_by_name)
{
	struct http_proxies *p = NULL;
	ASSERT_INT_EQ(http_proxies_parse("10.0.0.0/33", &p), ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "10.0.0.0/33") != NULL);
	ASSERT_INT_EQ(http_proxies_parse("10.0.0.0/8 proxy.internal", &p), ERR_INVALID);
	ASSERT(strstr(error_get()->detail, "proxy.internal") != NULL);
	ASSERT_INT_EQ(http_proxies_parse("10.0.0.1/", &p), ERR_INVALID);
	ASSERT_INT_EQ(http_proxies_parse("fd00::/129", &p), ERR_INVALID);
	/* an IPv4-mapped block is an IPv4 block, with its prefix counted in IPv6 bits */
	ASSERT_INT_EQ(http_proxies_parse("::ffff:10.0.0.0/8", &p), ERR_INVALID);
	ASSERT(p == NULL);
	ASSERT_INT_EQ(http_proxies_parse("  ", &p), 0);
	ASSERT(p == NULL);
	ASSERT_INT_EQ(http_proxies_parse("10.0.0.1, 10.0.0.2 fd00::/8", &p), 0);
	ASSERT(http_proxies_trust(p, "10.0.0.2"));
	ASSERT(http_proxies_trust(p, "fd00::9"));
	ASSERT(!http_proxies_trust(p, "10.0.0.3"));
	ASSERT(!http_proxies_trust_all(p));
	http_proxies_free(p);
	ASSERT_INT_EQ(http_proxies_parse("::ffff:10.0.0.0/104", &p), 0);
	ASSERT(http_proxies_trust(p, "10.200.0.1"));
	ASSERT(!http_proxies_trust(p, "11.0.0.1"));
	http_proxies_free(p);
	ASSERT_INT_EQ(http_proxies_parse("10.0.0.1 ::/0", &p), 0);
	ASSERT(http_proxies_trust_all(p));
	http_proxies_free(p);
}
