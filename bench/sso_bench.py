#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""SSO rows for make bench (issue 3): complete SAML sign-ins and token exchanges per
second of build/bin/gatehouse.

For each backend this starts gatehouse on a fresh database (SQLite file; a new
database of the bench's PostgreSQL) with --public-url http://127.0.0.1:PORT, and sets
up what a customer would: an organization, a verified domain (marked verified in the
database: no DNS here), a SAML connection whose IdP is pysaml2 with the TEST-ONLY key
of test/fixtures/saml/keys (its certificate pinned through the IdP metadata), a test
sign-in that passes through the real ACS, activation, and an OAuth application.

Before the timed run, N sign-ins are started the way a browser starts them:
GET /oauth2/authorize (login_hint=uK@bench-sso.test over USERS users) -> 302
/sso/start/{conn}?request=areq_... -> 302 to the IdP with the AuthnRequest (its ID
and RelayState are read from the URL); the server stores both the authorization
request and the AuthnRequest ID. Then bench/saml_sign.c signs one Response per
sign-in (a pysaml2 Response used as a template: fresh Response and Assertion IDs,
InResponseTo = that AuthnRequest's ID, the user's email; the assertion re-signed
with RSA-SHA256 by xmlsec).

  ACS        wrk POSTs each form once to /saml/{conn}/acs at c=8; a sign-in counts
             when the answer is the 302 to the app's redirect_uri with a code
  token      wrk POSTs each code so obtained once to /oauth2/token
             (authorization_code + PKCE S256, client_secret_basic) at c=8, right
             after (codes live 60 s); counted when the answer carries an id_token

usage: sso_bench.py [--duration S] [--backends sqlite,postgres] [--out FILE]
bench/bench.py runs these rows too (bench_on); this script alone runs only them.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin", "gatehouse")
SIGNER = os.path.join(ROOT, "build", "bench", "saml_sign")
LUA = os.path.join(ROOT, "bench", "sso_wrk.lua")
PG_SH = os.path.join(ROOT, "test", "pg.sh")
IDP_KEY = os.path.join(ROOT, "test", "fixtures", "saml", "keys", "idp-key.pem")
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scim_bench  # noqa: E402

DOMAIN = "bench-sso.test"
USERS = 1000          # distinct people signing in (the first sign-in of each creates them)
CONC = 8
RATE_CAP = 2500       # sign-ins prepared per second of --duration (above the target)
APP_CB = "http://127.0.0.1:9/cb"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

TARGET_ACS = 2000      # complete SAML sign-ins/s at c=8 (SQLite)
TARGET_ACS_P99_MS = 20.0

_procs = scim_bench._procs  # one list: bench.py stops what is left in it
start, stop, sql = scim_bench.start, scim_bench.stop, scim_bench.sql


def log(msg):
    print(f"sso-bench: {msg}", file=sys.stderr, flush=True)


class Http:
    """One keep-alive connection."""

    def __init__(self, port, key=None):
        self.port, self.key = port, key
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, form=None):
        headers = {}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.c.request(method, path, body=data, headers=headers)
        r = self.c.getresponse()
        raw = r.read()
        self.last_cookie = r.getheader("Set-Cookie")
        return r.status, r.getheader("Location"), raw

    def json(self, method, path, body=None, ok=(200, 201)):
        st, _, raw = self.call(method, path, body)
        if st not in ok:
            raise RuntimeError(f"{method} {path} -> {st} {raw[:300]!r}")
        return json.loads(raw) if raw else None


def to_idp(h, url, idp_sso):
    """Follows gatehouse's redirects from url to the IdP, as one browser: (AuthnRequest ID,
    RelayState, the binding cookie /sso/start set, the authorization request id)."""
    from ghtest.saml_idp import authn_request_of
    cookie = areq = None
    for _ in range(4):
        p = urlsplit(url)
        st, loc, raw = h.call("GET", p.path + ("?" + p.query if p.query else ""))
        if st != 302:
            raise RuntimeError(f"GET {url} -> {st} {raw[:300]!r}")
        m = re.match(r"gh_sso=([^;]+)", h.last_cookie or "")
        cookie = m.group(1) if m else cookie
        m = re.search(r"[?&]request=(areq_[^&]+)", loc)
        areq = m.group(1) if m else areq
        if loc.startswith(idp_sso):
            xml, q = authn_request_of(loc)
            return re.search(r' ID="([^"]+)"', xml).group(1), q.get("RelayState", ""), cookie, areq
        url = loc
    raise RuntimeError("never reached the IdP")


def setup(port, key, db_url, workdir):
    """Org, verified domain, active SAML connection, OAuth app; returns a dict."""
    from ghtest.saml_idp import SamlIdp, b64
    api = Http(port, key)
    idp = SamlIdp(workdir)
    org = api.json("POST", "/v1/organizations", {"name": "Bench SSO"})
    dom = api.json("POST", f"/v1/organizations/{org['id']}/domains", {"name": DOMAIN})
    sql(db_url, f"UPDATE domains SET status = 'verified', verified_at = {int(time.time())} "
                f"WHERE id = '{dom['id']}'")
    conn = api.json("POST", "/v1/enterprise_connections",
                    {"organization_id": org["id"], "protocol": "saml", "provider": "okta",
                     "domains": [DOMAIN], "saml": {"idp_metadata_xml": idp.metadata()}})
    st, _, md = Http(port).call("GET", f"/saml/{conn['id']}/metadata")
    assert st == 200, md
    md = md.decode()
    sp_entity, acs = conn["saml"]["sp_entity_id"], conn["saml"]["acs_url"]
    # a real test sign-in through the ACS, then activation
    t = api.json("POST", f"/v1/enterprise_connections/{conn['id']}/test_sign_ins")
    browser = Http(port)
    rid, relay, _, _ = to_idp(browser, t["url"], idp.sso_url)
    value = b64(idp.respond(md, sp_entity, acs, rid, email=f"tester@{DOMAIN}"))
    browser.call("POST", urlsplit(acs).path, form={"SAMLResponse": value, "RelayState": relay})
    api.json("POST", f"/v1/enterprise_connections/{conn['id']}/activate")
    app = api.json("POST", "/v1/oauth_applications", {"name": "Bench app", "redirect_uris": [APP_CB]})
    # the template: a pysaml2 Response (assertion signed, RSA-SHA256) with placeholders
    xml = idp.respond(md, sp_entity, acs, "__IN_RESPONSE_TO__", email="__EMAIL__", lifetime=3600)
    ids = re.findall(r' ID="([^"]+)"', xml)
    assert len(ids) == 2, ids  # the Response's, then the Assertion's
    xml = xml.replace(ids[0], "__RESPONSE_ID__").replace(ids[1], "__ASSERTION_ID__")
    tpl = os.path.join(workdir, "sso-template.xml")
    with open(tpl, "w") as f:
        f.write(xml)
    return {"conn": conn["id"], "acs": urlsplit(acs).path, "app": app, "template": tpl,
            "idp_sso": idp.sso_url}


def start_sign_ins(port, s, n, threads=4):
    """n sign-ins started through /oauth2/authorize and /sso/start, each in its own
    browser: [(rid, relay, email, cookie, state, areq)]."""
    def work(k):
        h = Http(port)
        out = []
        for i in range(k, n, threads):
            email = f"u{i % USERS}@{DOMAIN}"
            q = {"response_type": "code", "client_id": s["app"]["client_id"],
                 "redirect_uri": APP_CB, "scope": "openid email profile", "state": f"s{i}",
                 "nonce": f"n{i}", "code_challenge": CHALLENGE, "code_challenge_method": "S256",
                 "login_hint": email}
            rid, relay, cookie, areq = to_idp(h, f"/oauth2/authorize?{urlencode(q)}",
                                              s["idp_sso"])
            out.append((rid, relay, email, cookie, f"s{i}", areq))
        return out
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        out = [x for part in ex.map(work, range(threads)) for x in part]
    return sorted(out, key=lambda x: int(x[4][1:]))  # in i order: u0, u1, ... first


def warm_up(port, acs_path, lines, threads=CONC):
    """Each person's first sign-in, untimed (creates the user and the membership), so
    the timed run measures returning people, as a running system mostly sees."""
    def work(k):
        h = Http(port)
        for line in lines[k::threads]:
            form, cookie, _state, _areq = line.split("\t")
            h.c.request("POST", acs_path, body=form.encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
            r = h.c.getresponse()
            r.read()
            loc = urlsplit(r.getheader("Location") or "")
            if r.status != 303:
                raise RuntimeError(f"warm-up ACS -> {r.status}")
            h.c.request("GET", f"{loc.path}?{loc.query}", headers={"Cookie": f"gh_sso={cookie}"})
            r = h.c.getresponse()
            r.read()
            if r.status != 302:
                raise RuntimeError(f"warm-up /sso/finish -> {r.status}")
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        list(ex.map(work, range(threads)))


def wrk(port, path, mode, file, arg, duration):
    os.sync()  # the preparation's dirty pages go to disk before the timed run
    threads = 2
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{CONC}", f"-d{duration}s", "--timeout", "10s",
                          "--latency", "-s", LUA, f"http://127.0.0.1:{port}{path}", "--", mode,
                          file, str(threads), arg],
                         capture_output=True, text=True, timeout=duration + 120)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            d = json.loads(line[len("BENCH_JSON "):])
            d["rate"] = d["good"] / (d["elapsed_us"] / 1e6) if d["elapsed_us"] else 0.0
            return d
    raise RuntimeError(f"wrk printed no result: {out.stdout}\n{out.stderr}")


def cpu_s(pid):
    """User + system CPU seconds the process used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_sign_in(r, prefix):
    """A complete sign-in is two requests (ACS POST, then /sso/finish): its latency and the
    rate come from the times sso_wrk.lua wrote (ACS POST sent -> code received)."""
    lat, first, last = [], None, 0
    for i in range(1, 3):
        try:
            with open(f"{prefix}.{i}.lat") as f:
                for line in f:
                    kind, *v = line.split()
                    if kind == "S":
                        first = int(v[0]) if first is None else min(first, int(v[0]))
                    else:
                        lat.append(int(v[0]))
                        last = max(last, int(v[1]))
        except FileNotFoundError:
            pass
    lat.sort()
    if lat and first is not None and last > first:
        r["rate"] = len(lat) / ((last - first) / 1e6)
        r["p50_us"] = lat[len(lat) // 2]
        r["p99_us"] = lat[min(len(lat) - 1, int(len(lat) * 0.99))]


def count(db_url, table):
    return int(sql(db_url, f"SELECT COUNT(*) FROM {table}")[0][0])


def run_backend(name, port, key, db_url, workdir, duration, pid=None):
    s = setup(port, key, db_url, workdir)
    n = USERS + RATE_CAP * duration  # the first USERS sign-ins warm up (first sign-ins)
    t0 = time.monotonic()
    started = start_sign_ins(port, s, n)
    log(f"{name}: {n} sign-ins started in {time.monotonic() - t0:.1f} s")
    jobs = "".join(f"{x[0]} {x[1]} {x[2]}\n" for x in started)
    forms = os.path.join(workdir, "sso-forms.txt")
    t0 = time.monotonic()
    signed = subprocess.run([SIGNER, IDP_KEY, s["template"]], input=jobs.encode(),
                            stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    lines = [f"{form}\t{x[3]}\t{x[4]}\t{x[5]}" for form, x in zip(signed, started)]
    with open(forms, "w") as f:
        f.write("\n".join(lines[USERS:]) + "\n")
    log(f"{name}: {n} responses signed in {time.monotonic() - t0:.1f} s")
    t0 = time.monotonic()
    warm_up(port, s["acs"], lines[:USERS])
    log(f"{name}: {USERS} first sign-ins (JIT provisioning) in {time.monotonic() - t0:.1f} s")
    codes = os.path.join(workdir, "sso-codes")
    before = {t: count(db_url, t) for t in ("users", "sessions", "oauth_codes")}
    perf = None
    if os.environ.get("SSO_BENCH_PERF") and pid:  # a profile of the server during the ACS run
        perf = subprocess.Popen(["perf", "record", "-g", "-p", str(pid), "-o",
                                 os.environ["SSO_BENCH_PERF"]], stderr=subprocess.DEVNULL)
    cpu0 = cpu_s(pid) if pid else 0
    acs = wrk(port, f"/saml/{s['conn']}/acs", "acs", forms, codes, duration)
    acs["cpu_us"] = (cpu_s(pid) - cpu0) * 1e6 / max(acs["good"], 1) if pid else 0
    per_sign_in(acs, codes)
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    after = {t: count(db_url, t) for t in ("users", "sessions", "oauth_codes")}
    log(f"{name}: ACS c={CONC}: {acs['rate']:.0f}/s p50 {acs['p50_us'] / 1000:.2f} ms "
        f"p99 {acs['p99_us'] / 1000:.2f} ms, {acs['good']} sign-ins, {acs['bad']} refused, "
        f"{acs['socket_errors']} socket errors, server CPU {acs['cpu_us']:.0f} us per sign-in; rows added {json.dumps({k: after[k] - before[k] for k in after})}")
    code_file = os.path.join(workdir, "sso-codes.txt")
    with open(code_file, "w") as out:
        for i in range(1, 3):
            if os.path.exists(f"{codes}.{i}"):
                with open(f"{codes}.{i}") as f:
                    out.write(f.read())
    app = s["app"]
    arg = f"{app['client_id']}:{app['client_secret']}:{APP_CB}:{VERIFIER}"
    cpu0 = cpu_s(pid) if pid else 0
    tok = wrk(port, "/oauth2/token", "token", code_file, arg, max(2, duration // 2))
    tok["cpu_us"] = (cpu_s(pid) - cpu0) * 1e6 / max(tok["good"], 1) if pid else 0
    log(f"{name}: token c={CONC}: {tok['rate']:.0f}/s p50 {tok['p50_us'] / 1000:.2f} ms "
        f"p99 {tok['p99_us'] / 1000:.2f} ms, {tok['good']} exchanges, {tok['bad']} refused, "
        f"server CPU {tok['cpu_us']:.0f} us per exchange")
    rows = []
    for op, r, target in (("SAML sign-in (ACS POST → /sso/finish → 302 with code)", acs,
                           (f"≥ {TARGET_ACS:,}/s, p99 ≤ {TARGET_ACS_P99_MS:.0f} ms",
                            lambda x: x["rps"] >= TARGET_ACS and x["p99"] <= TARGET_ACS_P99_MS)),
                          ("token exchange (code + PKCE)", tok, None)):
        row = {"backend": name, "op": op, "c": CONC, "rps": r["rate"], "p50": r["p50_us"] / 1000,
               "p99": r["p99_us"] / 1000, "errors": r["bad"] + r["socket_errors"],
               "requests": r["good"]}
        if target and name == "sqlite":
            row["target"] = (target[0], target[1](row))
        rows.append(row)
    return rows


def bench_on(name, db_url, workdir, duration=5):
    """Starts gatehouse on db_url (an empty database), runs the SSO rows, stops it."""
    if not os.access(SIGNER, os.X_OK):
        raise RuntimeError(f"{SIGNER} missing: make {os.path.relpath(SIGNER, ROOT)}")
    key = "sk_bench_" + secrets.token_hex(16)
    p, port = start(db_url, workdir, key)
    try:
        return run_backend(name, port, key, db_url, workdir, duration, p.pid)
    finally:
        stop(p)


NOTES = ("- SSO rows (bench/sso_bench.py): a fresh database; an organization with a verified "
         "domain, an active SAML connection (pysaml2 IdP metadata, the TEST-ONLY IdP key of "
         "test/fixtures/saml/keys pinned), an OAuth application. Each sign-in is started "
         "beforehand through GET /oauth2/authorize and /sso/start (the server stores the "
         "authorization request and the AuthnRequest ID); bench/saml_sign.c then signs one "
         f"Response per sign-in (assertion signed, RSA-SHA256, unique IDs; {USERS:,} people, each "
         "signed in once, untimed, before the run: the rows measure returning people; the log "
         "gives the time of those first sign-ins with JIT provisioning). The ACS row counts a complete sign-in: the POST "
         "to the ACS, its 303 to /sso/finish followed with the binding cookie of the browser "
         "that started it, and the 302 to the app with a code (latency: POST sent to code "
         "received); the token row exchanges those codes (PKCE S256, "
         "client_secret_basic) right after. Each prepared item is used once; the rate runs from "
         "the first request to the last answer.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--backends", default="sqlite")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit(f"no {BIN}: make first")
    rows = []
    work = tempfile.mkdtemp(prefix="gh-sso-bench.")
    os.chmod(work, 0o711)
    pg_dir = None
    try:
        for b in a.backends.split(","):
            d = os.path.join(work, b)
            os.mkdir(d)
            if b == "sqlite":
                db_url = "sqlite:" + os.path.join(d, "sso.db")
            else:
                pg_dir = os.path.join(work, "pg")
                dsn = subprocess.run(["sh", PG_SH, "start", pg_dir], capture_output=True, text=True,
                                     check=True, timeout=120).stdout.strip().splitlines()[-1]
                db_url = subprocess.run(["sh", PG_SH, "createdb", dsn, "sso_bench"],
                                        capture_output=True, text=True, check=True,
                                        timeout=120).stdout.strip().splitlines()[-1]
            rows += bench_on(b, db_url, d, a.duration)
    finally:
        for p in list(_procs):
            stop(p)
        if pg_dir:
            subprocess.run(["sh", PG_SH, "stop", pg_dir], capture_output=True, timeout=120)
        if a.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for r in rows:
        t = r.get("target")
        print(f"| {r['backend']} | {r['op']} | {r['c']} | {r['rps']:,.0f} | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {r['errors']} | {t[0] if t else ''} | "
              f"{('yes' if t[1] else '**no**') if t else ''} |")


if __name__ == "__main__":
    main()
