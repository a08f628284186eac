# SPDX-License-Identifier: Apache-2.0
"""The server's outer shell: health, metrics, API authentication, unknown
routes, clean shutdown and durability across restarts."""

import re

import pytest
import requests

from ghtest.checks import assert_problem
from ghtest.net import wait_until


def test_healthz(gatehouse, backend):
    r = gatehouse.anon.get("/healthz")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json()["status"] == "ok"
    assert r.json().get("database", backend) == backend


def test_metrics_is_prometheus_text_with_request_counter(gatehouse):
    for _ in range(3):
        assert gatehouse.anon.get("/healthz").status_code == 200
    r = gatehouse.anon.get("/metrics")
    assert r.status_code == 200
    ctype = r.headers["Content-Type"]
    assert ctype.startswith("text/plain"), ctype
    assert "version=0.0.4" in ctype, ctype
    samples = re.findall(r"^gatehouse_http_requests_total(?:\{[^}]*\})? ([0-9.eE+-]+)$", r.text, re.M)
    assert samples, f"no gatehouse_http_requests_total sample in:\n{r.text[:2000]}"
    assert sum(float(v) for v in samples) >= 3


# header sent -> the stable code of the 401
BAD_AUTH = {
    "missing": ({}, "missing_api_key"),
    "basic scheme": ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_api_key"),
    "wrong key": ({"Authorization": "Bearer sk_test_0000000000000000000000000000000000"},
                  "invalid_api_key"),
    "empty bearer": ({"Authorization": "Bearer "}, "invalid_api_key"),
}


@pytest.mark.parametrize("case", sorted(BAD_AUTH))
def test_v1_without_valid_key_is_401_problem(gatehouse, case):
    headers, code = BAD_AUTH[case]
    r = gatehouse.anon.get("/v1/organizations", headers=headers)
    assert_problem(r, 401, code)
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert "sk_test_" not in r.text


def test_key_differing_by_one_character_is_refused(gatehouse):
    for near in (gatehouse.key + "x", gatehouse.key[:-1], gatehouse.key[:-1] + "!"):
        r = gatehouse.anon.get("/v1/organizations", headers={"Authorization": f"Bearer {near}"})
        assert_problem(r, 401, "invalid_api_key")
    assert gatehouse.api.get("/v1/organizations").status_code == 200


def test_unknown_routes_are_404_problem(gatehouse):
    assert_problem(gatehouse.api.get("/v1/no_such_resource"), 404, "route_not_found")
    assert_problem(gatehouse.anon.get("/no-such-page"), 404, "route_not_found")
    assert_problem(gatehouse.api.get("/v1/organizations/org_doesnotexist"), 404,
                   "organization_not_found")


def test_requests_are_logged_without_secrets(gatehouse):
    wrong = "sk_test_wrongwrongwrongwrongwrong"
    gatehouse.anon.get("/v1/organizations", headers={"Authorization": f"Bearer {wrong}"})
    assert gatehouse.api.get("/v1/organizations").status_code == 200

    def logged():
        lines = gatehouse.stderr_text().splitlines()
        return [l for l in lines if 'msg="request"' in l and " status=401" in l]
    # one logfmt line per request
    assert len(wait_until(logged, 5, what="a log line for the 401 request")) == 1
    text = gatehouse.stderr_text()
    assert gatehouse.key not in text
    assert wrong not in text


def test_sigterm_exits_zero_and_closes_the_port(gatehouse):
    url = gatehouse.url
    assert gatehouse.stop() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=2)


def test_sigterm_finishes_a_request_in_flight(gatehouse):
    """SIGTERM while a request's body is still arriving: the server stops accepting new
    connections, but the request in flight completes (201, committed), then it exits 0."""
    import signal
    import socket
    import time
    gh = gatehouse
    body = b'{"name": "Drained", "slug": "drained"}'
    s = socket.create_connection(("127.0.0.1", gh.port), timeout=10)
    s.sendall((f"POST /v1/organizations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {gh.key}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body[:10])
    time.sleep(0.3)  # the head is read and the request is in flight
    gh.proc.send_signal(signal.SIGTERM)
    # new connections are refused while it drains
    wait_until(lambda: _refused(gh.port), timeout=10, what="the listening socket to close")
    s.sendall(body[10:])
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert b'"slug":"drained"' in answer
    assert gh.stop() == 0
    gh.start()
    r = gh.api.get("/v1/organizations/drained")
    assert r.status_code == 200, r.text


def _refused(port):
    import socket
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def _create_acme(gh):
    r = gh.api.post("/v1/organizations", json={"name": "Acme", "slug": "acme"})
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["id"].startswith("org_")
    assert (org["name"], org["slug"]) == ("Acme", "acme")
    return org


def _assert_acme(gh, org):
    r = gh.api.get(f"/v1/organizations/{org['id']}")
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["id"], got["name"], got["slug"]) == (org["id"], "Acme", "acme")


def test_restart_keeps_data(gatehouse):
    org = _create_acme(gatehouse)
    gatehouse.restart()
    _assert_acme(gatehouse, org)


def test_kill9_keeps_committed_data(gatehouse):
    org = _create_acme(gatehouse)
    gatehouse.kill9()
    gatehouse.restart()
    _assert_acme(gatehouse, org)


@pytest.mark.backends("postgres")
def test_two_nodes_share_one_postgres_database(gatehouse):
    other = gatehouse.peer()
    assert other.url != gatehouse.url and other.db_url == gatehouse.db_url
    org = _create_acme(gatehouse)
    _assert_acme(other, org)
    r = other.api.post("/v1/organizations", json={"name": "Acme", "slug": "acme"})
    assert_problem(r, 409)
