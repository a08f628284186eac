# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the end-to-end suite. Run with /usr/bin/python3 -m pytest (Debian's
pytest and requests; the python3 on PATH may be another interpreter).

Environment:
  GATEHOUSE_BIN           the binary under test (default: build/san/bin/gatehouse,
                          else build/bin/gatehouse)
  GATEHOUSE_TEST_BACKEND  sqlite (default) | postgres
  TEST_PG_DSN             admin DSN of a private PostgreSQL (test/pg.sh start); with
                          the postgres backend and no DSN, the session starts its own

Fixtures: gatehouse, gatehouse_factory, dns, webhook_receiver, backend, pg_admin_dsn.
Markers: @pytest.mark.backends("postgres") runs a test on those backends only.
"""

import atexit
import os
import secrets
import shutil
import signal
import subprocess
import tempfile

import pytest

from ghtest.dnsmasq import DnsServer
from ghtest.gatehouse import Gatehouse, kill_leftovers
from ghtest.webhooks import WebhookReceiver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_SH = os.path.join(ROOT, "test", "pg.sh")
BACKENDS = ("sqlite", "postgres")

atexit.register(kill_leftovers)


def _terminated(signum, frame):
    # SIGTERM (timeout, a stopped CI run) unwinds like Ctrl-C, so fixtures stop
    # their servers instead of leaving them running.
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _terminated)


def _default_bin():
    for rel in ("build/san/bin/gatehouse", "build/bin/gatehouse"):
        p = os.path.join(ROOT, rel)
        if os.path.exists(p):
            return p
    return os.path.join(ROOT, "build/san/bin/gatehouse")


def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run only on these database backends")


def pytest_report_header(config):
    return [f"gatehouse: {os.environ.get('GATEHOUSE_BIN') or _default_bin()}",
            f"backend: {os.environ.get('GATEHOUSE_TEST_BACKEND', 'sqlite')}"]


def pytest_runtest_setup(item):
    m = item.get_closest_marker("backends")
    backend = os.environ.get("GATEHOUSE_TEST_BACKEND", "sqlite")
    if m and backend not in m.args:
        pytest.skip(f"runs on {', '.join(m.args)} only (this run: {backend})")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On any failure, attach the last 50 lines of each server's stderr (and
    the DNS queries the test caused) to the report."""
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    for gh in getattr(item, "_gatehouses", []):
        if gh.runs:
            rep.sections.append((f"{gh.name} stderr, last 50 lines ({gh.url})", gh.tail(50)))
    dns = getattr(item, "_dns", None)
    if dns is not None:
        lines = dns[0].queries_since(dns[1])[-30:]
        if lines:
            rep.sections.append(("DNS queries during the test, last 30", "\n".join(lines)))


# -- session-wide services ---------------------------------------------------------------

@pytest.fixture(scope="session")
def backend():
    b = os.environ.get("GATEHOUSE_TEST_BACKEND", "sqlite")
    if b not in BACKENDS:
        pytest.exit(f"GATEHOUSE_TEST_BACKEND must be one of {BACKENDS}, not {b!r}", returncode=4)
    return b


@pytest.fixture(scope="session")
def gatehouse_bin():
    path = os.environ.get("GATEHOUSE_BIN") or _default_bin()
    if not os.access(path, os.X_OK):
        pytest.fail(f"no gatehouse binary at {path} (make, or set GATEHOUSE_BIN)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def pg_admin_dsn(backend):
    """TEST_PG_DSN, or a private server started for this session."""
    if backend != "postgres":
        yield None
        return
    dsn = os.environ.get("TEST_PG_DSN")
    if dsn:
        yield dsn
        return
    # pg.sh runs the server as user postgres, so the directory must be reachable.
    d = tempfile.mkdtemp(prefix="gatehouse-pg.")
    os.chmod(d, 0o711)
    try:
        out = subprocess.run(["sh", PG_SH, "start", os.path.join(d, "pg")],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            pytest.fail(f"could not start PostgreSQL: {out.stderr}", pytrace=False)
        yield out.stdout.strip()
    finally:
        subprocess.run(["sh", PG_SH, "stop", os.path.join(d, "pg")], capture_output=True, timeout=120)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def _dns_server(tmp_path_factory):
    server = DnsServer(tmp_path_factory.mktemp("dnsmasq")).start()
    yield server
    server.stop()


@pytest.fixture
def dns(_dns_server, request):
    """The session's dnsmasq (see ghtest/dnsmasq.py); records a test sets are
    forgotten after it."""
    request.node._dns = (_dns_server, _dns_server.log_size())
    yield _dns_server
    _dns_server.reset()


@pytest.fixture
def webhook_receiver():
    r = WebhookReceiver()
    yield r
    r.close()


@pytest.fixture
def outbox(gatehouse, webhook_receiver):
    """A catch-all webhook endpoint on `gatehouse`. Events are stored only when an
    enabled endpoint wants them (deliveries are their only readers), so a test that
    reads the events table (ghtest.sql.events) subscribes first."""
    r = gatehouse.api.post("/v1/webhook_endpoints", json={"url": webhook_receiver.url + "/outbox"})
    assert r.status_code == 201, r.text
    return r.json()


# -- gatehouse ---------------------------------------------------------------------------

def _pg(*args):
    out = subprocess.run(["sh", PG_SH, *args], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"pg.sh {args[0]} failed: {out.stderr.strip()}")
    return out.stdout.strip()


@pytest.fixture
def gatehouse_factory(request, tmp_path, backend, gatehouse_bin, pg_admin_dsn, _dns_server):
    """make(**kw) starts a gatehouse and returns it (see ghtest/gatehouse.py).
    Keywords: db_url, key_file, secret_key (default: a fresh database, key
    file path and sk_test_ key), extra_args, env, start=True, name.
    Teardown stops every instance with SIGTERM, fails the test on an exit code
    other than 0 or on sanitizer output, then drops the databases it made."""
    instances = []
    databases = []
    request.node._gatehouses = instances

    def new_db_url():
        if backend == "sqlite":
            return "sqlite:" + str(tmp_path / f"gatehouse-{len(databases) + 1}.db")
        # one schema per test in the shared database (see pg.sh createschema)
        name = "gh_" + secrets.token_hex(6)
        url = _pg("createschema", pg_admin_dsn, name)
        databases.append(name)
        return url

    def make(*, db_url=None, key_file=None, secret_key=None, extra_args=(), env=None,
             start=True, name=None):
        n = len(instances) + 1
        name = name or ("gatehouse" if n == 1 else f"gatehouse-{n}")
        workdir = tmp_path / name
        workdir.mkdir()
        if key_file is None:
            # A path in a fresh directory: the server creates the key on first start.
            key_file = str(workdir / "encryption.key")
        gh = Gatehouse(binary=gatehouse_bin, workdir=workdir, db_url=db_url or new_db_url(),
                       key_file=key_file, secret_key=secret_key or "sk_test_" + secrets.token_hex(16),
                       dns_address=_dns_server.address, extra_args=extra_args, env=env,
                       name=name, factory=make)
        instances.append(gh)
        if start:
            gh.start()
        return gh

    yield make

    problems = []
    for gh in reversed(instances):
        try:
            gh.stop()
        except AssertionError as e:
            problems.append(str(e))
        problems.extend(gh.problems())
    for name in databases:
        try:
            _pg("dropschema", pg_admin_dsn, name)
        except RuntimeError as e:
            problems.append(str(e))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def gatehouse(gatehouse_factory, dns):
    """A running gatehouse on a fresh database (the dns fixture comes along so
    records can be set and are reset afterwards)."""
    return gatehouse_factory()


# -- real browser ------------------------------------------------------------------------

@pytest.fixture
def browser(request, tmp_path):
    """Headless Chromium (see ghtest/browser.py); screenshots go to
    build/screenshots/<test name>/. Skips when Chromium is not installed."""
    from ghtest import browser as b
    why = b.available()
    if why:
        pytest.skip(why)
    br = b.Browser(request.node.name, str(tmp_path / "chromium-profile"))
    yield br
    br.quit()
