# SPDX-License-Identifier: Apache-2.0
"""Rate limits of enterprise sign-in (routes/sso_limit.c; per node, one-minute
windows, off by default): sign-in starts per client IP and per connection, and
failed ACS posts / OIDC callbacks / hand-offs per client IP, after which that IP's
posts are refused before any parsing. Counts never depend on timing here: every
test stays inside one window's limit arithmetic (a window roll-over only resets)."""

from ghtest.oidc_idp import browser


def get(gh, path):
    return browser().get(gh.url + path, allow_redirects=False, timeout=30)


def limited(r):
    return r.status_code == 429 and r.headers.get("Retry-After") == "60"


def test_sign_in_starts_per_ip(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-start-limit-per-ip", "2"])
    codes = [get(gh, "/sso/start/conn_x?request=areq_x").status_code for _ in range(2)]
    assert 429 not in codes
    r = get(gh, "/sso/start/conn_y?request=areq_y")
    assert limited(r) and "Too many sign-in attempts" in r.text


def test_sign_in_starts_per_connection(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-start-limit-per-connection", "2"])
    for _ in range(2):
        assert get(gh, "/sso/start/conn_a?request=areq_x").status_code != 429
    assert get(gh, "/sso/start/conn_b?request=areq_x").status_code != 429  # its own count
    assert limited(get(gh, "/sso/start/conn_a?request=areq_x"))


def test_failed_posts_per_ip_then_refused_before_parsing(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-failure-limit-per-ip", "2"])
    s = browser()
    for _ in range(2):
        r = s.post(f"{gh.url}/saml/conn_x/acs", data={"SAMLResponse": "bm90IHhtbA=="}, timeout=30)
        assert r.status_code == 400
    # the limit is reached: the ACS, the OIDC callback and the hand-off refuse this IP
    assert limited(s.post(f"{gh.url}/saml/conn_x/acs", data={"SAMLResponse": "x"}, timeout=30))
    assert limited(get(gh, "/oidc/conn_x/callback?state=s&code=c"))
    assert limited(get(gh, "/sso/finish/areq_x?h=v1.AAAA"))
    # and nothing more was recorded once it was: two failure records, not five
    r = gh.api.get("/v1/sign_in_failures")
    assert r.status_code == 200 and r.json()["total_count"] == 2, r.text


def test_limits_are_off_by_default(gatehouse):
    s = browser()
    for _ in range(5):
        r = s.post(f"{gatehouse.url}/saml/conn_x/acs", data={"SAMLResponse": "x"}, timeout=30)
        assert r.status_code == 400
