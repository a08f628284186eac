# SPDX-License-Identifier: Apache-2.0
"""The Security page's API over HTTP: tenant isolation (a portal session of one
organization gets 404 for another organization's domains, connections, test sign-ins
and directory on every /portal/api route, exactly as for ids that do not exist), CSRF
(a write without the session's X-CSRF-Token, with a wrong one, or from another site is
refused and writes nothing), and the fields only the operator may set."""

import os
import re

from ghtest.api import snapshot
from ghtest.checks import assert_problem
from ghtest.pages import portal_session, self_serve_org
from ghtest.scim import verify_domain

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROW = re.compile(r'\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"(/portal/api/[^"]+)"')


def portal_routes():
    """Every (method, path) of the portal API, read from its route table."""
    with open(os.path.join(ROOT, "src", "routes", "portal_api.c"), encoding="utf-8") as f:
        return ROW.findall(f.read())


def org_with_connection(gh, dns, domain):
    org, admin = self_serve_org(gh)
    dom = verify_domain(gh, dns, org["id"], domain)
    r = gh.api.post("/v1/enterprise_connections",
                    json={"organization_id": org["id"], "protocol": "saml", "provider": "okta",
                          "name": "Okta " + domain, "domains": [domain]})
    assert r.status_code == 201, r.text
    conn = r.json()
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/test_sign_ins")
    assert r.status_code == 201, r.text
    r2 = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/directory_sync")
    assert r2.status_code == 201, r2.text
    return {"org": org, "admin": admin, "dom": dom, "conn": conn, "test": r.json()}


def body_for(method, path):
    if method in ("POST", "PATCH") and path.endswith(("/connections/{conn}", "/domains")):
        return {"name": "changed"}
    if method == "PATCH" and path.endswith("/domains/{dom}"):
        return {"sso_enforced": False}
    return None


def test_another_organizations_objects_are_not_found_on_every_route(gatehouse, dns):
    gh = gatehouse
    a = org_with_connection(gh, dns, "a-corp.test")
    b = org_with_connection(gh, dns, "b-corp.test")
    s = portal_session(gh, a["org"]["id"], a["admin"]["id"])
    routes = [(m, p) for m, p in portal_routes() if "{" in p]
    assert len(routes) >= 15, routes
    before = snapshot(gh)
    for method, path in routes:
        answers = []
        for ids in (b, None):
            url = path.replace("{dom}", ids["dom"]["id"] if ids else "dom_01nonexistent0000000000000") \
                      .replace("{conn}", ids["conn"]["id"] if ids else "conn_01nonexistent000000000000") \
                      .replace("{id}", ids["test"]["id"] if ids else "tsi_01nonexistent0000000000000")
            r = s.request(method, gh.url + url, json=body_for(method, path))
            body = assert_problem(r, 404)
            assert body["code"] in ("domain_not_found", "connection_not_found"), (method, url, body)
            answers.append((body["code"], body["detail"].replace(url.split("/")[4], "ID")))
            if ids:
                assert "b-corp" not in r.text and b["org"]["id"] not in r.text, (method, url, r.text)
        assert answers[0] == answers[1], (method, path, answers)
    r = s.get(gh.url + "/portal/api/domains/b-corp.test")
    assert_problem(r, 404, "domain_not_found")
    # org A's own test sign-in id under... org A's connection works; B's under A's does not
    r = s.get(gh.url + f"/portal/api/connections/{a['conn']['id']}/test_sign_ins/{b['test']['id']}")
    assert_problem(r, 404)
    assert snapshot(gh) == before, "nothing of org B (or anything else) was written"
    # lists show org A's objects only
    assert [d["name"] for d in s.get(gh.url + "/portal/api/domains").json()["data"]] == ["a-corp.test"]
    assert [c["id"] for c in s.get(gh.url + "/portal/api/connections").json()["data"]] == [a["conn"]["id"]]
    # a connection cannot be made over org B's domain, nor in org B
    r = s.post(gh.url + "/portal/api/connections",
               json={"name": "x", "protocol": "saml", "provider": "okta", "domains": ["b-corp.test"]})
    assert_problem(r, 422, "domain_not_in_organization")
    r = s.post(gh.url + "/portal/api/connections",
               json={"name": "x", "protocol": "saml", "provider": "okta", "organization_id": b["org"]["id"]})
    assert_problem(r, 422, "operator_only_field")
    # org B's domain cannot be claimed once verified there
    r = s.post(gh.url + "/portal/api/domains", json={"name": "b-corp.test"})
    assert_problem(r, 409, "domain_taken")
    # the same calls with org A's own ids do work (the 404s above are not a broken route)
    assert s.get(gh.url + f"/portal/api/connections/{a['conn']['id']}").status_code == 200
    assert s.get(gh.url + f"/portal/api/domains/{a['dom']['id']}").status_code == 200
    assert s.get(gh.url + f"/portal/api/connections/{a['conn']['id']}/test_sign_ins/{a['test']['id']}").status_code == 200
    assert s.get(gh.url + f"/portal/api/connections/{a['conn']['id']}/directory_users").status_code == 200


def test_operator_only_fields_are_refused(gatehouse, dns):
    gh = gatehouse
    a = org_with_connection(gh, dns, "ops.test")
    s = portal_session(gh, a["org"]["id"], a["admin"]["id"])
    conn = gh.url + f"/portal/api/connections/{a['conn']['id']}"
    for body, field in (({"default_role": "org:admin"}, "default_role"),
                        ({"allow_idp_initiated": True}, "allow_idp_initiated"),
                        ({"organization_id": "org_x"}, "organization_id"),
                        ({"saml": {"allow_sha1": True}}, "saml.allow_sha1"),
                        ({"oidc": {"jwks_uri": "https://x.test/jwks"}}, "oidc.jwks_uri")):
        r = s.patch(conn, json=body)
        p = assert_problem(r, 422, "operator_only_field")
        assert p["errors"] == [{"field": field, "code": "operator_only_field"}], p
    r = s.patch(conn, json={"colour": "red"})
    assert_problem(r, 422, "unknown_field")
    r = s.post(gh.url + "/portal/api/domains", json={"name": "gmail.com"})
    assert "public mail provider" in assert_problem(r, 422, "public_mail_domain")["detail"]
    r = s.post(gh.url + "/portal/api/domains", json={"name": "x.test", "sso_enforced": False})
    assert_problem(r, 422, "unknown_field")
    got = gh.api.get(f"/v1/enterprise_connections/{a['conn']['id']}").json()
    assert (got["default_role"], got["allow_idp_initiated"], got["saml"]["allow_sha1"]) == (None, False, False)


def test_writes_need_the_csrf_token_and_the_same_site(gatehouse, dns):
    gh = gatehouse
    a = org_with_connection(gh, dns, "csrf.test")
    s = portal_session(gh, a["org"]["id"], a["admin"]["id"])
    good = s.headers.pop("X-CSRF-Token")
    conn = f"/portal/api/connections/{a['conn']['id']}"
    writes = [("POST", "/portal/api/domains", {"name": "new.csrf.test"}),
              ("DELETE", f"/portal/api/domains/{a['dom']['id']}", None),
              ("PATCH", conn, {"name": "hijacked"}),
              ("DELETE", conn, None),
              ("POST", conn + "/directory_sync/rotate_token", None),
              ("DELETE", conn + "/directory_sync", None),
              ("POST", "/portal/api/sign_out", None)]
    before = snapshot(gh)
    for method, path, body in writes:
        for headers in ({}, {"X-CSRF-Token": "x" * len(good)}, {"X-CSRF-Token": good[:-1]}):
            r = s.request(method, gh.url + path, json=body, headers=headers)
            assert_problem(r, 403, "csrf_token_invalid")
        # the right token from another site is refused too
        r = s.request(method, gh.url + path, json=body,
                      headers={"X-CSRF-Token": good, "Sec-Fetch-Site": "cross-site"})
        assert_problem(r, 403, "cross_site_request")
    assert snapshot(gh) == before, "a refused write changed something"
    got = gh.api.get(f"/v1/enterprise_connections/{a['conn']['id']}").json()
    assert got["name"] == "Okta csrf.test"
    # reads need no token; the same write with the token goes through
    assert s.get(gh.url + "/portal/api/organization").status_code == 200
    r = s.patch(gh.url + conn, json={"name": "Renamed"}, headers={"X-CSRF-Token": good})
    assert r.status_code == 200 and r.json()["name"] == "Renamed", r.text
