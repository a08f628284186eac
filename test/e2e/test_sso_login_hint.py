# SPDX-License-Identifier: Apache-2.0
"""The app's login_hint reaches the customer's IdP: for SAML as the preset's IdP
takes it (Okta and custom SAML: a Subject/NameID in the AuthnRequest, read here by
pysaml2; Microsoft Entra ID: login_hint= on the SSO URL, never a Subject, which Entra
refuses; Google Workspace: not at all), for OIDC as the login_hint parameter of the
authorization request to a real OpenID Provider."""

from urllib.parse import parse_qs, urlsplit

import pytest

from ghtest.saml_idp import authn_request_of
from test_oidc_signin import active_connection, app_request, idp, idp_factory  # noqa: F401
from test_oidc_signin import verified_org
from ghtest.oidc_idp import browser
from test_saml_signin import authorize_url, run_test, walk_to_idp_url
from test_saml_signin import idp as saml_idp  # noqa: F401


def idp_url(gh, saml_idp, url):  # noqa: F811
    return walk_to_idp_url(saml_idp, url)[1]


def active_saml_preset(gh, dns, saml_idp, provider):  # noqa: F811
    org, domain = verified_org(gh, dns)
    r = gh.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": provider,
        "domains": [domain], "saml": {"idp_metadata_xml": saml_idp.metadata(),
                                      "sign_authn_requests": True}})
    assert r.status_code == 201, r.text
    conn = r.json()
    result, _ = run_test(gh, saml_idp, conn, email=f"tester@{domain}")
    assert result["status"] == "passed", result
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 200, r.text
    return domain, conn


@pytest.mark.parametrize("provider,style", [("okta", "subject"), ("custom_saml", "subject"),
                                            ("microsoft_entra_id", "query"),
                                            ("google_workspace", "none")])
def test_saml_login_hint(gatehouse, dns, saml_idp, provider, style):  # noqa: F811
    gh = gatehouse
    domain, conn = active_saml_preset(gh, dns, saml_idp, provider)
    app, _ = app_request(gh)
    email = f"Bob.Builder@{domain}"
    loc = idp_url(gh, saml_idp, authorize_url(gh, app, login_hint=email))
    xml, q = authn_request_of(loc)
    sp_md = gh.anon.get(f"/saml/{conn['id']}/metadata").text
    req, signed = saml_idp.read_request(loc, sp_md)
    assert signed is True  # a query hint stays outside the signed part
    subject = req.subject.name_id.text if req.subject is not None else None
    if style == "subject":
        assert subject == email and "login_hint" not in q
    elif style == "query":
        assert subject is None and "Subject" not in xml and q["login_hint"] == email
    else:
        assert subject is None and "login_hint" not in q


def test_saml_login_hint_that_is_not_an_address_is_not_passed_on(gatehouse, dns, saml_idp):  # noqa: F811
    gh = gatehouse
    domain, conn = active_saml_preset(gh, dns, saml_idp, "okta")
    _, req = app_request(gh, login_hint=f'a<b>"@{domain}')
    loc = idp_url(gh, saml_idp, f"{gh.url}/sso/start/{conn['id']}?request={req}")
    xml, q = authn_request_of(loc)
    assert "Subject" not in xml and "login_hint" not in q


def test_oidc_login_hint_reaches_the_provider(gatehouse, dns, idp):  # noqa: F811
    gh = gatehouse
    org, domain, conn = active_connection(gh, dns, idp)
    app, req = app_request(gh, login_hint=f"carol@{domain}")
    r = browser().get(f"{gh.url}/sso/start/{conn['id']}?request={req}", allow_redirects=False)
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["Location"]).query)
    assert q["login_hint"] == [f"carol@{domain}"]
