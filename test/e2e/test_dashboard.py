# SPDX-License-Identifier: Apache-2.0
"""The operator dashboard in a real browser: signing in (operator password, secret key),
organizations with domains and self-serve SSO, users and sessions, hostile names, and the
session's end. Screenshots under build/screenshots/<test>/."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from ghtest.api import audit_events, create_endpoint, insert_session, unique
from ghtest.pages import HOSTILE, dashboard_session, dashboard_sign_in, http_client, member, operator


def test_operator_password_sign_in_wrong_password_and_sign_out(gatehouse, browser):
    operator(gatehouse, "ops-ada", "correct horse battery staple")
    browser.get(gatehouse.url + "/dashboard")
    browser.wait_text("Operator account")
    # keyboard only: the username field has focus, Tab moves on, Enter submits
    assert browser.js("return document.activeElement.id") == browser.find('input[name="username"]').get_attribute("id")
    ActionChains(browser.driver).send_keys("ops-ada", Keys.TAB, "not the password", Keys.ENTER).perform()
    browser.wait_text("Wrong username or password")
    browser.shot("wrong-password")
    assert "gh_dash" not in browser.cookies()

    browser.fill_label("Password", "correct horse battery staple")
    browser.click_button("Sign in")
    browser.wait_text("Signed in as ops-ada")
    browser.wait_text("No organizations yet")
    browser.shot("signed-in-empty")
    # what the operator changes is in the audit log under their account
    browser.fill_label("Name", "Made by Ada")
    browser.click_button("Create organization")
    browser.wait(lambda d: browser.testid("org-name").text == "Made by Ada", what="the new organization")
    created = audit_events(gatehouse, action="organization.created")
    assert [(e["actor"]["type"], e["data"]["name"]) for e in created] == [("operator", "Made by Ada")], created
    browser.click('nav a[href="#/audit"]')
    browser.wait(lambda d: "operator" in browser.testid("audit").text, what="the operator in the audit log")
    assert browser.js("return document.activeElement.tagName") == "H1"
    cookie = browser.cookies()["gh_dash"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # the cookie works for /v1 with the page's CSRF token (read from the session endpoint)
    s = http_client()
    s.cookies.set("gh_dash", cookie["value"])
    csrf = s.get(gatehouse.url + "/dashboard/api/session").json()["csrf_token"]
    assert s.get(gatehouse.url + "/v1/organizations", headers={"X-CSRF-Token": csrf}).status_code == 200

    browser.click_button("Sign out")
    browser.wait_text("You are signed out.")
    browser.shot("signed-out")
    assert "gh_dash" not in browser.cookies()
    r = s.get(gatehouse.url + "/v1/organizations", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "session_expired"
    # a reload stays signed out
    browser.get(gatehouse.url + "/dashboard#/organizations")
    browser.wait_text("Operator account")
    assert not [m for m in browser.console_errors() if "Content Security Policy" in m]

    # repeated failures lock the sign-in out for a while: the page says to wait
    for _ in range(6):
        browser.fill_label("Username", "ops-ada")
        browser.fill_label("Password", "guess")
        browser.click_button("Sign in")
        browser.wait(lambda d: browser.find_all('[role="alert"]') and not browser.find_all('button[aria-busy]'),
                     what="the refusal")
    browser.wait_text("Wait a minute, then try again.")
    browser.shot("locked-out")


def test_secret_key_sign_in_org_domain_and_audit(gatehouse, browser, dns):
    browser.get(gatehouse.url + "/dashboard")
    browser.fill_label("Secret key", "sk_test_not_a_key")
    browser.click_button("Sign in with key")
    browser.wait_text("That secret key is unknown or revoked")
    dashboard_sign_in(browser, gatehouse)
    browser.wait_text("Signed in with a secret key")

    name = unique("Globex ")
    browser.fill_label("Name", name)
    browser.click_button("Create organization")
    title = browser.testid("org-name")
    browser.wait(lambda d: title.text == name, what="the new organization's page")
    org_id = browser.url.rsplit("/", 1)[-1]
    org = gatehouse.api.get(f"/v1/organizations/{org_id}").json()
    assert org["name"] == name and org["self_serve_sso"] is False

    browser.click('[data-testid="org-settings"] input[name="self_serve_sso"]')
    browser.click_button("Save changes")
    browser.wait_text("Saved. Self-serve SSO is on.")
    assert gatehouse.api.get(f"/v1/organizations/{org_id}").json()["self_serve_sso"] is True

    browser.fill_label("Domain name", "globex.test")
    browser.click_button("Add domain")
    browser.wait_text("Added globex.test")
    domains = browser.testid("domains")
    assert "unverified" in domains.text and "_gatehouse-verification.globex.test" in domains.text
    browser.shot("domain-added")
    dom = gatehouse.api.get(f"/v1/organizations/{org_id}/domains").json()["data"][0]

    # Verify before the record exists: says what to do; then publish it and verify again
    browser.click_button("Verify globex.test")
    browser.wait_text("is not verified yet")
    dns.set_txt(dom["verification"]["txt_record_name"], dom["verification"]["txt_record_value"])
    browser.click_button("Verify globex.test")
    browser.wait_text("globex.test is verified.")
    browser.shot("domain-verified")
    d = gatehouse.api.get(f"/v1/organizations/{org_id}/domains/{dom['id']}").json()
    assert d["verification"]["status"] == "verified"

    # the list finds it by part of its name
    browser.get(gatehouse.url + "/dashboard#/organizations")
    browser.fill_label("Search organizations", name.split()[1][:6].upper())
    browser.click_button("Search")
    browser.wait(lambda dr: name in browser.testid("org-list").text, what="the search result")
    browser.fill_label("Search organizations", "no-such-org")
    browser.click_button("Search")
    browser.wait_text("No organization matches")

    # the audit log shows the changes made from the dashboard, by this session's key
    browser.get(gatehouse.url + f"/dashboard#/audit?organization_id={org_id}")
    audit = browser.testid("audit")
    browser.wait(lambda dr: "organization.updated" in audit.text, what="audit rows")
    for action in ("organization.created", "organization_domain.created", "organization_domain.verified"):
        assert action in audit.text, audit.text
    browser.shot("audit-1440")
    browser.resize(375, 800)
    browser.wait(lambda dr: dr.execute_script("return document.documentElement.scrollWidth") <= 375,
                 what="no horizontal scrolling at 375 px")
    browser.shot("audit-375")
    actions = {e["action"] for e in audit_events(gatehouse, organization_id=org_id)}
    assert {"organization.created", "organization.updated"} <= actions


def test_hostile_names_render_as_text(gatehouse, browser):
    r = gatehouse.api.post("/v1/organizations", json={"name": HOSTILE, "slug": unique("hostile")})
    assert r.status_code == 201, r.text
    org = r.json()
    user = member(gatehouse, org["id"], f"{unique('x')}@example.test")
    r = gatehouse.api.patch(f"/v1/users/{user['id']}", json={"first_name": HOSTILE})
    assert r.status_code == 200, r.text
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "name": HOSTILE, "protocol": "saml", "provider": "okta"})
    assert r.status_code == 201, r.text
    conn = r.json()
    create_endpoint(gatehouse, "https://hooks.example.test/x", description=HOSTILE)
    dashboard_sign_in(browser, gatehouse)
    for path, testid in (("#/organizations", "org-list"), (f"#/organizations/{org['id']}", "org-name"),
                         (f"#/organizations/{org['id']}", "connections"),
                         (f"#/connections/{conn['id']}", "connection-name"),
                         ("#/webhooks", "endpoints"),
                         (f"#/users/{user['id']}", "user-name"),
                         (f"#/audit?organization_id={org['id']}", "audit")):
        browser.get(gatehouse.url + "/dashboard" + path)
        browser.wait(lambda d, t=testid: HOSTILE.split('"')[0] in browser.testid(t).text
                     or "<img" in browser.testid(t).text, what=f"the hostile name on {path}")
        assert browser.js("return window.__xss") is None, path
        assert not browser.find_all("img"), path
    browser.shot("hostile-user")
    browser.get(gatehouse.url + f"/dashboard#/organizations/{org['id']}")
    browser.wait(lambda d: browser.testid("org-name").text == HOSTILE, what="the literal name")
    browser.shot("hostile-org-1440")
    browser.resize(375, 800)
    browser.wait(lambda d: d.execute_script("return document.documentElement.scrollWidth") <= 375,
                 what="no horizontal scrolling at 375 px")
    browser.shot("hostile-org-375")
    assert browser.js("return window.__xss") is None
    assert not [m for m in browser.console_errors() if "Content Security Policy" in m]


def test_users_search_detail_and_revoke_session(gatehouse, browser):
    org = gatehouse.api.post("/v1/organizations", json={"name": unique("Initech ")}).json()
    email = f"{unique('peter')}@initech.test"
    user = member(gatehouse, org["id"], email, role="org:member")
    sid = insert_session(gatehouse, user["id"], org_id=org["id"])
    dashboard_sign_in(browser, gatehouse, "#/users")
    browser.fill_label("Email address", email.upper())
    browser.click_button("Search")
    browser.wait(lambda d: email in browser.testid("user-list").text, what="the user found")
    browser.click(f'[data-testid="user-list"] a[href="#/users/{user["id"]}"]')
    browser.wait_text(org["name"])
    sessions = browser.testid("sessions")
    browser.wait(lambda d: sid in sessions.text, what="the session")
    assert org["id"] in sessions.text
    for label in ("Started", "Last active", "Expires"):
        cell = browser.find(f'[data-testid="sessions"] td[data-label="{label}"]').text
        assert cell and cell != "—", (label, cell)
    browser.js("arguments[0].scrollIntoView()", browser.find("h1"))
    browser.shot("user-detail")
    browser.js("arguments[0].scrollIntoView()", sessions)
    browser.shot("user-sessions")
    browser.click_button(f"Revoke session {sid}")
    browser.click("dialog[open] button.danger")
    browser.wait_text("Session revoked.")
    browser.wait(lambda d: "revoked" in browser.testid("sessions").text, what="the revoked status")
    assert gatehouse.api.get(f"/v1/sessions/{sid}").json()["status"] == "revoked"

    # the dashboard session ends elsewhere (signed out in another tab): the next click says so
    s = http_client()
    s.cookies.set("gh_dash", browser.cookies()["gh_dash"]["value"])
    csrf = s.get(gatehouse.url + "/dashboard/api/session").json()["csrf_token"]
    assert s.post(gatehouse.url + "/dashboard/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    browser.click('nav a[href="#/organizations"]')
    browser.wait_text("Your session ended. Sign in again to continue.")
    browser.shot("session-ended")


def test_dashboard_cookie_needs_the_csrf_header(gatehouse):
    s = dashboard_session(gatehouse)
    token = s.headers.pop("X-CSRF-Token")
    url = gatehouse.url + "/v1/organizations"
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": token[:-1]}):
        r = s.get(url, headers=headers)
        assert r.status_code == 403, (headers, r.text)
        assert r.json()["code"] == "csrf_token_invalid"
        r = s.post(url, json={"name": "nope"}, headers=headers)
        assert r.status_code == 403, (headers, r.text)
    assert s.get(url, headers={"X-CSRF-Token": token}).status_code == 200
    # another site's request is refused even with the token
    r = s.get(url, headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["code"] == "cross_site_request"
    assert not [o for o in gatehouse.api.get("/v1/organizations").json()["data"] if o["name"] == "nope"]
    assert s.post(gatehouse.url + "/dashboard/api/logout", headers={"X-CSRF-Token": token}).status_code == 204
    r = s.get(url, headers={"X-CSRF-Token": token})
    assert r.status_code == 401, r.text


def test_org_list_pages_portal_link_and_delete(gatehouse, browser):
    tag = unique("page")
    orgs = [gatehouse.api.post("/v1/organizations", json={"name": f"{tag} {i:02d}"}).json() for i in range(23)]
    org, admin = orgs[0], member(gatehouse, orgs[0]["id"], f"{unique('it')}@example.test")
    dashboard_sign_in(browser, gatehouse, f"#/organizations?query={tag}")
    lst = browser.testid("org-list")
    browser.wait(lambda d: "Showing 1–20 of 23" in lst.text, what="the first page")
    browser.click_button("Next page")
    browser.wait(lambda d: "Showing 21–23 of 23" in browser.testid("org-list").text, what="the second page")
    assert f"{tag} 22" in browser.testid("org-list").text and f"{tag} 00" not in browser.testid("org-list").text
    browser.click_button("Previous page")
    browser.wait(lambda d: "Showing 1–20 of 23" in browser.testid("org-list").text, what="the first page again")

    # the Security page link: refused until self-serve SSO is on, then minted for an admin
    browser.get(gatehouse.url + f"/dashboard#/organizations/{org['id']}")
    browser.wait_text("Turn on Self-serve SSO in Settings first")
    assert gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"self_serve_sso": True}).status_code == 200
    browser.driver.refresh()
    browser.click_button("Create link")
    link = browser.testid("portal-link").text
    assert link.startswith(gatehouse.url + "/portal/open?token="), link
    browser.shot("portal-link")
    audit = [e for e in audit_events(gatehouse, organization_id=org["id"]) if e["action"].startswith("portal_link")]
    assert audit and audit[-1]["data"]["user_id"] == admin["id"], audit

    # delete, with a confirmation that can be cancelled
    browser.click_button("Delete organization")
    browser.click("dialog[open] button.secondary")
    assert not browser.find_all("dialog[open]")
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").status_code == 200
    browser.click_button("Delete organization")
    browser.shot("delete-confirm")
    browser.click("dialog[open] button.danger")
    browser.wait(lambda d: d.current_url.endswith("#/organizations"), what="the list after deleting")
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").status_code == 404
