# SPDX-License-Identifier: Apache-2.0
"""The security rules of the pages, over plain HTTP (the browser tests walk the pages):
portal links (single use, expiry, only for members, only with self-serve on), the portal
session (cookie attributes, CSRF header, cross-site refusal, permission re-checked on every
request), framing, the dashboard session (secret key and operator sign-in, argon2id
accounts with lock-out, the /v1 API through the cookie only with the CSRF header, sessions
that end with their key or account), and the audit trail."""

import re

import pytest

from ghtest.api import audit_events, cli, create_org, sql, lit
from ghtest.pages import (dashboard_session, http_client, member, portal_link, portal_session,
                          self_serve_org)

PASSWORD = "correct horse battery staple"


def open_link(url):
    s = http_client()
    return s, s.get(url, allow_redirects=False)


# -- portal links ----------------------------------------------------------------------------

def test_portal_link_is_minted_only_for_members_of_a_self_serve_org(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    link = portal_link(gh, org["id"], admin["id"], return_url="https://app.example.test/settings")
    assert link["url"].startswith(gh.url + "/portal/open?token=pl_")
    assert link["expires_at"] > 0
    # by slug too
    portal_link(gh, org["slug"], admin["id"])
    outsider = gh.api.post("/v1/users", json={"email_addresses": ["out@example.test"]}).json()
    r = gh.api.post(f"/v1/organizations/{org['id']}/portal_links", json={"user_id": outsider["id"]})
    assert r.status_code == 422 and r.json()["code"] == "not_a_member", r.text
    r = gh.api.post(f"/v1/organizations/{org['id']}/portal_links", json={"user_id": "user_nope"})
    assert r.status_code == 404, r.text
    for bad in ("javascript:alert(1)", "//evil.example", "ftp://x", "https://a b", "https://x\"<"):
        r = gh.api.post(f"/v1/organizations/{org['id']}/portal_links",
                        json={"user_id": admin["id"], "return_url": bad})
        assert r.status_code == 422 and r.json()["code"] == "invalid_return_url", (bad, r.text)
    r = gh.api.post(f"/v1/organizations/{org['id']}/portal_links", json={"user_id": admin["id"], "x": 1})
    assert r.status_code == 422 and r.json()["code"] == "unknown_field", r.text
    r = gh.api.post(f"/v1/organizations/{org['id']}/portal_links", json={})
    assert r.status_code == 422, r.text
    off = create_org(gh)
    m = member(gh, off["id"], "it@off.example.test")
    r = gh.api.post(f"/v1/organizations/{off['id']}/portal_links", json={"user_id": m["id"]})
    assert r.status_code == 409 and r.json()["code"] == "self_serve_sso_disabled", r.text
    r = http_client().post(gh.url + f"/v1/organizations/{org['id']}/portal_links",
                           json={"user_id": admin["id"]})
    assert r.status_code == 401
    # only the hash of a link's token is stored
    token = link["url"].split("token=")[1]
    rows = sql(gh, "SELECT token_hash FROM portal_links")
    assert rows and all(token not in r[0] for r in rows)


def test_a_link_works_once_and_not_after_it_expires(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    link = portal_link(gh, org["id"], admin["id"])
    s, r = open_link(link["url"])
    assert r.status_code == 303 and r.headers["Location"] == "/portal"
    assert "token" not in r.headers["Location"]
    _, again = open_link(link["url"])
    assert again.status_code == 401 and "already used" in again.text
    assert again.headers["Content-Type"].startswith("text/html")
    # expired: move its expiry into the past
    link2 = portal_link(gh, org["id"], admin["id"])
    sql(gh, "UPDATE portal_links SET expires_at = 1000 WHERE used_at IS NULL")
    _, r = open_link(link2["url"])
    assert r.status_code == 401 and "expired" in r.text
    for bogus in ("", "pl_", "pl_" + "A" * 43, "sk_test", "pl_" + "x" * 500):
        _, r = open_link(gh.url + "/portal/open?token=" + bogus)
        assert r.status_code == 401, bogus
        assert "Set-Cookie" not in r.headers
    # the token never reaches the server log
    assert link["url"].split("token=")[1] not in gh.stderr_text()


def test_links_and_sessions_refuse_members_without_the_permission(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    plain = member(gh, org["id"], "bob@example.test", role="org:member")
    link = portal_link(gh, org["id"], plain["id"])
    s, r = open_link(link["url"])
    assert r.status_code == 403, r.text
    assert "org:sys_entconns" in r.text and "ask an admin" in r.text
    assert "Set-Cookie" not in r.headers
    # a custom role holding the permission is enough
    r = gh.api.post("/v1/roles", json={"key": "org:it", "name": "IT",
                                       "permissions": ["org:sys_entconns"]})
    assert r.status_code == 201, r.text
    it = member(gh, org["id"], "it2@example.test", role="org:it")
    s = portal_session(gh, org["id"], it["id"])
    assert s.get(gh.url + "/portal/api/session").status_code == 200


def test_the_portal_session_is_rechecked_on_every_request(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    s = portal_session(gh, org["id"], admin["id"])
    me = s.get(gh.url + "/portal/api/session").json()
    assert me["organization_id"] == org["id"] and me["principal"]["id"] == admin["id"]
    # demoted: refused at once
    r = gh.api.patch(f"/v1/organizations/{org['id']}/memberships/{admin['id']}",
                     json={"role": "org:member"})
    assert r.status_code == 200, r.text
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 403 and r.json()["code"] == "missing_permission", r.text
    gh.api.patch(f"/v1/organizations/{org['id']}/memberships/{admin['id']}", json={"role": "org:admin"})
    assert s.get(gh.url + "/portal/api/session").status_code == 200
    # self-serve turned off
    gh.api.patch(f"/v1/organizations/{org['id']}", json={"self_serve_sso": False})
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 403 and r.json()["code"] == "self_serve_sso_disabled", r.text
    gh.api.patch(f"/v1/organizations/{org['id']}", json={"self_serve_sso": True})
    # deactivated user
    gh.api.patch(f"/v1/users/{admin['id']}", json={"status": "deactivated"})
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 403 and r.json()["code"] == "user_deactivated", r.text
    gh.api.patch(f"/v1/users/{admin['id']}", json={"status": "active"})
    # removed from the org
    gh.api.delete(f"/v1/organizations/{org['id']}/memberships/{admin['id']}")
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 403 and r.json()["code"] == "not_a_member", r.text


def test_portal_cookie_csrf_and_cross_site_rules(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    link = portal_link(gh, org["id"], admin["id"])
    s, r = open_link(link["url"])
    cookie = r.headers["Set-Cookie"]
    assert re.match(r"gh_portal=ghp_[A-Za-z0-9_-]{40,};", cookie), cookie
    for attr in ("Path=/portal", "HttpOnly", "SameSite=Lax"):
        assert attr in cookie, cookie
    assert "Secure" not in cookie  # http public URL in tests
    token = s.get(gh.url + "/portal/api/session").json()["csrf_token"]
    # a write without the header, with a wrong one, or from another site is refused
    r = s.post(gh.url + "/portal/api/sign_out")
    assert r.status_code == 403 and r.json()["code"] == "csrf_token_invalid"
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    r = s.post(gh.url + "/portal/api/sign_out", headers={"X-CSRF-Token": wrong})
    assert r.status_code == 403 and r.json()["code"] == "csrf_token_invalid"
    r = s.get(gh.url + "/portal/api/session", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["code"] == "cross_site_request"
    r = s.post(gh.url + "/portal/api/sign_out",
               headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "same-site"})
    assert r.status_code == 403
    # the session is still alive after all that, and ends on sign-out
    assert s.get(gh.url + "/portal/api/session").status_code == 200
    r = s.post(gh.url + "/portal/api/sign_out", headers={"X-CSRF-Token": token,
                                                         "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 401 and r.json()["code"] == "session_expired"
    # a portal cookie opens nothing else
    s2 = portal_session(gh, org["id"], admin["id"])
    c = s2.cookies.get("gh_portal")
    r = http_client().get(gh.url + "/v1/organizations", cookies={"gh_dash": c},
                          headers={"X-CSRF-Token": s2.headers["X-CSRF-Token"]})
    assert r.status_code == 401
    r = http_client().get(gh.url + "/dashboard/api/session", cookies={"gh_dash": c})
    assert r.status_code == 401


def test_portal_session_idles_out(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    s = portal_session(gh, org["id"], admin["id"])
    sql(gh, "UPDATE ui_sessions SET last_seen_at = last_seen_at - 1801")
    r = s.get(gh.url + "/portal/api/session")
    assert r.status_code == 401 and "without activity" in r.json()["detail"]


def test_pages_refuse_framing_unless_the_operator_allows_an_origin(gatehouse_factory, dns):
    gh = gatehouse_factory()
    for path in ("/portal", "/dashboard"):
        r = http_client().get(gh.url + path)
        assert r.status_code == 200
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"
    allowed = gatehouse_factory(extra_args=["--public-url", "https://id.example.test",
                                            "--portal-frame-ancestors", "https://app.example.test"])
    r = http_client().get(allowed.url + "/portal")
    assert "frame-ancestors https://app.example.test" in r.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in r.headers
    r = http_client().get(allowed.url + "/dashboard")  # the dashboard is never framed
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    org, admin = self_serve_org(allowed)
    link = portal_link(allowed, org["id"], admin["id"])
    r = http_client().get(allowed.url + "/portal/open?" + link["url"].split("?")[1],
                          allow_redirects=False)
    # framed across sites over https: the only cookie a browser sends into the frame
    assert "SameSite=None" in r.headers["Set-Cookie"] and "Secure" in r.headers["Set-Cookie"]
    # allowed origins over plain http: framing allowed, the cookie stays Lax
    plain = gatehouse_factory(extra_args=["--portal-frame-ancestors", "http://127.0.0.1:1"])
    org, admin = self_serve_org(plain)
    link = portal_link(plain, org["id"], admin["id"])
    r = http_client().get(link["url"], allow_redirects=False)
    assert "SameSite=Lax" in r.headers["Set-Cookie"] and "Secure" not in r.headers["Set-Cookie"]
    r = http_client().get(plain.url + "/portal")
    assert "frame-ancestors http://127.0.0.1:1" in r.headers["Content-Security-Policy"]
    # a value that would break out of the directive is refused at start
    for bad in ("https://a.test; script-src *", "https://a.test,https://b.test", "'self'",
                "https://a.test/path/"):
        out = cli(gh, "serve", "--listen", "127.0.0.1:1", "--portal-frame-ancestors", bad,
                  timeout=20)
        assert out.returncode != 0 and "portal_frame_ancestors" in out.stderr, (bad, out.stderr)


def test_assets_serve_only_embedded_web_files(gatehouse):
    gh = gatehouse
    c = http_client()
    r = c.get(gh.url + "/assets/ui.js")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/javascript")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    for bad in ("..%2fdocs%2fopenapi.json", "portal.html.bak", ".hidden.js", "nope.js",
                "%2e%2e%2fMakefile", "ui.js%00.css"):
        assert c.get(gh.url + "/assets/" + bad).status_code == 404, bad


# -- the dashboard ------------------------------------------------------------------------------

def test_dashboard_secret_key_session_uses_v1_only_with_the_csrf_header(gatehouse):
    gh = gatehouse
    r = http_client().post(gh.url + "/dashboard/api/login", json={"secret_key": "sk_wrong"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    s = dashboard_session(gh)
    token = s.headers.pop("X-CSRF-Token")
    cookie = [c for c in s.cookies][0]
    assert cookie.name == "gh_dash" and cookie.path == "/"
    r = s.get(gh.url + "/v1/organizations")
    assert r.status_code == 403 and r.json()["code"] == "csrf_token_invalid"
    r = s.post(gh.url + "/v1/organizations", json={"name": "X"}, headers={"X-CSRF-Token": "nope"})
    assert r.status_code == 403
    assert s.get(gh.url + "/v1/organizations", headers={"X-CSRF-Token": token}).status_code == 200
    r = s.post(gh.url + "/v1/organizations", json={"name": "Made from the dashboard"},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    ev = [e for e in audit_events(gh, target_id=r.json()["id"])]
    assert ev and ev[0]["actor"]["type"] == "secret_key", ev
    # JSON only: a cross-site form post cannot sign anyone in
    r = http_client().post(gh.url + "/dashboard/api/login", data={"secret_key": gh.key})
    assert r.status_code in (400, 415), r.text
    # logout ends it
    r = s.post(gh.url + "/dashboard/api/logout", headers={"X-CSRF-Token": token})
    assert r.status_code == 204
    assert s.get(gh.url + "/v1/organizations", headers={"X-CSRF-Token": token}).status_code == 401


def test_a_dashboard_session_ends_with_its_revoked_key(gatehouse):
    gh = gatehouse
    out = cli(gh, "keys", "create", "--name", "dash", "--json")
    assert out.returncode == 0, out.stderr
    import json
    key = json.loads(out.stdout)
    s = http_client()
    r = s.post(gh.url + "/dashboard/api/login", json={"secret_key": key["secret"]})
    assert r.status_code == 200, r.text
    h = {"X-CSRF-Token": r.json()["csrf_token"]}
    assert r.json()["principal"] == {"type": "secret_key", "id": key["id"], "name": "dash"}
    assert s.get(gh.url + "/dashboard/api/session").status_code == 200
    assert gh.api.get("/v1/organizations").status_code == 200
    assert cli(gh, "keys", "revoke", key["id"]).returncode == 0
    r = s.get(gh.url + "/dashboard/api/session")
    assert r.status_code == 401, r.text
    assert s.get(gh.url + "/v1/organizations", headers=h).status_code == 401


def test_operator_accounts_sign_in_lock_out_and_end(gatehouse):
    gh = gatehouse
    env = {"GATEHOUSE_OPERATOR_PASSWORD": "short"}
    out = cli(gh, "operators", "create", "ops", env=env)
    assert out.returncode != 0 and "12" in out.stderr
    env = {"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD}
    out = cli(gh, "operators", "create", "Bad Name", env=env)
    assert out.returncode != 0
    out = cli(gh, "operators", "create", "ops", "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert cli(gh, "operators", "create", "ops", env=env).returncode != 0  # taken
    rows = sql(gh, "SELECT password_hash FROM operators WHERE username = 'ops'")
    assert rows[0][0].startswith("$argon2id$") and PASSWORD not in rows[0][0]
    c = http_client()
    r = c.post(gh.url + "/dashboard/api/login", json={"username": "ops", "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["principal"]["type"] == "operator" and r.json()["principal"]["name"] == "ops"
    h = {"X-CSRF-Token": r.json()["csrf_token"]}
    r = c.post(gh.url + "/v1/organizations", json={"name": "By ops"}, headers=h)
    assert r.status_code == 201
    ev = audit_events(gh, target_id=r.json()["id"])
    assert ev[0]["actor"]["type"] == "operator", ev
    # unknown user and wrong password look the same
    for body in ({"username": "nobody", "password": PASSWORD},
                 {"username": "ops", "password": PASSWORD + "x"}):
        r = http_client().post(gh.url + "/dashboard/api/login", json=body)
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials", r.text
    # five failures in a row lock the account, even for the right password
    for _ in range(4):
        http_client().post(gh.url + "/dashboard/api/login", json={"username": "ops", "password": "wrong password!"})
    r = http_client().post(gh.url + "/dashboard/api/login", json={"username": "ops", "password": PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "operator_locked", r.text
    # a new password (CLI) unlocks it and ends the old sessions
    assert cli(gh, "operators", "set-password", "ops",
               env={"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD + "2"}).returncode == 0
    assert c.get(gh.url + "/dashboard/api/session").status_code == 401
    r = c.post(gh.url + "/dashboard/api/login", json={"username": "ops", "password": PASSWORD + "2"})
    assert r.status_code == 200, r.text
    out = cli(gh, "operators", "list", "--json")
    assert "ops" in out.stdout and "$argon2" not in out.stdout
    assert cli(gh, "operators", "delete", "ops").returncode == 0
    assert c.get(gh.url + "/dashboard/api/session").status_code == 401
    actions = {e["action"] for e in audit_events(gh)}
    assert {"operator.created", "operator.password_changed", "operator.deleted",
            "dashboard_session.opened"} <= actions


def test_page_sessions_are_in_the_audit_log(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    portal_session(gh, org["id"], admin["id"])
    ev = audit_events(gh, organization_id=org["id"])
    actions = [e["action"] for e in ev]
    assert "portal_link.created" in actions and "portal_session.opened" in actions
    opened = [e for e in ev if e["action"] == "portal_session.opened"][0]
    assert opened["actor"] == {"type": "user", "id": admin["id"]}


def _embedding_page(port, src):
    """An app page on another origin (same site: 127.0.0.1) that frames src."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = (f'<!doctype html><title>App settings</title><h1>App settings</h1>'
                    f'<iframe id=sec src="{src}" width=900 height=500></iframe>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.mark.parametrize("allowed", [False, True])
def test_the_security_page_in_the_apps_iframe(gatehouse_factory, dns, browser, allowed):
    """In a real browser: the app frames the portal link. Without the operator's allowlist
    Chromium refuses to render it; with the app's origin listed, the Security page loads
    in the frame with its session."""
    from ghtest.net import free_port
    port = free_port()
    args = ["--portal-frame-ancestors", f"http://127.0.0.1:{port}"] if allowed else []
    gh = gatehouse_factory(extra_args=args)
    org, admin = self_serve_org(gh, name="Framed Org")
    link = portal_link(gh, org["id"], admin["id"])
    srv = _embedding_page(port, link["url"])
    try:
        browser.get(f"http://127.0.0.1:{port}/")
        browser.wait_text("App settings")
        frame = browser.find("#sec")
        if allowed:
            browser.driver.switch_to.frame(frame)
            browser.wait_text("Security")
            browser.wait(lambda d: "/portal" in d.execute_script("return location.pathname"),
                         what="the portal inside the frame")
            browser.driver.switch_to.default_content()
            browser.shot("framed-allowed")
        else:
            import time
            time.sleep(1.0)  # give the refused frame time to (not) render
            browser.driver.switch_to.frame(frame)
            inside = browser.driver.find_element("tag name", "body").text
            browser.driver.switch_to.default_content()
            browser.shot("framed-refused")
            assert "Security" not in inside and "Loading" not in inside, inside
    finally:
        srv.shutdown()
        srv.server_close()


# -- after the security review ----------------------------------------------------------------

def _login(gh, username, password, source="127.0.0.1", headers=None):
    """POST /dashboard/api/login from a chosen loopback source address: (status, body)."""
    import http.client
    import json as _json
    c = http.client.HTTPConnection("127.0.0.1", gh.port, timeout=30, source_address=(source, 0))
    try:
        h = {"Content-Type": "application/json", **(headers or {})}
        c.request("POST", "/dashboard/api/login",
                  body=_json.dumps({"username": username, "password": password}), headers=h)
        r = c.getresponse()
        return r.status, _json.loads(r.read() or b"{}")
    finally:
        c.close()


def test_parallel_guesses_do_not_get_past_the_lock_out(gatehouse):
    """Attempts are counted before the password is checked, in one transaction: of 30
    guesses sent at once, at most 5 reach the password check."""
    from concurrent.futures import ThreadPoolExecutor
    gh = gatehouse
    assert cli(gh, "operators", "create", "ops",
               env={"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD}).returncode == 0
    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(lambda i: _login(gh, "ops", f"wrong guess {i:04d}"), range(30)))
    statuses = [s for s, _ in answers]
    assert statuses.count(401) <= 5, statuses
    assert statuses.count(401) + statuses.count(429) == 30, statuses
    # the right password from the same address is refused too, now
    status, body = _login(gh, "ops", PASSWORD)
    assert status == 429 and body["code"] == "operator_locked", body
    assert "seconds" not in body["detail"]
    # but not from another address: a guesser cannot lock the operator out
    status, body = _login(gh, "ops", PASSWORD, source="127.0.0.2")
    assert status == 200, body


def test_the_lock_out_does_not_tell_which_usernames_exist(gatehouse):
    gh = gatehouse
    assert cli(gh, "operators", "create", "ops",
               env={"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD}).returncode == 0
    seen = {}
    for name in ("ops", "nobody"):
        seen[name] = [(s, b.get("code")) for s, b in
                      (_login(gh, name, f"wrong password {i}") for i in range(7))]
    assert seen["ops"] == seen["nobody"], seen
    assert seen["ops"][-1] == (429, "operator_locked"), seen


def test_a_new_password_unlocks_the_account(gatehouse):
    gh = gatehouse
    env = {"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD}
    assert cli(gh, "operators", "create", "ops", env=env).returncode == 0
    for i in range(6):
        _login(gh, "ops", f"wrong password {i}")
    assert _login(gh, "ops", PASSWORD)[0] == 429
    assert cli(gh, "operators", "set-password", "ops",
               env={"GATEHOUSE_OPERATOR_PASSWORD": PASSWORD + "!"}).returncode == 0
    assert _login(gh, "ops", PASSWORD + "!")[0] == 200


def test_login_takes_json_from_this_origin_only(gatehouse):
    gh = gatehouse
    body = '{"secret_key": "%s"}' % gh.key
    for ct in ("application/x-www-form-urlencoded", "text/plain", None):
        h = {"Content-Type": ct} if ct else {}
        r = http_client().post(gh.url + "/dashboard/api/login", data=body, headers=h)
        assert r.status_code == 415 and "Set-Cookie" not in r.headers, (ct, r.text)
    r = http_client().post(gh.url + "/dashboard/api/login", json={"secret_key": gh.key},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["code"] == "cross_site_request"
    assert "Set-Cookie" not in r.headers


def test_head_and_prefetch_do_not_use_a_link_up(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    link = portal_link(gh, org["id"], admin["id"])
    c = http_client()
    r = c.head(link["url"], allow_redirects=False)
    assert r.status_code == 405 and "Set-Cookie" not in r.headers
    r = c.get(link["url"], allow_redirects=False, headers={"Sec-Purpose": "prefetch"})
    assert r.status_code == 405 and "Set-Cookie" not in r.headers
    _, r = open_link(link["url"])
    assert r.status_code == 303


def test_a_link_for_another_organization_asks_before_switching(gatehouse):
    """Login CSRF: someone sends the admin's browser to a link of their own organization.
    The open Security page must not be replaced without the admin saying so."""
    gh = gatehouse
    org_a, admin_a = self_serve_org(gh, name="Alpha <Corp>")
    org_b, admin_b = self_serve_org(gh, name="Beta Corp")
    s = portal_session(gh, org_a["id"], admin_a["id"])
    assert s.get(gh.url + "/portal/api/session").json()["organization"]["name"] == "Alpha <Corp>"
    link_b = portal_link(gh, org_b["id"], admin_b["id"])
    r = s.get(link_b["url"], allow_redirects=False)
    assert r.status_code == 200, r.text
    assert "Switch organization?" in r.text and "Beta Corp" in r.text
    assert "Alpha &lt;Corp&gt;" in r.text and "Alpha <Corp>" not in r.text
    assert "Set-Cookie" not in r.headers
    # still on Alpha; the link is not used
    assert s.get(gh.url + "/portal/api/session").json()["organization_id"] == org_a["id"]
    token = link_b["url"].split("token=")[1]
    r = s.post(gh.url + "/portal/open", data={"token": token}, allow_redirects=False,
               headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = s.post(gh.url + "/portal/open", data={"token": token}, allow_redirects=False,
               headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303, r.text
    assert s.get(gh.url + "/portal/api/session").json()["organization_id"] == org_b["id"]
    # a fresh link of the same member and organization just opens
    again = portal_link(gh, org_b["id"], admin_b["id"])
    assert s.get(again["url"], allow_redirects=False).status_code == 303


def test_duplicate_session_cookies_are_refused(gatehouse):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    s = portal_session(gh, org["id"], admin["id"])
    good = s.cookies.get("gh_portal")
    h = {"Cookie": f"gh_portal=ghp_{'A' * 43}; gh_portal={good}"}
    r = http_client().get(gh.url + "/portal/api/session", headers=h)
    assert r.status_code == 401
    r = http_client().get(gh.url + "/portal/api/session", headers={"Cookie": f"gh_portal={good}"})
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"


def test_https_cookies_carry_the_host_prefix(gatehouse_factory, dns):
    gh = gatehouse_factory(extra_args=["--public-url", "https://id.example.test"])
    org, admin = self_serve_org(gh)
    link = portal_link(gh, org["id"], admin["id"])
    r = http_client().get(gh.url + "/portal/open?" + link["url"].split("?")[1],
                          allow_redirects=False)
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("__Host-gh_portal=") and "Path=/;" in cookie and "Secure" in cookie
    assert "Domain" not in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    r = http_client().get(gh.url + "/portal/api/session", headers={"Cookie": f"gh_portal={value}"})
    assert r.status_code == 401  # the unprefixed name is not read over https
    r = http_client().get(gh.url + "/portal/api/session",
                          headers={"Cookie": f"__Host-gh_portal={value}"})
    assert r.status_code == 200
    r = http_client().post(gh.url + "/dashboard/api/login", json={"secret_key": gh.key})
    assert r.headers["Set-Cookie"].startswith("__Host-gh_dash=")
