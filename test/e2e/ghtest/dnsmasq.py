# SPDX-License-Identifier: Apache-2.0
"""A private dnsmasq on a loopback port, authoritative for every name (local=/#/),
so gatehouse's domain verification talks to a real DNS server and never to the
machine's resolver (STACK.md pitfall 24).

dnsmasq does not reread txt-record on SIGHUP, so every change rewrites the
generated config and restarts dnsmasq on the same port.

Answers, per name:
  set_txt(name, "v")                 one TXT record with one string
  set_txt(name, ("part-one-", "part-two"))   one record of two strings
  set_txt(name, "a", "b")            two records
  (a string longer than 255 bytes is split by dnsmasq into 255-byte strings)
  set_a(name, "192.0.2.1")           an A record only, so TXT is NOERROR/NODATA
  servfail(name)                     SERVFAIL (forwarded to a harness upstream that fails)
  refuse(name)                       REFUSED
  timeout(name)                      no answer at all over UDP
  anything else                      NXDOMAIN
"""

import os
import selectors
import signal
import socket
import subprocess
import threading
import time

from . import dnsclient
from .net import free_port

DNSMASQ = os.environ.get("DNSMASQ", "/usr/sbin/dnsmasq")


def _check_name(name):
    n = name.strip().rstrip(".").lower()
    if not n or any(c in n for c in ',/#"\\\n\r\t ') or len(n) > 253:
        raise ValueError(f"refusing DNS name {name!r}")
    return n


def _quote(s):
    if isinstance(s, bytes):
        s = s.decode("utf-8")
    if "\n" in s or "\r" in s or "\0" in s:
        raise ValueError("TXT strings cannot hold newlines or NUL here")
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dns_ports():
    """GATEHOUSE_TEST_DNS_PORTS="lo-hi": where this suite's dnsmasq lives. The
    server is restarted on its port for every record change; from the kernel's
    ephemeral range another suite's server could take the port in between."""
    spec = os.environ.get("GATEHOUSE_TEST_DNS_PORTS")
    if not spec:
        return None
    lo, hi = (int(x) for x in spec.split("-"))
    return (lo, hi)


class _FailingUpstream:
    """Answers every query (UDP and TCP) with SERVFAIL; also holds a UDP port
    that never answers (for timeout())."""

    def __init__(self):
        # The same number for UDP and TCP: a free UDP port may be taken on TCP
        # (other suites run on this machine), so try a few.
        for attempt in range(50):
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.bind(("127.0.0.1", 0))
            self.port = self.udp.getsockname()[1]
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                self.tcp.bind(("127.0.0.1", self.port))
                break
            except OSError:
                self.tcp.close()
                self.udp.close()
                if attempt == 49:
                    raise
        self.tcp.listen(16)
        self.hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.hole.bind(("127.0.0.1", 0))
        self.hole_port = self.hole.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dns-servfail", daemon=True)
        self._thread.start()

    @staticmethod
    def _servfail(query):
        if len(query) < 12:
            return None
        flags2 = 0x80 | (query[2] & 0x01)  # QR, keep RD
        return query[:2] + bytes([flags2, 0x82]) + query[4:]  # RA, rcode 2

    def _run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.udp, selectors.EVENT_READ)
        sel.register(self.tcp, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in sel.select(0.2):
                try:
                    if key.fileobj is self.udp:
                        data, addr = self.udp.recvfrom(65535)
                        reply = self._servfail(data)
                        if reply:
                            self.udp.sendto(reply, addr)
                    else:
                        conn, _ = self.tcp.accept()
                        with conn:
                            conn.settimeout(2)
                            data = conn.recv(65535)
                            reply = self._servfail(data[2:])
                            if reply:
                                conn.sendall(len(reply).to_bytes(2, "big") + reply)
                except OSError:
                    pass
        sel.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        for s in (self.udp, self.tcp, self.hole):
            s.close()


class DnsServer:
    def __init__(self, workdir):
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "dnsmasq.conf")
        self.log = os.path.join(self.dir, "dnsmasq.log")
        self.port = None
        self.proc = None
        self._txt = {}  # name -> [[str, ...], ...]
        self._special = {}  # name -> ("servfail"|"refuse"|"timeout"|"a", arg)
        self._upstream = _FailingUpstream()
        self.restarts = 0

    # -- the address gatehouse gets -------------------------------------------------
    @property
    def address(self):
        """"127.0.0.1:PORT", the value for --dns-resolver."""
        return f"127.0.0.1:{self.port}"

    @property
    def server(self):
        return ("127.0.0.1", self.port)

    # -- records ---------------------------------------------------------------------
    def set_txt(self, name, *records):
        """Replaces name's TXT records. Each argument is one record: a str, or a
        sequence of str for a record made of several strings."""
        n = _check_name(name)
        recs = []
        for r in records:
            parts = [r] if isinstance(r, (str, bytes)) else list(r)
            if not parts:
                raise ValueError("a TXT record needs at least one string")
            for part in parts:
                _quote(part)  # refuse bad strings now, before dnsmasq is stopped
            recs.append(parts)
        self._special.pop(n, None)
        self._txt[n] = recs
        self._apply()

    def set_a(self, name, ip):
        n = _check_name(name)
        socket.inet_aton(ip)
        self._txt.pop(n, None)
        self._special[n] = ("a", ip)
        self._apply()

    def servfail(self, name):
        self._set_special(name, "servfail")

    def refuse(self, name):
        self._set_special(name, "refuse")

    def timeout(self, name):
        self._set_special(name, "timeout")

    def clear(self, name):
        n = _check_name(name)
        changed = self._txt.pop(n, None) is not None
        changed = self._special.pop(n, None) is not None or changed
        if changed:
            self._apply()

    def reset(self):
        """Forgets every record (used between tests)."""
        if self._txt or self._special:
            self._txt.clear()
            self._special.clear()
            self._apply()

    def query(self, name, qtype="TXT", tcp=False, timeout=2.0):
        """Asks this server directly (for tests of the harness and for debugging)."""
        return dnsclient.query(self.server, name, qtype, tcp=tcp, timeout=timeout)

    def log_text(self, since=0):
        """dnsmasq's log from byte offset since (see log_size)."""
        try:
            with open(self.log, "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except FileNotFoundError:
            return 0

    def queries_since(self, since):
        """The query/answer lines logged after offset since, without the
        harness's own readiness probes and start-up banners."""
        return [l for l in self.log_text(since).splitlines()
                if ("query[" in l or " is " in l or "forwarded" in l or "reply" in l)
                and "harness.invalid" not in l]

    def _set_special(self, name, kind):
        n = _check_name(name)
        self._txt.pop(n, None)
        self._special[n] = (kind, None)
        self._apply()

    # -- process ---------------------------------------------------------------------
    def _write_conf(self):
        lines = ["# generated by test/e2e/ghtest/dnsmasq.py", "local=/#/", "cache-size=0"]
        for name, recs in sorted(self._txt.items()):
            for parts in recs:
                lines.append(f"txt-record={name}," + ",".join(_quote(p) for p in parts))
        for name, (kind, arg) in sorted(self._special.items()):
            if kind == "a":
                lines.append(f"host-record={name},{arg}")
            elif kind == "servfail":
                lines.append(f"server=/{name}/127.0.0.1#{self._upstream.port}")
            elif kind == "refuse":
                lines.append(f"server=/{name}/#")
            elif kind == "timeout":
                lines.append(f"server=/{name}/127.0.0.1#{self._upstream.hole_port}")
        tmp = self.conf + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, self.conf)

    def _spawn(self, port):
        logf = open(self.log, "ab")
        try:
            return subprocess.Popen(
                [DNSMASQ, "--no-resolv", "--no-hosts", "--no-daemon", "--bind-interfaces",
                 "--listen-address=127.0.0.1", f"--port={port}", f"--conf-file={self.conf}",
                 "--pid-file=", "--log-queries", "--log-facility=-"],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        finally:
            logf.close()

    def _ready(self, proc, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                self.query("ready.harness.invalid", timeout=0.2)
                self.query("ready.harness.invalid", tcp=True, timeout=0.2)
                return True
            except OSError:
                time.sleep(0.02)
        return False

    def start(self):
        self._write_conf()
        for _ in range(5):
            port = self.port if self.port is not None else free_port(udp_too=True,
                                                                     port_range=_dns_ports())
            proc = self._spawn(port)
            self.port = port
            if self._ready(proc):
                self.proc = proc
                return self
            self._kill(proc)
            if self.restarts == 0:
                self.port = None  # first start: the port was taken, pick another
            else:
                time.sleep(0.1)
        raise RuntimeError("dnsmasq did not start; its log:\n" + self.log_text()[-3000:])

    @staticmethod
    def _kill(proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _apply(self):
        if self.proc is None:
            self._write_conf()
            return
        self._kill(self.proc)
        self.proc = None
        self.restarts += 1
        self.start()

    def stop(self):
        if self.proc is not None:
            self._kill(self.proc)
            self.proc = None
        self._upstream.close()
