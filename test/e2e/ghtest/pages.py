# SPDX-License-Identifier: Apache-2.0
"""Helpers of the page tests: an organization with self-serve SSO and an admin member,
portal links, dashboard sessions over plain HTTP (for the rules a browser test would be
slow to walk), and hostile strings for the escaping tests."""

import requests

from ghtest.api import cli, create_org, unique

# Strings that would run or inject if the pages put them into HTML unescaped.
HOSTILE = '<img src=x onerror="window.__xss=1">"\'><script>window.__xss=2</script>&amp;'


def member(gh, org_id, email, role="org:admin"):
    r = gh.api.post("/v1/users", json={"email_addresses": [email]})
    assert r.status_code == 201, r.text
    user = r.json()
    r = gh.api.post(f"/v1/organizations/{org_id}/memberships", json={"user_id": user["id"], "role": role})
    assert r.status_code == 201, r.text
    return user


def self_serve_org(gh, name=None, admin_email=None, **fields):
    """(org, admin user): self_serve_sso on, the admin holds org:admin."""
    org = create_org(gh, name=name or unique("Acme "), self_serve_sso=True, **fields)
    admin = member(gh, org["id"], admin_email or f"{unique('it')}@example.test")
    return org, admin


def portal_link(gh, org_id, user_id, return_url=None, expect=201):
    body = {"user_id": user_id}
    if return_url:
        body["return_url"] = return_url
    r = gh.api.post(f"/v1/organizations/{org_id}/portal_links", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def http_client():
    s = requests.Session()
    s.trust_env = False
    return s


def portal_session(gh, org_id, user_id):
    """A requests session holding a portal cookie, and its CSRF token."""
    s = http_client()
    link = portal_link(gh, org_id, user_id)
    r = s.get(link["url"], allow_redirects=False)
    assert r.status_code == 303, r.text
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s


def dashboard_session(gh):
    """A requests session signed in to the dashboard with the secret key, CSRF header set."""
    s = http_client()
    r = s.post(gh.url + "/dashboard/api/login", json={"secret_key": gh.key})
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s


def operator(gh, username, password):
    """Creates a dashboard operator account with the CLI (password from the environment)."""
    out = cli(gh, "operators", "create", username, env={"GATEHOUSE_OPERATOR_PASSWORD": password})
    assert out.returncode == 0, out.stderr


def dashboard_sign_in(browser, gh, path="", secret_key=None):
    """Opens /dashboard{path} and signs in with the secret key (gh's when None); waits for the
    signed-in header."""
    browser.get(gh.url + "/dashboard" + path)
    browser.fill_label("Secret key", secret_key or gh.key)
    browser.click_button("Sign in with key")
    browser.wait_text("Sign out")
