#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""SCIM rows for make bench (issue 4): Directory Sync throughput, latency and
memory of build/bin/gatehouse.

For each backend (SQLite in a temporary directory; PostgreSQL started with
test/pg.sh and stopped afterwards) this starts gatehouse on a free 127.0.0.1
port, makes an organization with a verified domain (marked verified in the
database: no DNS here), a connection covering it and Directory Sync on, then:

  create c=1/8/64   POST /Users with Okta's create body, a new userName each
                    (wrk, bench/scim_wrk.lua)
  lookup            GET /Users?filter=userName eq "..." over random existing
                    names, with >= USERS users in the directory (topped up first)
  deactivate        PATCH /Users/{id} {"active": false} (Okta's path-less form),
                    each id once
  group PATCH       one PATCH adding 1,000 members to a group (median of 5)
  RSS               VmRSS after the load

and prints a Markdown table (also written to build/scim_bench.md) with the
issue's targets for SQLite. Every process started here is stopped by its PID.

usage: scim_bench.py [--duration S] [--users N] [--backends sqlite,postgres]
                     [--out FILE] [--json FILE]
bench/bench.py runs these rows too (bench_on, table); this script alone runs
only them."""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin", "gatehouse")
LUA = os.path.join(ROOT, "bench", "scim_wrk.lua")
PG_SH = os.path.join(ROOT, "test", "pg.sh")
DOMAIN = "bench.test"

TARGETS = {"create_c8": 8000, "lookup": 20000, "group_patch_ms": 50.0, "rss_mb": 64.0}

_procs = []


def log(msg):
    print(f"scim-bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        os.kill(p.pid, sig)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
    if p in _procs:
        _procs.remove(p)


class Http:
    """One keep-alive connection; JSON in and out."""

    def __init__(self, port, auth):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.auth = auth

    def call(self, method, path, body=None, ctype="application/json"):
        headers = {"Authorization": f"Bearer {self.auth}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = ctype
        self.c.request(method, path, body=data, headers=headers)
        r = self.c.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)


def start(db_url, workdir, key):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
    env.update({"GATEHOUSE_SECRET_KEY": key, "TZ": "UTC"})
    err = open(os.path.join(workdir, "gatehouse.err"), "ab")
    p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--database", db_url,
                          "--public-url", f"http://127.0.0.1:{port}", "--log-level", "warn",
                          "--encryption-key-file", os.path.join(workdir, "key"),
                          "--webhook-workers", "0"],
                         env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    _procs.append(p)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return p, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gatehouse did not start")


def sql(db_url, statement):
    if db_url.startswith("sqlite:"):
        con = sqlite3.connect(db_url[len("sqlite:"):], timeout=30)
        try:
            rows = con.execute(statement).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", db_url, "-c", statement],
                         capture_output=True, text=True, timeout=120, check=True)
    return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]


def setup_directory(port, key, db_url):
    api = Http(port, key)
    st, org = api.call("POST", "/v1/organizations", {"name": "Bench"})
    assert st == 201, org
    st, dom = api.call("POST", f"/v1/organizations/{org['id']}/domains", {"name": DOMAIN})
    assert st == 201, dom
    sql(db_url, f"UPDATE domains SET status = 'verified', verified_at = {int(time.time())} "
                f"WHERE id = '{dom['id']}'")
    st, conn = api.call("POST", "/v1/enterprise_connections",
                        {"organization_id": org["id"], "protocol": "saml", "provider": "okta",
                         "domains": [DOMAIN]})
    assert st == 201, conn
    st, ds = api.call("POST", f"/v1/enterprise_connections/{conn['id']}/directory_sync")
    assert st == 201, ds
    return conn["id"], ds["bearer_token"], f"/scim/v2/{conn['id']}"


def wrk(port, base, conc, duration, mode, token, arg, run):
    os.sync()  # the previous run's dirty pages go to disk before this one is timed
    threads = min(conc, 2)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conc}", f"-d{duration}s", "--latency", "-s", LUA,
                          f"http://127.0.0.1:{port}{base}", "--", mode, token, arg, str(run)],
                         capture_output=True, text=True, timeout=duration + 120)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            d = json.loads(line[len("BENCH_JSON "):])
            d["rate"] = d["requests"] / (d["duration_us"] / 1e6)
            return d
    raise RuntimeError(f"wrk printed no result: {out.stdout}\n{out.stderr}")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def users_count(scim):
    st, r = scim.call("GET", scim.base + "/Users?count=0")
    return r["totalResults"]


def group_patch_ms(scim, ids, rounds=5):
    times = []
    for i in range(rounds):
        st, g = scim.call("POST", scim.base + "/Groups",
                          {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                           "displayName": f"bench-{i}-{secrets.token_hex(3)}"},
                          "application/scim+json")
        assert st == 201, g
        members = ids[i * 1000:(i + 1) * 1000]
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": m} for m in members]}]}
        t0 = time.perf_counter()
        st, _ = scim.call("PATCH", f"{scim.base}/Groups/{g['id']}", body, "application/scim+json")
        times.append((time.perf_counter() - t0) * 1000)
        assert st == 204, st
    return statistics.median(times)


def run_backend(port, pid, key, db_url, workdir, duration=5, users=100000):
    """The SCIM rows for one running gatehouse: a dict name → number."""
    _, token, base = setup_directory(port, key, db_url)
    scim = Http(port, token)
    scim.base = base
    rows = {}
    run = 0
    for c in (1, 8, 64):
        run += 1
        r = wrk(port, base, c, duration, "create", token, DOMAIN, run)
        rows[f"create_c{c}"] = r["rate"]
        rows[f"create_c{c}_p99_ms"] = r["p99_us"] / 1000
        rows[f"create_c{c}_errors"] = r["status_errors"] + r["socket_errors"]
        log(f"create c={c}: {r['rate']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms errors {rows[f'create_c{c}_errors']}")
    n = users_count(scim)
    while n < users:
        run += 1
        need = users - n
        wrk(port, base, 8, max(2, min(30, int(need / 3000) + 1)), "create", token, DOMAIN, run)
        n = users_count(scim)
        log(f"{n} users")
    rows["users"] = n
    names = [r[0] for r in sql(db_url, "SELECT user_name FROM directory_users ORDER BY id DESC LIMIT 5000")]
    paths = os.path.join(workdir, "lookup.txt")
    with open(paths, "w") as f:
        for name in names:
            f.write(f'{base}/Users?filter=userName%20eq%20%22{name.upper()}%22\n')
    for c in (8, 64):
        r = wrk(port, base, c, duration, "paths", token, paths, 0)
        rows[f"lookup_c{c}"] = r["rate"]
        rows[f"lookup_c{c}_p99_ms"] = r["p99_us"] / 1000
        log(f"lookup c={c}: {r['rate']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms")
    rows["lookup"] = max(rows["lookup_c8"], rows["lookup_c64"])
    ids = [r[0] for r in sql(db_url, "SELECT id FROM directory_users ORDER BY id LIMIT 60000")]
    idfile = os.path.join(workdir, "deactivate.txt")
    with open(idfile, "w") as f:
        f.write("\n".join(ids[5000:]) + "\n")
    r = wrk(port, base, 8, duration, "deactivate", token, idfile, 0)
    rows["deactivate_c8"] = r["rate"]
    rows["deactivate_c8_p99_ms"] = r["p99_us"] / 1000
    log(f"deactivate c=8: {r['rate']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms")
    rows["group_patch_ms"] = group_patch_ms(scim, ids[:5000])
    log(f"group PATCH of 1,000 members: {rows['group_patch_ms']:.1f} ms")
    rows["rss_mb"] = rss_mb(pid)
    log(f"RSS {rows['rss_mb']:.1f} MB")
    return rows


def bench_on(db_url, workdir, duration=5, users=100000):
    """Starts gatehouse on db_url (an empty database), runs the SCIM rows, stops it."""
    key = "sk_bench_" + secrets.token_hex(16)
    p, port = start(db_url, workdir, key)
    try:
        return run_backend(port, p.pid, key, db_url, workdir, duration, users)
    finally:
        stop(p)


def bench_backend(backend, duration, users):
    work = tempfile.mkdtemp(prefix="gh-scim-bench.")
    pg_dir = None
    try:
        if backend == "sqlite":
            db_url = "sqlite:" + os.path.join(work, "db")
        else:
            pg_dir = os.path.join(work, "pg")
            os.chmod(work, 0o711)
            dsn = subprocess.run(["sh", PG_SH, "start", pg_dir], capture_output=True, text=True,
                                 check=True, timeout=120).stdout.strip()
            db_url = subprocess.run(["sh", PG_SH, "createdb", dsn, "scim_bench"], capture_output=True,
                                    text=True, check=True, timeout=120).stdout.strip()
        return bench_on(db_url, work, duration, users)
    finally:
        if pg_dir:
            subprocess.run(["sh", PG_SH, "stop", pg_dir], capture_output=True, timeout=120)
        shutil.rmtree(work, ignore_errors=True)


def table(results):
    lines = ["| SCIM | " + " | ".join(results) + " | target (SQLite) |",
             "|---|" + "---|" * len(results) + "---|"]

    def row(label, key, fmt, target=None):
        cells = [fmt.format(results[b][key]) if key in results[b] else "-" for b in results]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target or ''} |")
    row("user creates/s, c=1", "create_c1", "{:.0f}")
    row("user creates/s, c=8", "create_c8", "{:.0f}", "≥ 8,000")
    row("user creates/s, c=64", "create_c64", "{:.0f}")
    row("create p99 ms, c=8", "create_c8_p99_ms", "{:.1f}")
    row("users in the directory", "users", "{:.0f}")
    row("userName eq lookups/s, c=8", "lookup_c8", "{:.0f}")
    row("userName eq lookups/s, c=64", "lookup_c64", "{:.0f}", "≥ 20,000")
    row("deactivations/s, c=8", "deactivate_c8", "{:.0f}")
    row("group PATCH +1,000 members, ms", "group_patch_ms", "{:.1f}", "≤ 50")
    row("RSS after the load, MB", "rss_mb", "{:.1f}", "≤ 64")
    return "\n".join(lines)


NOTES = ("- SCIM rows: a fresh database per backend; an organization with a verified domain, a "
         "SAML connection covering it and Directory Sync on. Creates POST Okta's create body "
         "(bench/scim_wrk.lua) with a new userName each; lookups GET "
         "/Users?filter=userName eq \"...\" (upper-cased: the match is case-insensitive) over "
         "5,000 random existing users once the directory holds the number of users shown; "
         "deactivations PATCH {\"active\": false} without a path (Okta), each user once; the "
         "group PATCH adds 1,000 members in one request (median of 5 groups); RSS is VmRSS "
         "after all of it.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--users", type=int, default=100000)
    ap.add_argument("--backends", default="sqlite")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "scim_bench.md"))
    ap.add_argument("--json")
    a = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit(f"no {BIN}: make first")
    results = {}
    try:
        for b in a.backends.split(","):
            log(f"backend {b}")
            results[b] = bench_backend(b, a.duration, a.users)
    finally:
        for p in list(_procs):
            stop(p)
    text = table(results)
    print(text)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text + "\n")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
