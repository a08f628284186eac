# SPDX-License-Identifier: Apache-2.0
"""A minimal DNS client (TXT and A queries over UDP or TCP) so the harness can
probe its own dnsmasq without dig. Test-side only; not a general resolver."""

import random
import socket
import struct

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
TYPES = {"A": 1, "TXT": 16}


class Answer:
    """rcode: 'NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', ...
    records: for TXT, a list of records, each a list of byte strings (the
    character-strings of that record, unjoined); for A, a list of dotted quads."""

    def __init__(self, rcode, records, truncated):
        self.rcode = rcode
        self.records = records
        self.truncated = truncated

    def __repr__(self):
        return f"Answer({self.rcode}, {self.records!r})"

    def joined(self):
        """TXT records with each record's strings concatenated, decoded."""
        return [b"".join(r).decode("utf-8", "replace") for r in self.records]


def _encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("idna") if label else b""
        if not raw or len(raw) > 63:
            raise ValueError(f"bad DNS name {name!r}")
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def _skip_name(msg, off):
    while True:
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def _parse(msg, qid, qtype):
    rid, flags, qd, an, _ns, _ar = struct.unpack("!HHHHHH", msg[:12])
    if rid != qid:
        raise OSError("DNS reply id mismatch")
    off = 12
    for _ in range(qd):
        off = _skip_name(msg, off) + 4
    records = []
    for _ in range(an):
        off = _skip_name(msg, off)
        rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        rdata = msg[off:off + rdlen]
        off += rdlen
        if rtype != qtype:
            continue
        if rtype == 16:
            strings, i = [], 0
            while i < len(rdata):
                n = rdata[i]
                strings.append(rdata[i + 1:i + 1 + n])
                i += 1 + n
            records.append(strings)
        elif rtype == 1:
            records.append(socket.inet_ntoa(rdata))
    return Answer(RCODES.get(flags & 0xF, str(flags & 0xF)), records, bool(flags & 0x0200))


def query(server, name, qtype="TXT", tcp=False, timeout=2.0):
    """Ask server=(host, port) for name; returns an Answer. Raises OSError
    (socket.timeout included) when nothing answers."""
    qt = TYPES[qtype]
    qid = random.randrange(65536)
    msg = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + _encode_name(name) + struct.pack("!HH", qt, 1)
    if tcp:
        with socket.create_connection(server, timeout=timeout) as s:
            s.sendall(struct.pack("!H", len(msg)) + msg)
            buf = b""
            while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
                chunk = s.recv(65535)
                if not chunk:
                    raise OSError("DNS TCP connection closed early")
                buf += chunk
            return _parse(buf[2:], qid, qt)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect(server)  # connected, so "port unreachable" fails fast
        s.send(msg)
        while True:
            data = s.recv(65535)
            if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                return _parse(data, qid, qt)
