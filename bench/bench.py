#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: throughput, latency, memory and start-up of gatehouse.

For each backend (SQLite in a temporary directory; PostgreSQL started with
test/pg.sh in a temporary directory and stopped afterwards) this starts
build/bin/gatehouse on a free 127.0.0.1 port, pre-creates data, drives it with
wrk (bench/wrk.lua) and prints one Markdown table, also written to
build/bench.md:

  create user     POST /v1/users, a unique email per request
  read user       GET /v1/users/{id}, ids from a pool created beforehand
  list members    GET /v1/organizations/{org}/memberships?limit=20, org of ~100
  RSS idle        VmRSS right after the first start (healthz answered, no
                  traffic yet; that start also creates the keys), and again
                  after a restart on the filled database
  RSS under load  peak VmRSS sampled during the 64-connection runs
  start-up        spawn -> first 200 from /healthz on the existing database,
                  median of 5 runs

then the SCIM rows of bench/scim_bench.py (issue 4) on a second, fresh
database of the same backend: user creates/s at c=1/8/64, userName eq
lookups/s with --scim-users users (100,000; fewer on PostgreSQL, see
--scim-pg-users), deactivations/s, one group PATCH adding 1,000 members,
RSS after the load. --scim-users 0 skips them.

If the users/memberships routes are not in this build, the same three shapes
run on organizations (create, read by id, list ?limit=20) and the table says
so. Every process started here is stopped by its PID.

usage: bench.py [--duration S] [--backends sqlite,postgres] [--out FILE]
                [--scim-users N] [--scim-pg-users N]
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scim_bench  # noqa: E402
import sso_bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin", "gatehouse")
WRK_LUA = os.path.join(ROOT, "bench", "wrk.lua")
PG_SH = os.path.join(ROOT, "test", "pg.sh")

CONCURRENCY = (1, 16, 64)
POOL = 1000        # pre-created ids for the read runs
MEMBERS = 100      # members of the org listed by the list runs
STARTUP_RUNS = 5

# Targets (held against the SQLite numbers).
TARGET_CREATE = 10000   # creates/s at c=16
TARGET_READ = 25000     # reads/s at c=16
TARGET_RSS_KB = 12 * 1024
TARGET_STARTUP_MS = 50.0

_procs = []  # every subprocess.Popen we started and have not reaped


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def stop_proc(p, sig=signal.SIGTERM, wait_s=15):
    """Stops one process we started, by its PID."""
    if p.poll() is None:
        try:
            os.kill(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(wait_s)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
    if p in _procs:
        _procs.remove(p)


def stop_all():
    for p in list(_procs):
        stop_proc(p)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Server:
    """One gatehouse process on a free loopback port."""

    def __init__(self, workdir, database, token, tag):
        self.workdir = workdir
        self.database = database
        self.token = token
        self.tag = tag
        self.proc = None
        self.port = None
        self.conn = None

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
        env["GATEHOUSE_SECRET_KEY"] = self.token
        env["TZ"] = "UTC"
        return env

    def spawn(self, port):
        self.port = port
        logf = open(os.path.join(self.workdir, f"server-{self.tag}.log"), "ab")
        args = [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--database", self.database,
                "--encryption-key-file", os.path.join(self.workdir, "gatehouse.key")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=logf,
                                     env=self.env(), cwd=self.workdir)
        logf.close()
        _procs.append(self.proc)
        return self.proc

    def start(self, timeout_s=30):
        for _attempt in range(5):
            self.spawn(free_port())
            if wait_healthy(self.port, self.proc, timeout_s) is not None:
                return
            if self.proc.poll() is None:
                stop_proc(self.proc)
                raise RuntimeError(f"gatehouse ({self.tag}) did not answer /healthz in {timeout_s}s")
            _procs.remove(self.proc)
            # exited: most likely the port was taken in between; try another
        raise RuntimeError(f"gatehouse ({self.tag}) would not start; see "
                           f"{self.workdir}/server-{self.tag}.log")

    def stop(self):
        if self.conn:
            self.conn.close()
            self.conn = None
        if self.proc:
            stop_proc(self.proc)
            rc = self.proc.returncode
            self.proc = None
            if rc not in (0, -signal.SIGTERM):
                log(f"gatehouse ({self.tag}) exited with {rc}")

    def request_raw(self, method, path, body=None):
        """One call over a kept-alive connection: (status, body bytes)."""
        hdrs = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def request(self, method, path, body=None):
        """(status, decoded JSON or None)."""
        status, raw = self.request_raw(method, path, body)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    def must(self, method, path, body=None, ok=(200, 201)):
        status, doc = self.request(method, path, body)
        if status not in ok:
            raise RuntimeError(f"{method} {path} -> {status} {doc}")
        return doc


def healthz_once(port):
    """True when GET /healthz answered 200 on a fresh connection."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(256)
            if not chunk:
                break
            head += chunk
        return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False
    finally:
        s.close()


def wait_healthy(port, proc, timeout_s):
    """Polls /healthz as fast as possible; seconds from now to the first 200, or None."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if healthz_once(port):
            return time.perf_counter() - t0
        if proc.poll() is not None:
            return None
    return None


def detect_api(srv):
    """'users' when /v1/users and memberships are routed, else 'orgs'."""
    st, doc = srv.request("GET", "/v1/users/usr_00000000000000000000000000")
    users = not (st == 404 and isinstance(doc, dict) and doc.get("code") == "route_not_found")
    st, doc = srv.request("GET", "/v1/organizations/org_00000000000000000000000000/memberships")
    members = not (st == 404 and isinstance(doc, dict) and doc.get("code") == "route_not_found")
    return "users" if users and members else "orgs"


def prepare(srv, api, workdir):
    """Pre-creates data; returns {op: (wrk mode, arg)} for the three operations."""
    ids_file = os.path.join(workdir, f"ids-{srv.tag}.txt")
    run = secrets.token_hex(3)
    paths = []
    if api == "users":
        for i in range(POOL):
            u = srv.must("POST", "/v1/users", {"email_addresses": [f"pool{i}-{run}@bench.test"],
                                                "first_name": "Pool", "last_name": f"User {i}"})
            paths.append(f"/v1/users/{u['id']}")
        org = srv.must("POST", "/v1/organizations", {"name": f"Bench list {run}"})
        for p in paths[:MEMBERS]:
            srv.must("POST", f"/v1/organizations/{org['id']}/memberships",
                     {"user_id": p.rsplit("/", 1)[1], "role": "org:member"})
        list_path = f"/v1/organizations/{org['id']}/memberships?limit=20"
        ops = [("create user", "create_user", "-"), ("read user", "paths", ids_file),
               ("list memberships", "path", list_path)]
    else:
        for i in range(POOL):
            o = srv.must("POST", "/v1/organizations", {"name": f"Pool {run} {i}"})
            paths.append(f"/v1/organizations/{o['id']}")
        ops = [("create org", "create_org", "-"), ("read org", "paths", ids_file),
               ("list orgs", "path", "/v1/organizations?limit=20")]
    with open(ids_file, "w") as f:
        f.write("\n".join(paths) + "\n")
    # check each shape answers 2xx before loading it
    srv.must("GET", paths[0])
    srv.must("GET", ops[2][2])
    return ops


class RssSampler(threading.Thread):
    def __init__(self, pid, every_s=0.05):
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            v = rss_kb(self.pid)
            if v and v > self.peak:
                self.peak = v
            self.halt.wait(self.every_s)

    def finish(self):
        self.halt.set()
        self.join()
        return self.peak


def status_counts(srv):
    """{class: count} summed over every route, from the server's /metrics."""
    _status, raw = srv.request_raw("GET", "/metrics")
    text = raw.decode()
    out = {}
    for m in re.finditer(r'^gatehouse_http_requests_total\{route="([^"]+)",code="([^"]+)"\} (\d+)$',
                         text, re.M):
        if m.group(1) != "metrics":
            out[m.group(2)] = out.get(m.group(2), 0) + int(m.group(3))
    return out


def settle():
    """Writes the previous run's dirty pages out before the next timed run, so a row
    does not pay for the disk writes of the one before it (outside the timing)."""
    os.sync()


def run_wrk(srv, mode, arg, conns, duration):
    settle()
    before = status_counts(srv)
    threads = 1 if conns < 2 else 2
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "5s", "--latency",
           "-s", WRK_LUA, f"http://127.0.0.1:{srv.port}", "--", mode, srv.token, arg,
           secrets.token_hex(4)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _procs.append(p)
    try:
        out, _ = p.communicate(timeout=duration + 60)
    finally:
        stop_proc(p)
    m = re.search(r"^BENCH_JSON (\{.*\})$", out, re.M)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({p.returncode}):\n{out}")
    r = json.loads(m.group(1))
    sock = r["connect"] + r["read"] + r["write"] + r["timeout"]
    after = status_counts(srv)
    server_side = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    if r["status_errors"] or sock or any(v for k, v in server_side.items() if k != "2xx"):
        log(f"errors in {mode} c={conns}: wrk status>=400 {r['status_errors']}, socket "
            f"connect/read/write/timeout {r['connect']}/{r['read']}/{r['write']}/{r['timeout']}; "
            f"server-side by class {server_side}")
    return {
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50": r["p50_us"] / 1000.0,
        "p99": r["p99_us"] / 1000.0,
        "errors": r["status_errors"] + sock,
        "requests": r["requests"],
    }


def measure_startup(srv):
    """Median ms from spawn to the first 200 on /healthz, on the existing database."""
    times = []
    for _ in range(STARTUP_RUNS):
        port = free_port()
        t0 = time.perf_counter()
        proc = srv.spawn(port)
        dt = wait_healthy(port, proc, 30)
        if dt is None:
            stop_proc(proc)
            raise RuntimeError("gatehouse did not become healthy during the start-up runs")
        times.append((time.perf_counter() - t0) * 1000.0)  # includes the spawn itself
        stop_proc(proc)
        srv.proc = None
    return statistics.median(times), times


def bench_backend(name, database, workdir, duration, rows):
    token = "sk_test_" + secrets.token_hex(16)
    srv = Server(workdir, database, token, name)
    srv.start()
    try:
        time.sleep(0.2)
        idle = rss_kb(srv.proc.pid)
        api = detect_api(srv)
        log(f"{name}: API under test: {'users/memberships' if api == 'users' else 'organizations (users/memberships routes absent)'}")
        ops = prepare(srv, api, workdir)
        peaks = {}
        done = {}
        # Reads first, creates last: the runs then see the same table sizes
        # whatever the create rate was. The table keeps the create, read, list order.
        for label, mode, arg in ops[1:] + ops[:1]:
            for c in CONCURRENCY:
                sampler = RssSampler(srv.proc.pid) if c == 64 else None
                if sampler:
                    sampler.start()
                r = run_wrk(srv, mode, arg, c, duration)
                if sampler:
                    peaks[label] = sampler.finish()
                log(f"{name}: {label} c={c}: {r['rps']:.0f}/s p50 {r['p50']:.2f} ms "
                    f"p99 {r['p99']:.2f} ms errors {r['errors']}")
                done[(label, c)] = {"backend": name, "op": label, "c": c, **r}
        rows.extend(done[(label, c)] for label, _m, _a in ops for c in CONCURRENCY)
    finally:
        srv.stop()
    idle_at = len(rows)
    rows.append({"backend": name, "op": "RSS idle", "value_kb": idle})
    rows.append({"backend": name, "op": "RSS under load", "value_kb": max(peaks.values()),
                 "by_op": peaks})
    med, all_ms = measure_startup(srv)
    log(f"{name}: start-up ms: " + ", ".join(f"{t:.1f}" for t in all_ms))
    rows.append({"backend": name, "op": "start-up", "ms": med, "runs": all_ms})
    # The first start above also created the keys (operator key, the OpenID
    # Provider's signing key); a restart on the filled database shows the
    # steady-state idle memory.
    srv.start()
    try:
        time.sleep(0.2)
        rows.insert(idle_at + 1, {"backend": name, "op": "RSS idle restart",
                                  "value_kb": rss_kb(srv.proc.pid)})
    finally:
        srv.stop()
    return api


def target_for(row):
    """(target text, met bool) for SQLite rows that have a target."""
    if "target" in row:
        return row["target"]
    if row["backend"] != "sqlite":
        return None
    op = row["op"]
    if op.startswith("create") and row.get("c") == 16:
        return f"≥ {TARGET_CREATE:,}/s", row["rps"] >= TARGET_CREATE
    if op.startswith("read") and row.get("c") == 16:
        return f"≥ {TARGET_READ:,}/s", row["rps"] >= TARGET_READ
    if op.startswith("RSS idle"):
        return f"≤ {TARGET_RSS_KB // 1024} MB", row["value_kb"] <= TARGET_RSS_KB
    if op == "start-up":
        return f"≤ {TARGET_STARTUP_MS:.0f} ms", row["ms"] <= TARGET_STARTUP_MS
    return None


def render(rows, apis, duration):
    head = ("| backend | operation | concurrency | requests/s | p50 ms | p99 ms | errors "
            "| target (SQLite) | met |")
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for r in rows:
        t = target_for(r)
        tt = (t[0], "yes" if t[1] else "**no**") if t else ("", "")
        if "rps" in r:
            cells = [r["backend"], r["op"], str(r["c"]), f"{r['rps']:,.0f}", f"{r['p50']:.2f}",
                     f"{r['p99']:.2f}", str(r["errors"])]
        elif r["op"] == "RSS idle":
            cells = [r["backend"], "RSS idle, first start (new database, keys created)", "–",
                     f"{r['value_kb'] / 1024:.1f} MB", "", "", ""]
        elif r["op"] == "RSS idle restart":
            cells = [r["backend"], "RSS idle, restart on the filled database", "–",
                     f"{r['value_kb'] / 1024:.1f} MB", "", "", ""]
        elif r["op"] == "RSS under load":
            cells = [r["backend"], "RSS under load (peak, c=64 runs)", "64",
                     f"{r['value_kb'] / 1024:.1f} MB", "", "", ""]
        else:
            cells = [r["backend"], f"start-up to first /healthz 200 (median of {STARTUP_RUNS})",
                     "–", f"{r['ms']:.1f} ms", "", "", ""]
        lines.append("| " + " | ".join(cells + list(tt)) + " |")
    notes = []
    fallback = [b for b, api in apis.items() if api != "users"]
    users = [b for b, api in apis.items() if api == "users"]
    if users:
        notes.append(f"- {', '.join(users)}: API under test: POST /v1/users, GET /v1/users/{{id}} "
                     f"(pool of {POOL}), GET /v1/organizations/{{org}}/memberships?limit=20 "
                     f"(org of {MEMBERS} members).")
    if fallback:
        notes.append(f"- {', '.join(fallback)}: the users/memberships routes are not in this build, so the "
                         "rows measure organizations in the same shapes (POST /v1/organizations "
                         "with a unique name; GET /v1/organizations/{id} from a pool of "
                         f"{POOL}; GET /v1/organizations?limit=20). Targets are compared "
                         "against these stand-ins.")
    for r in rows:
        if r["op"] == "RSS under load":
            notes.append(f"- {r['backend']}: peak VmRSS during the c=64 runs, by operation: " +
                         ", ".join(f"{k} {v / 1024:.1f} MB" for k, v in r["by_op"].items()) +
                         " (sampled every 50 ms).")
    notes.append(f"- wrk 4.1, {duration}s per row, -t1 at c=1 and -t2 otherwise, on the same "
                 f"{os.cpu_count()}-core machine as the server (wrk takes CPU from it). "
                 "errors = responses ≥ 400 plus socket errors and timeouts (5 s).")
    notes.append("- Before each timed run the previous runs' dirty pages are written out (sync), "
                 "outside the timing, so a row does not pay for the disk writes of the one before.")
    notes.append("- SQLite: WAL, synchronous=NORMAL. PostgreSQL 15 from test/pg.sh: fsync=on, "
                 "synchronous_commit=on. Server log (logfmt, one line per request) goes to a file.")
    return "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench.md"))
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (databases, server logs)")
    ap.add_argument("--scim-users", type=int, default=100000,
                    help="users in the directory for the SCIM lookup row (0: no SCIM rows)")
    ap.add_argument("--scim-pg-users", type=int, default=20000,
                    help="the same on PostgreSQL (its creates are slower; default 20000)")
    ap.add_argument("--no-sso", dest="sso", action="store_false",
                    help="skip the SSO rows (SAML sign-ins and token exchanges, sso_bench.py)")
    args = ap.parse_args()

    if not os.access(BIN, os.X_OK):
        sys.exit(f"bench: {BIN} missing; run 'make all' (make bench does)")
    if not shutil.which("wrk"):
        sys.exit("bench: wrk not found (apt-get install wrk)")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)

    rows, apis, scim = [], {}, {}
    t_start = time.monotonic()
    load_start = os.getloadavg()[0]
    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    os.chmod(tmp, 0o755)  # test/pg.sh runs PostgreSQL as postgres below it
    pg_dir = None
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                d = os.path.join(tmp, "sqlite")
                os.mkdir(d)
                apis["sqlite"] = bench_backend("sqlite", f"sqlite:{d}/gatehouse.db", d,
                                               args.duration, rows)
                if args.sso:
                    log("sqlite: SSO rows (bench/sso_bench.py)")
                    rows += sso_bench.bench_on("sqlite", f"sqlite:{d}/sso.db", d, args.duration)
                if args.scim_users:
                    log("sqlite: SCIM rows (bench/scim_bench.py)")
                    scim["sqlite"] = scim_bench.bench_on(f"sqlite:{d}/scim.db", d, args.duration,
                                                         args.scim_users)
            elif backend == "postgres":
                pg_dir = os.path.join(tmp, "pg")
                d = os.path.join(tmp, "pgwork")
                os.mkdir(d)
                log("postgres: starting a private server with test/pg.sh")
                admin = subprocess.run(["sh", PG_SH, "start", pg_dir], check=True,
                                       capture_output=True, text=True).stdout.strip().splitlines()[-1]
                dsn = subprocess.run(["sh", PG_SH, "createdb", admin, "gatehouse_bench"],
                                     check=True, capture_output=True,
                                     text=True).stdout.strip().splitlines()[-1]
                apis["postgres"] = bench_backend("postgres", dsn, d, args.duration, rows)
                if args.sso:
                    log("postgres: SSO rows (bench/sso_bench.py)")
                    odsn = subprocess.run(["sh", PG_SH, "createdb", admin, "gatehouse_sso"],
                                          check=True, capture_output=True,
                                          text=True).stdout.strip().splitlines()[-1]
                    rows += sso_bench.bench_on("postgres", odsn, d, args.duration)
                if args.scim_users:
                    log("postgres: SCIM rows (bench/scim_bench.py)")
                    sdsn = subprocess.run(["sh", PG_SH, "createdb", admin, "gatehouse_scim"],
                                          check=True, capture_output=True,
                                          text=True).stdout.strip().splitlines()[-1]
                    scim["postgres"] = scim_bench.bench_on(
                        sdsn, d, args.duration, min(args.scim_users, args.scim_pg_users))
            else:
                sys.exit(f"bench: unknown backend {backend}")
    except KeyboardInterrupt:
        log("interrupted")
        raise SystemExit(130)
    finally:
        stop_all()
        for p in list(scim_bench._procs):
            scim_bench.stop(p)
        if pg_dir:
            r = subprocess.run(["sh", PG_SH, "stop", pg_dir], capture_output=True, text=True)
            if r.returncode:
                log(f"pg.sh stop failed: {r.stderr.strip()}")
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    rev = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    title = (f"# gatehouse bench ({rev}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{time.monotonic() - t_start:.0f} s)\n\n")
    load_end = os.getloadavg()[0]
    text = title + render(rows, apis, args.duration)
    text += (f"- 1-minute load average {load_start:.2f} at the start, {load_end:.2f} at the end "
             "(anything else running on the machine lowers these numbers).\n")
    if args.sso:
        text += sso_bench.NOTES + "\n"
    if scim:
        text += "\n## SCIM (Directory Sync)\n\n" + scim_bench.table(scim) + "\n\n" + \
            scim_bench.NOTES + "\n"
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    log(f"table written to {args.out}")


if __name__ == "__main__":
    main()
