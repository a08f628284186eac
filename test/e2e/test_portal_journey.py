# SPDX-License-Identifier: Apache-2.0
"""The Security page in a real browser (PRODUCT.md journey 1): from a portal link, an IT
admin adds and verifies a domain (dnsmasq serves the TXT record the page shows), connects
a real SAML IdP (pysaml2 behind HTTP) from its metadata URL (pasted metadata XML at
375 px), runs a test sign-in in a new
tab, activates, and then an end user signs in from the app (/oauth2/authorize with
login_hint and PKCE, through the IdP, back to the app with a code). A screenshot at each
step, at 1440 px and at 375 px."""

import secrets
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.keys import Keys

from ghtest.pages import portal_link, self_serve_org
from ghtest.saml_idp import profile
from ghtest.saml_idp_http import SamlIdpServer
from ghtest.scim import verify_domain
from test_oidc_signin import APP_CB, CHALLENGE
from test_saml_signin import id_token_claims

RETURN_URL = "https://app.example.test/settings/security"


@pytest.fixture
def idp(tmp_path):
    server = SamlIdpServer(tmp_path).start()
    yield server
    server.stop()


def no_csp_errors(browser):
    bad = [m for m in browser.console_errors() if "Content Security Policy" in m or "Uncaught" in m]
    assert not bad, bad


def open_portal(gh, browser, org, admin, width):
    browser.resize(width, 1000)
    link = portal_link(gh, org["id"], admin["id"], return_url=RETURN_URL)
    browser.get(link["url"])
    browser.wait(lambda d: d.current_url.endswith("/portal"), what="the redirect to /portal")
    browser.wait_text("Single sign-on for")


def add_and_verify_domain(browser, dns, domain):
    browser.fill("#new-domain", domain)
    browser.click_button("Add domain")
    name = browser.testid(f"txt-name-{domain}").text
    value = browser.testid(f"txt-value-{domain}").text
    assert name == f"_gatehouse-verification.{domain}"
    assert value.startswith("gatehouse-verification=")
    browser.shot("domain-added-with-txt-record")
    # before the record exists: the page says it was not found yet
    browser.click_button(f"Verify {domain}")
    browser.wait(lambda d: "Not found yet" in browser.testid(f"domain-note-{domain}").text,
                 what="the not-found explanation")
    browser.shot("verify-not-found-yet")
    # keyboard: focus stays on the Verify button across the re-render; Enter presses it
    focused = browser.driver.switch_to.active_element
    assert focused.get_attribute("aria-label") == f"Verify {domain}"
    # a record with another value: the page says a record was seen, but not this one
    dns.set_txt(name, "gatehouse-verification=somebody-elses-value")
    focused.send_keys(Keys.ENTER)
    browser.wait(lambda d: "another value" in browser.testid(f"domain-note-{domain}").text,
                 what="the wrong-value explanation")
    browser.shot("verify-wrong-value-seen")
    dns.set_txt(name, value)
    browser.click_button(f"Verify {domain}")
    browser.wait(lambda d: f"{domain} is verified" in browser.testid(f"domain-note-{domain}").text,
                 what="the domain verified")
    browser.shot("domain-verified")


def connect_saml(gh, browser, idp, paste_xml=False):
    assert browser.find("#provider-okta").is_selected(), "Okta is preselected"
    browser.click_button("Continue")
    entity = browser.testid("sp-entity-id").text
    assert entity.startswith(f"{gh.url}/saml/conn_")
    assert browser.testid("acs-url").text == entity + "/acs"
    browser.wait_text("Attribute Statements")
    browser.shot("okta-setup-steps-with-values")
    # a wrong URL first: the error says what to do
    browser.fill("#idp-metadata-url", idp.base + "/nothing-here")
    browser.click_button("Save")
    browser.wait_text("answered HTTP 404")
    browser.wait_text("paste its XML instead")
    browser.shot("metadata-url-error-explained")
    if paste_xml:
        browser.fill("#idp-metadata-url", "")
        browser.fill("#idp-metadata-xml", idp.metadata())
    else:
        browser.fill("#idp-metadata-url", idp.metadata_url)
    browser.click_button("Save")
    browser.wait_text("Saved. Next: run a test sign-in")
    assert idp.idp.entity_id in browser.testid("idp-settings").text
    browser.shot("idp-metadata-saved")
    return entity.rsplit("/", 1)[1]


def run_test_sign_in_in_new_tab(browser, idp_pages=True):
    main = browser.driver.current_window_handle
    browser.click_button("Run a test sign-in")
    browser.wait(lambda d: len(d.window_handles) == 2, what="the test sign-in tab")
    other = [h for h in browser.windows() if h != main][0]
    browser.switch(other)
    if idp_pages:
        browser.click_button("Sign in", timeout=20)
        browser.shot("test-idp-sign-in-page")
        browser.click_button("Continue")
    browser.wait_text("Test sign-in passed")
    browser.shot("test-result-page-in-tab")
    browser.driver.close()
    browser.switch(main)
    outcome = browser.find('[data-testid="test-outcome"][data-status="passed"]', timeout=20)
    return outcome.text


def end_user_sign_in(gh, browser, idp, domain):
    r = gh.api.post("/v1/oauth_applications", json={"name": "App", "redirect_uris": [APP_CB]})
    assert r.status_code == 201, r.text
    app = r.json()
    email = f"bob@{domain}"
    idp.email = email
    q = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": APP_CB,
         "scope": "openid email profile", "state": "s1", "nonce": "n1", "login_hint": email,
         "code_challenge": CHALLENGE, "code_challenge_method": "S256"}
    browser.get(f"{gh.url}/oauth2/authorize?" + urlencode(q))
    browser.click_button("Sign in")
    browser.shot("end-user-at-the-idp")
    browser.click_button("Continue")
    back = browser.wait(lambda d: d.current_url if d.current_url.startswith(APP_CB + "?") else None,
                        what="the redirect to the app")
    browser.shot("end-user-back-at-the-app")
    return app, email, back


@pytest.mark.parametrize("width", [1440, 375])
def test_whole_journey(gatehouse, dns, browser, idp, width):
    gh = gatehouse
    domain = f"acme-{secrets.token_hex(3)}.test"
    idp.email = f"alice@{domain}"
    idp.attributes = profile("okta", idp.email)
    org, admin = self_serve_org(gh)
    open_portal(gh, browser, org, admin, width)
    assert browser.find('[data-step="domains"]').get_attribute("aria-current") == "step"
    assert browser.testid("back-link").get_attribute("href") == RETURN_URL
    browser.shot("start")

    add_and_verify_domain(browser, dns, domain)
    assert "done" in browser.find('[data-step="domains"]').get_attribute("class")

    conn_id = connect_saml(gh, browser, idp, paste_xml=width < 800)
    assert browser.find('[data-step="test"]').get_attribute("aria-current") == "step"
    assert "a test sign-in that passed" in browser.testid("activation-missing").text
    assert not [b for b in browser.find_all("button") if b.text == "Activate" and b.is_enabled()]

    text = run_test_sign_in_in_new_tab(browser)
    assert f"Test sign-in passed for alice@{domain}" in text
    assert "Engineering" in browser.testid("test-attributes").text
    browser.shot("test-outcome-on-the-page")

    browser.click_button("Activate")
    browser.wait_text("The connection is active")
    assert browser.find('[data-step="directory_sync"]').get_attribute("aria-current") == "step"
    browser.shot("activated")
    assert gh.api.get(f"/v1/enterprise_connections/{conn_id}").json()["status"] == "active"
    no_csp_errors(browser)

    app, email, back = end_user_sign_in(gh, browser, idp, domain)
    claims = id_token_claims(gh, app, back)
    assert claims["email"] == email
    assert (claims["org_id"], claims["org_role"]) == (org["id"], "org:member")


def test_oidc_connection_from_the_page(gatehouse, dns, browser, tmp_path):
    """Custom OIDC: the page shows the redirect URI to register, takes the issuer and the
    client's credentials, and a test sign-in through a real OpenID Provider passes."""
    from ghtest.oidc_idp import OidcIdp, ensure_installed
    from test_oidc_signin import account
    why = ensure_installed()
    if why:
        pytest.skip(why)
    gh = gatehouse
    domain = f"oidc-{secrets.token_hex(3)}.test"
    org, admin = self_serve_org(gh)
    verify_domain(gh, dns, org["id"], domain)
    op = OidcIdp(tmp_path / "op", account(f"carol@{domain}")).start()
    try:
        open_portal(gh, browser, org, admin, 1440)
        browser.click("#provider-custom_oidc")
        browser.click_button("Continue")
        redirect_uri = browser.testid("redirect-uri").text
        assert redirect_uri.startswith(f"{gh.url}/oidc/conn_") and redirect_uri.endswith("/callback")
        client_id, secret = op.register(redirect_uri)
        browser.fill("#oidc-issuer", op.issuer)
        browser.fill("#oidc-client-id", client_id)
        browser.fill("#oidc-client-secret", secret)
        browser.shot("oidc-setup-with-redirect-uri")
        browser.click_button("Save")
        browser.wait_text("Saved. Next: run a test sign-in")
        text = run_test_sign_in_in_new_tab(browser, idp_pages=False)
        assert f"Test sign-in passed for carol@{domain}" in text
        assert "R&D" in browser.testid("test-attributes").text
        browser.shot("oidc-test-passed")
        browser.click_button("Activate")
        browser.wait_text("The connection is active")
        no_csp_errors(browser)
    finally:
        op.stop()
