# SPDX-License-Identifier: Apache-2.0
"""The request sequences Okta and Microsoft Entra ID document, replayed byte for
byte from test/e2e/scim/*.json (see ghtest/replay.py), on both backends."""

import json
import os

from ghtest import replay
from ghtest.scim import new_directory, okta_user
from ghtest.sql import events, query, lit

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scim")


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def test_okta_scim_20_spec_test(gatehouse, dns):
    d = new_directory(gatehouse, dns, domains=("atko.test",))
    # "Create at least one user in your SCIM server before running the suite"
    r = d["scim"].post("/Users", json=okta_user("first.user@atko.test"))
    assert r.status_code == 201, r.text
    # the variables the suite's Initial Script makes (developer.okta.com)
    v = {"domain": "atko.test", "InvalidUserEmail": "abcdefgh@atko.test",
         "randomEmail": "Runscope300Hfluaklab151@atko.test",
         "randomUsername": "Runscope300Hfluaklab151@atko.test",
         "randomUsernameCaps": "RUNSCOPE300HFLUAKLAB151@ATKO.TEST",
         "randomGivenName": "Runscope300", "randomFamilyName": "Hfluaklab151",
         "UserIdThatDoesNotExist": "010101001010101011001010101011"}
    replay.run(d["base"], load("okta_spec_test.json")["steps"], v, d["token"])


def test_okta_documented_lifecycle(gatehouse, outbox, dns):
    d = new_directory(gatehouse, dns, domains=("okta.test",))
    other = d["scim"].post("/Users", json=okta_user("other@okta.test")).json()
    v = {"domain": "okta.test", "otherUserId": other["id"]}
    replay.run(d["base"], load("okta_lifecycle.json")["steps"], v, d["token"])
    # the writes were real: the user exists in gatehouse, deactivation came and went
    user = gatehouse.api.get("/v1/users", params={"email": "test.user@okta.test"}).json()["data"][0]
    assert (user["first_name"], user["status"]) == ("Another", "active")
    types = [t for t, _ in events(gatehouse, "directory_sync.group.")]
    assert types[0] == "directory_sync.group.created" and types[-1] == "directory_sync.group.deleted"


def test_entra_id_users(gatehouse, outbox, dns):
    d = new_directory(gatehouse, dns, domains=("contoso.test",), provider="microsoft_entra_id")
    v = {"domain": "contoso.test"}
    replay.run(d["base"], load("entra_users.json")["steps"], v, d["token"])
    # re-created after the delete: the same gatehouse user, active again
    users = gatehouse.api.get("/v1/users", params={"email": "updatedEmail@contoso.test"}).json()
    assert users["total_count"] == 1 and users["data"][0]["status"] == "active"
    ev = [t for t, data in events(gatehouse, "user.") if data["id"] == users["data"][0]["id"]]
    assert ev[0] == "user.created" and ev.count("user.created") == 1


def test_entra_id_groups(gatehouse, dns):
    d = new_directory(gatehouse, dns, domains=("contoso.test",), provider="microsoft_entra_id")
    member = d["scim"].post("/Users", json=okta_user("m@contoso.test")).json()
    replay.run(d["base"], load("entra_groups.json")["steps"], {"memberId": member["id"]}, d["token"])


def test_entra_id_compatibility_flag_requests(gatehouse, dns):
    d = new_directory(gatehouse, dns, domains=("contoso.test",), provider="microsoft_entra_id")
    u = d["scim"].post("/Users", json=okta_user("babs@contoso.test")).json()
    replay.run(d["base"], load("entra_compat.json")["steps"],
               {"userId": u["id"], "domain": "contoso.test"}, d["token"])
    got = d["scim"].get(f"/Users/{u['id']}").json()
    assert got["emails"] == [{"primary": True, "value": "TestMhvaes@contoso.test", "type": "work"}]
    # the gatehouse user followed: names and the address
    user = gatehouse.api.get("/v1/users", params={"email": "TestMhvaes@contoso.test"}).json()["data"][0]
    assert (user["first_name"], user["last_name"], user["status"]) == ("Kkom", "Unua", "deactivated")
