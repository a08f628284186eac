# SPDX-License-Identifier: Apache-2.0
"""Login CSRF: an enterprise sign-in ends only in the browser that started it
(routes/sso_binding.c). Each test plays the attacker: a second browser (another
cookie jar) tries to finish someone else's flow — the attacker's own valid IdP
answer delivered into a victim's browser, which is what login CSRF is — and must
get no code; the browser that started the flow still can."""

from urllib.parse import parse_qs, urlsplit

from ghtest.oidc_idp import browser
from ghtest.saml_idp import b64
from test_oidc_signin import APP_CB, account, active_connection, failures, walk_to_callback
from test_oidc_signin import app_request, idp, idp_factory  # noqa: F401 (fixtures)
from test_saml_signin import Sp, active_saml, authorize_url, post_acs, walk_to_idp
from test_saml_signin import idp as saml_idp_fixture  # noqa: F401

COOKIE = "gh_sso"  # over http; __Host-gh_sso (Secure) when the public URL is https


def saml_flow(gh, dns, saml_idp):
    """An active SAML connection and a sign-in started in a fresh browser:
    (sp, app, browser, AuthnRequest ID, RelayState, the IdP's signed Response)."""
    org, domain, conn = active_saml(gh, dns, saml_idp)
    sp = Sp(gh, conn)
    app, _ = app_request(gh)
    email = f"mallory@{domain}"
    s, rid, relay = walk_to_idp(saml_idp, authorize_url(gh, app, login_hint=email))
    value = b64(saml_idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=email))
    return conn, sp, s, relay, value


def test_sso_start_sets_an_http_only_lax_binding_cookie(gatehouse, dns, saml_idp_fixture):
    gh = gatehouse
    org, domain, conn = active_saml(gh, dns, saml_idp_fixture)
    app, req = app_request(gh)
    r = browser().get(f"{gh.url}/sso/start/{conn['id']}?request={req}", allow_redirects=False)
    assert r.status_code == 302
    c = r.headers["Set-Cookie"]
    assert c.startswith(COOKIE + "=") and "HttpOnly" in c and "SameSite=Lax" in c
    assert "Path=/" in c and "Domain" not in c


def test_saml_response_posted_from_another_browser_gets_no_code(gatehouse, dns, saml_idp_fixture):
    gh = gatehouse
    conn, sp, attacker, relay, value = saml_flow(gh, dns, saml_idp_fixture)
    # the attacker's page makes the victim's browser post the attacker's response
    victim = browser()
    r = post_acs(victim, sp, value, relay)
    assert r.status_code == 303, r.text
    handoff = r.headers["Location"]
    done = victim.get(handoff, allow_redirects=False, timeout=30)
    assert done.status_code == 400 and "Sign-in failed" in done.text
    assert APP_CB not in done.headers.get("Location", "") and "code=" not in done.text
    assert failures(gh, conn)[-1]["code"] == "browser_mismatch"
    # a victim who already has a binding cookie of their own: refused the same way
    victim2 = browser()
    victim2.get(f"{gh.url}/sso/start/{conn['id']}?request={app_request(gh)[1]}",
                allow_redirects=False)
    assert COOKIE in victim2.cookies
    done = victim2.get(handoff, allow_redirects=False, timeout=30)
    assert done.status_code == 400 and failures(gh, conn)[-1]["code"] == "browser_mismatch"
    # a forged or altered cookie value is not it either
    forged = browser()
    forged.cookies.set(COOKIE, "A" * 43)
    assert forged.get(handoff, allow_redirects=False, timeout=30).status_code == 400
    # the browser that started the flow gets its code
    ok = attacker.get(handoff, allow_redirects=False, timeout=30)
    assert ok.status_code == 302 and ok.headers["Location"].startswith(APP_CB + "?code=")


def test_handoff_cannot_be_forged_or_moved(gatehouse, dns, saml_idp_fixture):
    gh = gatehouse
    conn, sp, s, relay, value = saml_flow(gh, dns, saml_idp_fixture)
    r = post_acs(s, sp, value, relay)
    handoff = r.headers["Location"]
    parts = urlsplit(handoff)
    h = parse_qs(parts.query)["h"][0]
    base = f"{parts.scheme}://{parts.netloc}"
    # another request id in the path, a flipped byte, no h at all
    other = base + parts.path.rsplit("/", 1)[0] + "/areq_0000000000000000000000?" + parts.query
    flipped = h[:-6] + ("A" if h[-6] != "A" else "B") + h[-5:]
    for url, code in ((other, "handoff_invalid"),
                      (f"{base}{parts.path}?h={flipped.replace('+', '%2B')}", "handoff_invalid"),
                      (f"{base}{parts.path}", "handoff_invalid")):
        bad = s.get(url, allow_redirects=False, timeout=30)
        assert bad.status_code == 400, url
        assert failures(gh, conn)[-1]["code"] == code
    assert s.get(handoff, allow_redirects=False).headers["Location"].startswith(APP_CB)


def test_a_started_sign_in_cannot_be_taken_over_by_another_browser(gatehouse, dns,
                                                                   saml_idp_fixture):
    gh = gatehouse
    org, domain, conn = active_saml(gh, dns, saml_idp_fixture)
    app, req = app_request(gh)
    first = browser()
    url = f"{gh.url}/sso/start/{conn['id']}?request={req}"
    assert first.get(url, allow_redirects=False).status_code == 302
    # the same browser again (back button, retry): fine
    assert first.get(url, allow_redirects=False).status_code == 302
    # another browser with the same link: refused
    r = browser().get(url, allow_redirects=False)
    assert r.status_code == 400 and failures(gh, conn)[-1]["code"] == "browser_mismatch"


def test_oidc_callback_opened_in_another_browser_gets_no_code(gatehouse, dns, idp):  # noqa: F811
    gh = gatehouse
    org, domain, conn = active_connection(gh, dns, idp)
    idp.set_account(account(f"mallory@{domain}"))
    app, req = app_request(gh)
    attacker, cb = walk_to_callback(gh, f"{gh.url}/sso/start/{conn['id']}?request={req}")
    assert COOKIE in attacker.cookies
    r = browser().get(cb, allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "code=" not in r.headers.get("Location", "")
    assert failures(gh, conn)[-1]["code"] == "browser_mismatch"
    # and with the cookie of the browser that started it, a new flow completes
    app, req = app_request(gh)
    s, cb = walk_to_callback(gh, f"{gh.url}/sso/start/{conn['id']}?request={req}")
    ok = s.get(cb, allow_redirects=False, timeout=30)
    assert ok.status_code == 302 and ok.headers["Location"].startswith(APP_CB + "?code=")
