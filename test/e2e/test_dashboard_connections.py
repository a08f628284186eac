# SPDX-License-Identifier: Apache-2.0
"""The dashboard's connection pages and webhooks in a real browser: role mappings reordered
with the keyboard-usable up/down controls and saved with PUT, custom attributes, a test
sign-in and its outcome, Directory Sync views, webhook deliveries and Retry."""

import time

from selenium.webdriver.support.select import Select

from ghtest.api import create_endpoint, deliveries, lit, new_id, sql, unique
from ghtest.pages import dashboard_sign_in, http_client
from ghtest.saml_idp_http import SamlIdpServer
from ghtest.scim import GROUP, new_directory, okta_user, verify_domain


def groups(d, *names):
    out = []
    for name in names:
        r = d["scim"].post("/Groups", json={"schemas": [GROUP], "displayName": name, "members": []})
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def test_role_mapping_reorder_persists(gatehouse, browser, dns):
    d = new_directory(gatehouse, dns, domains=("hooli.test",))
    conn = d["conn"]["id"]
    r = d["scim"].post("/Users", json=okta_user("gavin@hooli.test"))
    assert r.status_code == 201, r.text
    eng, ops, sales = groups(d, "Engineering", "Operations", "Sales")
    r = gatehouse.api.put(f"/v1/enterprise_connections/{conn}/role_mappings", json={"data": [
        {"group_id": eng["id"], "role": "org:admin"}, {"group_id": ops["id"], "role": "org:member"}]})
    assert r.status_code == 200, r.text

    dashboard_sign_in(browser, gatehouse, f"#/connections/{conn}/mappings")
    lst = browser.testid("mappings")
    browser.wait(lambda dr: "Engineering" in lst.text and "Operations" in lst.text, what="the mappings")
    browser.shot("mappings-before")
    # Engineering goes below Operations; Sales is added last; Operations' role changes
    browser.click_button("Move Engineering down")
    focused = browser.js("return document.activeElement.getAttribute('aria-label')")
    assert focused in ("Move Engineering up", "Move Engineering down"), focused
    Select(browser.find('select[aria-label="Role for Operations"]')).select_by_value("org:admin")
    Select(browser.find('select[name="group_id"]')).select_by_visible_text("Sales (0 members)")
    browser.click_button("Add mapping")
    browser.wait(lambda dr: "Sales" in browser.testid("mappings").text, what="the new row")
    browser.wait_text("Unsaved changes")
    browser.click_button("Save order and roles")
    browser.wait_text("Saved.")
    browser.shot("mappings-saved")
    browser.resize(375, 800)
    browser.wait(lambda dr: dr.execute_script("return document.documentElement.scrollWidth") <= 375,
                 what="no horizontal scrolling at 375 px")
    browser.shot("mappings-375")
    browser.resize(1440, 1000)
    got = gatehouse.api.get(f"/v1/enterprise_connections/{conn}/role_mappings").json()["data"]
    assert [(m["group_id"], m["role"]) for m in got] == [
        (ops["id"], "org:admin"), (eng["id"], "org:admin"), (sales["id"], "org:member")], got

    # after a reload the page shows the saved order
    browser.get(gatehouse.url + f"/dashboard#/connections/{conn}/settings")
    browser.get(gatehouse.url + f"/dashboard#/connections/{conn}/mappings")
    browser.wait(lambda dr: [e.text for e in browser.find_all('[data-testid="mappings"] .dash-group')]
                 == ["Operations", "Engineering", "Sales"], what="the saved order after reload")

    # Directory Sync views: users, groups, the SCIM request log
    browser.get(gatehouse.url + f"/dashboard#/connections/{conn}/directory")
    browser.wait(lambda dr: "gavin@hooli.test" in browser.testid("dir-users").text, what="directory users")
    browser.click_button("Groups")
    browser.wait(lambda dr: "Operations" in browser.testid("dir-groups").text, what="directory groups")
    browser.click_button("SCIM requests")
    browser.wait(lambda dr: "POST /Groups" in browser.testid("dir-requests").text or
                 "/Groups" in browser.testid("dir-requests").text, what="the SCIM request log")
    browser.shot("directory-requests")
    browser.click_button("Jobs")
    browser.wait_text("No role re-resolution jobs")
    # a job that stopped part way shows how far it got and why
    now = int(time.time())
    sql(gatehouse, "INSERT INTO directory_jobs (id, connection_id, kind, reason, status, total, done, "
                   "error, created_at, updated_at, finished_at) VALUES "
                   f"({lit(new_id('djob'))}, {lit(conn)}, 'resolve_roles', 'role_mappings_changed', "
                   f"'failed', 130, 40, 'the database went away', {now}, {now}, {now})")
    browser.click_button("Users")
    browser.click_button("Jobs")
    bar = browser.find('[data-testid="dir-jobs"] progress')
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("40", "130")
    assert "40 of 130" in browser.testid("dir-jobs").text and "the database went away" in browser.testid("dir-jobs").text
    browser.shot("directory-job")


def test_connection_settings_attributes_and_test_sign_in(gatehouse, browser):
    org = gatehouse.api.post("/v1/organizations", json={"name": unique("Pied Piper ")}).json()
    dashboard_sign_in(browser, gatehouse, f"#/organizations/{org['id']}")
    browser.wait_text("No connections yet")
    # the provider list follows the protocol
    protocol = Select(browser.find('select[name="protocol"]'))
    protocol.select_by_value("oidc")
    assert browser.find('select[name="provider"] option[value="custom_saml"]').get_attribute("disabled")
    protocol.select_by_value("saml")
    assert not browser.find('select[name="provider"] option[value="custom_saml"]').get_attribute("disabled")
    browser.fill('input[name="name"][placeholder="Okta"]', "Okta")
    browser.click_button("Create connection")
    browser.wait_text("Values for the IdP")
    conn = gatehouse.api.get("/v1/enterprise_connections", params={"organization_id": org["id"]}).json()["data"][0]
    assert (conn["name"], conn["protocol"], conn["provider"]) == ("Okta", "saml", "okta")
    assert browser.url.endswith(f"#/connections/{conn['id']}")
    assert conn["saml"]["acs_url"] in browser.text()
    browser.fill_label("IdP entity ID", "http://www.okta.com/exk123")
    browser.fill_label("IdP SSO URL", "https://pied.okta.test/app/sso/saml")
    browser.click_button("Save settings")
    browser.wait_text("Saved.")
    browser.shot("connection-settings")
    browser.click_button("Save settings")
    browser.wait_text("Nothing changed.")
    c = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()
    assert c["saml"]["idp_entity_id"] == "http://www.okta.com/exk123"
    assert c["saml"]["idp_sso_url"] == "https://pied.okta.test/app/sso/saml"

    # custom attributes: add, edit, delete
    browser.get(gatehouse.url + f"/dashboard#/connections/{conn['id']}/attributes")
    browser.wait_text("No custom attributes")
    browser.fill_label("Key (public_metadata)", "department")
    browser.fill_label("SAML attribute", "dept")
    browser.click_button("Add attribute")
    browser.wait(lambda dr: "dept" in browser.testid("attributes").text, what="the attribute")
    browser.click_button("Edit department")
    browser.wait_text("Edit department")
    browser.fill('form input[name="scim_attribute"]', "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")
    browser.click_button("Save attribute")
    browser.wait_text("Saved department.")
    attrs = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/custom_attributes").json()["data"]
    assert [(a["key"], a["saml_attribute"], a["scim_attribute"]) for a in attrs] == [
        ("department", "dept", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")]
    browser.shot("custom-attributes")
    browser.click_button("Delete department")
    browser.click("dialog[open] button.danger")
    browser.wait_text("No custom attributes")
    assert gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/custom_attributes").json()["data"] == []

    # Directory Sync: on (the token shown once works for SCIM), rotate, off
    browser.click('a[href$="/directory"]')
    browser.click_button("Turn on Directory Sync")
    token = browser.testid("scim-token").text
    assert token.startswith("scim_"), token
    state = browser.testid("dir-state").text
    assert token[-4:] in state and "0 users" in state, state
    base = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/directory_sync").json()["scim_base_url"]
    scim = http_client()
    assert scim.get(base + "/Users", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    browser.shot("directory-on")
    browser.click_button("Rotate token")
    browser.click("dialog[open] button.danger")
    browser.wait(lambda d: browser.testid("scim-token").text != token, what="the new token")
    assert browser.testid("scim-token").text.startswith("scim_")
    browser.click_button("Turn off Directory Sync")
    browser.click("dialog[open] button.danger")
    browser.wait_text("Directory Sync is off.")
    assert gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/directory_sync").json()["enabled"] is False

    # activation is refused with the reason shown
    browser.get(gatehouse.url + f"/dashboard#/connections/{conn['id']}/settings")
    browser.click_button("Activate")
    browser.wait(lambda dr: browser.find_all('[role="alert"]'), what="the activation refusal")
    assert gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()["status"] == "draft"
    browser.shot("activate-refused")


def test_test_sign_in_through_a_real_idp_then_activate(gatehouse, browser, dns, tmp_path):
    org = gatehouse.api.post("/v1/organizations", json={"name": unique("Acme ")}).json()
    verify_domain(gatehouse, dns, org["id"], "acme.test")
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "name": "Acme Okta", "protocol": "saml", "provider": "okta",
        "domains": ["acme.test"]})
    assert r.status_code == 201, r.text
    conn = r.json()["id"]
    idp = SamlIdpServer(tmp_path, email="alice@acme.test").start()
    try:
        dashboard_sign_in(browser, gatehouse, f"#/connections/{conn}/settings")
        browser.fill_label("IdP metadata URL", idp.metadata_url)
        browser.click_button("Save settings")
        browser.wait_text("Saved.")
        assert gatehouse.api.get(f"/v1/enterprise_connections/{conn}").json()["saml"]["idp_entity_id"] == idp.idp.entity_id
        # the fetched certificate now fills its field; saving again sends nothing
        browser.wait(lambda d: "BEGIN CERTIFICATE" in browser.find('textarea[name="idp_certificates"]').get_attribute("value"),
                     what="the fetched certificate in its field")
        browser.click_button("Save settings")
        browser.wait_text("Nothing changed.")

        browser.get(gatehouse.url + f"/dashboard#/connections/{conn}/tests")
        browser.wait_text("No test sign-ins yet")
        browser.click_button("Start a test sign-in")
        browser.wait_text("waiting for the result")
        browser.shot("test-pending")
        dashboard = browser.driver.current_window_handle
        browser.click('a[target="_blank"]')
        browser.wait(lambda d: len(browser.windows()) == 2, what="the IdP tab")
        browser.switch([h for h in browser.windows() if h != dashboard][0])
        browser.click_button("Sign in")
        browser.click_button("Continue")
        browser.wait(lambda d: "/sso/test/" in d.current_url or "acs" in d.current_url, what="gatehouse's result page")
        browser.driver.close()
        browser.switch(dashboard)
        # the page polls while the test is pending and shows what came back
        t = browser.wait(lambda d: next((e for e in browser.find_all('[data-testid^="test-tsi_"]')
                                         if "passed" in e.text), None), timeout=30, what="the passed test")
        assert "alice@acme.test" in t.text
        browser.click('[data-testid^="test-tsi_"] summary')
        browser.shot("test-passed")
        browser.wait(lambda d: "tested" in browser.find("h1 + p + .row").text, what="the tested status")

        browser.click_button("Activate")
        browser.wait(lambda d: "Deactivate" in browser.text(), what="the active connection")
        assert gatehouse.api.get(f"/v1/enterprise_connections/{conn}").json()["status"] == "active"
        browser.shot("activated")
        browser.click('a[href$="/failures"]')
        browser.wait_text("No failed sign-ins through this connection.")
        # an unsolicited, unsigned answer at the ACS is refused and recorded; the tab lists it
        acs = gatehouse.api.get(f"/v1/enterprise_connections/{conn}").json()["saml"]["acs_url"]
        http_client().post(acs, data={"SAMLResponse": "bm90IFNBTUw="})
        failures = gatehouse.api.get("/v1/sign_in_failures", params={"connection_id": conn}).json()["data"]
        assert failures, "the ACS recorded no failure"
        browser.driver.refresh()
        browser.wait(lambda d: failures[0]["code"] in browser.testid("failures").text, what="the failure listed")
        browser.shot("failed-sign-ins")
    finally:
        idp.stop()


def test_webhook_deliveries_and_retry(gatehouse, browser, webhook_receiver):
    # the first try and the retries after 1 s and 5 s fail; the next would be 30 s later
    webhook_receiver.respond_with(500, 500, 500)
    ep = create_endpoint(gatehouse, webhook_receiver.url, events=["user.created"], description="the app")
    r = gatehouse.api.post("/v1/users", json={"email_addresses": [f"{unique('w')}@example.test"]})
    assert r.status_code == 201, r.text
    webhook_receiver.wait_for(3, timeout=30)

    dashboard_sign_in(browser, gatehouse, "#/webhooks")
    browser.wait(lambda dr: webhook_receiver.url in browser.testid("endpoints").text, what="the endpoint")
    browser.click(f'[data-testid="endpoints"] a[href="#/webhooks/{ep["id"]}"]')
    browser.wait(lambda dr: "500" in browser.testid("deliveries").text, what="the failed attempt's status code")
    assert "user.created" in browser.testid("deliveries").text
    browser.click('[data-testid="deliveries"] summary')
    attempts = browser.find('[data-testid="deliveries"] details table')
    rows = [r.text for r in attempts.find_elements("css selector", ":scope > tbody > tr")]
    assert len(rows) == 3 and all(" 500 " in r for r in rows), rows
    browser.shot("delivery-500")
    evt = deliveries(gatehouse, ep["id"])[0]["event_id"]
    browser.click_button(f"Retry {evt}")
    browser.wait_text(f"Delivered {evt} again: the endpoint answered 200 (succeeded).", timeout=20)
    got = webhook_receiver.wait_for(4, timeout=20)
    assert got[-1].json()["id"] == evt and got[-1].status == 200

    def delivered(_):
        browser.click_button("Refresh")
        return "succeeded" in browser.testid("deliveries").text and "200" in browser.testid("deliveries").text
    browser.wait(delivered, timeout=20, what="the delivered status after the retry")
    browser.shot("delivery-retried")
    # a new endpoint's secret is shown once, on the page that created it
    browser.get(gatehouse.url + "/dashboard#/webhooks")
    browser.fill_label("URL", webhook_receiver.url + "/second")
    browser.click_button("Add endpoint")
    secret = browser.testid("webhook-secret")
    assert secret.text.startswith("whsec_")
    browser.resize(375, 800)
    browser.shot("webhooks-375")
