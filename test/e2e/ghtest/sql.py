# SPDX-License-Identifier: Apache-2.0
"""Direct access to a gatehouse instance's database, for what the API does not
expose (yet): seeding rows another subsystem would write (sessions, mapped
roles) and reading the webhook outbox. Works on both backends: sqlite3 for
"sqlite:PATH", psql for "postgres://...".

Statements take no parameters: tests build them from ids and literals they
made themselves; lit() quotes a string literal."""

import json
import shutil
import sqlite3
import subprocess

_SEP = "\x1f"


def lit(value):
    """A SQL literal for value (None, int or str)."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _psql():
    for p in ("/usr/lib/postgresql/15/bin/psql", shutil.which("psql")):
        if p:
            return p
    raise RuntimeError("psql not found")


def query(gh, sql):
    """Runs one statement on gh's database; returns the rows as tuples of
    strings (None for NULL on SQLite, '' on PostgreSQL)."""
    if gh.db_url.startswith("sqlite:"):
        con = sqlite3.connect(gh.db_url[len("sqlite:"):], timeout=10)
        try:
            rows = con.execute(sql).fetchall()
            con.commit()
        finally:
            con.close()
        return [tuple(None if v is None else str(v) for v in r) for r in rows]
    out = subprocess.run([_psql(), "-X", "-q", "-A", "-t", "-F", _SEP, "-v", "ON_ERROR_STOP=1",
                          "-d", gh.db_url, "-c", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()}\nSQL: {sql}")
    return [tuple(line.split(_SEP)) for line in out.stdout.splitlines() if line]


def events(gh, type_prefix=""):
    """The outbox events whose type starts with type_prefix, as
    [(type, data dict)], oldest first (ids sort by creation time). Only events
    some enabled endpoint wants are stored: use the `outbox` fixture first."""
    rows = query(gh, "SELECT type, data FROM events WHERE type LIKE "
                     f"{lit(type_prefix + '%')} ORDER BY id")
    return [(t, json.loads(d)) for t, d in rows]


def insert_session(gh, sess_id, user_id, status="active", now=None):
    """A session row as sign-in writes it, started at now (default: now), valid a day."""
    if now is None:
        import time
        now = int(time.time())
    query(gh, "INSERT INTO sessions (id, user_id, status, created_at, last_active_at, expires_at) "
              f"VALUES ({lit(sess_id)}, {lit(user_id)}, {lit(status)}, {now}, {now}, {now + 86400})")
