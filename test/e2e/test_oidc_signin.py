# SPDX-License-Identifier: Apache-2.0
"""Sign-in through OIDC and EASIE connections against a real OpenID Provider
(npm oidc-provider, see ghtest/oidc_idp.py): test sign-ins that pass (claims
recorded, connection becomes tested, nothing provisioned) and fail in plain
words (wrong client secret, email domain not covered, email not verified,
IdP errors, mix-up), state replay and missing state on the callback, and
EASIE's Google hd and Microsoft tid pins."""

import base64
import json
import secrets
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ghtest.net import free_port
from ghtest.oidc_idp import OidcIdp, browser, ensure_installed
from ghtest.sql import query

TENANT_ID = "2f1c3b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"


def account(email, **claims):
    base = {"sub": "sub-" + secrets.token_hex(4), "email": email, "email_verified": True,
            "given_name": "Alice", "family_name": "Liddell", "department": "R&D",
            "groups": ["eng", "ops"]}
    base.update(claims)
    return base


@pytest.fixture(scope="module")
def idp_factory(tmp_path_factory):
    reason = ensure_installed()
    if reason:
        pytest.skip(reason)
    started = []

    def make(path="", email="alice@example.test"):
        idp = OidcIdp(tmp_path_factory.mktemp("oidc-idp"), account(email), path=path).start()
        started.append(idp)
        return idp

    yield make
    for idp in started:
        idp.stop()


@pytest.fixture(scope="module")
def idp(idp_factory):
    return idp_factory()


# -- setup helpers -------------------------------------------------------------------------

def verified_org(gh, dns, domain=None):
    domain = domain or f"acme-{secrets.token_hex(3)}.test"
    r = gh.api.post("/v1/organizations", json={"name": "Acme"})
    assert r.status_code == 201, r.text
    org = r.json()
    r = gh.api.post(f"/v1/organizations/{org['id']}/domains", json={"name": domain})
    assert r.status_code == 201, r.text
    d = r.json()
    dns.set_txt(d["verification"]["txt_record_name"], d["verification"]["txt_record_value"])
    r = gh.api.post(f"/v1/organizations/{org['id']}/domains/{d['id']}/verify")
    assert r.status_code == 200 and r.json()["verification"]["status"] == "verified", r.text
    return org, domain


def connection(gh, idp, org, domain, *, protocol="oidc", provider="custom_oidc", secret=None,
               **extra):
    """Creates the connection, registers gatehouse's redirect URI at the IdP as a
    client, and stores that client's id and secret (or the given wrong secret)."""
    body = {"organization_id": org["id"], "protocol": protocol, "provider": provider,
            "domains": [domain], **extra}
    if protocol == "oidc":
        body.setdefault("oidc", {})["issuer"] = idp.issuer
    r = gh.api.post("/v1/enterprise_connections", json=body)
    assert r.status_code == 201, r.text
    conn = r.json()
    redirect_uri = conn["oidc"]["redirect_uri"] if "oidc" in conn else \
        f"{gh.url}/oidc/{conn['id']}/callback"
    assert redirect_uri == f"{gh.url}/oidc/{conn['id']}/callback"
    client_id, client_secret = idp.register(redirect_uri)
    r = gh.api.patch(f"/v1/enterprise_connections/{conn['id']}",
                     json={"oidc": {"client_id": client_id, "client_secret": secret or client_secret}})
    assert r.status_code == 200, r.text
    return r.json()


def start_test(gh, conn):
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins")
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["status"] == "pending" and t["id"].startswith("tsi_")
    assert t["url"] == f"{gh.url}/sso/test/{t['id']}"
    return t


def walk_to_callback(gh, url):
    """Follows redirects like a browser until the IdP sends it back to gatehouse's
    callback; returns (browser session, callback URL) without calling it."""
    s = browser()
    for _ in range(20):
        r = s.get(url, allow_redirects=False, timeout=30)
        assert r.status_code in (302, 303), f"{url}: {r.status_code} {r.text[:500]}"
        url = r.headers["Location"]
        if url.startswith("/"):
            prev = urlsplit(r.url)
            url = f"{prev.scheme}://{prev.netloc}{url}"
        if url.startswith(gh.url + "/oidc/"):
            return s, url
    raise AssertionError("no redirect back to gatehouse")


def run_test_sign_in(gh, conn):
    t = start_test(gh, conn)
    s, cb = walk_to_callback(gh, t["url"])
    page = s.get(cb, allow_redirects=False, timeout=30)
    r = gh.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}")
    assert r.status_code == 200, r.text
    return r.json(), page


def codes(result):
    return [p["code"] for p in result["problems"]]


# -- test sign-ins that pass ---------------------------------------------------------------

def test_test_sign_in_passes_with_the_claims(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    assert conn["status"] == "draft"
    me = account(f"alice@{domain}")
    idp.set_account(me)
    result, page = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "passed", result
    assert result["problems"] == []
    assert result["email"] == me["email"] and result["name_id"] == me["sub"]
    attrs = result["attributes"]
    assert attrs["email"] == [me["email"]] and attrs["email_verified"] == [True]
    assert attrs["given_name"] == ["Alice"] and attrs["department"] == ["R&D"]
    assert attrs["groups"] == ["eng", "ops"]
    assert attrs["iss"] == [idp.issuer]
    assert page.status_code == 200 and "Test sign-in passed" in page.text
    assert page.headers["Content-Type"].startswith("text/html")
    assert "no-store" in page.headers["Cache-Control"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    # the connection is now tested, and can be activated; no user was provisioned
    c = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()
    assert c["status"] == "tested" and c["tested_at"]
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 200 and r.json()["status"] == "active", r.text


def test_authorization_request_carries_state_nonce_and_pkce(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain,
                      oidc={"issuer": idp.issuer, "scopes": "openid email profile"})
    t = start_test(gatehouse, conn)
    r = browser().get(t["url"], allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    loc = r.headers["Location"]
    assert loc.startswith(idp.issuer + "/auth?")
    q = parse_qs(urlsplit(loc).query)
    assert q["response_type"] == ["code"] and q["client_id"] == [conn["oidc"]["client_id"]]
    assert q["redirect_uri"] == [f"{gatehouse.url}/oidc/{conn['id']}/callback"]
    assert q["scope"] == ["openid email profile"]
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43
    assert len(q["state"][0]) == 43 and len(q["nonce"][0]) == 43
    assert "code_verifier" not in q
    # only the state's hash is stored; the nonce is kept for the token check
    rows = query(gatehouse, "SELECT state_hash, nonce, test_sign_in_id FROM oidc_rp_states")
    assert len(rows) == 1 and rows[0][0] != q["state"][0] and len(rows[0][0]) == 64
    assert rows[0][1] == q["nonce"][0] and rows[0][2] == t["id"]


# -- test sign-ins that fail, in plain words ---------------------------------------------

def test_wrong_client_secret_is_an_idp_error(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain, secret="not-the-secret")
    idp.set_account(account(f"alice@{domain}"))
    result, page = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "failed"
    assert codes(result) == ["idp_error"]
    assert "invalid_client" in result["problems"][0]["message"]
    assert "Test sign-in failed" in page.text and "invalid_client" in page.text
    c = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()
    assert c["status"] == "draft"


def test_email_domain_not_covered(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    idp.set_account(account("mallory@elsewhere.test"))
    result, _ = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "failed"
    assert codes(result) == ["email_domain_not_covered"]
    assert "elsewhere.test" in result["problems"][0]["message"]
    assert result["email"] == "mallory@elsewhere.test"  # what came back is still shown


def test_email_not_verified(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    idp.set_account(account(f"alice@{domain}", email_verified=False))
    result, _ = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "failed" and codes(result) == ["email_not_verified"]
    # a connection may accept unverified addresses
    r = gatehouse.api.patch(f"/v1/enterprise_connections/{conn['id']}",
                            json={"oidc": {"require_email_verified": False}})
    assert r.status_code == 200, r.text
    result, _ = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "passed", result


def test_missing_email(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    me = account(f"alice@{domain}")
    del me["email"]
    idp.set_account(me)
    result, _ = run_test_sign_in(gatehouse, conn)
    assert result["status"] == "failed" and "missing_email" in codes(result)


def test_idp_error_and_mix_up_on_the_callback(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    # the IdP refused: its error and description are the problem
    t = start_test(gatehouse, conn)
    loc = browser().get(t["url"], allow_redirects=False, timeout=30).headers["Location"]
    state = parse_qs(urlsplit(loc).query)["state"][0]
    cb = f"{gatehouse.url}/oidc/{conn['id']}/callback?" + urlencode(
        {"state": state, "error": "access_denied", "error_description": "the user said no"})
    page = browser().get(cb, timeout=30)
    assert page.status_code == 200 and "the user said no" in page.text
    result = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}").json()
    assert codes(result) == ["idp_error"]
    assert "access_denied" in result["problems"][0]["message"]
    # RFC 9207: an answer naming another issuer is refused before the code is used
    t = start_test(gatehouse, conn)
    _, cb = walk_to_callback(gatehouse, t["url"])
    q = parse_qs(urlsplit(cb).query)
    assert q["iss"] == [idp.issuer]
    forged = cb.replace(urlencode({"iss": idp.issuer}), urlencode({"iss": "https://evil.example"}))
    assert forged != cb
    browser().get(forged, timeout=30)
    result = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}").json()
    assert codes(result) == ["wrong_issuer"] and "evil.example" in result["problems"][0]["message"]


def test_unreachable_idp_fails_the_test_at_its_start(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    gone = f"http://127.0.0.1:{idp.port + 1 if idp.port < 65535 else idp.port - 1}"
    r = gatehouse.api.patch(f"/v1/enterprise_connections/{conn['id']}", json={"oidc": {"issuer": gone}})
    assert r.status_code == 200, r.text
    t = start_test(gatehouse, conn)
    page = browser().get(t["url"], allow_redirects=False, timeout=30)
    assert page.status_code == 200 and "Test sign-in failed" in page.text
    result = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}").json()
    assert result["status"] == "failed" and codes(result) == ["discovery_failed"]
    # the test is used up
    again = browser().get(t["url"], allow_redirects=False, timeout=30)
    assert again.status_code == 409


# -- key rotation at the IdP --------------------------------------------------------------

def test_rotated_idp_keys_are_fetched_again_at_most_once_a_minute(gatehouse, dns, tmp_path):
    if ensure_installed():
        pytest.skip(ensure_installed())
    org, domain = verified_org(gatehouse, dns)
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "oidc", "provider": "custom_oidc",
        "domains": [domain], "oidc": {"issuer": issuer, "client_id": "gh-rotation",
                                      "client_secret": "rotation-secret-0123456789"}})
    assert r.status_code == 201, r.text
    conn = r.json()
    client = {"client_id": "gh-rotation", "client_secret": "rotation-secret-0123456789",
              "redirect_uris": [conn["oidc"]["redirect_uri"]]}
    me = account(f"alice@{domain}")

    def sign_in_with_fresh_keys():
        idp = OidcIdp(tmp_path, me, port=port, clients=[client]).start()
        try:
            return run_test_sign_in(gatehouse, conn)[0]
        finally:
            idp.stop()

    assert sign_in_with_fresh_keys()["status"] == "passed"  # keys fetched and cached
    # the IdP restarted with new keys: the unknown kid makes gatehouse fetch them again
    assert sign_in_with_fresh_keys()["status"] == "passed"
    assert "fetched again" in gatehouse.stderr_text()
    # and again within a minute: no second refetch, the kid stays unknown
    result = sign_in_with_fresh_keys()
    assert codes(result) == ["unknown_key"]
    assert "not among the" in result["problems"][0]["message"]


# -- the callback's own guards --------------------------------------------------------------

def failures(gh, conn):
    r = gh.api.get(f"/v1/sign_in_failures?connection_id={conn['id']}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_state_replay_is_refused(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    idp.set_account(account(f"alice@{domain}"))
    t = start_test(gatehouse, conn)
    s, cb = walk_to_callback(gatehouse, t["url"])
    assert "Test sign-in passed" in s.get(cb, timeout=30).text
    replay = s.get(cb, timeout=30)
    assert replay.status_code == 400
    rid = replay.headers["X-Request-Id"]
    # the end user sees a generic page and a correlation id, never the cause
    assert "Sign-in failed" in replay.text and rid in replay.text
    assert "state" not in replay.text.lower().replace("statement", "")
    f = failures(gatehouse, conn)
    assert [(x["code"], x["request_id"]) for x in f] == [("state_unknown", rid)]
    assert f[0]["organization_id"] == org["id"]
    # the test sign-in kept its (passed) outcome
    result = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}").json()
    assert result["status"] == "passed"


def test_state_of_another_connection_is_refused(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    a = connection(gatehouse, idp, org, domain)
    b = connection(gatehouse, idp, org, domain)
    idp.set_account(account(f"alice@{domain}"))
    t = start_test(gatehouse, a)
    s, cb = walk_to_callback(gatehouse, t["url"])
    other = cb.replace(f"/oidc/{a['id']}/", f"/oidc/{b['id']}/")
    assert s.get(other, timeout=30).status_code == 400
    assert [x["code"] for x in failures(gatehouse, b)] == ["state_unknown"]
    # the state was not consumed by the wrong connection
    assert "Test sign-in passed" in s.get(cb, timeout=30).text


def test_callback_without_state(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = connection(gatehouse, idp, org, domain)
    r = browser().get(f"{gatehouse.url}/oidc/{conn['id']}/callback?code=abc", timeout=30)
    assert r.status_code == 400 and "Sign-in failed" in r.text
    assert r.headers["X-Request-Id"] in r.text
    assert [x["code"] for x in failures(gatehouse, conn)] == ["state_missing"]
    # an unknown connection in the path is not written into the records
    r = browser().get(f"{gatehouse.url}/oidc/conn_nope/callback?state=x&code=y", timeout=30)
    assert r.status_code == 400
    rows = gatehouse.api.get("/v1/sign_in_failures").json()["data"]
    nope = [x for x in rows if x["request_id"] == r.headers["X-Request-Id"]]
    assert len(nope) == 1 and nope[0]["connection_id"] is None


def test_unknown_test_sign_in(gatehouse):
    r = browser().get(f"{gatehouse.url}/sso/test/tsi_nope", timeout=30)
    assert r.status_code == 404 and "Unknown test sign-in" in r.text


# -- EASIE ------------------------------------------------------------------------------

def easie_gatehouse(gatehouse_factory, **settings):
    args = []
    for k, v in settings.items():
        args += [f"--{k.replace('_', '-')}", v]
    return gatehouse_factory(extra_args=args)


def test_easie_google_pins_the_workspace_domain(gatehouse_factory, dns, idp_factory):
    google = idp_factory()
    gh = easie_gatehouse(gatehouse_factory, easie_google_issuer=google.issuer)
    org, domain = verified_org(gh, dns)
    conn = connection(gh, google, org, domain, protocol="easie", provider="google_workspace",
                      easie_tenant=domain)
    t = start_test(gh, conn)
    loc = browser().get(t["url"], allow_redirects=False, timeout=30).headers["Location"]
    assert loc.startswith(google.issuer + "/auth?")
    assert parse_qs(urlsplit(loc).query)["hd"] == [domain]
    google.set_account(account(f"alice@{domain}", hd=domain))
    result, _ = run_test_sign_in(gh, conn)
    assert result["status"] == "passed", result
    # an account of another Workspace, or a consumer account (no hd), never crosses over
    google.set_account(account(f"alice@{domain}", hd="evil.test"))
    result, _ = run_test_sign_in(gh, conn)
    assert codes(result) == ["wrong_tenant"] and "evil.test" in result["problems"][0]["message"]
    google.set_account(account(f"alice@{domain}"))
    result, _ = run_test_sign_in(gh, conn)
    assert codes(result) == ["wrong_tenant"]


def test_easie_microsoft_pins_the_tenant(gatehouse_factory, dns, idp_factory):
    ms = idp_factory(path=f"/{TENANT_ID}/v2.0")
    authority = ms.issuer[: -len(f"/{TENANT_ID}/v2.0")]
    gh = easie_gatehouse(gatehouse_factory, easie_microsoft_authority=authority)
    org, domain = verified_org(gh, dns)
    conn = connection(gh, ms, org, domain, protocol="easie", provider="microsoft_entra_id",
                      easie_tenant=TENANT_ID)
    # Entra ID sends no email_verified; xms_edov says the domain owner verified it
    me = account(f"alice@{domain}", tid=TENANT_ID, xms_edov=True)
    del me["email_verified"]
    ms.set_account(me)
    result, _ = run_test_sign_in(gh, conn)
    assert result["status"] == "passed", result
    ms.set_account(account(f"alice@{domain}", tid=str(uuid.uuid4())))
    result, _ = run_test_sign_in(gh, conn)
    assert codes(result) == ["wrong_tenant"]
    # a tenant that is not a directory id is refused at the start, in plain words
    r = gh.api.patch(f"/v1/enterprise_connections/{conn['id']}", json={"easie_tenant": "contoso.com"})
    assert r.status_code == 200, r.text
    t = start_test(gh, conn)
    browser().get(t["url"], allow_redirects=False, timeout=30)
    result = gh.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}").json()
    assert codes(result) == ["invalid_tenant"]


# -- real sign-ins: the app's authorization request, through the IdP, back with a code -----

APP_CB = "http://127.0.0.1:9/cb"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def active_connection(gh, dns, idp):
    org, domain = verified_org(gh, dns)
    conn = connection(gh, idp, org, domain)
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/custom_attributes",
                    json={"key": "department", "oidc_claim": "department"})
    assert r.status_code == 201, r.text
    idp.set_account(account(f"tester@{domain}"))
    assert run_test_sign_in(gh, conn)[0]["status"] == "passed"
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 200, r.text
    return org, domain, r.json()


def app_request(gh, **params):
    """An OAuth application and a pending authorization request of it; returns (app, request id)."""
    r = gh.api.post("/v1/oauth_applications", json={"name": "App", "redirect_uris": [APP_CB]})
    assert r.status_code == 201, r.text
    app = r.json()
    q = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": APP_CB,
         "scope": "openid email profile", "state": "app-state", "nonce": "app-nonce",
         "code_challenge": CHALLENGE, "code_challenge_method": "S256", **params}
    r = gh.anon.get("/oauth2/authorize?" + urlencode(q), allow_redirects=False)
    if r.status_code == 302:
        return app, parse_qs(urlsplit(r.headers["Location"]).query)["request"][0]
    # organization= naming an organization without an active connection ends on
    # the router's page: read the stored request's id to try /sso/start anyway
    rows = query(gh, "SELECT id FROM auth_requests WHERE client_id = "
                     f"'{app['client_id']}' ORDER BY id DESC")
    assert rows, r.text
    return app, rows[0][0]


def walk_to_app(url):
    s = browser()
    for _ in range(20):
        r = s.get(url, allow_redirects=False, timeout=30)
        if r.status_code not in (302, 303):
            return r
        url = r.headers["Location"]
        if url.startswith("/"):
            prev = urlsplit(r.url)
            url = f"{prev.scheme}://{prev.netloc}{url}"
        if url.startswith(APP_CB):
            return url
    raise AssertionError("no redirect back to the app")


def test_real_sign_in_provisions_and_returns_to_the_app_with_a_code(gatehouse, dns, idp):
    org, domain, conn = active_connection(gatehouse, dns, idp)
    me = account(f"bob@{domain}", given_name="Bob", family_name="Builder", department="Ops")
    idp.set_account(me)
    app, req = app_request(gatehouse)
    back = walk_to_app(f"{gatehouse.url}/sso/start/{conn['id']}?request={req}")
    assert isinstance(back, str), back.text
    q = parse_qs(urlsplit(back).query)
    assert q["state"] == ["app-state"] and q["iss"] == [gatehouse.url]
    r = gatehouse.anon.post("/oauth2/token", auth=(app["client_id"], app["client_secret"]), data={
        "grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": APP_CB,
        "code_verifier": VERIFIER})
    assert r.status_code == 200, r.text
    payload = r.json()["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["email"] == me["email"] and claims["nonce"] == "app-nonce"
    assert (claims["org_id"], claims["org_role"]) == (org["id"], "org:member")
    assert claims["public_metadata"] == {"department": "Ops"}
    # JIT: the user exists with the IdP's names and sub, and is a member
    users = gatehouse.api.get("/v1/users").json()["data"]
    assert [(u["id"], u["first_name"], u["last_name"], u["external_id"]) for u in users] == \
        [(claims["sub"], "Bob", "Builder", me["sub"])]
    m = gatehouse.api.get(f"/v1/organizations/{org['id']}/memberships").json()["data"]
    assert [x["user_id"] for x in m] == [claims["sub"]]
    assert failures(gatehouse, conn) == []


def test_real_sign_in_failures_are_generic_and_recorded(gatehouse, dns, idp):
    org, domain, conn = active_connection(gatehouse, dns, idp)
    # the IdP vouches for an address of a domain the connection does not cover
    idp.set_account(account("eve@elsewhere.test"))
    _, req = app_request(gatehouse)
    page = walk_to_app(f"{gatehouse.url}/sso/start/{conn['id']}?request={req}")
    assert page.status_code == 400 and "Sign-in failed" in page.text
    assert "elsewhere" not in page.text and page.headers["X-Request-Id"] in page.text
    f = failures(gatehouse, conn)
    assert [(x["code"], x["request_id"]) for x in f] == \
        [("email_domain_not_covered", page.headers["X-Request-Id"])]
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0
    # the app asked for another organization: this connection may not answer it
    other = gatehouse.api.post("/v1/organizations", json={"name": "Other"}).json()
    _, req = app_request(gatehouse, organization=other["id"])
    r = browser().get(f"{gatehouse.url}/sso/start/{conn['id']}?request={req}", allow_redirects=False)
    assert r.status_code == 400
    assert failures(gatehouse, conn)[-1]["code"] == "connection_not_requested"
    # an inactive connection signs nobody in
    gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/deactivate")
    _, req = app_request(gatehouse)
    r = browser().get(f"{gatehouse.url}/sso/start/{conn['id']}?request={req}", allow_redirects=False)
    assert r.status_code == 400
    assert failures(gatehouse, conn)[-1]["code"] == "connection_inactive"
    # an unknown request
    r = browser().get(f"{gatehouse.url}/sso/start/{conn['id']}?request=areq_nope", allow_redirects=False)
    assert r.status_code == 404


def _authorize_url(gh, app, **params):
    q = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": APP_CB,
         "scope": "openid email profile", "state": "s1", "nonce": "n1",
         "code_challenge": CHALLENGE, "code_challenge_method": "S256", **params}
    return f"{gh.url}/oauth2/authorize?" + urlencode(q)


def test_authorize_routes_login_hint_and_organization_to_the_active_connection(gatehouse, dns, idp):
    gh = gatehouse
    org, domain, conn = active_connection(gh, dns, idp)
    idp.set_account(account(f"carol@{domain}", given_name="Carol"))
    app, _ = app_request(gh)
    # login_hint: the email's verified domain picks the connection, straight to the IdP
    back = walk_to_app(_authorize_url(gh, app, login_hint=f"Carol@{domain.upper()}"))
    assert isinstance(back, str), back.text
    assert "code" in parse_qs(urlsplit(back).query)
    # organization=: that organization's active connection
    back = walk_to_app(_authorize_url(gh, app, organization=org["slug"]))
    assert isinstance(back, str), back.text
    # the email-first page: a typed email is routed the same way
    r = browser().get(_authorize_url(gh, app), allow_redirects=False)
    assert r.status_code == 302 and "/sign-in?request=" in r.headers["Location"]
    # an email no active connection covers ends on a page that says so, not at an IdP
    r = browser().get(_authorize_url(gh, app, login_hint="dave@nowhere.test"), allow_redirects=False)
    assert r.status_code == 404 and "nowhere.test" in r.text
    gh.api.post(f"/v1/enterprise_connections/{conn['id']}/deactivate")
    r = browser().get(_authorize_url(gh, app, login_hint=f"carol@{domain}"), allow_redirects=False)
    assert r.status_code == 404
