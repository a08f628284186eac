# SPDX-License-Identifier: Apache-2.0
"""Helpers for gatehouse as OpenID Provider: the relying party (npm
openid-client under test/e2e/node) and the way a sign-in is completed.

complete_sign_in() is the one place that knows how a person gets from the
sign-in page back to the app. Until enterprise sign-in exists it uses the
test-only op-hook binary (build/*/test/op-hook), which calls
app_oauth_complete() on the server's database - exactly what the SAML ACS and
the OIDC callback will call. When SSO lands, replace its body with the real
path (email-first page -> IdP -> ACS/callback); the tests above it stay."""

import json
import os
import shutil
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
NODE_DIR = os.path.join(ROOT, "test", "e2e", "node")


def op_hook_path(gatehouse_bin):
    """build/X/bin/gatehouse -> build/X/test/op-hook."""
    return os.path.join(os.path.dirname(os.path.dirname(gatehouse_bin)), "test", "op-hook")


def require_op_hook(gh):
    path = op_hook_path(gh.binary)
    if not os.access(path, os.X_OK):
        pytest.skip(f"no {path}: make {os.path.relpath(path, ROOT)} (needed until SSO sign-in exists)")
    return path


def _hook(gh, *args):
    out = subprocess.run([require_op_hook(gh), "--database", gh.db_url, "--encryption-key-file",
                          gh.key_file, "--public-url", gh.url, *args],
                         env=gh.env(), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"op-hook {args[0]} failed: {out.stderr}"
    return out.stdout.strip()


def seed_user(gh, email, org_slug=None, role=None):
    """A user (and membership). Returns (user_id, org_id or None). Uses the
    hook because /v1/users lands with the users capability."""
    words = _hook(gh, "seed-user", email, *((org_slug, role) if org_slug else ())).split()
    return words[0], (words[1] if len(words) > 1 else None)


def complete_sign_in(gh, sign_in_location, user_id, org_id=None):
    """The browser stands on gatehouse's sign-in step (Location of the
    authorize redirect); the person is user_id. Returns the URL gatehouse
    sends the browser back to (the app's redirect_uri with code and state)."""
    request_id = parse_qs(urlparse(sign_in_location).query)["request"][0]
    return _hook(gh, "complete", request_id, user_id, *((org_id,) if org_id else ()))


def require_rp():
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "openid-client")):
        pytest.skip("openid-client is not installed (npm ci --prefix test/e2e/node)")


def rp(*args):
    """Runs test/e2e/node/rp.mjs; returns its stdout (JSON parsed when it is JSON)."""
    require_rp()
    out = subprocess.run(["node", os.path.join(NODE_DIR, "rp.mjs"), *args], cwd=NODE_DIR,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"rp.mjs {args[0]} failed:\n{out.stderr}"
    text = out.stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text
