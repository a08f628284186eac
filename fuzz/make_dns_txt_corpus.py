#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes the hand-built seeds of fuzz/corpus/dns_txt/ (DNS responses to an
# IN TXT question). Run from the repository root. The dnsmasq_*.bin seeds
# were captured from dnsmasq 2.90 and are not produced here.
import os
import struct

OUT = "fuzz/corpus/dns_txt"
QNAME = "_gatehouse-verification.acme.test"
QR, TC, RD, RA = 0x8000, 0x0200, 0x0100, 0x0080
TXT, CNAME, A, IN = 16, 5, 1, 1
PTR_Q = b"\xc0\x0c"  # compression pointer to the question name


def name(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".") if p) + b"\0"


def header(rcode=0, flags=QR | RD | RA, qd=1, an=0):
    return struct.pack(">HHHHHH", 0x1234, flags | rcode, qd, an, 0, 0)


def question(n=QNAME, qtype=TXT):
    return name(n) + struct.pack(">HH", qtype, IN)


def rr(owner, rtype, rdata):
    return owner + struct.pack(">HHIH", rtype, IN, 300, len(rdata)) + rdata


def txt(*strings, owner=PTR_Q):
    return rr(owner, TXT, b"".join(bytes([len(s)]) + s for s in strings))


def response(*rrs, rcode=0, flags=QR | RD | RA):
    return header(rcode, flags, 1, len(rrs)) + question() + b"".join(rrs)


value300 = bytes(ord("a") + i % 26 for i in range(300))
seeds = {
    "found_one": response(txt(b"gatehouse-verification=abc")),
    "found_multi_string": response(txt(b"part-one-", b"part-two")),
    "found_255_45": response(txt(value300[:255], value300[255:])),
    "found_two_records": response(txt(b"v=spf1 -all"), txt(b"gatehouse-verification=abc")),
    "found_empty_record": response(txt()),
    "cname_chain": response(
        rr(PTR_Q, CNAME, name("mid.example")),
        rr(name("mid.example"), CNAME, name("final.example")),
        txt(b"gatehouse-verification=abc", owner=name("final.example")),
    ),
    "cname_loop": response(
        rr(PTR_Q, CNAME, name("loop.example")), rr(name("loop.example"), CNAME, PTR_Q)
    ),
    "other_owner": response(txt(b"x", owner=name("evil.test")), rr(PTR_Q, A, b"\x7f\0\0\1")),
    "nxdomain": response(rcode=3),
    "nodata": response(),
    "servfail": response(rcode=2),
    "refused": response(rcode=5),
    "formerr_no_question": header(1, qd=0),
    "tc_empty": response(flags=QR | TC | RD | RA),
    "many_records": response(*[txt(b"r%d" % i) for i in range(40)]),
    "long_record": response(txt(*[b"x" * 255] * 17)),
    "bad_string_overrun": response(rr(PTR_Q, TXT, b"\x0aabcd")),
    "bad_pointer_loop": header(an=1) + question() + b"\xc0\x33" + struct.pack(">HHIH", TXT, IN, 60, 2) + b"\x01x",
    "bad_query_not_response": header(flags=RD) + question(),
}

os.makedirs(OUT, exist_ok=True)
for n, data in seeds.items():
    with open(os.path.join(OUT, n + ".bin"), "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds to {OUT}")
