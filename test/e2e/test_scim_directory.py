# SPDX-License-Identifier: Apache-2.0
"""Directory Sync as the operator sees it: turning it on (token shown once,
stored hashed), rotating (the old token keeps working for 10 minutes),
turning it off (401/403, never a fake 200), tenant isolation between
connections, the discovery documents, the request log, and the CLI."""

import json
import subprocess
import time

from ghtest.checks import assert_problem
from ghtest.scim import (CUSTOM, ENTERPRISE, GROUP, SCIM_CT, USER, ScimClient, assert_scim_error,
                         new_directory, okta_user, patch)
from ghtest.sql import lit, query


def ds_url(d, tail=""):
    return f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync{tail}"


def test_enable_shows_the_token_once_and_stores_a_hash(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    ds = d["directory"]
    assert ds["object"] == "directory_sync" and ds["enabled"] is True
    assert ds["scim_base_url"] == f"{gatehouse.url}/scim/v2/{d['conn']['id']}"
    assert ds["bearer_token"].startswith("scim_") and ds["token_hint"].endswith(ds["bearer_token"][-4:])
    got = gatehouse.api.get(ds_url(d)).json()
    assert "bearer_token" not in got and got["token_hint"] == ds["token_hint"]
    (stored,) = query(gatehouse, f"SELECT token_hash FROM directories WHERE connection_id = {lit(d['conn']['id'])}")[0]
    assert d["token"] not in stored and len(stored) == 64
    # on twice is a conflict (rotate instead), not a silent new token
    assert_problem(gatehouse.api.post(ds_url(d)), 409, "directory_sync_enabled")
    assert d["scim"].get("/Users").status_code == 200


def test_rotation_keeps_the_old_token_for_ten_minutes(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    r = gatehouse.api.post(ds_url(d, "/rotate_token"))
    assert r.status_code == 200, r.text
    new = ScimClient(gatehouse, d["base"], r.json()["bearer_token"])
    assert new.get("/Users").status_code == 200
    assert d["scim"].get("/Users").status_code == 200  # the old one, within 10 minutes
    exp = r.json()["previous_token_expires_at"]
    assert exp and time.time() + 590 < time.mktime(time.strptime(exp, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone < time.time() + 610
    # ten minutes later (moved into the past here) the old token is refused
    query(gatehouse, "UPDATE directories SET previous_token_expires_at = 1")
    time.sleep(2.1)  # the per-node positive cache lasts 2 s
    assert_scim_error(d["scim"].get("/Users"), 401)
    assert new.get("/Users").status_code == 200


def test_disabled_directory_answers_403_and_writes_nothing(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    u = d["scim"].post("/Users", json=okta_user("a@acme.test")).json()
    r = gatehouse.api.delete(ds_url(d))
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["token_hint"] is None
    # writes are checked in their own transaction: refused at once, nothing written
    e = assert_scim_error(d["scim"].post("/Users", json=okta_user("b@acme.test")), 403)
    assert "turned off" in e["detail"]
    assert_scim_error(d["scim"].patch(f"/Users/{u['id']}", json=patch({"op": "replace", "value": {"active": False}})), 403)
    assert gatehouse.api.get("/v1/users", params={"email": "b@acme.test"}).json()["total_count"] == 0
    assert gatehouse.api.get("/v1/users", params={"email": "a@acme.test"}).json()["data"][0]["status"] == "active"
    time.sleep(2.1)
    assert_scim_error(d["scim"].get("/Users"), 403)
    # on again: a new token; the old one opens nothing
    r = gatehouse.api.post(ds_url(d))
    assert r.status_code == 201
    assert_scim_error(d["scim"].get("/Users"), 401)
    assert ScimClient(gatehouse, d["base"], r.json()["bearer_token"]).get("/Users").json()["totalResults"] == 1


def test_missing_or_wrong_tokens_get_401_in_scim_format(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    for auth in (None, "Bearer nope", "Bearer scim_" + "x" * 43, "Basic dXNlcjpwYXNz", f"Bearer {gatehouse.key}"):
        headers = {"Authorization": auth} if auth else {}
        r = gatehouse.anon.get(f"{d['base']}/Users", headers=headers)
        e = assert_scim_error(r, 401)
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    # the SCIM token is not a secret key
    r = gatehouse.anon.get("/v1/users", headers={"Authorization": f"Bearer {d['token']}"})
    assert r.status_code == 401


def test_one_connections_token_reaches_nothing_of_another(gatehouse, dns):
    a = new_directory(gatehouse, dns, domains=("a.test",))
    b = new_directory(gatehouse, dns, domains=("b.test",))
    ua = a["scim"].post("/Users", json=okta_user("x@a.test")).json()
    ub = b["scim"].post("/Users", json=okta_user("y@b.test")).json()
    gb = b["scim"].post("/Groups", json={"schemas": [GROUP], "displayName": "B"}).json()
    cross = ScimClient(gatehouse, b["base"], a["token"])  # a's token on b's URL
    for r in (cross.get("/Users"), cross.get(f"/Users/{ub['id']}"), cross.post("/Users", json=okta_user("z@b.test")),
              cross.delete(f"/Users/{ub['id']}"), cross.get("/Groups"), cross.get("/ServiceProviderConfig")):
        assert_scim_error(r, 401)
    # b's resources do not exist through a
    assert_scim_error(a["scim"].get(f"/Users/{ub['id']}"), 404)
    assert_scim_error(a["scim"].get(f"/Groups/{gb['id']}"), 404)
    assert_scim_error(a["scim"].patch(f"/Groups/{gb['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": ua["id"]}]})), 404)
    assert a["scim"].get("/Users").json()["totalResults"] == 1
    assert a["scim"].get("/Users", params={"filter": 'userName eq "y@b.test"'}).json()["totalResults"] == 0
    # a's group cannot take b's user as a member
    ga = a["scim"].post("/Groups", json={"schemas": [GROUP], "displayName": "A"}).json()
    e = assert_scim_error(a["scim"].patch(f"/Groups/{ga['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": ub["id"]}]})), 400, "invalidValue")
    assert ub["id"] in e["detail"]
    # b's domain cannot be provisioned through a
    assert a["scim"].post("/Users", json=okta_user("w@b.test")).status_code in (400, 403)


def test_discovery_documents_advertise_what_is_implemented(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    s = d["scim"]
    spc = s.get("/ServiceProviderConfig").json()
    assert spc["patch"]["supported"] and spc["filter"]["supported"] and spc["etag"]["supported"]
    assert not spc["bulk"]["supported"] and not spc["sort"]["supported"] and not spc["changePassword"]["supported"]
    assert spc["filter"]["maxResults"] == 1000
    assert spc["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    rts = s.get("/ResourceTypes").json()
    assert [r["id"] for r in rts["Resources"]] == ["User", "Group"] and rts["totalResults"] == 2
    assert {e["schema"] for e in rts["Resources"][0]["schemaExtensions"]} == {ENTERPRISE, CUSTOM}
    assert s.get("/ResourceTypes/Group").json()["endpoint"] == "/Groups"
    schemas = {x["id"]: x for x in s.get("/Schemas").json()["Resources"]}
    assert set(schemas) == {USER, GROUP, ENTERPRISE, CUSTOM}
    names = [a["name"] for a in schemas[USER]["attributes"]]
    assert "userName" in names and "emails" in names and "active" in names
    assert s.get(f"/Schemas/{ENTERPRISE}").json()["id"] == ENTERPRISE
    assert_scim_error(s.get("/Schemas/urn:nope"), 404)
    assert_scim_error(s.get("/Bulk"), 404)


def wait_log(gatehouse, d, n):
    for _ in range(60):
        log = gatehouse.api.get(ds_url(d, "/requests"), params={"limit": 100}).json()
        if log["total_count"] >= n:
            return log["data"]
        time.sleep(0.1)
    raise AssertionError(f"the request log has {log['total_count']} entries, want {n}")


def test_the_request_log_explains_what_happened_with_secrets_redacted(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    d["scim"].post("/Users", json=okta_user("logged@acme.test"))  # carries "password"
    d["scim"].post("/Users", json=okta_user("nobody@elsewhere.test"))
    d["scim"].get("/Users", params={"filter": 'userName eq "x"'})
    log = wait_log(gatehouse, d, 3)
    get, refused, created = log[0], log[1], log[2]
    assert (created["method"], created["status"]) == ("POST", 201)
    assert "created user" in created["changes"] and "joined the organization" in created["changes"]
    assert "1mz050nq" not in created["request_body"] and "[redacted]" in created["request_body"]
    assert refused["status"] in (400, 403) and "elsewhere.test" in refused["detail"] and refused["changes"] is None
    assert get["path"].endswith('/Users?filter=userName eq "x"') and get["duration_us"] >= 0
    # a wrong token does not write into the connection's log
    ScimClient(gatehouse, d["base"], "scim_wrong").get("/Users")
    time.sleep(0.5)
    assert gatehouse.api.get(ds_url(d, "/requests")).json()["total_count"] == 3


def test_the_request_log_redacts_a_password_however_it_is_spelt(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    s = d["scim"]
    plain = okta_user("plain@acme.test")
    del plain["password"]
    upper = json.dumps(okta_user("upper@acme.test")).replace('"password"', '"PassWord"')
    upper = upper.replace("1mz050nq", "upper-s3cret")
    escaped = json.dumps(okta_user("esc@acme.test")).replace('"password"', '"p\\u0061ssword"')
    escaped = escaped.replace("1mz050nq", "esc-s3cret")
    assert s.post("/Users", json=plain).status_code == 201
    for body in (upper, escaped):
        r = s.post("/Users", data=body, headers={"Content-Type": SCIM_CT})
        assert r.status_code == 201, r.text
    log = wait_log(gatehouse, d, 3)
    bodies = [e["request_body"] for e in log]
    assert not any("s3cret" in b for b in bodies), bodies
    assert bodies[2] == json.dumps(plain)  # nothing to redact: logged as sent



def test_old_log_entries_are_dropped_after_the_retention_period(gatehouse_factory, dns):
    gh = gatehouse_factory(extra_args=["--scim-log-retention-s", "3600"])
    d = new_directory(gh, dns)
    query(gh, "INSERT INTO scim_requests (id, connection_id, method, path, status, duration_us, created_at) "
              f"VALUES ('sreq_old', {lit(d['conn']['id'])}, 'GET', '/x', 200, 1, 1)")
    d["scim"].get("/Users")
    assert "sreq_old" in [x["id"] for x in wait_log(gh, d, 2)]
    gh.restart()  # the writer sweeps when it starts (after its first flush), then hourly
    # the old entry itself counts in the log until the sweep has run: poll for its removal
    for _ in range(60):
        ids = [x["id"] for x in wait_log(gh, d, 1)]
        if "sreq_old" not in ids:
            break
        time.sleep(0.1)
    assert "sreq_old" not in ids and ids


def test_the_cli(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    d["scim"].post("/Users", json=okta_user("cli@acme.test"))

    def cli(*args):
        out = subprocess.run([gatehouse.binary, "directory", *args, "--json", "--database", gatehouse.db_url,
                              "--encryption-key-file", gatehouse.key_file],
                             env=gatehouse.env(), capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    conn = d["conn"]["id"]
    assert cli("status", conn)["users_count"] == 1
    assert cli("users", conn)["data"][0]["user_name"] == "cli@acme.test"
    rotated = cli("rotate", conn)
    assert rotated["bearer_token"].startswith("scim_")
    assert ScimClient(gatehouse, d["base"], rotated["bearer_token"]).get("/Users").status_code == 200
    assert cli("mappings", conn)["data"] == []
    assert cli("disable", conn)["enabled"] is False
