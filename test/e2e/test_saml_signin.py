# SPDX-License-Identifier: Apache-2.0
"""Sign-in through SAML connections against a real SAML IdP (Debian's pysaml2, see
ghtest/saml_idp.py): SP metadata, the Redirect-binding AuthnRequest read by pysaml2,
test sign-ins that pass (connection becomes tested, nothing provisioned) and fail with
the core's problem codes in plain words (wrong audience, expired, unsigned, XSW, ...),
real sign-ins from the app's /oauth2/authorize through the ACS back to the app with a
code (JIT user, membership, custom attribute; Okta-, Entra- and Google-like attribute
names), replay, unsolicited responses, a domain not covered, and IdP metadata by URL."""

import base64
import http.server
import json
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ghtest.oidc_idp import browser
from ghtest.saml_idp import SamlIdp, authn_request_of, b64, profile, tamper
from ghtest.sql import query
from test_oidc_signin import APP_CB, VERIFIER, app_request, failures, verified_org


@pytest.fixture
def idp(tmp_path):
    return SamlIdp(tmp_path)


# -- helpers ------------------------------------------------------------------------------

def saml_connection(gh, idp, org, domain, **saml):
    body = {"organization_id": org["id"], "protocol": "saml", "provider": "okta",
            "domains": [domain], "saml": {"idp_metadata_xml": idp.metadata(), **saml}}
    r = gh.api.post("/v1/enterprise_connections", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def sp_metadata(gh, conn):
    r = gh.anon.get(f"/saml/{conn['id']}/metadata")
    assert r.status_code == 200, r.text
    return r.text


def start_test(gh, conn):
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins")
    assert r.status_code == 201, r.text
    return r.json()


class Sp:
    """What the IdP knows of gatehouse's side of one connection."""

    def __init__(self, gh, conn):
        self.gh = gh
        self.conn = conn
        self.metadata = sp_metadata(gh, conn)
        self.entity_id = conn["saml"]["sp_entity_id"]
        self.acs = conn["saml"]["acs_url"]


def to_idp(idp, url):
    """Follows gatehouse's redirect to the IdP: (AuthnRequest ID, RelayState)."""
    s = browser()
    r = s.get(url, allow_redirects=False, timeout=30)
    assert r.status_code == 302, f"{url}: {r.status_code} {r.text[:500]}"
    loc = r.headers["Location"]
    assert loc.startswith(idp.sso_url + "?"), loc
    xml, q = authn_request_of(loc)
    m = __import__("re").search(r' ID="([^"]+)"', xml)
    return s, loc, m.group(1), q.get("RelayState")


def post_acs(s, sp, saml_response, relay_state=None):
    form = {"SAMLResponse": saml_response}
    if relay_state is not None:
        form["RelayState"] = relay_state
    return s.post(sp.acs, data=form, allow_redirects=False, timeout=30)


def finish(s, r):
    """The ACS answers a real sign-in with 303 to /sso/finish, where the browser that
    started it (its binding cookie, in s) gets the redirect to the app."""
    assert r.status_code == 303, f"{r.status_code} {r.text[:300]}"
    assert "/sso/finish/" in r.headers["Location"], r.headers["Location"]
    return s.get(r.headers["Location"], allow_redirects=False, timeout=30)


def run_test(gh, idp, conn, respond=None, **kw):
    """A test sign-in: start, the IdP answers (respond(sp, request_id) -> base64, or
    a pysaml2 Response with kw), POST to the ACS. Returns (outcome, page)."""
    sp = Sp(gh, conn)
    t = start_test(gh, conn)
    s, _, rid, relay = to_idp(idp, t["url"])
    if respond:
        value = respond(sp, rid)
    else:
        value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, **kw))
    page = post_acs(s, sp, value, relay)
    r = gh.api.get(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins/{t['id']}")
    assert r.status_code == 200, r.text
    return r.json(), page


def codes(result):
    return [p["code"] for p in result["problems"]]


def active_saml(gh, dns, idp, **saml):
    org, domain = verified_org(gh, dns)
    conn = saml_connection(gh, idp, org, domain, **saml)
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/custom_attributes",
                    json={"key": "department", "saml_attribute": "department"})
    assert r.status_code == 201, r.text
    result, _ = run_test(gh, idp, conn, email=f"tester@{domain}")
    assert result["status"] == "passed", result
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 200, r.text
    return org, domain, r.json()


def id_token_claims(gh, app, back):
    q = parse_qs(urlsplit(back).query)
    r = gh.anon.post("/oauth2/token", auth=(app["client_id"], app["client_secret"]), data={
        "grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": APP_CB,
        "code_verifier": VERIFIER})
    assert r.status_code == 200, r.text
    payload = r.json()["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# -- SP metadata and the AuthnRequest -------------------------------------------------------

def test_sp_metadata_and_identifiers(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    s = conn["saml"]
    base = f"{gatehouse.url}/saml/{conn['id']}"
    assert (s["sp_entity_id"], s["acs_url"], s["sp_metadata_url"]) == \
        (base, base + "/acs", base + "/metadata")
    # the IdP settings were read from the pasted metadata
    assert s["idp_entity_id"] == idp.entity_id and s["idp_sso_url"] == idp.sso_url
    assert len(s["idp_certificates"]) == 1 and "BEGIN CERTIFICATE" in s["idp_certificates"][0]
    assert s["has_idp_metadata_xml"] is True
    r = gatehouse.anon.get(s["sp_metadata_url"])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/samlmetadata+xml"
    md = r.text
    assert f'entityID="{base}"' in md and f'Location="{base}/acs"' in md
    assert 'use="signing"' in md and 'use="encryption"' in md
    # the private keys are sealed at rest; the certificates are plain
    rows = query(gatehouse, "SELECT saml_sp_signing_key, saml_sp_encryption_key, "
                            f"saml_sp_signing_cert FROM enterprise_connections WHERE id = '{conn['id']}'")
    assert "PRIVATE KEY" not in rows[0][0] and "PRIVATE KEY" not in rows[0][1]
    assert "BEGIN CERTIFICATE" in rows[0][2]
    # the same document on every read (keys are made once)
    assert gatehouse.anon.get(s["sp_metadata_url"]).text == md
    assert gatehouse.anon.get(f"/saml/conn_nope/metadata").status_code == 404


def test_authn_request_read_by_pysaml2(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain, sign_authn_requests=True)
    sp = Sp(gatehouse, conn)
    t = start_test(gatehouse, conn)
    _, loc, rid, relay = to_idp(idp, t["url"])
    req, signed = idp.read_request(loc, sp.metadata)
    assert req.id == rid and req.issuer.text == sp.entity_id
    assert req.assertion_consumer_service_url == sp.acs
    assert req.destination == idp.sso_url
    assert signed is True
    assert relay and len(relay) <= 80 and t["id"] not in relay
    q = parse_qs(urlsplit(loc).query)
    assert q["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    # the request's ID is stored with the test it serves
    rows = query(gatehouse, "SELECT id, test_sign_in_id FROM saml_requests")
    assert [tuple(r) for r in rows] == [(rid, t["id"])]


# -- test sign-ins -----------------------------------------------------------------------

def test_test_sign_in_passes_and_activation(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    assert conn["status"] == "draft"
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 409 and r.json()["code"] == "connection_not_tested"
    result, page = run_test(gatehouse, idp, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    assert result["problems"] == []
    assert result["email"] == f"alice@{domain}" and result["name_id"] == f"alice@{domain}"
    assert result["attributes"]["department"] == ["Engineering"]
    assert result["attributes"]["groups"] == ["Everyone", "Engineering"]
    assert page.status_code == 200 and "Test sign-in passed" in page.text
    c = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()
    assert c["status"] == "tested"
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/activate")
    assert r.status_code == 200 and r.json()["status"] == "active", r.text


@pytest.mark.parametrize("shape", ["response", "both", "encrypted"])
def test_signing_and_encryption_shapes_pass(gatehouse, dns, idp, shape):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain,
                           want_encrypted_assertions=shape == "encrypted")
    kw = {"response": dict(sign_response=True, sign_assertion=False),
          "both": dict(sign_response=True, sign_assertion=True),
          "encrypted": dict(sign_assertion=True, encrypt=True)}[shape]
    result, _ = run_test(gatehouse, idp, conn, email=f"alice@{domain}", **kw)
    assert result["status"] == "passed", result


@pytest.mark.parametrize("case,kw,code", [
    ("wrong audience", dict(audience="https://other-sp.example/saml"), "wrong_audience"),
    ("expired", dict(at=int(time.time()) - 3600), "expired"),
    ("unsigned", dict(sign_assertion=False, sign_response=False), "unsigned_assertion"),
    ("wrong recipient", dict(recipient="https://evil.example/acs"), "wrong_recipient"),
    ("wrong issuer", dict(issuer="https://evil.example/idp"), "wrong_issuer"),
    ("sha1", dict(sign_alg="sha1"), "sha1_not_allowed"),
])
def test_refused_responses_are_explained(gatehouse, dns, idp, case, kw, code):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    result, page = run_test(gatehouse, idp, conn, email=f"alice@{domain}", **kw)
    assert result["status"] == "failed", result
    assert code in codes(result), result
    assert "Test sign-in failed" in page.text and code in page.text
    assert gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()["status"] == "draft"
    if code == "wrong_audience":
        msg = result["problems"][codes(result).index(code)]["message"]
        assert "other-sp.example" in msg and conn["saml"]["sp_entity_id"] in msg


def test_wrong_key_names_the_certificate(gatehouse, dns, tmp_path):
    trusted = SamlIdp(tmp_path)
    forger = SamlIdp(tmp_path, key="other")
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, trusted, org, domain)
    result, _ = run_test(gatehouse, forger, conn, email=f"alice@{domain}")
    assert codes(result)[0] in ("unknown_certificate", "signature_invalid"), result


@pytest.mark.parametrize("op,code", [
    ("xsw1", None), ("xsw2", None), ("xsw3", "multiple_assertions"), ("xsw4", None),
    ("xsw5", None), ("xsw6", None), ("xsw7", None), ("xsw8", None),
    ("nameid_modified", "signature_invalid"), ("attribute_modified", "signature_invalid")])
def test_signature_wrapping_and_tampering_are_refused(gatehouse, dns, idp, op, code):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    signed_response = op in ("xsw1", "xsw2")

    def respond(sp, rid):
        xml = idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=f"alice@{domain}",
                          sign_response=signed_response, sign_assertion=not signed_response,
                          attributes=profile("okta", f"alice@{domain}"))
        return tamper(op, xml)

    result, _ = run_test(gatehouse, idp, conn, respond=respond)
    assert result["status"] == "failed", result
    assert result["problems"], result
    if code:
        assert code in codes(result), result
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0


def test_comment_injection_reads_the_whole_name_id(gatehouse, dns, idp):
    """alice@{domain}<!---->.evil.test is the IdP account alice@{domain}.evil.test: the
    signature still verifies (C14N drops comments), and the NameID is read in full."""
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    evil = f"alice@{domain}.evil.test"

    def respond(sp, rid):
        xml = idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=evil,
                          attributes=[("firstName", None, ["Alice"])])
        assert f">{evil}<" in xml
        return b64(xml.replace(f">{evil}<", f">alice@{domain}<!---->.evil.test<"))

    result, _ = run_test(gatehouse, idp, conn, respond=respond)
    assert result["name_id"] == evil and result["email"] == evil
    assert codes(result) == ["email_domain_not_covered"]


def test_dtd_is_refused_before_anything_is_read(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    sp = Sp(gatehouse, conn)
    t = start_test(gatehouse, conn)
    s, _, rid, relay = to_idp(idp, t["url"])
    for op in ("doctype_entity", "xxe", "billion_laughs"):
        xml = idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=f"alice@{domain}")
        r = post_acs(s, sp, tamper(op, xml), relay)
        assert r.status_code == 400 and "Sign-in failed" in r.text
    # nothing could be read, not even the request it answers: recorded as failures
    assert [x["code"] for x in failures(gatehouse, conn)] == ["dtd_forbidden"] * 3
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0


def test_email_domain_not_covered(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    result, _ = run_test(gatehouse, idp, conn, email="mallory@elsewhere.test")
    assert codes(result) == ["email_domain_not_covered"]
    assert result["email"] == "mallory@elsewhere.test"


def test_missing_email(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    result, _ = run_test(gatehouse, idp, conn, nameid="00u1abcd", nameid_format="persistent",
                         attributes=[("firstName", None, ["Alice"])])
    assert codes(result) == ["missing_email"]


@pytest.mark.parametrize("name", ["okta", "entra", "google", "oid"])
def test_attribute_names_of_each_idp(gatehouse, dns, idp, name):
    """The email comes from the attributes when the NameID is not one."""
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    email = f"alice@{domain}"
    result, _ = run_test(gatehouse, idp, conn, nameid="00u1abcd-opaque", nameid_format="persistent",
                         attributes=profile(name, email))
    assert result["status"] == "passed", result
    assert result["email"] == email and result["name_id"] == "00u1abcd-opaque"


# -- the ACS's own guards -------------------------------------------------------------------

def test_replayed_response_is_refused(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    sp = Sp(gatehouse, conn)
    t = start_test(gatehouse, conn)
    s, _, rid, relay = to_idp(idp, t["url"])
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=f"alice@{domain}"))
    assert "Test sign-in passed" in post_acs(s, sp, value, relay).text
    again = post_acs(s, sp, value, relay)
    assert again.status_code == 400 and "Sign-in failed" in again.text
    rid2 = again.headers["X-Request-Id"]
    assert rid2 in again.text and "request_unknown" not in again.text
    assert [(x["code"], x["request_id"]) for x in failures(gatehouse, conn)] == \
        [("request_unknown", rid2)]


def test_unsolicited_response_refused_by_default(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    sp = Sp(gatehouse, conn)
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, None, email=f"alice@{domain}"))
    r = post_acs(browser(), sp, value)
    assert r.status_code == 400 and "Sign-in failed" in r.text
    assert [x["code"] for x in failures(gatehouse, conn)] == ["unsolicited_response"]


def test_idp_initiated_allowed_asks_to_start_from_the_app(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    r = gatehouse.api.patch(f"/v1/enterprise_connections/{conn['id']}", json={"allow_idp_initiated": True})
    assert r.status_code == 200, r.text
    sp = Sp(gatehouse, conn)
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, None, email=f"alice@{domain}"))
    r = post_acs(browser(), sp, value)
    assert r.status_code == 400 and "Start from your application" in r.text
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0
    # the same assertion again is a replay
    r = post_acs(browser(), sp, value)
    assert [x["code"] for x in failures(gatehouse, conn)][-1] == "assertion_replayed"


def test_response_for_another_connection(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    a = saml_connection(gatehouse, idp, org, domain)
    b = saml_connection(gatehouse, idp, org, domain)
    spa, spb = Sp(gatehouse, a), Sp(gatehouse, b)
    t = start_test(gatehouse, a)
    s, _, rid, relay = to_idp(idp, t["url"])
    value = b64(idp.respond(spa.metadata, spa.entity_id, spa.acs, rid, email=f"alice@{domain}"))
    r = post_acs(s, spb, value, relay)
    assert r.status_code == 400
    assert [x["code"] for x in failures(gatehouse, b)] == ["request_unknown"]
    # not consumed by the wrong connection
    assert "Test sign-in passed" in post_acs(s, spa, value, relay).text


def test_bad_acs_posts(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    conn = saml_connection(gatehouse, idp, org, domain)
    acs = conn["saml"]["acs_url"]
    r = browser().post(acs, data={"RelayState": "x"}, timeout=30)
    assert r.status_code == 400 and "Sign-in failed" in r.text
    r = browser().post(acs, data={"SAMLResponse": "not base64!"}, timeout=30)
    assert r.status_code == 400
    r = browser().post(acs, data={"SAMLResponse": "A" * (600 * 1024)}, timeout=30)
    assert r.status_code == 413
    got = [x["code"] for x in failures(gatehouse, conn)]
    assert got[:2] == ["missing_saml_response", "invalid_base64"], got


# -- real sign-ins ---------------------------------------------------------------------------

def authorize_url(gh, app, **params):
    from test_oidc_signin import CHALLENGE
    q = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": APP_CB,
         "scope": "openid email profile", "state": "s1", "nonce": "n1",
         "code_challenge": CHALLENGE, "code_challenge_method": "S256", **params}
    return f"{gh.url}/oauth2/authorize?" + urlencode(q)


def walk_to_idp_url(idp, url):
    """Follows gatehouse's redirects (authorize, /sso/start) like one browser:
    (the browser, the URL at the IdP)."""
    s = browser()
    for _ in range(10):
        r = s.get(url, allow_redirects=False, timeout=30)
        assert r.status_code == 302, f"{url}: {r.status_code} {r.text[:300]}"
        url = r.headers["Location"]
        if url.startswith("/"):
            p = urlsplit(r.url)
            url = f"{p.scheme}://{p.netloc}{url}"
        if url.startswith(idp.sso_url):
            return s, url
    raise AssertionError("never reached the IdP")


def walk_to_idp(idp, url):
    """Follows gatehouse's redirects to the IdP: (browser, AuthnRequest ID, RelayState)."""
    s, url = walk_to_idp_url(idp, url)
    xml, q = authn_request_of(url)
    rid = __import__("re").search(r' ID="([^"]+)"', xml).group(1)
    return s, rid, q.get("RelayState")


@pytest.mark.parametrize("name", ["okta", "entra", "google"])
def test_real_sign_in_through_authorize(gatehouse, dns, idp, name):
    gh = gatehouse
    org, domain, conn = active_saml(gh, dns, idp)
    sp = Sp(gh, conn)
    app, _ = app_request(gh)
    email = f"bob@{domain}"
    s, rid, relay = walk_to_idp(idp, authorize_url(gh, app, login_hint=email))
    attrs = [a for a in profile(name, email, first="Bob", last="Builder") if a[0] != "department"]
    attrs.append(("department", None, ["Ops"]))
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=email,
                            nameid=f"{name}-id-123", nameid_format="persistent", attributes=attrs))
    r = finish(s, post_acs(s, sp, value, relay))
    assert r.status_code == 302, r.text
    back = r.headers["Location"]
    assert back.startswith(APP_CB + "?"), back
    claims = id_token_claims(gh, app, back)
    assert claims["email"] == email and claims["nonce"] == "n1"
    assert (claims["org_id"], claims["org_role"]) == (org["id"], "org:member")
    assert claims["public_metadata"] == {"department": "Ops"}
    users = gh.api.get("/v1/users").json()["data"]
    assert [(u["id"], u["first_name"], u["last_name"], u["external_id"]) for u in users] == \
        [(claims["sub"], "Bob", "Builder", f"{name}-id-123")]
    m = gh.api.get(f"/v1/organizations/{org['id']}/memberships").json()["data"]
    assert [x["user_id"] for x in m] == [claims["sub"]]
    assert failures(gh, conn) == []
    # the same response again: its request was answered, the assertion was used
    again = post_acs(s, sp, value, relay)
    assert again.status_code == 400 and failures(gh, conn)[-1]["code"] == "request_unknown"


def test_real_sign_in_failures_are_generic_and_recorded(gatehouse, dns, idp):
    gh = gatehouse
    org, domain, conn = active_saml(gh, dns, idp)
    sp = Sp(gh, conn)
    app, req = app_request(gh)
    s, rid, relay = walk_to_idp(idp, f"{gh.url}/sso/start/{conn['id']}?request={req}")
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email="eve@elsewhere.test"))
    r = post_acs(s, sp, value, relay)
    assert r.status_code == 400 and "Sign-in failed" in r.text
    assert "elsewhere" not in r.text and r.headers["X-Request-Id"] in r.text
    assert [(x["code"], x["request_id"]) for x in failures(gh, conn)] == \
        [("email_domain_not_covered", r.headers["X-Request-Id"])]
    assert gh.api.get("/v1/users").json()["total_count"] == 0
    # a RelayState other than the one sent is refused
    _, req = app_request(gh)
    s, rid, relay = walk_to_idp(idp, f"{gh.url}/sso/start/{conn['id']}?request={req}")
    value = b64(idp.respond(sp.metadata, sp.entity_id, sp.acs, rid, email=f"bob@{domain}"))
    r = post_acs(s, sp, value, "0" * 32)
    assert r.status_code == 400 and failures(gh, conn)[-1]["code"] == "relay_state_mismatch"
    # an inactive connection signs nobody in
    gh.api.post(f"/v1/enterprise_connections/{conn['id']}/deactivate")
    _, req = app_request(gh)
    r = browser().get(f"{gh.url}/sso/start/{conn['id']}?request={req}", allow_redirects=False)
    assert r.status_code == 400 and failures(gh, conn)[-1]["code"] == "connection_inactive"


# -- IdP metadata by URL -----------------------------------------------------------------

class MetadataServer:
    def __init__(self, body, status=200, content_type="application/samlmetadata+xml"):
        outer = self
        self.body, self.status, self.hits = body, status, 0

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                data = outer.body.encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/metadata"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def metadata_server():
    servers = []

    def make(body, **kw):
        m = MetadataServer(body, **kw)
        servers.append(m)
        return m

    yield make
    for m in servers:
        m.close()


def test_metadata_by_url_and_refresh(gatehouse, dns, tmp_path, metadata_server):
    idp = SamlIdp(tmp_path)
    rollover = SamlIdp(tmp_path, key="idp-rollover")
    md = metadata_server(idp.metadata())
    org, domain = verified_org(gatehouse, dns)
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "custom_saml",
        "domains": [domain], "saml": {"idp_metadata_url": md.url}})
    assert r.status_code == 201, r.text
    conn = r.json()
    assert md.hits == 1 and conn["saml"]["idp_entity_id"] == idp.entity_id
    assert conn["saml"]["idp_metadata_url"] == md.url
    result, _ = run_test(gatehouse, idp, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    # the IdP rotates its key: until the metadata is fetched again, the new key is unknown
    md.body = idp.metadata(certs=[rollover.cert_pem])
    result, _ = run_test(gatehouse, rollover, conn, email=f"alice@{domain}")
    assert result["status"] == "failed", result
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/refresh_metadata")
    assert r.status_code == 200, r.text
    assert md.hits == 2 and r.json()["warnings"] == []
    assert r.json()["saml"]["idp_certificates"] == [rollover.cert_pem.strip() + "\n"] or \
        len(r.json()["saml"]["idp_certificates"]) == 1
    result, _ = run_test(gatehouse, rollover, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    # errors, explained
    md.body = "<html>not metadata</html>"
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/refresh_metadata")
    assert r.status_code == 422 and r.json()["code"] == "invalid_metadata", r.text
    md.body = idp.metadata(certs=[])
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/refresh_metadata")
    assert r.status_code == 422 and r.json()["code"] == "no_signing_certificate", r.text
    md.status = 404
    r = gatehouse.api.post(f"/v1/enterprise_connections/{conn['id']}/refresh_metadata")
    assert r.status_code == 422 and r.json()["code"] == "metadata_unreachable", r.text
    assert "404" in r.json()["detail"]
    md.close()
    r = gatehouse.api.patch(f"/v1/enterprise_connections/{conn['id']}",
                            json={"saml": {"idp_metadata_url": md.url}})
    assert r.status_code == 422 and r.json()["code"] == "metadata_unreachable", r.text
    # the connection kept the last good settings
    c = gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()
    assert c["saml"]["idp_entity_id"] == idp.entity_id


def test_explicit_idp_settings(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "custom_saml",
        "domains": [domain], "saml": {"idp_entity_id": idp.entity_id, "idp_sso_url": idp.sso_url,
                                      "idp_certificates": ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}})
    assert r.status_code == 422 and r.json()["code"] == "invalid_certificate", r.text
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "custom_saml",
        "domains": [domain], "saml": {"idp_entity_id": idp.entity_id, "idp_sso_url": idp.sso_url,
                                      "idp_certificates": [idp.cert_pem]}})
    assert r.status_code == 201, r.text
    conn = r.json()
    result, _ = run_test(gatehouse, idp, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    # a connection without IdP settings: its test fails at the start, in plain words
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "custom_saml",
        "domains": [domain]})
    assert r.status_code == 201, r.text
    bare = r.json()
    assert gatehouse.anon.get(f"/saml/{bare['id']}/metadata").status_code == 200
    t = start_test(gatehouse, bare)
    page = browser().get(t["url"], allow_redirects=False, timeout=30)
    assert page.status_code == 200 and "Test sign-in failed" in page.text
    out = gatehouse.api.get(f"/v1/enterprise_connections/{bare['id']}/test_sign_ins/{t['id']}").json()
    assert codes(out) == ["connection_incomplete"]
    r = gatehouse.api.post(f"/v1/enterprise_connections/{bare['id']}/activate")
    assert r.status_code == 409


def test_cli_creates_a_saml_connection_from_metadata(gatehouse, dns, idp):
    from ghtest.api import cli
    org, domain = verified_org(gatehouse, dns)
    body = json.dumps({"saml": {"idp_metadata_xml": idp.metadata()}})
    out = cli(gatehouse, "connections", "create", "--organization", org["id"], "--protocol", "saml",
              "--provider", "okta", "--domains", domain, "--data", body, "--json")
    assert out.returncode == 0, out.stderr
    made = json.loads(out.stdout)
    assert made["saml"]["idp_entity_id"] == idp.entity_id
    assert made["saml"]["idp_sso_url"] == idp.sso_url
    conn = gatehouse.api.get(f"/v1/enterprise_connections/{made['id']}").json()
    # the keys the CLI made (sealed with the shared key file) serve the server's sign-ins
    rows = query(gatehouse, "SELECT saml_sp_signing_cert FROM enterprise_connections "
                            f"WHERE id = '{made['id']}'")
    assert "BEGIN CERTIFICATE" in rows[0][0]
    result, _ = run_test(gatehouse, idp, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    # bad metadata is refused as the API refuses it
    out = cli(gatehouse, "connections", "update", made["id"], "--data",
              json.dumps({"saml": {"idp_metadata_xml": "<nope/>"}}))
    assert out.returncode == 6 and "invalid_metadata" in out.stderr, out.stderr


def _expired_cert_pem():
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TEST ONLY expired IdP")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=400))
            .not_valid_after(now - datetime.timedelta(days=35))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_expired_idp_certificate_is_a_warning(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    old = _expired_cert_pem()
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "okta", "domains": [domain],
        "saml": {"idp_metadata_xml": idp.metadata(certs=[idp.cert_pem, old])}})
    assert r.status_code == 201, r.text
    conn = r.json()
    assert [w["code"] for w in conn["warnings"]] == ["certificate_expired"]
    assert "TEST ONLY expired IdP" in conn["warnings"][0]["message"]
    assert len(conn["saml"]["idp_certificates"]) == 2
    # the current key signs in as before
    result, _ = run_test(gatehouse, idp, conn, email=f"alice@{domain}")
    assert result["status"] == "passed", result
    # reads carry no warnings
    assert "warnings" not in gatehouse.api.get(f"/v1/enterprise_connections/{conn['id']}").json()


def test_idp_with_post_binding_only_gets_a_form(gatehouse, dns, idp):
    org, domain = verified_org(gatehouse, dns)
    r = gatehouse.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "protocol": "saml", "provider": "custom_saml", "domains": [domain],
        "saml": {"idp_metadata_xml": idp.metadata(binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")}})
    assert r.status_code == 201, r.text
    conn = r.json()
    t = start_test(gatehouse, conn)
    page = browser().get(t["url"], allow_redirects=False, timeout=30)
    assert page.status_code == 200, page.text
    assert f'action="{idp.sso_url}"' in page.text and 'name="SAMLRequest"' in page.text
    assert 'name="RelayState"' in page.text and "<script" not in page.text
    import re
    value = re.search(r'name="SAMLRequest" value="([^"]+)"', page.text).group(1)
    xml = base64.b64decode(value).decode()
    rid = re.search(r' ID="([^"]+)"', xml).group(1)
    assert [tuple(x) for x in query(gatehouse, "SELECT id, test_sign_in_id FROM saml_requests")] == \
        [(rid, t["id"])]
