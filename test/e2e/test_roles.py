# SPDX-License-Identifier: Apache-2.0
"""/v1/roles and /v1/permissions: built-in roles that cannot change, custom
roles and permission keys, role keys with ':' in the path, deleting a role
that members hold (re-resolved to the org default) or that an organization
uses as its default (refused), and the `gatehouse roles` CLI."""

import json
import subprocess

import pytest

from ghtest.checks import assert_problem
from ghtest.sql import events, query

ROLE_FIELDS = {"object", "id", "key", "name", "description", "permissions", "builtin",
               "created_at", "updated_at"}
SYSTEM = ["org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
          "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage",
          "org:sys_entconns"]


def new_role(gh, key, perms=(), **fields):
    fields.setdefault("name", key.split(":")[1].title())
    r = gh.api.post("/v1/roles", json={"key": key, "permissions": list(perms), **fields})
    assert r.status_code == 201, r.text
    return r.json()


def new_org(gh, name, **fields):
    r = gh.api.post("/v1/organizations", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def new_member(gh, org, email, **fields):
    r = gh.api.post("/v1/users", json={"email_addresses": [email]})
    assert r.status_code == 201, r.text
    r = gh.api.post(f"/v1/organizations/{org['id']}/memberships", json={"user_id": r.json()["id"], **fields})
    assert r.status_code == 201, r.text
    return r.json()


def members(gh, org):
    return {m["id"]: m for m in gh.api.get(f"/v1/organizations/{org['id']}/memberships").json()["data"]}


# -- built-ins ------------------------------------------------------------------------------

def test_builtins_come_first_and_custom_roles_follow_by_key(gatehouse):
    new_role(gatehouse, "org:zeta")
    new_role(gatehouse, "org:billing", ["org:billing:manage"])
    body = gatehouse.api.get("/v1/roles").json()
    assert [r["key"] for r in body["data"]] == ["org:admin", "org:member", "org:billing", "org:zeta"]
    assert body["total_count"] == 4 and body["has_more"] is False
    admin, member = body["data"][0], body["data"][1]
    assert set(admin) == ROLE_FIELDS
    assert admin["builtin"] is True and member["builtin"] is True
    assert admin["permissions"] == SYSTEM
    assert member["permissions"] == ["org:sys_memberships:read"]
    assert body["data"][2]["builtin"] is False


def test_role_list_pages(gatehouse):
    for k in ("org:c", "org:a", "org:b"):
        new_role(gatehouse, k)
    keys, after = [], None
    while True:
        page = gatehouse.api.get("/v1/roles?limit=2" + (f"&starting_after={after}" if after else "")).json()
        keys += [r["key"] for r in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["key"]
    assert keys == ["org:admin", "org:member", "org:a", "org:b", "org:c"]
    # a custom role's id works as the cursor too
    b = gatehouse.api.get("/v1/roles/org:b").json()
    assert [r["key"] for r in gatehouse.api.get(f"/v1/roles?starting_after={b['id']}").json()["data"]] == ["org:c"]


def test_builtins_cannot_be_changed(gatehouse):
    for key in ("org:admin", "org:member", "role_builtin_admin"):
        assert_problem(gatehouse.api.patch(f"/v1/roles/{key}", json={"name": "Boss"}), 409, "builtin_role")
        assert_problem(gatehouse.api.delete(f"/v1/roles/{key}"), 409, "builtin_role")
    for key in ("org:admin", "org:member"):
        assert_problem(gatehouse.api.post("/v1/roles", json={"key": key, "name": "X"}), 409, "role_key_taken")
    assert gatehouse.api.get("/v1/roles/org:admin").json()["name"] == "Admin"


def test_colon_in_the_path_plain_and_percent_encoded(gatehouse):
    r = new_role(gatehouse, "org:billing_admin:eu")
    for path in ("/v1/roles/org:billing_admin:eu", "/v1/roles/org%3Abilling_admin%3Aeu",
                 "/v1/roles/org%3abilling_admin%3aeu", f"/v1/roles/{r['id']}"):
        got = gatehouse.api.get(path)
        assert got.status_code == 200, (path, got.text)
        assert got.json()["key"] == "org:billing_admin:eu"
    assert gatehouse.api.get("/v1/roles/org:member").json()["builtin"] is True
    assert_problem(gatehouse.api.get("/v1/roles/org:nope"), 404, "role_not_found")


# -- custom roles ---------------------------------------------------------------------------

def test_create_update_custom_role(gatehouse):
    r = new_role(gatehouse, "org:billing", ["org:billing:manage", "org:sys_memberships:read"],
                 name="Billing", description="Pays the bills")
    assert set(r) == ROLE_FIELDS and r["id"].startswith("role_") and r["builtin"] is False
    assert r["permissions"] == ["org:billing:manage", "org:sys_memberships:read"]
    assert_problem(gatehouse.api.post("/v1/roles", json={"key": "org:billing", "name": "Again"}), 409, "role_key_taken")
    v = gatehouse.api.patch("/v1/roles/org:billing", json={"name": "Billing team", "permissions": ["org:billing:read"]})
    assert v.status_code == 200, v.text
    v = v.json()
    assert (v["name"], v["description"], v["permissions"]) == ("Billing team", "Pays the bills", ["org:billing:read"])
    assert v["created_at"] == r["created_at"]
    assert_problem(gatehouse.api.patch("/v1/roles/org:billing", json={"key": "org:other"}), 422, "immutable")
    assert_problem(gatehouse.api.patch("/v1/roles/org:ghost", json={"name": "x"}), 404, "role_not_found")


@pytest.mark.parametrize("body,code", [
    ({"name": "No key"}, "missing_field"),
    ({"key": "org:nameless"}, "missing_field"),
    ({"key": "billing", "name": "B"}, "invalid_role_key"),
    ({"key": "org:Billing", "name": "B"}, "invalid_role_key"),
    ({"key": "org:", "name": "B"}, "invalid_role_key"),
    ({"key": "org:" + "k" * 61, "name": "B"}, "too_long"),
    ({"key": "org:b", "name": ""}, "invalid"),
    ({"key": "org:b", "name": "n" * 257}, "too_long"),
    ({"key": "org:b", "name": "B", "description": "d" * 1025}, "too_long"),
    ({"key": "org:b", "name": "B", "permissions": ["org:sys_fake:read"]}, "invalid_permission"),
    ({"key": "org:b", "name": "B", "permissions": ["org:billing"]}, "invalid_permission"),
    ({"key": "org:b", "name": "B", "permissions": ["billing:manage"]}, "invalid_permission"),
    ({"key": "org:b", "name": "B", "permissions": ["org:billing:manage:all"]}, "invalid_permission"),
    ({"key": "org:b", "name": "B", "permissions": ["org:a:b", "org:a:b"]}, "duplicate_permission"),
    ({"key": "org:b", "name": "B", "permissions": "org:a:b"}, "invalid_type"),
    ({"key": "org:b", "name": "B", "permissions": [1]}, "invalid"),
    ({"key": "org:b", "name": 7}, "invalid_type"),
    ({"key": "org:b", "name": "B", "builtin": False}, "unknown_field"),
])
def test_create_refusals(gatehouse, body, code):
    assert_problem(gatehouse.api.post("/v1/roles", json=body), 422, code)
    assert gatehouse.api.get("/v1/roles").json()["total_count"] == 2


def test_member_permissions_follow_the_role(gatehouse):
    new_role(gatehouse, "org:support", ["org:tickets:read"])
    org = new_org(gatehouse, "Acme")
    m = new_member(gatehouse, org, "s@x.com", role="org:support")
    assert m["permissions"] == ["org:tickets:read"]
    gatehouse.api.patch("/v1/roles/org:support", json={"permissions": ["org:tickets:read", "org:tickets:write"]})
    assert members(gatehouse, org)[m["id"]]["permissions"] == ["org:tickets:read", "org:tickets:write"]


# -- permissions ----------------------------------------------------------------------------

def test_permissions_lists_system_then_custom_in_use(gatehouse):
    body = gatehouse.api.get("/v1/permissions").json()
    assert [p["key"] for p in body["data"]] == SYSTEM
    assert all(p["system"] and p["name"] and p["object"] == "permission" for p in body["data"])
    new_role(gatehouse, "org:one", ["org:zeta:read", "org:alpha:write", "org:sys_entconns"])
    new_role(gatehouse, "org:two", ["org:alpha:write"])
    body = gatehouse.api.get("/v1/permissions").json()
    assert [p["key"] for p in body["data"]] == SYSTEM + ["org:alpha:write", "org:zeta:read"]
    assert body["total_count"] == len(SYSTEM) + 2
    assert body["data"][-1]["system"] is False
    gatehouse.api.delete("/v1/roles/org:one")
    assert [p["key"] for p in gatehouse.api.get("/v1/permissions").json()["data"]] == SYSTEM + ["org:alpha:write"]


# -- deletion -------------------------------------------------------------------------------

def test_deleting_a_held_role_reassigns_each_orgs_default(gatehouse, outbox):
    new_role(gatehouse, "org:billing", ["org:billing:manage"])
    new_role(gatehouse, "org:viewer", ["org:reports:read"])
    plain = new_org(gatehouse, "Plain")
    viewer_default = new_org(gatehouse, "Viewers", default_role="org:viewer")
    m1 = new_member(gatehouse, plain, "a@x.com", role="org:billing")
    m2 = new_member(gatehouse, viewer_default, "b@x.com", role="org:billing")
    m3 = new_member(gatehouse, plain, "c@x.com", role="org:admin")
    before = len(events(gatehouse, "organization_membership.updated"))
    r = gatehouse.api.delete("/v1/roles/org:billing")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] is True and r.json()["key"] == "org:billing"
    assert r.json()["reassigned_memberships"] == 2
    got = members(gatehouse, plain)
    assert (got[m1["id"]]["role"], got[m1["id"]]["role_source"]) == ("org:member", "default")
    assert got[m1["id"]]["permissions"] == ["org:sys_memberships:read"]
    assert got[m3["id"]]["role"] == "org:admin"  # untouched
    v = members(gatehouse, viewer_default)[m2["id"]]
    assert (v["role"], v["role_source"], v["permissions"]) == ("org:viewer", "default", ["org:reports:read"])
    updated = events(gatehouse, "organization_membership.updated")[before:]
    assert sorted(d["id"] for _, d in updated) == sorted([m1["id"], m2["id"]])
    assert {d["id"]: d["role"] for _, d in updated} == {m1["id"]: "org:member", m2["id"]: "org:viewer"}
    assert_problem(gatehouse.api.get("/v1/roles/org:billing"), 404, "role_not_found")
    assert_problem(gatehouse.api.delete("/v1/roles/org:billing"), 404, "role_not_found")
    # the key can be created again, and grants nothing to the re-resolved members
    new_role(gatehouse, "org:billing")
    assert members(gatehouse, plain)[m1["id"]]["role"] == "org:member"


def test_deleting_an_orgs_default_role_is_refused(gatehouse, outbox):
    new_role(gatehouse, "org:viewer", ["org:reports:read"])
    org = new_org(gatehouse, "Viewers", default_role="org:viewer")
    m = new_member(gatehouse, org, "v@x.com")
    body = assert_problem(gatehouse.api.delete("/v1/roles/org:viewer"), 409, "role_in_use")
    assert org["id"] in body["detail"]
    assert gatehouse.api.get("/v1/roles/org:viewer").status_code == 200
    assert members(gatehouse, org)[m["id"]]["role"] == "org:viewer"
    assert events(gatehouse, "organization_membership.updated") == []
    # once the organization moves on, the role can go
    gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"default_role": "org:member"})
    assert gatehouse.api.delete("/v1/roles/org:viewer").status_code == 200
    assert members(gatehouse, org)[m["id"]]["role"] == "org:member"


def test_role_changes_are_audited(gatehouse):
    r = new_role(gatehouse, "org:audited")
    gatehouse.api.patch("/v1/roles/org:audited", json={"name": "Audited"})
    gatehouse.api.delete("/v1/roles/org:audited")
    rows = query(gatehouse, f"SELECT action FROM audit_events WHERE target_id = '{r['id']}' ORDER BY id")
    assert [a for (a,) in rows] == ["role.created", "role.updated", "role.deleted"]


# -- CLI ------------------------------------------------------------------------------------

def cli(gh, *args):
    out = subprocess.run([gh.binary, *args, "--database", gh.db_url, "--encryption-key-file", gh.key_file],
                         env=gh.env(), capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


def test_cli_roles(gatehouse):
    rc, out, err = cli(gatehouse, "roles", "create", "--key", "org:ops", "--name", "Ops",
                       "--permissions", "org:deploy:run,org:sys_domains:read", "--json")
    assert rc == 0, err
    assert json.loads(out)["permissions"] == ["org:deploy:run", "org:sys_domains:read"]
    assert cli(gatehouse, "roles", "create", "--key", "org:ops", "--name", "Again")[0] == 5
    assert cli(gatehouse, "roles", "create", "--key", "ops", "--name", "Bad")[0] == 6
    assert cli(gatehouse, "roles", "update", "org:admin", "--name", "X")[0] == 5
    assert cli(gatehouse, "roles", "get", "org:nope")[0] == 4
    rc, out, _ = cli(gatehouse, "roles", "list", "--json")
    assert rc == 0 and [r["key"] for r in json.loads(out)["data"]] == ["org:admin", "org:member", "org:ops"]
    for argv in (("permissions", "--json"), ("roles", "permissions", "--json")):
        rc, out, _ = cli(gatehouse, *argv)
        assert rc == 0 and "org:deploy:run" in [p["key"] for p in json.loads(out)["data"]]
    rc, out, _ = cli(gatehouse, "roles", "delete", "org:ops", "--json")
    assert rc == 0 and json.loads(out)["reassigned_memberships"] == 0
    assert gatehouse.api.get("/v1/roles").json()["total_count"] == 2
    assert cli(gatehouse, "permissions", "--help")[0] == 0
