# SPDX-License-Identifier: Apache-2.0
"""One `gatehouse serve` process under test: start, stop, kill -9, restart,
its stderr, and a requests session for the Backend API."""

import os
import re
import signal
import subprocess
import time

import requests

from .net import free_port

START_TIMEOUT = float(os.environ.get("GATEHOUSE_TEST_START_TIMEOUT", "10"))
STOP_TIMEOUT = 15.0
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "SUMMARY: UndefinedBehaviorSanitizer")
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
               "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
_LIVE = set()  # every running instance, so an aborted session can still kill them


def kill_leftovers():
    """SIGKILLs instances still running (by PID); for atexit."""
    for gh in list(_LIVE):
        gh.kill9()


class Api(requests.Session):
    """requests.Session whose paths ("/v1/...") are relative to the server's
    URL; a default timeout of 30 s; no proxies from the environment."""

    def __init__(self, gh, key):
        super().__init__()
        self.gh = gh
        self.trust_env = False
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.gh.url + url
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)


class Gatehouse:
    """Attributes: url, key (the operator secret key), api (authenticated
    session), anon (session without credentials), db_url, key_file, pid,
    name. Methods: start, stop, kill9, restart, stderr_text, tail, peer,
    migrate."""

    def __init__(self, *, binary, workdir, db_url, key_file, secret_key, dns_address,
                 extra_args=(), env=None, name="gatehouse", factory=None):
        self.binary = binary
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.db_url = db_url
        self.key_file = key_file
        self.key = secret_key
        self.dns_address = dns_address
        self.extra_args = list(extra_args)
        self.extra_env = dict(env or {})
        self.name = name
        self._factory = factory
        self.port = None
        self.proc = None
        self.runs = []  # [(stderr path, exit code or None, how it ended)]
        self.api = Api(self, secret_key)
        self.anon = Api(self, None)

    # -- addresses --------------------------------------------------------------------
    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def env(self):
        # No proxies, and no GATEHOUSE_* settings from the caller's environment
        # (the server reads them): only what this instance is given; except
        # the test-only GATEHOUSE_TEST_RERUN_WRITES (store/db.c), passed through.
        e = {k: v for k, v in os.environ.items()
             if k not in _PROXY_VARS and (not k.startswith("GATEHOUSE_")
                                          or k == "GATEHOUSE_TEST_RERUN_WRITES")}
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
        e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        e["GATEHOUSE_SECRET_KEY"] = self.key
        e["TZ"] = "UTC"
        e.update(self.extra_env)
        return e

    def argv(self):
        return [self.binary, "serve",
                "--listen", f"127.0.0.1:{self.port}",
                "--database", self.db_url,
                "--public-url", self.url,
                "--dns-resolver", self.dns_address,
                "--allow-loopback-targets",
                "--encryption-key-file", self.key_file,
                "--log-format", "logfmt", *self.extra_args]

    # -- lifecycle ----------------------------------------------------------------------
    def migrate(self):
        """Runs `gatehouse migrate` on this instance's database; returns the
        CompletedProcess (stdout/stderr as text)."""
        return subprocess.run([self.binary, "migrate", "--database", self.db_url],
                              env=self.env(), capture_output=True, text=True, timeout=60)

    def start(self):
        assert self.proc is None, f"{self.name} is already running"
        for _ in range(3):
            if self.port is None:
                self.port = free_port()
            path = os.path.join(self.dir, f"stderr.{len(self.runs) + 1}.log")
            with open(path, "wb") as err, open(os.path.join(self.dir, "stdout.log"), "ab") as out:
                self.proc = subprocess.Popen(self.argv(), env=self.env(), stdin=subprocess.DEVNULL,
                                             stdout=out, stderr=err, cwd=self.dir, start_new_session=True)
            self.runs.append([path, None, "running"])
            _LIVE.add(self)
            if self._wait_healthy():
                return self
            rc = self.proc.poll()
            if rc is not None and re.search(r"in use|EADDRINUSE", self.stderr_text()):
                self._reaped(rc, "exited at start (port in use)")
                self.port = None  # somebody took the port: try another
                continue
            self.kill9()
            what = (f"exited with code {rc} during start-up" if rc is not None
                    else f"did not answer GET /healthz with 200 within {START_TIMEOUT:g}s")
            raise RuntimeError(f"{self.name} {what}; command: {' '.join(self.argv())}\n"
                               f"--- stderr (last 50 lines) ---\n{self.tail(50)}")
        raise RuntimeError(f"{self.name}: no free port after 3 attempts")

    def _wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = self.anon.get("/healthz", timeout=1)
                # another test's server may hold the port our process failed to bind
                if r.status_code == 200 and self._owns_port():
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.05)
        return False

    def _owns_port(self):
        """True when the socket listening on self.port belongs to our process (Linux
        /proc): a 200 from /healthz alone may come from another server."""
        want = f"{self.port:04X}"
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    for line in f.readlines()[1:]:
                        cols = line.split()
                        if cols[1].rsplit(":", 1)[1] == want and cols[3] == "0A":
                            inodes.add(cols[9])
            except OSError:
                return True  # no /proc: cannot tell, trust the answer
        fd_dir = f"/proc/{self.proc.pid}/fd"
        try:
            for fd in os.listdir(fd_dir):
                try:
                    link = os.readlink(os.path.join(fd_dir, fd))
                except OSError:
                    continue
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return True
        except OSError:
            return False
        return False

    def _reaped(self, rc, how):
        self.runs[-1][1] = rc
        self.runs[-1][2] = how
        self.proc = None
        _LIVE.discard(self)

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait up to timeout seconds, return the exit code. If it
        does not exit in time: SIGKILL and AssertionError."""
        if self.proc is None:
            return self.runs[-1][1] if self.runs else None
        rc = self.proc.poll()
        if rc is not None:
            self._reaped(rc, "exited before SIGTERM")
            return rc
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            self._reaped(rc, f"SIGKILLed: still running {timeout:g}s after SIGTERM")
            raise AssertionError(f"{self.name} did not exit within {timeout:g}s of SIGTERM")
        self._reaped(rc, "SIGTERM")
        return rc

    def kill9(self):
        """SIGKILL (a crash as far as the database is concerned)."""
        if self.proc is None:
            return
        self.proc.kill()
        self._reaped(self.proc.wait(), "SIGKILL")

    def restart(self):
        """Stops (SIGTERM, expecting exit code 0) and starts again on the same
        database, key file and, when still free, the same port. After kill9()
        it only starts."""
        if self.proc is not None:
            rc = self.stop()
            assert rc == 0, f"{self.name} exited with {rc} on SIGTERM\n{self.tail(50)}"
        return self.start()

    def peer(self, **kw):
        """Another gatehouse process on the same database, encryption key and
        secret key, on its own port (for multi-node tests)."""
        kw.setdefault("db_url", self.db_url)
        kw.setdefault("key_file", self.key_file)
        kw.setdefault("secret_key", self.key)
        return self._factory(**kw)

    # -- output ------------------------------------------------------------------------
    def stderr_text(self, all_runs=False):
        """stderr of the current (or last) run; of every run with all_runs."""
        paths = [r[0] for r in self.runs] if all_runs else [r[0] for r in self.runs[-1:]]
        out = []
        for p in paths:
            with open(p, encoding="utf-8", errors="replace") as f:
                out.append(f.read())
        return "".join(out)

    def tail(self, n=50):
        lines = self.stderr_text().splitlines()
        return "\n".join(lines[-n:]) if lines else "(stderr is empty)"

    def problems(self):
        """What the teardown objects to: a SIGTERM exit code other than 0, a
        process that had to be killed, sanitizer reports in any run's stderr."""
        found = []
        for i, (path, rc, how) in enumerate(self.runs, 1):
            if how == "SIGTERM" and rc != 0:
                found.append(f"{self.name} run {i}: exit code {rc} after SIGTERM (want 0)")
            elif how.startswith("SIGKILLed") or how == "exited before SIGTERM":
                found.append(f"{self.name} run {i}: {how} (exit code {rc})")
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for marker in SANITIZER_MARKERS:
                if marker in text:
                    found.append(f"{self.name} run {i}: stderr contains {marker!r}")
        return found
