# SPDX-License-Identifier: Apache-2.0
"""Bad input on every write route of organizations, domains and webhook
endpoints: each gets a clear 4xx with a stable code, and the database (list
counts, audit log, outbox) is exactly as before. Odd paths get clean 4xx."""

import http.client
import socket

import pytest
import requests

from ghtest.api import SoftChecks, add_domain, create_endpoint, create_org, snapshot
from ghtest.checks import assert_problem

# route -> {wrong-type bodies: field}, {too-long bodies: field}
TARGETS = ("orgs.create", "orgs.update", "domains.create", "domains.update", "webhooks.create",
           "webhooks.update")

WRONG_TYPES = {
    "orgs.create": [({"name": 5}, "name"), ({"name": ["x"]}, "name"), ({"name": "x", "slug": 1}, "slug"),
                    ({"name": "x", "self_serve_sso": "true"}, "self_serve_sso"),
                    ({"name": "x", "max_memberships": "5"}, "max_memberships"),
                    ({"name": "x", "public_metadata": "{}"}, "public_metadata"),
                    ({"name": {"a": 1}}, "name")],
    "orgs.update": [({"name": 5}, "name"), ({"self_serve_sso": 1}, "self_serve_sso"),
                    ({"default_role": False}, "default_role"), ({"private_metadata": []}, "private_metadata")],
    "domains.create": [({"name": 5}, "name"), ({"name": "x.test", "sso_enforced": "no"}, "sso_enforced"),
                       ({"name": "x.test", "enrollment_mode": 3}, "enrollment_mode")],
    "domains.update": [({"sso_enforced": 1}, "sso_enforced"), ({"enrollment_mode": ["x"]}, "enrollment_mode")],
    "webhooks.create": [({"url": 5}, "url"), ({"url": "https://example.com/", "events": "session.revoked"}, "events"),
                        ({"url": "https://example.com/", "enabled": "yes"}, "enabled"),
                        ({"url": "https://example.com/", "description": 1}, "description")],
    "webhooks.update": [({"url": None, "enabled": 0}, "enabled"), ({"events": {"a": 1}}, "events"),
                        ({"description": ["x"]}, "description")],
}

TOO_LONG = {
    "orgs.create": [({"name": "n" * 257}, "name"), ({"name": "x", "slug": "s" * 65}, "slug"),
                    ({"name": "x", "default_role": "org:" + "r" * 80}, "default_role")],
    "orgs.update": [({"name": "é" * 300}, "name")],
    "domains.create": [({"name": "a." * 130 + "test"}, "name"),
                       ({"name": "x.test", "enrollment_mode": "m" * 40}, "enrollment_mode")],
    "domains.update": [({"enrollment_mode": "m" * 40}, "enrollment_mode")],
    "webhooks.create": [({"url": "https://example.com/", "description": "d" * 513}, "description"),
                        ({"url": "https://example.com/" + "p" * 2100}, "url")],
    "webhooks.update": [({"description": "d" * 600}, "description")],
}


@pytest.fixture
def world(gatehouse, webhook_receiver):
    """One of each object, so the update routes have something to update."""
    org = create_org(gatehouse, "Acme")
    dom = add_domain(gatehouse, org["id"], "acme.test")
    ep = create_endpoint(gatehouse, webhook_receiver.url, enabled=False)
    routes = {
        "orgs.create": ("POST", "/v1/organizations"),
        "orgs.update": ("PATCH", f"/v1/organizations/{org['id']}"),
        "domains.create": ("POST", f"/v1/organizations/{org['id']}/domains"),
        "domains.update": ("PATCH", f"/v1/organizations/{org['id']}/domains/{dom['id']}"),
        "webhooks.create": ("POST", "/v1/webhook_endpoints"),
        "webhooks.update": ("PATCH", f"/v1/webhook_endpoints/{ep['id']}"),
    }
    return gatehouse, routes


def raw_request(gh, method, path, body=b""):
    """One request with the path bytes exactly as given (no client-side
    quoting or checks); returns (status, Content-Type, body)."""
    s = socket.create_connection(("127.0.0.1", gh.port), timeout=10)
    try:
        s.sendall(method.encode() + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Authorization: Bearer " + gh.key.encode() + b"\r\nContent-Type: application/json\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        resp = http.client.HTTPResponse(s, method=method)
        resp.begin()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        s.close()


def _send(gh, method, path, data, content_type="application/json", headers=None):
    h = {"Content-Type": content_type} if content_type else {}
    h.update(headers or {})
    return gh.api.request(method, path, data=data, headers=h)


def _unchanged(gh, before, what):
    after = snapshot(gh)
    assert after == before, f"{what} changed the database: {before} -> {after}"


RAW_400 = {
    "malformed JSON": (b'{"name": "x",}', "invalid_json"),
    "truncated JSON": (b'{"name": "x"', "invalid_json"),
    "single quotes": (b"{'name': 'x'}", "invalid_json"),
    "trailing garbage": (b'{"name": "x"} {}', "invalid_json"),
    "NaN": (b'{"name": NaN}', "invalid_json"),
    "comment": (b'{"name": "x" /* hi */}', "invalid_json"),
    "byte order mark": (b'\xef\xbb\xbf{"name": "x"}', None),
    "invalid UTF-8": (b'{"name": "\xff\xfe"}', "invalid_utf8"),
    "overlong UTF-8": (b'{"name": "\xc0\xaf"}', "invalid_utf8"),
    "UTF-16 surrogate in UTF-8": (b'{"name": "\xed\xa0\x80"}', "invalid_utf8"),
    "lone surrogate escape": (b'{"name": "\\ud800"}', "invalid_json"),
    "NUL escape": (b'{"name": "a\\u0000b"}', "invalid_json"),
    "duplicate keys": (b'{"name": "a", "name": "b"}', "invalid_json"),
    "array body": (b'[{"name": "x"}]', "invalid_json"),
    "string body": (b'"name"', "invalid_json"),
    "number body": (b"42", "invalid_json"),
    "null body": (b"null", "invalid_json"),
    "empty body": (b"", "invalid_json"),
    "whitespace body": (b"   \n", "invalid_json"),
    "deep nesting": (b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}", "invalid_json"),
}


def test_unparseable_bodies_are_400(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            for case, (body, code) in sorted(RAW_400.items()):
                r = _send(gh, method, path, body)
                try:
                    assert_problem(r, 400, code)
                except AssertionError as e:
                    raise AssertionError(f"{target} with {case}: {e}") from None
                _unchanged(gh, before, f"{target} with {case}")
    soft.done()


def test_unknown_field_is_422_with_the_field(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            for body, field in [({"nme": "x"}, "nme"), ({"id": "org_x"}, "id"), ({"created_at": "2020"}, "created_at"),
                                ({"Name": "x"}, "Name"), ({"k" * 500: 1}, "k" * 64)]:
                r = gh.api.request(method, path, json=body)
                b = assert_problem(r, 422, "unknown_field")
                # a long name is echoed shortened
                assert field.startswith(b["errors"][0]["field"]) and len(b["errors"][0]["field"]) >= min(len(field), 60), b
                assert b["errors"][0]["code"] == "unknown_field"
            _unchanged(gh, before, target)
    soft.done()


def test_wrong_types_are_422_invalid_type(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            for body, field in WRONG_TYPES[target]:
                r = gh.api.request(method, path, json=body)
                b = assert_problem(r, 422, "invalid_type")
                assert b["errors"][0]["field"] == field, (body, b)
            _unchanged(gh, before, target)
    soft.done()


def test_over_long_strings_are_422_too_long(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            for body, field in TOO_LONG[target]:
                r = gh.api.request(method, path, json=body)
                b = assert_problem(r, 422, "too_long")
                assert b["errors"][0]["field"] == field, (body, b)
            _unchanged(gh, before, target)
    soft.done()


def _big_body(n):
    return b'{"name": "' + b"x" * n + b'"}'


def test_body_over_the_route_limit_is_413_with_content_length(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            r = _send(gh, method, path, _big_body(70 * 1024))
            assert r.status_code == 413, r.text[:300]
            assert r.json()["code"] == "payload_too_large"
            assert gh.anon.get("/healthz").status_code == 200
            _unchanged(gh, before, target)
    soft.done()


def test_body_over_the_route_limit_is_413_when_chunked(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            body = _big_body(70 * 1024)

            def chunks():
                for i in range(0, len(body), 8192):
                    yield body[i:i + 8192]
            r = gh.api.request(method, path, data=chunks(), headers={"Content-Type": "application/json"})
            assert r.request.headers.get("Transfer-Encoding") == "chunked"
            assert r.status_code == 413, r.text[:300]
            assert r.json()["code"] == "payload_too_large"
            assert gh.anon.get("/healthz").status_code == 200
            _unchanged(gh, before, target)
    soft.done()


def test_chunked_body_within_the_limit_is_accepted(gatehouse):
    def chunks():
        yield b'{"name": '
        yield b'"Chunked ' + b"y" * 200 + b'"'
        yield b"}"
    r = gatehouse.api.post("/v1/organizations", data=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Chunked " + "y" * 200


def test_endless_chunked_body_is_cut_off(gatehouse):
    """A body far over the limit is not read forever: the server answers or
    hangs up, and stays healthy."""
    s = socket.create_connection(("127.0.0.1", gatehouse.port), timeout=10)
    try:
        s.sendall(b"POST /v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + gatehouse.key.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
        sent = 0
        try:
            while sent < 64 * 1024 * 1024:
                s.sendall(chunk)
                sent += 65536
        except OSError:
            pass
        assert sent < 64 * 1024 * 1024, "the server read 64 MiB of a body it cannot accept"
    finally:
        s.close()
    assert gatehouse.anon.get("/healthz").status_code == 200


def test_wrong_content_type_is_415(world):
    gh, routes = world
    soft = SoftChecks()
    for target in TARGETS:
        with soft.check(target):
            method, path = routes[target]
            before = snapshot(gh)
            for ctype in ("text/plain", "application/xml", "multipart/form-data; boundary=x", "text/json"):
                r = _send(gh, method, path, b'{"name": "x.test", "url": "https://example.com/"}', content_type=ctype)
                assert_problem(r, 415, "unsupported_media_type")
                _unchanged(gh, before, f"{target} as {ctype}")
    soft.done()


def test_json_content_type_with_charset_is_fine(gatehouse):
    r = _send(gatehouse, "POST", "/v1/organizations", b'{"name": "Charset"}',
              content_type="application/json; charset=utf-8")
    assert r.status_code == 201, r.text


UNKNOWN_IDS = [
    ("GET", "/v1/organizations/org_nope"),
    ("PATCH", "/v1/organizations/org_nope"),
    ("DELETE", "/v1/organizations/org_nope"),
    ("GET", "/v1/organizations/org_nope/domains"),
    ("POST", "/v1/organizations/org_nope/domains"),
    ("GET", "/v1/organizations/{org}/domains/dom_nope"),
    ("PATCH", "/v1/organizations/{org}/domains/dom_nope"),
    ("DELETE", "/v1/organizations/{org}/domains/dom_nope"),
    ("POST", "/v1/organizations/{org}/domains/dom_nope/verify"),
    ("GET", "/v1/webhook_endpoints/whe_nope"),
    ("PATCH", "/v1/webhook_endpoints/whe_nope"),
    ("DELETE", "/v1/webhook_endpoints/whe_nope"),
    ("GET", "/v1/webhook_endpoints/whe_nope/deliveries"),
    ("POST", "/v1/webhook_endpoints/whe_nope/deliveries/evt_nope/retry"),
    ("GET", "/v1/sessions/sess_nope"),
    ("POST", "/v1/sessions/sess_nope/revoke"),
]


def test_unknown_ids_are_404(world):
    gh, routes = world
    before = snapshot(gh)
    soft = SoftChecks()
    for method, path in UNKNOWN_IDS:
        path = path.replace("/v1/organizations/{org}", routes["orgs.update"][1])
        body = None
        if method == "POST" and path.endswith("/domains"):
            body = {"name": "x.test"}
        elif method == "PATCH":
            body = {"enabled": False} if "/webhook_endpoints/" in path else \
                {"sso_enforced": False} if "/domains/" in path else {"name": "x"}
        with soft.check(f"{method} {path}"):
            b = assert_problem(gh.api.request(method, path, json=body), 404)
            assert b["code"].endswith("_not_found"), b
            _unchanged(gh, before, f"{method} {path}")
    soft.done()


WRONG_METHODS = [
    ("PUT", "/v1/organizations", {"GET", "POST"}),
    ("DELETE", "/v1/organizations", {"GET", "POST"}),
    ("POST", "/v1/organizations/{org}", {"GET", "PATCH", "DELETE"}),
    ("PUT", "/v1/organizations/{org}", {"GET", "PATCH", "DELETE"}),
    ("PUT", "/v1/organizations/{org}/domains", {"GET", "POST"}),
    ("GET", "/v1/organizations/{org}/domains/{dom}/verify", {"POST"}),
    ("DELETE", "/v1/webhook_endpoints", {"GET", "POST"}),
    ("GET", "/v1/sessions/sess_x/revoke", {"POST"}),
    ("POST", "/v1/audit_events", {"GET"}),
    ("POST", "/healthz", {"GET"}),
    ("PUT", "/v1/organizations/{org}/domains/{dom}/", {"GET", "PATCH", "DELETE"}),
]


def test_wrong_method_is_405_with_allow(world):
    gh, routes = world
    before = snapshot(gh)
    soft = SoftChecks()
    for method, path, allow in WRONG_METHODS:
        path = path.replace("/v1/organizations/{org}/domains/{dom}", routes["domains.update"][1])
        path = path.replace("/v1/organizations/{org}", routes["orgs.update"][1])
        with soft.check(f"{method} {path}"):
            r = gh.api.request(method, path, json={"name": "x"})
            assert_problem(r, 405, "method_not_allowed")
            got = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
            assert allow <= got and got <= allow | {"HEAD"}, r.headers.get("Allow")
            _unchanged(gh, before, f"{method} {path}")
    soft.done()


ODD_PATHS = [
    "/v1/organizations/../healthz",
    "/v1/organizations/%2e%2e/healthz",
    "/v1/../v1/organizations",
    "//v1//organizations",
    "/v1//organizations",
    "/v1/organizations//",
    "/v1/organizations/%2F",
    "/V1/Organizations",
    "/v1/organizations;type=a",
    "/v1/organizations/\u00e9",
    "/v1/organizations/%ff%fe",
    "/v1/organizations/a%",
    "/v1/organizations/%zz",
    "/v1/" + "a" * 8000,
    "/v1/organizations/" + "o" * 5000,
    "/v1/organizations/" + "o/" * 300,
    "/\\v1\\organizations",
    "/v1/organizations/*",
    "*",
    "v1/organizations",
]


def test_odd_paths_get_clean_4xx(gatehouse):
    create_org(gatehouse, "Acme")
    before = snapshot(gatehouse)
    for path in ODD_PATHS:
        for method in ("GET", "DELETE", "POST"):
            status, ctype, data = raw_request(gatehouse, method, path.encode("utf-8"), b"{}")
            assert 400 <= status < 500, (method, path, status, data[:300])
            if status not in (400, 414):
                assert ctype.startswith("application/problem+json"), (path, status, ctype, data[:200])
    assert gatehouse.api.get("/v1/organizations").json()["total_count"] == 1
    assert snapshot(gatehouse) == before
    assert gatehouse.anon.get("/healthz").status_code == 200


@pytest.mark.parametrize("tail", ["%00", "%00/domains/x", "%00anything"])
def test_encoded_nul_does_not_cut_the_path_short(gatehouse, tail):
    """A decoded %00 must not end the path early: DELETE
    /v1/organizations/acme/%00/x is not DELETE /v1/organizations/acme."""
    org = create_org(gatehouse, "Acme")
    before = snapshot(gatehouse)
    url = f"{gatehouse.url}/v1/organizations/{org['id']}/{tail}"
    req = requests.Request("DELETE", url, headers={"Authorization": f"Bearer {gatehouse.key}"}).prepare()
    req.url = url  # keep %00 as sent
    r = gatehouse.api.send(req, timeout=10)
    assert 400 <= r.status_code < 500, r.text
    req = requests.Request("POST", f"{gatehouse.url}/v1/organizations/{org['id']}/domains/{tail}/verify",
                           json={"name": "nul.test"}, headers={"Authorization": f"Bearer {gatehouse.key}"}).prepare()
    r = gatehouse.api.send(req, timeout=10)
    assert 400 <= r.status_code < 500, r.text
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").status_code == 200
    assert snapshot(gatehouse) == before


def test_nul_in_a_query_value_is_not_a_truncated_value(gatehouse):
    org = create_org(gatehouse, "Acme")
    r = gatehouse.api.get(f"/v1/audit_events?target_id={org['id']}%00x")
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert r.json()["data"] == [], "target_id=<id>%00x must not match <id>"


def test_huge_header_is_refused_cleanly(gatehouse):
    r = gatehouse.api.get("/v1/organizations", headers={"X-Big": "h" * 100000})
    assert 400 <= r.status_code < 500
    assert gatehouse.anon.get("/healthz").status_code == 200


def test_many_bad_requests_leave_the_server_healthy(gatehouse):
    create_org(gatehouse, "Acme")
    before = snapshot(gatehouse)
    for i in range(200):
        body = bytes([(i * 37 + k) % 256 for k in range(i % 50)])
        r = _send(gatehouse, "POST", "/v1/organizations", body)
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
    assert snapshot(gatehouse) == before
    assert gatehouse.anon.get("/healthz").status_code == 200
