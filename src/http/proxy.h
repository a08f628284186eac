/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's address behind reverse proxies the operator trusts.
 *
 * Behind a load balancer every connection comes from the balancer, so the
 * per-address limits (operator sign-in throttle, SSO rate limits) and the
 * request log would see one address for everybody. When the connection's
 * peer is a trusted proxy, the client is read from X-Forwarded-For: walking
 * the list from the right (the entry the nearest proxy added), the first
 * address that is not itself a trusted proxy is the client. Everything left
 * of it was written by that client and is ignored, so a forged header gains
 * nothing. A peer that is not trusted is the client, whatever it sends.
 */
#ifndef GATEHOUSE_HTTP_PROXY_H
#define GATEHOUSE_HTTP_PROXY_H

#include "base/common.h"

struct http_proxies;

/*
 * Parses a list of addresses and CIDR blocks (IPv4 or IPv6) separated by
 * spaces or commas, e.g. "10.0.0.0/8 fd00::/8 192.0.2.7". An empty list
 * gives NULL (no proxy trusted). ERR_INVALID names the entry it refuses.
 */
int http_proxies_parse(const char *spec, struct http_proxies **out);
void http_proxies_free(struct http_proxies *p);
/* Does the list hold 0.0.0.0/0 or ::/0 (every peer may name its own address)? */
bool http_proxies_trust_all(const struct http_proxies *p);
/* Is ip (text) one of the trusted proxies? False for anything unparsable. */
bool http_proxies_trust(const struct http_proxies *p, const char *ip);
/*
 * The client address for a request from peer (text) carrying the
 * X-Forwarded-For values xff (every header line joined with ",", or NULL).
 * out gets peer unless peer is trusted; then the rightmost untrusted entry,
 * or the leftmost entry when every one is trusted. Entries are addresses,
 * a.b.c.d:port or [v6]:port, separated by commas or spaces; anything else
 * stops the walk at the address found so far.
 */
void http_proxies_client(const struct http_proxies *p, const char *peer, const char *xff, char *out,
                         size_t size);

#endif
