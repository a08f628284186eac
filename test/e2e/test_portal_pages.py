# SPDX-License-Identifier: Apache-2.0
"""The Security page in a real browser, beyond the main journey: Directory Sync (turned
on from the page, an IdP's recorded SCIM requests provision users, who appear in the list
without a reload), the refusal pages (no org:sys_entconns, self-serve SSO off, a used
link), and hostile organization names, domain names and IdP attribute values rendered
as inert text under the CSP."""

import json
import os
import secrets

import pytest

from ghtest import replay
from ghtest.pages import HOSTILE, portal_link, self_serve_org
from ghtest.saml_idp_http import SamlIdpServer
from ghtest.scim import verify_domain

HERE = os.path.dirname(os.path.abspath(__file__))


def open_portal(gh, browser, org, admin):
    link = portal_link(gh, org["id"], admin["id"])
    browser.get(link["url"])
    browser.wait(lambda d: d.current_url.endswith("/portal"), what="the redirect to /portal")
    browser.wait_text("Single sign-on for")


def no_script_ran(browser):
    assert browser.js("return window.__xss") is None, "hostile text ran as script"
    bad = [m for m in browser.console_errors() if "Content Security Policy" in m or "Uncaught" in m]
    assert not bad, bad


def connection(gh, org, domain, **extra):
    r = gh.api.post("/v1/enterprise_connections",
                    json={"organization_id": org["id"], "protocol": "saml", "provider": "okta",
                          "name": "Okta", "domains": [domain], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def okta_steps(first, last):
    with open(os.path.join(HERE, "scim", "okta_lifecycle.json"), encoding="utf-8") as f:
        return json.load(f)["steps"][first:last]


def test_directory_sync_users_appear_without_reload(gatehouse, dns, browser):
    gh = gatehouse
    domain = f"dir-{secrets.token_hex(3)}.test"
    org, admin = self_serve_org(gh)
    verify_domain(gh, dns, org["id"], domain)
    connection(gh, org, domain)
    open_portal(gh, browser, org, admin)
    browser.click_button("Turn on Directory Sync")
    base = browser.testid("scim-base-url").text
    token = browser.testid("scim-token").text
    assert base.startswith(gh.url + "/scim/v2/conn_") and token.startswith("scim_")
    browser.wait_text("shown only this once")
    browser.wait_text("Waiting for the first user")
    browser.shot("directory-sync-on-token-shown-once")
    # Okta's documented requests with the token the page showed: create the user...
    v = {"domain": domain}
    replay.run(base, okta_steps(0, 3), v, token)
    row = f"test.user@{domain}"
    users = browser.wait(lambda d: row in browser.testid("directory-users").text and
                         browser.testid("directory-users"), timeout=20, what="the user in the list")
    assert "Active" in users.text
    browser.js("arguments[0].scrollIntoView()", users)
    browser.shot("first-user-provisioned")
    # ...update and deactivate them: the list follows, still without a reload
    replay.run(base, okta_steps(3, 7), v, token)
    browser.wait(lambda d: "Deactivated" in browser.testid("directory-users").text, timeout=20,
                 what="the user deactivated in the list")
    browser.js("arguments[0].scrollIntoView()", browser.testid("directory-users"))
    browser.shot("user-deactivated")
    assert browser.js("return performance.getEntriesByType('navigation').length") == 1
    # a new token: the old one still works for a while, and the page says so
    browser.click_button("Generate a new token")
    browser.wait_text("New token made")
    assert "keeps working for 10 more minutes" in browser.find("#step-directory_sync .msg").text
    new = browser.testid("scim-token").text
    assert new != token and new.startswith("scim_")
    browser.shot("token-regenerated")
    no_script_ran(browser)


def test_refusal_pages_say_why(gatehouse, browser):
    gh = gatehouse
    org, admin = self_serve_org(gh)
    # a member whose role lost org:sys_entconns after the link was made
    link = portal_link(gh, org["id"], admin["id"])
    r = gh.api.patch(f"/v1/organizations/{org['id']}/memberships/{admin['id']}", json={"role": "org:member"})
    assert r.status_code == 200, r.text
    browser.get(link["url"])
    browser.wait_text("You cannot set up SSO here")
    assert "org:sys_entconns" in browser.text()
    assert "gh_portal" not in browser.cookies()
    browser.shot("refused-missing-permission")
    # with the role back, a link opens the page once; the same link again is refused
    r = gh.api.patch(f"/v1/organizations/{org['id']}/memberships/{admin['id']}", json={"role": "org:admin"})
    assert r.status_code == 200, r.text
    link = portal_link(gh, org["id"], admin["id"])
    browser.get(link["url"])
    browser.wait_text("Single sign-on for")
    browser.get(link["url"])
    browser.wait_text("This link no longer works")
    browser.shot("refused-link-used")
    # an open page whose organization turns self-serve off says why on the next call
    open_portal(gh, browser, org, admin)
    gh.api.patch(f"/v1/organizations/{org['id']}", json={"self_serve_sso": False})
    browser.fill("#new-domain", "late.test")
    browser.click_button("Add domain")
    browser.wait_text("self-serve")
    browser.shot("refused-while-open-self-serve-off")
    assert gh.api.get(f"/v1/organizations/{org['id']}/domains").json()["total_count"] == 0
    # a link for an organization without self-serve SSO cannot even be made
    portal_link(gh, org["id"], admin["id"], expect=409)


@pytest.fixture
def idp(tmp_path):
    server = SamlIdpServer(tmp_path).start()
    yield server
    server.stop()


def test_hostile_names_and_attributes_render_as_text(gatehouse, dns, browser, idp):
    gh = gatehouse
    domain = f"x-{secrets.token_hex(3)}.test"
    org, admin = self_serve_org(gh, name=HOSTILE)
    verify_domain(gh, dns, org["id"], domain)
    conn = connection(gh, org, domain, saml={"idp_metadata_xml": idp.metadata()})
    idp.email = f"alice@{domain}"
    idp.attributes = [("email", None, [idp.email]), ("department", None, [HOSTILE]),
                      (HOSTILE, None, ["x" + HOSTILE])]
    open_portal(gh, browser, org, admin)
    assert browser.testid("org-name").text == HOSTILE
    # a hostile domain name is refused, and the refusal shows it as text
    browser.fill("#new-domain", HOSTILE.replace(" ", ""))
    browser.click_button("Add domain")
    browser.wait(lambda d: "<img" in browser.find("#step-domains .msg").text, what="the refusal")
    browser.shot("hostile-org-and-domain-as-text")
    # a test sign-in whose IdP sends hostile attribute names and values
    main = browser.driver.current_window_handle
    browser.click_button("Run a test sign-in")
    browser.wait(lambda d: len(d.window_handles) == 2, what="the test sign-in tab")
    browser.switch([h for h in browser.windows() if h != main][0])
    browser.click_button("Sign in", timeout=20)
    browser.click_button("Continue")
    browser.wait_text("Test sign-in passed")
    assert browser.js("return window.__xss") is None
    browser.driver.close()
    browser.switch(main)
    table = browser.find('[data-testid="test-attributes"]', timeout=20)
    assert HOSTILE in table.text and "x" + HOSTILE in table.text
    assert not browser.find_all("#main img, #main script")
    browser.js("arguments[0].scrollIntoView()", table)
    browser.shot("hostile-attributes-as-text")
    no_script_ran(browser)
    assert gh.api.get(f"/v1/enterprise_connections/{conn['id']}").json()["status"] == "tested"


def run_test_in_tab(browser, email=None, button="Run a test sign-in"):
    main = browser.driver.current_window_handle
    browser.click_button(button)
    browser.wait(lambda d: len(d.window_handles) == 2, what="the test sign-in tab")
    browser.switch([h for h in browser.windows() if h != main][0])
    if email:
        browser.fill("#email", email, timeout=20)
    browser.click_button("Sign in", timeout=20)
    browser.click_button("Continue")
    browser.wait_text("Test sign-in")
    browser.driver.close()
    browser.switch(main)


def test_failed_test_live_edit_deactivate_delete_and_sign_out(gatehouse, dns, browser, idp):
    gh = gatehouse
    domain = f"life-{secrets.token_hex(3)}.test"
    org, admin = self_serve_org(gh)
    verify_domain(gh, dns, org["id"], domain)
    conn = connection(gh, org, domain, saml={"idp_metadata_xml": idp.metadata()})
    open_portal(gh, browser, org, admin)
    # a test with an address of another domain fails, and the page says how to fix it
    run_test_in_tab(browser, email="eve@elsewhere.test")
    out = browser.find('[data-testid="test-outcome"][data-status="failed"]', timeout=20)
    assert "email domain not covered" in out.text and "How to fix" in out.text
    browser.js("arguments[0].scrollIntoView()", out)
    browser.shot("test-failed-explained")
    run_test_in_tab(browser, email=f"alice@{domain}", button="Run another test sign-in")
    browser.find('[data-testid="test-outcome"][data-status="passed"]', timeout=20)
    browser.click_button("Activate")
    browser.wait_text("The connection is active")
    # editing the live connection warns first
    browser.click_button("Save")
    browser.wait_text("This connection is live")
    browser.shot("live-edit-warning")
    browser.click_button("Save changes to the live connection")
    browser.wait_text("Saved. Next: run a test sign-in")
    assert gh.api.get(f"/v1/enterprise_connections/{conn['id']}").json()["status"] == "active"
    browser.click_button("Deactivate")
    browser.wait(lambda d: [b for b in browser.find_all("button") if b.text == "Activate" and b.is_enabled()],
                 what="Activate offered again")
    assert gh.api.get(f"/v1/enterprise_connections/{conn['id']}").json()["status"] == "inactive"
    # delete needs the connection's name typed
    browser.click("details.danger-zone summary")
    delete = browser.find("details.danger-zone button.danger")
    assert not delete.is_enabled()
    browser.fill("#delete-confirm", "Okt")
    assert not delete.is_enabled()
    browser.fill("#delete-confirm", "Okta")
    assert delete.is_enabled()
    browser.shot("delete-typed-confirmation")
    delete.click()
    browser.wait_text("Which identity provider does your organization use?")
    assert gh.api.get(f"/v1/enterprise_connections/{conn['id']}").status_code == 404
    # sign out ends the session
    browser.click_button("Sign out")
    browser.wait_text("Signed out")
    browser.shot("signed-out")
    browser.get(gh.url + "/portal")
    browser.wait_text("open the Security page again")
    no_script_ran(browser)


def test_sso_enforcement_per_domain_from_the_page(gatehouse, dns, browser):
    """The admin decides per verified domain whether its people must use SSO (contractors'
    domains stay open); the choice reaches the API, the audit log and SSO lookup."""
    gh = gatehouse
    domain = f"enf-{secrets.token_hex(3)}.test"
    org, admin = self_serve_org(gh)
    d = verify_domain(gh, dns, org["id"], domain)
    before = gh.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}").json()["sso_enforced"]
    open_portal(gh, browser, org, admin)
    box = browser.find(f"#enforce-{d['id']}")
    assert box.is_selected() == before
    browser.driver.find_element("css selector", f"label[for='enforce-{d['id']}']").click()
    browser.wait_text("Single sign-on is now required" if not before else "may now sign in without")
    browser.shot("sso-enforcement-changed")
    got = gh.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}").json()
    assert got["sso_enforced"] == (not before)
    # keyboard: focus stays on the box, space flips it back
    from selenium.webdriver.common.keys import Keys
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("id") == f"enforce-{d['id']}"
    active.send_keys(Keys.SPACE)
    browser.wait(lambda drv: gh.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}")
                 .json()["sso_enforced"] == before, what="the second change to land")
    events = gh.api.get("/v1/audit_events", params={"target_id": d["id"]}).json()["data"]
    updates = [e for e in events if e["action"] == "organization_domain.updated"]
    assert len(updates) == 2 and all(e["actor"]["id"] == admin["id"] for e in updates), events
    # only that field: the portal cannot change the enrollment mode
    from ghtest.pages import portal_session
    s = portal_session(gh, org["id"], admin["id"])
    r = s.patch(gh.url + f"/portal/api/domains/{d['id']}", json={"enrollment_mode": "automatic"})
    assert r.status_code == 422, r.text
    r = s.patch(gh.url + f"/portal/api/domains/{d['id']}", json={})
    assert r.status_code == 422, r.text
