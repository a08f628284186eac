# SPDX-License-Identifier: Apache-2.0
"""The page shells in a real browser: they load with the strict CSP and no console error."""

from ghtest.pages import portal_link, self_serve_org


def test_portal_and_dashboard_shells_load_under_the_csp(gatehouse, browser):
    org, admin = self_serve_org(gatehouse)
    link = portal_link(gatehouse, org["id"], admin["id"])
    browser.get(link["url"])
    browser.wait(lambda d: d.current_url.endswith("/portal"), what="the redirect to /portal")
    browser.wait_text("Security")
    browser.shot("portal")
    browser.get(gatehouse.url + "/dashboard")
    browser.wait_text("Sign in")
    browser.shot("dashboard")
    assert not [m for m in browser.console_errors() if "Content Security Policy" in m]
