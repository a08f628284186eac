/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS TXT lookup for domain verification: one class IN, type TXT query through
 * glibc libresolv, and a parser for the raw response that the lookup uses and
 * the fuzzer drives. Knows nothing about domains, organisations or storage;
 * the verification job (dns/verify) decides what a result means.
 */
#ifndef GATEHOUSE_DNS_TXT_H
#define GATEHOUSE_DNS_TXT_H

#define DNS_TXT_MAX_RECORDS      32   /* records kept per answer; more are dropped */
#define DNS_TXT_RECORD_MAX_BYTES 4096 /* bytes kept per record; longer ones are cut */
#define DNS_TXT_MAX_CNAMES       8    /* CNAME hops followed inside one response */

/*
 * What the name looked like. A zeroed answer reads as DNS_TXT_SERVFAIL: the
 * safe reading of "no usable answer" is "try again later".
 */
enum dns_txt_status {
	DNS_TXT_SERVFAIL = 0, /* temporary: SERVFAIL, REFUSED, other rcodes, timeout, network */
	DNS_TXT_NXDOMAIN,     /* the name does not exist (rcode NXDOMAIN) */
	DNS_TXT_NODATA,       /* the name exists but has no TXT record */
	DNS_TXT_FOUND,        /* at least one TXT record; see records[] */
};

struct dns_txt_record {
	char *data;     /* len bytes plus a NUL; the value itself may contain NUL bytes */
	size_t len;     /* the character-strings of the record, concatenated */
	bool truncated; /* the record was longer than DNS_TXT_RECORD_MAX_BYTES */
};

/*
 * The outcome of one lookup. Owns records[i].data; release with
 * dns_txt_answer_release(). records[] is filled only when status is
 * DNS_TXT_FOUND, in answer order. The "empty answer" below is status
 * DNS_TXT_SERVFAIL, rcode -1, no records, not truncated.
 */
struct dns_txt_answer {
	enum dns_txt_status status;
	int rcode;       /* the response's rcode when known; -1 otherwise (e.g. timeout) */
	bool truncated;  /* records dropped or cut by the bounds above, or TC set */
	size_t nrecords; /* <= DNS_TXT_MAX_RECORDS */
	struct dns_txt_record records[DNS_TXT_MAX_RECORDS];
};

/*
 * Looks up the TXT records of name (an absolute domain name: letters, digits,
 * '-' and '_' in labels of 1..63 bytes, at most 253 bytes, optional final dot;
 * no search list or default domain is ever appended).
 *
 * resolver is "IPv4:PORT" (e.g. "127.0.0.1:15353"), used as the only server;
 * NULL means the servers of /etc/resolv.conf (never use NULL in tests: see
 * STACK.md pitfall 24). timeout_ms bounds each UDP attempt, rounded up to
 * whole seconds; two attempts are made, over UDP with EDNS0 only: glibc's TCP
 * fallback has no timeout in glibc 2.36 (a server that accepts and never
 * answers would block the call), so a truncated answer is returned as is,
 * with out->truncated set and the records that fit.
 *
 * Returns 0 with *out filled whenever the question was asked: a timeout, a
 * network error, SERVFAIL or REFUSED are reported as out->status ==
 * DNS_TXT_SERVFAIL, not as an error. Errors (out is then the empty answer):
 *   ERR_INVALID      name, resolver or timeout_ms malformed (nothing was sent)
 *   ERR_PEER         the server answered with a malformed message
 *   ERR_UNAVAILABLE  the resolver library could not be initialised
 * out is overwritten, not released first. Thread-safe: each call has its own
 * resolver state (res_ninit on the stack).
 */
int dns_txt_lookup(struct dns_txt_answer *out, const char *name, const char *resolver,
                   int timeout_ms);

/*
 * Parses msg, a complete DNS response (what res_nquery returned), into *out.
 * The response must have QR set and opcode QUERY. For rcode NOERROR it must
 * carry exactly one question, class IN type TXT; its answer section is walked
 * along the CNAME chain from that question name (at most DNS_TXT_MAX_CNAMES
 * hops), and class IN TXT records owned by a name on the chain are kept, each
 * record's character-strings concatenated (RFC 1035 3.3.14). NXDOMAIN maps to
 * DNS_TXT_NXDOMAIN, any other rcode to DNS_TXT_SERVFAIL, NOERROR without a
 * kept record to DNS_TXT_NODATA (or DNS_TXT_SERVFAIL when TC is set or the
 * CNAME bound was hit, as records may have been cut away).
 *
 * Never reads outside msg[0..len). Returns 0, or ERR_PEER for a malformed or
 * unexpected message (out is then the empty answer). out is overwritten, not
 * released first. Pure and thread-safe.
 */
int dns_txt_parse(struct dns_txt_answer *out, const unsigned char *msg, size_t len);

/* Frees the records and leaves *a the empty answer. NULL-tolerant and idempotent. */
void dns_txt_answer_release(struct dns_txt_answer *a);

/*
 * True when one whole record equals value byte for byte (no trimming, case
 * sensitive). Cut records (truncated) never match.
 */
bool dns_txt_answer_has(const struct dns_txt_answer *a, const char *value);

/* "found", "nxdomain", "nodata" or "servfail"; for logs. */
const char *dns_txt_status_name(enum dns_txt_status status);

#endif
