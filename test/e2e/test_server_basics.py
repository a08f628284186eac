# SPDX-License-Identifier: Apache-2.0
"""The server's outer shell: health, metrics, API authentication, unknown
routes, clean shutdown and durability across restarts."""

import re

import pytest
import requests

from ghtest.checks import assert_problem
from ghtest.net import wait_until


def test_healthz(gatehouse):
    r = gatehouse.anon.get("/healthz")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json() == {"status": "ok"}


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


BAD_AUTH = {
    "missing": {},
    "wrong key": {"Authorization": "Bearer sk_test_0000000000000000000000000000000000"},
    "empty bearer": {"Authorization": "Bearer "},
    "basic scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
}


@pytest.mark.parametrize("case", sorted(BAD_AUTH))
def test_v1_without_valid_key_is_401_problem(gatehouse, case):
    r = gatehouse.anon.get("/v1/organizations", headers=BAD_AUTH[case])
    body = assert_problem(r, 401)
    # Stable: the same code whatever was wrong with the credentials.
    ref = gatehouse.anon.get("/v1/organizations")
    assert body["code"] == ref.json()["code"]
    assert "sk_test_" not in r.text


def test_key_with_extra_character_is_refused(gatehouse):
    r = gatehouse.anon.get("/v1/organizations", headers={"Authorization": f"Bearer {gatehouse.key}x"})
    assert_problem(r, 401)
    r = gatehouse.anon.get("/v1/organizations", headers={"Authorization": f"Bearer {gatehouse.key[:-1]}"})
    assert_problem(r, 401)


def test_unknown_routes_are_404_problem(gatehouse):
    assert_problem(gatehouse.api.get("/v1/no_such_resource"), 404)
    assert_problem(gatehouse.api.get("/v1/organizations/org_doesnotexist"), 404)
    assert_problem(gatehouse.anon.get("/no-such-page"), 404)


def test_requests_are_logged_without_secrets(gatehouse):
    wrong = "sk_test_wrongwrongwrongwrongwrong"
    gatehouse.anon.get("/v1/organizations", headers={"Authorization": f"Bearer {wrong}"})
    assert gatehouse.api.get("/v1/organizations").status_code == 200

    def logged():
        lines = gatehouse.stderr_text().splitlines()
        return [l for l in lines if "/v1/organizations" in l and "401" in l]
    wait_until(logged, 5, what="a log line for the 401 request")
    text = gatehouse.stderr_text()
    assert gatehouse.key not in text
    assert wrong not in text


def test_sigterm_exits_zero_and_closes_the_port(gatehouse):
    url = gatehouse.url
    assert gatehouse.stop() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=2)


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
