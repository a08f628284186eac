# SPDX-License-Identifier: Apache-2.0
"""Helpers the scenario tests share: creating objects through the API, walking
lists, reading and writing the database directly (for rows no API creates
yet), Standard Webhooks signature checks and `gatehouse` CLI runs."""

import base64
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import subprocess
import time
import uuid

PG_PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")
if not os.path.exists(PG_PSQL):
    PG_PSQL = "psql"

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


# -- ids ---------------------------------------------------------------------------------

def new_id(prefix, at_ms=None):
    """An id shaped like the server's (prefix_ + 10 time characters + 16 random
    ones), for rows the tests insert directly."""
    ms = int(time.time() * 1000) if at_ms is None else at_ms
    t = "".join(_ALPHABET[(ms >> (5 * i)) & 31] for i in range(9, -1, -1))
    r = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return f"{prefix}_{t}{r}"


def unique(prefix="t"):
    """A short unique token for names and slugs."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


# -- the API -----------------------------------------------------------------------------

def create_org(gh, name=None, **fields):
    body = {"name": name or unique("Org ")}
    body.update(fields)
    r = gh.api.post("/v1/organizations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def add_domain(gh, org_id, name, **fields):
    r = gh.api.post(f"/v1/organizations/{org_id}/domains", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def create_endpoint(gh, url, **fields):
    r = gh.api.post("/v1/webhook_endpoints", json={"url": url, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def list_all(gh, path, limit=100, params=None):
    """Every item of a list endpoint, following starting_after."""
    out, after = [], None
    for _ in range(1000):
        q = dict(params or {}, limit=limit)
        if after:
            q["starting_after"] = after
        r = gh.api.get(path, params=q)
        assert r.status_code == 200, r.text
        page = r.json()["data"]
        out.extend(page)
        if not page or not r.json().get("has_more"):
            return out
        after = page[-1]["id"]
    raise AssertionError(f"{path}: more than 1000 pages")


def audit_events(gh, **filters):
    return list_all(gh, "/v1/audit_events", limit=500, params=filters)


def users_api_served(gh):
    """True once the users branch is merged (/v1/users exists)."""
    r = gh.api.get("/v1/users")
    if r.status_code == 404 and r.headers.get("Content-Type", "").startswith("application/problem+json"):
        return r.json().get("code") != "route_not_found"
    return True


# -- the database ------------------------------------------------------------------------

def lit(v):
    """An SQL literal (the tests build statements for both backends by hand)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def sql(gh, statement):
    """Runs one SQL statement on gh's database; returns the rows as tuples of
    strings (None for NULL)."""
    url = gh.db_url
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):], timeout=15, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout = 15000")
            cur = con.execute(statement)
            rows = cur.fetchall()
            return [tuple(None if c is None else str(c) for c in row) for row in rows]
        finally:
            con.close()
    out = subprocess.run([PG_PSQL, "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
                          "-P", "null=\x1e", "-d", url, "-c", statement], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"psql failed: {out.stderr}"
    return [tuple(None if c == "\x1e" else c for c in line.split("\x1f"))
            for line in out.stdout.split("\n") if line != ""]


def count_rows(gh, table, where="1=1"):
    return int(sql(gh, f"SELECT COUNT(*) FROM {table} WHERE {where}")[0][0])


TABLES = ("organizations", "domains", "webhook_endpoints", "audit_events", "events",
          "webhook_deliveries", "sessions", "api_keys")


def snapshot(gh):
    """Row counts of every table a write could touch, plus the newest audit
    row and organization/domain/endpoint update times: equal snapshots mean
    nothing was written."""
    snap = {t: count_rows(gh, t) for t in TABLES}
    snap["max_updated"] = tuple(sql(gh, f"SELECT MAX(updated_at) FROM {t}")[0][0]
                                for t in ("organizations", "domains", "webhook_endpoints"))
    snap["last_audit"] = sql(gh, "SELECT MAX(id) FROM audit_events")[0][0]
    return snap


def insert_user(gh, email=None):
    """A users row (and its primary email) written directly: sign-in and
    /v1/users do not exist in every build."""
    uid = new_id("user")
    now = int(time.time())
    sql(gh, "INSERT INTO users (id, first_name, last_name, created_at, updated_at) VALUES "
            f"({lit(uid)}, 'Test', 'User', {now}, {now})")
    email = email or f"{unique('u')}@example.test"
    sql(gh, "INSERT INTO user_emails (email_norm, email, user_id, is_primary, position, created_at) "
            f"VALUES ({lit(email.lower())}, {lit(email)}, {lit(uid)}, 1, 0, {now})")
    return uid


def insert_session(gh, user_id, expires_in=3600, status="active", org_id=None, created_ago=60):
    """A sessions row as sign-in would write it; expires_in < 0 makes one
    that is past its expiry (listed as expired)."""
    sid = new_id("sess")
    now = int(time.time())
    revoked = now if status == "revoked" else None
    sql(gh, "INSERT INTO sessions (id, user_id, org_id, status, client_id, created_at, "
            "last_active_at, expires_at, revoked_at) VALUES "
            f"({lit(sid)}, {lit(user_id)}, {lit(org_id)}, {lit(status)}, 'app_test', "
            f"{now - created_ago}, {now - created_ago}, {now + expires_in}, {lit(revoked)})")
    return sid


# -- Standard Webhooks ---------------------------------------------------------------------

def expected_signature(secret, msg_id, timestamp, body):
    """v1,<base64 HMAC-SHA256 over "id.timestamp.body"> with the key that is
    base64-encoded after whsec_ (https://www.standardwebhooks.com/)."""
    assert secret.startswith("whsec_"), secret
    key = base64.b64decode(secret[len("whsec_"):], validate=True)
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify_webhook(secret, req, tolerance_s=300):
    """Checks one received request as a Standard Webhooks consumer would and
    returns its JSON body. Raises AssertionError with the reason otherwise."""
    msg_id = req.headers.get("webhook-id")
    ts = req.headers.get("webhook-timestamp")
    sigs = req.headers.get("webhook-signature")
    assert msg_id and ts and sigs, f"missing webhook-* headers: {dict(req.headers)}"
    assert ts.isdigit(), ts
    assert abs(int(ts) - time.time()) <= tolerance_s, f"timestamp {ts} is not now"
    want = expected_signature(secret, msg_id, ts, req.body)
    # the header may hold several space-separated signatures
    assert any(hmac.compare_digest(s, want) for s in sigs.split()), \
        f"no valid signature in {sigs!r} (want {want})"
    body = json.loads(req.body)
    assert set(body) == {"id", "type", "created_at", "data"}, body
    assert body["id"] == msg_id, (body["id"], msg_id)
    return body


# -- the CLI -------------------------------------------------------------------------------

def cli(gh, *args, timeout=60, env=None, database=True):
    """Runs `gatehouse ARGS` with gh's binary, database and encryption key
    file; returns the CompletedProcess (text)."""
    argv = [gh.binary, *args]
    if database:
        argv += ["--database", gh.db_url, "--encryption-key-file", gh.key_file,
                 "--dns-resolver", gh.dns_address]
    e = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    e.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=e)


def revoke_new_session(gh, user_id=None):
    """Makes one session.revoked event: a session row for a (new) user,
    revoked through the API. Returns the revoked session."""
    uid = user_id or insert_user(gh)
    sid = insert_session(gh, uid)
    r = gh.api.post(f"/v1/sessions/{sid}/revoke")
    assert r.status_code == 200, r.text
    return r.json()


def deliveries(gh, endpoint_id):
    """The endpoint's delivery log, every page."""
    return list_all(gh, f"/v1/webhook_endpoints/{endpoint_id}/deliveries", limit=100)


class SoftChecks:
    """Runs many small cases in one test (one server start) and reports every
    failing case at the end, not only the first:

        soft = SoftChecks()
        for case in CASES:
            with soft.check(case):
                ...asserts...
        soft.done()
    """

    def __init__(self):
        self.failures = []

    def check(self, label):
        outer = self

        class _Ctx:
            def __enter__(self):
                return self

            def __exit__(self, kind, exc, tb):
                if kind is not None and issubclass(kind, AssertionError):
                    outer.failures.append(f"{label!r}: {exc}")
                    return True
                return False
        return _Ctx()

    def done(self):
        assert not self.failures, f"{len(self.failures)} case(s) failed:\n" + "\n".join(self.failures)
