/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TXT lookups through glibc libresolv (see txt.h). dns_txt_parse() is the
 * part that touches untrusted bytes: libresolv's ns_initparse/ns_parserr
 * bound every name and RR to the message, and the TXT RDATA walk below is
 * bounded by the RR's rdlength. dns_txt_lookup() only sets up the resolver.
 */
#include "base/common.h"

#include "dns/txt.h"

#include "base/error.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

/* The owner names a TXT record may have: the question name, then each CNAME target. */
struct name_chain {
	size_t n;
	char names[DNS_TXT_MAX_CNAMES + 1][NS_MAXDNAME];
};

static void answer_reset(struct dns_txt_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->status = DNS_TXT_SERVFAIL;
	a->rcode = -1;
}

void dns_txt_answer_release(struct dns_txt_answer *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nrecords && i < DNS_TXT_MAX_RECORDS; i++)
		free(a->records[i].data);
	answer_reset(a);
}

bool dns_txt_answer_has(const struct dns_txt_answer *a, const char *value)
{
	size_t len = strlen(value);
	if (a->status != DNS_TXT_FOUND)
		return false;
	for (size_t i = 0; i < a->nrecords; i++) {
		const struct dns_txt_record *r = &a->records[i];
		if (!r->truncated && r->len == len && memcmp(r->data, value, len) == 0)
			return true;
	}
	return false;
}

const char *dns_txt_status_name(enum dns_txt_status status)
{
	switch (status) {
	case DNS_TXT_FOUND:
		return "found";
	case DNS_TXT_NXDOMAIN:
		return "nxdomain";
	case DNS_TXT_NODATA:
		return "nodata";
	case DNS_TXT_SERVFAIL:
		break;
	}
	return "servfail";
}

static char ascii_lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/*
 * Names as ns_parserr/dn_expand print them (RFC 1035 presentation form, no
 * final dot) compare equal ignoring ASCII case (RFC 4343); escapes such as
 * "\." or "\200" are produced identically for identical bytes. Done here
 * rather than with ns_samename, which glibc marks deprecated.
 */
static bool names_equal(const char *a, const char *b)
{
	for (; *a && ascii_lower(*a) == ascii_lower(*b); a++, b++)
		;
	return *a == *b;
}

static bool on_chain(const struct name_chain *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (names_equal(c->names[i], name))
			return true;
	return false;
}

/*
 * TXT RDATA is one or more <character-string>s, each a length byte and that
 * many bytes (RFC 1035 3.3.14, 3.3). A record is the concatenation of its
 * strings (RFC 7208 3.3 reads SPF the same way). The whole RDATA is checked
 * before anything is kept, so a malformed record fails wherever it sits.
 */
static int add_record(struct dns_txt_answer *out, const unsigned char *rdata, size_t rdlen)
{
	size_t total = 0, off = 0, keep, used = 0;
	while (off < rdlen) {
		size_t n = rdata[off];
		if (n > rdlen - off - 1)
			return error_set(ERR_PEER, "dns: TXT character-string overruns its record");
		total += n;
		off += 1 + n;
	}
	if (out->nrecords == DNS_TXT_MAX_RECORDS) {
		out->truncated = true;
		return 0;
	}
	struct dns_txt_record *r = &out->records[out->nrecords++];
	keep = total < DNS_TXT_RECORD_MAX_BYTES ? total : DNS_TXT_RECORD_MAX_BYTES;
	r->data = xmalloc(keep + 1);
	r->len = keep;
	r->truncated = keep < total;
	out->truncated |= r->truncated;
	for (off = 0; off < rdlen && used < keep; off += 1 + rdata[off]) {
		size_t n = rdata[off];
		if (n > keep - used)
			n = keep - used;
		memcpy(r->data + used, rdata + off + 1, n);
		used += n;
	}
	r->data[keep] = '\0';
	return 0;
}

/* The single question must be ours in kind (IN TXT); its name starts the chain. */
static int read_question(struct name_chain *c, ns_msg *h)
{
	ns_rr rr;
	if (ns_msg_count(*h, ns_s_qd) != 1)
		return error_set(ERR_PEER, "dns: response has %u questions, want 1",
		                 (unsigned)ns_msg_count(*h, ns_s_qd));
	if (ns_parserr(h, ns_s_qd, 0, &rr) < 0)
		return error_set(ERR_PEER, "dns: response question is malformed");
	if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in)
		return error_set(ERR_PEER, "dns: response is for type %u class %u, not IN TXT",
		                 (unsigned)ns_rr_type(rr), (unsigned)ns_rr_class(rr));
	memcpy(c->names[0], rr.name, sizeof(c->names[0]));
	c->n = 1;
	return 0;
}

/*
 * Finds the IN CNAME owned by the chain's last name and appends its target.
 * Returns 1 if one was appended, 0 if there is none, or an error. Scanning the
 * whole section each time keeps the walk independent of RR order.
 */
static int next_cname(struct name_chain *c, ns_msg *h, bool *cut)
{
	ns_rr rr;
	for (int i = 0; i < ns_msg_count(*h, ns_s_an); i++) {
		if (ns_parserr(h, ns_s_an, i, &rr) < 0)
			return error_set(ERR_PEER, "dns: answer record %d is malformed", i);
		if (ns_rr_type(rr) != ns_t_cname || ns_rr_class(rr) != ns_c_in ||
		    !names_equal(rr.name, c->names[c->n - 1]))
			continue;
		if (c->n == ARRAY_SIZE(c->names)) {
			*cut = true;
			return 0;
		}
		int used = dn_expand(ns_msg_base(*h), ns_msg_end(*h), ns_rr_rdata(rr),
		                     c->names[c->n], NS_MAXDNAME);
		if (used < 0 || used != ns_rr_rdlen(rr))
			return error_set(ERR_PEER, "dns: CNAME record %d is malformed", i);
		c->n++;
		return 1;
	}
	return 0;
}

static int collect_records(struct dns_txt_answer *out, struct name_chain *c, ns_msg *h)
{
	ns_rr rr;
	int rc;
	bool cut = false;
	do
		rc = next_cname(c, h, &cut);
	while (rc == 1);
	if (rc < 0)
		return rc;
	out->truncated |= cut;
	for (int i = 0; i < ns_msg_count(*h, ns_s_an); i++) {
		if (ns_parserr(h, ns_s_an, i, &rr) < 0)
			return error_set(ERR_PEER, "dns: answer record %d is malformed", i);
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in ||
		    !on_chain(c, rr.name))
			continue;
		rc = add_record(out, ns_rr_rdata(rr), ns_rr_rdlen(rr));
		if (rc < 0)
			return rc;
	}
	return 0;
}

int dns_txt_parse(struct dns_txt_answer *out, const unsigned char *msg, size_t len)
{
	ns_msg h;
	struct name_chain *chain = NULL;
	int rc = 0;

	answer_reset(out);
	if (len > NS_MAXMSG || ns_initparse(msg, (int)len, &h) < 0)
		return error_set(ERR_PEER, "dns: malformed response (%zu bytes)", len);
	if (!ns_msg_getflag(h, ns_f_qr) || ns_msg_getflag(h, ns_f_opcode) != ns_o_query)
		return error_set(ERR_PEER, "dns: message is not a response to a query");
	out->rcode = ns_msg_getflag(h, ns_f_rcode);
	out->truncated = ns_msg_getflag(h, ns_f_tc) != 0;
	if (out->rcode == ns_r_nxdomain) {
		out->status = DNS_TXT_NXDOMAIN;
		return 0;
	}
	if (out->rcode != ns_r_noerror)
		return 0; /* DNS_TXT_SERVFAIL: SERVFAIL, REFUSED, FORMERR, NOTIMP, ... */

	chain = xcalloc(1, sizeof(*chain));
	rc = read_question(chain, &h);
	if (rc < 0)
		goto cleanup;
	rc = collect_records(out, chain, &h);
	if (rc < 0)
		goto cleanup;
	if (out->nrecords > 0)
		out->status = DNS_TXT_FOUND;
	else if (!out->truncated)
		out->status = DNS_TXT_NODATA;
	/* else: records may have been cut away (TC, CNAME bound): stay DNS_TXT_SERVFAIL. */

cleanup:
	free(chain);
	if (rc < 0)
		dns_txt_answer_release(out);
	return rc;
}

/* Letters, digits, '-' and '_' in labels of 1..63 bytes; 253 bytes at most. */
static bool name_is_valid(const char *name)
{
	size_t len = strlen(name), label = 0;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
		if (ch == '.' && label > 0) {
			label = 0;
			continue;
		}
		if (!ok || ++label > 63)
			return false;
	}
	return label > 0;
}

static int parse_resolver(struct sockaddr_in *out, const char *s)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	unsigned long port = 0;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host) || colon[1] == '\0')
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
		goto bad;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			goto bad;
	}
	if (port == 0)
		goto bad;
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	return 0;
bad:
	return error_set(ERR_INVALID, "dns: resolver must be IPv4:PORT, got \"%.64s\"", s);
}

/*
 * res_nquery returns -1 for every rcode but NOERROR and for NOERROR without
 * answers, leaving the reason in res_h_errno (glibc __res_context_query):
 * HOST_NOT_FOUND for NXDOMAIN, NO_DATA for an empty NOERROR; TRY_AGAIN for
 * SERVFAIL, REFUSED and timeouts; NO_RECOVERY for FORMERR and NOTIMP.
 */
static void classify_failure(struct dns_txt_answer *out, int herr)
{
	if (herr == HOST_NOT_FOUND) {
		out->status = DNS_TXT_NXDOMAIN;
		out->rcode = ns_r_nxdomain;
	} else if (herr == NO_DATA) {
		out->status = DNS_TXT_NODATA;
		out->rcode = ns_r_noerror;
	} else {
		out->status = DNS_TXT_SERVFAIL;
	}
}

/* Points state at the one given server. */
static void use_server(struct __res_state *st, const struct sockaddr_in *server)
{
	st->nscount = 1;
	st->nsaddr_list[0] = *server;
	st->options &= ~(unsigned long)RES_USEVC;
}

int dns_txt_lookup(struct dns_txt_answer *out, const char *name, const char *resolver,
                   int timeout_ms)
{
	struct __res_state st;
	struct sockaddr_in server;
	unsigned char *msg = NULL;
	int rc, n;

	answer_reset(out);
	if (!name || !name_is_valid(name))
		return error_set(ERR_INVALID, "dns: lookup name is not a valid domain name");
	if (timeout_ms < 1)
		return error_set(ERR_INVALID, "dns: timeout_ms must be positive");
	if (resolver) {
		rc = parse_resolver(&server, resolver);
		if (rc < 0)
			return rc;
	}
	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) < 0)
		return error_set(ERR_UNAVAILABLE, "dns: resolver initialisation failed");
	if (resolver)
		use_server(&st, &server);
	st.options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH);
	/*
	 * UDP only, with EDNS0 so answers up to ~1.2 KB fit: glibc's TCP fallback
	 * has no timeout (a server that accepts and never answers blocks the
	 * lookup forever). A truncated answer comes back with TC set and is
	 * judged "try again" by the caller unless it already holds the record.
	 */
	st.options |= RES_USE_EDNS0 | RES_IGNTC;
	st.retrans = timeout_ms / 1000 + (timeout_ms % 1000 != 0);
	st.retry = 2; /* one more try: a lost datagram or a restarting server is not "no record" */

	msg = xmalloc(NS_MAXMSG);
	n = res_nquery(&st, name, ns_c_in, ns_t_txt, msg, NS_MAXMSG);
	if (n < 0) {
		classify_failure(out, st.res_h_errno);
		rc = 0;
	} else {
		rc = dns_txt_parse(out, msg, n < NS_MAXMSG ? (size_t)n : NS_MAXMSG);
	}
	res_nclose(&st);
	free(msg);
	return rc;
}
