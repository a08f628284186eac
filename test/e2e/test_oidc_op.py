# SPDX-License-Identifier: Apache-2.0
"""gatehouse as the app's OpenID Provider, seen from outside: OAuth
applications over the Backend API, discovery and JWKS through a standard RP
library (npm openid-client), every /oauth2/authorize error (a bad client or
redirect_uri never redirects), the token endpoint's errors, and the whole
code -> token -> userinfo -> refresh -> revoke -> logout flow with the ID
token verified independently by python3-jwcrypto."""

import json
import os
import tempfile
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from ghtest.checks import assert_problem
from ghtest.oidc import complete_sign_in, rp, seed_user

CB = "http://127.0.0.1:9/cb"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def make_app(gh, **extra):
    body = {"name": "Demo app", "redirect_uris": [CB], **extra}
    r = gh.api.post("/v1/oauth_applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def authorize(gh, **params):
    return gh.anon.get("/oauth2/authorize?" + urlencode(params), allow_redirects=False)


def good_params(app, **over):
    p = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CB,
         "scope": "openid email", "state": "st-1", "nonce": "n-1",
         "code_challenge": CHALLENGE, "code_challenge_method": "S256"}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}


# -- OAuth applications -------------------------------------------------------------------

def test_oauth_applications_crud_and_secret_shown_once(gatehouse):
    app = make_app(gatehouse, post_logout_redirect_uris=["https://app.example/bye"])
    assert app["id"].startswith("app_") and app["client_id"].startswith("gh_client_")
    assert app["client_secret"].startswith("gh_secret_")
    assert app["client_secret_hint"].endswith(app["client_secret"][-4:])
    got = gatehouse.api.get(f"/v1/oauth_applications/{app['id']}").json()
    assert "client_secret" not in got and got["redirect_uris"] == [CB]
    assert gatehouse.api.get(f"/v1/oauth_applications/{app['client_id']}").json()["id"] == app["id"]
    lst = gatehouse.api.get("/v1/oauth_applications").json()
    assert lst["total_count"] == 1 and "client_secret" not in lst["data"][0]
    r = gatehouse.api.patch(f"/v1/oauth_applications/{app['id']}",
                            json={"name": "Renamed", "redirect_uris": [CB, "https://app.example/cb"]})
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    r = gatehouse.api.post(f"/v1/oauth_applications/{app['id']}/rotate_secret")
    assert r.status_code == 200
    assert r.json()["client_secret"] != app["client_secret"]
    audit = gatehouse.api.get("/v1/audit_events").json()["data"]
    assert {"oauth_application.created", "oauth_application.secret_rotated"} <= {e["action"] for e in audit}
    assert app["client_secret"] not in json.dumps(audit)
    assert gatehouse.api.delete(f"/v1/oauth_applications/{app['id']}").json()["deleted"] is True
    assert_problem(gatehouse.api.get(f"/v1/oauth_applications/{app['id']}"), 404,
                   "oauth_application_not_found")
    assert app["client_secret"] not in gatehouse.stderr_text()


@pytest.mark.parametrize("uris", [["http://app.example/cb"], ["https://app.example/cb#frag"],
                                  ["https://*.example.com/cb"], ["https://u@app.example/cb"],
                                  [], ["javascript:alert(1)"], ["https://app.example/cb"] * 2])
def test_oauth_application_redirect_uris_are_strict(gatehouse, uris):
    r = gatehouse.api.post("/v1/oauth_applications", json={"name": "x", "redirect_uris": uris})
    body = assert_problem(r, 422)
    assert body["errors"][0]["field"] == "redirect_uris"


def test_oauth_applications_need_the_secret_key(gatehouse):
    assert_problem(gatehouse.anon.get("/v1/oauth_applications"), 401, "missing_api_key")


# -- discovery and JWKS --------------------------------------------------------------------

def test_discovery_and_jwks(gatehouse):
    d = gatehouse.anon.get("/.well-known/openid-configuration").json()
    assert d["issuer"] == gatehouse.url
    assert d["response_types_supported"] == ["code"]
    assert d["code_challenge_methods_supported"] == ["S256"]
    assert set(d["grant_types_supported"]) == {"authorization_code", "refresh_token"}
    assert set(d["token_endpoint_auth_methods_supported"]) == {"client_secret_basic",
                                                               "client_secret_post"}
    for c in ("org_id", "org_slug", "org_role", "org_permissions", "public_metadata", "sid", "email"):
        assert c in d["claims_supported"]
    jwks = gatehouse.anon.get(d["jwks_uri"])
    assert jwks.status_code == 200
    keys = jwks.json()["keys"]
    assert len(keys) == 1 and keys[0]["alg"] == "ES256" and keys[0]["kty"] == "EC"
    assert "d" not in keys[0]
    from jwcrypto import jwk
    assert jwk.JWK(**keys[0]).thumbprint() == keys[0]["kid"]  # kid = RFC 7638 thumbprint


def test_openid_client_discovers_gatehouse(gatehouse):
    app = make_app(gatehouse)
    meta = rp("discover", gatehouse.url, app["client_id"], app["client_secret"])
    assert meta["issuer"] == gatehouse.url
    assert meta["token_endpoint"] == gatehouse.url + "/oauth2/token"


def test_signing_key_rotation_keeps_the_old_key_published(gatehouse, gatehouse_bin):
    import subprocess
    before = gatehouse.anon.get("/oauth2/jwks").json()["keys"]
    out = subprocess.run([gatehouse_bin, "signing-keys", "rotate", "--json", "--database",
                          gatehouse.db_url, "--encryption-key-file", gatehouse.key_file],
                         env=gatehouse.env(), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    new_kid = json.loads(out.stdout)["kid"]
    after = gatehouse.anon.get("/oauth2/jwks").json()["keys"]
    assert [k["kid"] for k in after] == [new_kid, before[0]["kid"]]


# -- /oauth2/authorize ---------------------------------------------------------------------

def test_authorize_goes_to_the_email_first_page(gatehouse):
    app = make_app(gatehouse)
    r = authorize(gatehouse, **good_params(app))
    assert r.status_code == 302
    loc = r.headers["Location"]
    assert loc.startswith(gatehouse.url + "/sign-in?request=areq_")
    page = gatehouse.anon.get(loc)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script" not in page.text and 'action="/sign-in"' in page.text
    rid = parse_qs(urlparse(loc).query)["request"][0]
    r = gatehouse.anon.post("/sign-in", data={"request": rid, "email": "alice@acme.com"})
    assert r.status_code == 404 and "No enterprise connection covers acme.com" in r.text
    r = gatehouse.anon.post("/sign-in", data={"request": rid, "email": "<script>x"})
    assert r.status_code == 400 and "<script>" not in r.text
    assert gatehouse.anon.get("/sign-in?request=areq_unknown").status_code == 404


def test_authorize_with_login_hint_goes_to_the_router(gatehouse):
    app = make_app(gatehouse)
    r = authorize(gatehouse, **good_params(app, login_hint="bob@contoso.com"))
    assert r.status_code == 404 and "contoso.com" in r.text


NEVER_REDIRECT = {
    "missing client_id": {"client_id": None},
    "unknown client_id": {"client_id": "gh_client_000000000000000000000000"},
    "an app id as client_id": "APP_ID",
    "missing redirect_uri": {"redirect_uri": None},
    "unregistered redirect_uri": {"redirect_uri": "https://evil.example/cb"},
    "redirect_uri with extra path": {"redirect_uri": CB + "/x"},
    "redirect_uri with a query": {"redirect_uri": CB + "?next=https://evil.example"},
    "redirect_uri prefix": {"redirect_uri": "http://127.0.0.1:9/c"},
    "redirect_uri other port": {"redirect_uri": "http://127.0.0.1:99/cb"},
}


@pytest.mark.parametrize("case", sorted(NEVER_REDIRECT))
def test_authorize_bad_client_or_redirect_uri_never_redirects(gatehouse, case):
    app = make_app(gatehouse)
    over = NEVER_REDIRECT[case]
    if over == "APP_ID":
        over = {"client_id": app["id"]}
    r = authorize(gatehouse, **good_params(app, **over))
    assert r.status_code == 400, r.text
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")


def test_authorize_repeated_redirect_uri_never_redirects(gatehouse):
    app = make_app(gatehouse)
    q = urlencode(good_params(app)) + "&redirect_uri=" + requests.utils.quote("https://evil.example/cb")
    r = gatehouse.anon.get("/oauth2/authorize?" + q, allow_redirects=False)
    assert r.status_code == 400 and "Location" not in r.headers


REDIRECTED = {
    "response_type token": ({"response_type": "token"}, "unsupported_response_type"),
    "no response_type": ({"response_type": None}, "invalid_request"),
    "no openid scope": ({"scope": "email"}, "invalid_scope"),
    "no PKCE": ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
    "PKCE plain": ({"code_challenge_method": "plain"}, "invalid_request"),
    "bad challenge": ({"code_challenge": "abc"}, "invalid_request"),
    "prompt none": ({"prompt": "none"}, "login_required"),
    "request object": ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    "response_mode fragment": ({"response_mode": "fragment"}, "invalid_request"),
}


@pytest.mark.parametrize("case", sorted(REDIRECTED))
def test_authorize_errors_go_back_to_the_registered_redirect(gatehouse, case):
    app = make_app(gatehouse)
    over, error = REDIRECTED[case]
    r = authorize(gatehouse, **good_params(app, **over))
    assert r.status_code == 302, r.text
    loc = urlparse(r.headers["Location"])
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == CB
    q = parse_qs(loc.query)
    assert q["error"] == [error]
    assert q["state"] == ["st-1"]
    assert q["iss"] == [gatehouse.url]


# -- /oauth2/token errors -------------------------------------------------------------------

def token(gh, app, data, auth="basic"):
    if auth == "basic":
        return gh.anon.post("/oauth2/token", data=data, auth=(app["client_id"], app["client_secret"]))
    return gh.anon.post("/oauth2/token", data=data)


def test_token_endpoint_errors(gatehouse):
    app = make_app(gatehouse)
    r = gatehouse.anon.post("/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": "x"},
                            auth=(app["client_id"], "gh_secret_wrong"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = token(gatehouse, app, {"grant_type": "refresh_token", "refresh_token": "x"}, auth=None)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = token(gatehouse, app, {"grant_type": "client_credentials"})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = token(gatehouse, app, {"grant_type": "authorization_code", "code": "nope", "redirect_uri": CB,
                               "code_verifier": VERIFIER})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = token(gatehouse, app, {"grant_type": "authorization_code", "code": "nope", "redirect_uri": CB})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = token(gatehouse, app, {"grant_type": "refresh_token", "refresh_token": "gh_rt_nope"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = gatehouse.anon.post("/oauth2/token", json={"grant_type": "refresh_token"},
                            auth=(app["client_id"], app["client_secret"]))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert r.headers["Cache-Control"] == "no-store"
    r = gatehouse.anon.get("/oauth2/userinfo", headers={"Authorization": "Bearer gh_at_nope"})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_pkce_mismatch_is_invalid_grant(gatehouse):
    app = make_app(gatehouse)
    user, org = seed_user(gatehouse, "carol@acme.com", "acme", "org:member")
    r = authorize(gatehouse, **good_params(app))
    back = complete_sign_in(gatehouse, r.headers["Location"], user, org)
    code = parse_qs(urlparse(back).query)["code"][0]
    r = token(gatehouse, app, {"grant_type": "authorization_code", "code": code, "redirect_uri": CB,
                               "code_verifier": "x" * 43})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = token(gatehouse, app, {"grant_type": "authorization_code", "code": code, "redirect_uri": CB,
                               "code_verifier": VERIFIER})
    assert r.status_code == 200, r.text


# -- the whole flow through openid-client ----------------------------------------------------

def test_code_flow_with_openid_client(gatehouse):
    from jwcrypto import jwk, jwt
    app = make_app(gatehouse)
    user, org = seed_user(gatehouse, "alice@acme.com", "acme", "org:admin")
    with tempfile.TemporaryDirectory() as d:
        state = os.path.join(d, "rp.json")
        url = rp("start", state, gatehouse.url, app["client_id"], app["client_secret"], CB)
        r = gatehouse.anon.get(url, allow_redirects=False)
        assert r.status_code == 302, r.text
        back = complete_sign_in(gatehouse, r.headers["Location"], user, org)
        assert back.startswith(CB + "?code=")
        got = rp("finish", state, back)

        # what openid-client validated, the app sees
        c = got["claims"]
        assert c["iss"] == gatehouse.url and c["aud"] == app["client_id"] and c["sub"] == user
        assert c["email"] == "alice@acme.com"
        assert (c["org_id"], c["org_slug"], c["org_role"]) == (org, "acme", "org:admin")
        assert "org:sys_entconns" in c["org_permissions"]
        assert c["public_metadata"] == {"dept": "eng"}
        assert c["sid"].startswith("sess_")
        assert got["userinfo"]["sub"] == user and got["userinfo"]["org_id"] == org
        assert got["refresh_rotated"] is True
        assert got["refreshed_claims"]["auth_time"] == c["auth_time"]
        assert "nonce" not in got["refreshed_claims"]
        assert got["reuse"]["ok"] is False and got["reuse"]["error"] == "invalid_grant"
        assert got["after_reuse"]["ok"] is False  # reuse ended the session and its tokens

        # an independent implementation verifies the ID token with the served JWKS
        keys = jwk.JWKSet.from_json(gatehouse.anon.get("/oauth2/jwks").text)
        tok = jwt.JWT(jwt=got["id_token"], key=keys, algs=["ES256"],
                      check_claims={"iss": gatehouse.url, "aud": app["client_id"], "exp": None})
        assert json.loads(tok.claims)["sub"] == user
        assert json.loads(tok.header)["kid"] in {k["kid"] for k in json.loads(keys.export(private_keys=False))["keys"]}
        sessions = gatehouse.api.get(f"/v1/sessions?user_id={user}").json()["data"]
        assert [s["status"] for s in sessions] == ["revoked"]
        assert sessions[0]["client_id"] == app["client_id"]

        # a second sign-in: RFC 7009 revocation, then RP-initiated logout
        url = rp("start", state, gatehouse.url, app["client_id"], app["client_secret"], CB)
        r = gatehouse.anon.get(url, allow_redirects=False)
        back = complete_sign_in(gatehouse, r.headers["Location"], user, org)
        rev = rp("revoke", state, back)
        assert rev["before"] is True
        assert rev["after"]["ok"] is False and rev["refresh"]["ok"] is False
        logout = gatehouse.anon.get(rev["logout"], allow_redirects=False)
        assert logout.status_code == 200 and "signed out" in logout.text
        statuses = [s["status"] for s in gatehouse.api.get(f"/v1/sessions?user_id={user}").json()["data"]]
        assert statuses == ["revoked", "revoked"]


def test_logout_redirects_only_to_registered_uris(gatehouse):
    app = make_app(gatehouse, post_logout_redirect_uris=["http://127.0.0.1:9/bye"])
    user, _ = seed_user(gatehouse, "dan@acme.com")
    r = authorize(gatehouse, **good_params(app))
    back = complete_sign_in(gatehouse, r.headers["Location"], user)
    code = parse_qs(urlparse(back).query)["code"][0]
    t = token(gatehouse, app, {"grant_type": "authorization_code", "code": code, "redirect_uri": CB,
                               "code_verifier": VERIFIER}).json()
    assert "org_id" not in json.loads(__import__("base64").urlsafe_b64decode(
        t["id_token"].split(".")[1] + "==="))
    bad = gatehouse.anon.get("/oauth2/logout", params={"id_token_hint": t["id_token"],
                                                       "post_logout_redirect_uri": "https://evil.example/"},
                             allow_redirects=False)
    assert bad.status_code == 400 and "Location" not in bad.headers
    ok = gatehouse.anon.get("/oauth2/logout", params={"id_token_hint": t["id_token"], "state": "s9",
                                                      "post_logout_redirect_uri": "http://127.0.0.1:9/bye"},
                            allow_redirects=False)
    assert ok.status_code == 302 and ok.headers["Location"] == "http://127.0.0.1:9/bye?state=s9"
    r = gatehouse.anon.get("/oauth2/userinfo", headers={"Authorization": f"Bearer {t['access_token']}"})
    assert r.status_code == 401
