# SPDX-License-Identifier: Apache-2.0
"""A real OpenID Provider (npm oidc-provider, test/e2e/idp/oidc/provider.js)
on a loopback port, and a browser-like walk through a sign-in.

    idp = OidcIdp(workdir, account={...}, path="/TENANT/v2.0").start()
    OidcIdp(workdir, account, port=P, clients=[{client_id, client_secret,
            redirect_uris}])   # the same issuer again: new signing keys
    client_id, secret = idp.register(redirect_uri)
    idp.set_account({"sub": ..., "email": ..., ...})   # who the next login is
    idp.stop()

Logins and consents are granted without a page; use a fresh browser() per
sign-in, or the IdP session remembers the previous account."""

import json
import os
import shutil
import subprocess
import time

import requests

from .net import free_port

IDP_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "idp", "oidc")


def ensure_installed():
    """Runs npm ci once when node_modules is missing; returns a reason to skip, or None."""
    if not shutil.which("node"):
        return "node is not installed"
    if os.path.isdir(os.path.join(IDP_DIR, "node_modules", "oidc-provider")):
        return None
    if not shutil.which("npm"):
        return "npm is not installed (tools/install-deps.sh --test runs npm ci)"
    out = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=IDP_DIR,
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        return f"npm ci failed: {out.stderr[-500:]}"
    return None


def browser():
    """A requests.Session like a browser: cookies, no proxies."""
    s = requests.Session()
    s.trust_env = False
    return s


class OidcIdp:
    def __init__(self, workdir, account, path="", port=None, clients=()):
        self.dir = str(workdir)
        self.port = port or free_port()
        self.clients = list(clients)
        self.issuer = f"http://127.0.0.1:{self.port}{path}"
        self.account = account
        self.proc = None
        self.log_path = os.path.join(self.dir, f"oidc-idp-{self.port}.log")

    def start(self, timeout=15):
        os.makedirs(self.dir, exist_ok=True)
        cfg = os.path.join(self.dir, f"oidc-idp-{self.port}.json")
        with open(cfg, "w") as f:
            json.dump({"port": self.port, "issuer": self.issuer, "account": self.account,
                       "clients": self.clients}, f)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(["node", os.path.join(IDP_DIR, "provider.js"), cfg],
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self.log()}")
            try:
                if browser().get(f"http://127.0.0.1:{self.port}/_test/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oidc-provider did not start: {self.log()}")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def register(self, redirect_uri):
        """Registers a confidential client (RFC 7591); returns (client_id, client_secret)."""
        r = browser().post(f"{self.issuer}/reg", timeout=10, json={
            "redirect_uris": [redirect_uri], "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code"], "response_types": ["code"]})
        assert r.status_code == 201, r.text
        return r.json()["client_id"], r.json()["client_secret"]

    def set_account(self, claims):
        r = browser().post(f"http://127.0.0.1:{self.port}/_test/account", json=claims, timeout=10)
        assert r.ok, r.text
