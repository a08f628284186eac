# SPDX-License-Identifier: Apache-2.0
"""/v1/organizations/{org}/memberships and /v1/users/{user}/memberships: roles
and their sources, the seat limit, deactivated users, mapped roles, tenant
isolation, filters and pagination, events, and the `gatehouse members` CLI."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from ghtest.checks import assert_problem
from ghtest.sql import events, lit, query

MEMBERSHIP_FIELDS = {"object", "id", "organization_id", "user_id", "role", "role_source",
                     "permissions", "user", "organization", "created_at", "updated_at"}
MEMBER_PERMS = ["org:sys_memberships:read"]


def new_user(gh, email, **fields):
    r = gh.api.post("/v1/users", json={"email_addresses": [email], **fields})
    assert r.status_code == 201, r.text
    return r.json()


def new_org(gh, name="Acme", **fields):
    r = gh.api.post("/v1/organizations", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def new_role(gh, key, perms=()):
    r = gh.api.post("/v1/roles", json={"key": key, "name": key, "permissions": list(perms)})
    assert r.status_code == 201, r.text
    return r.json()


def members_url(org):
    return f"/v1/organizations/{org['id']}/memberships"


def add(gh, org, user, **fields):
    return gh.api.post(members_url(org), json={"user_id": user["id"], **fields})


# -- create --------------------------------------------------------------------------------

def test_add_with_the_default_role(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "Mia@x.com", first_name="Mia")
    r = add(gatehouse, org, u)
    assert r.status_code == 201, r.text
    m = r.json()
    assert set(m) == MEMBERSHIP_FIELDS
    assert m["object"] == "organization_membership" and m["id"].startswith("mem_")
    assert (m["organization_id"], m["user_id"]) == (org["id"], u["id"])
    assert (m["role"], m["role_source"]) == ("org:member", "default")
    assert m["permissions"] == MEMBER_PERMS
    assert m["user"] == {"id": u["id"], "primary_email": "Mia@x.com", "first_name": "Mia", "last_name": None}
    assert m["organization"] == {"id": org["id"], "name": "Acme", "slug": org["slug"]}
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").json()["members_count"] == 1


def test_add_with_an_explicit_role_is_manual(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "a@x.com")
    m = add(gatehouse, org, u, role="org:admin").json()
    assert (m["role"], m["role_source"]) == ("org:admin", "manual")
    assert "org:sys_entconns" in m["permissions"]


def test_org_default_role_may_be_custom(gatehouse):
    new_role(gatehouse, "org:viewer", ["org:reports:read"])
    org = new_org(gatehouse, default_role="org:viewer")
    m = add(gatehouse, org, new_user(gatehouse, "v@x.com")).json()
    assert (m["role"], m["role_source"], m["permissions"]) == ("org:viewer", "default", ["org:reports:read"])


def test_org_may_be_named_by_slug(gatehouse):
    org = new_org(gatehouse, slug="slugged")
    r = gatehouse.api.post("/v1/organizations/slugged/memberships",
                           json={"user_id": new_user(gatehouse, "s@x.com")["id"]})
    assert r.status_code == 201 and r.json()["organization_id"] == org["id"]


@pytest.mark.parametrize("body,status,code", [
    ({}, 422, "missing_field"),
    ({"user_id": None}, 422, "missing_field"),
    ({"user_id": 12}, 422, "invalid_type"),
    ({"user_id": "x" * 41}, 422, "too_long"),
    ({"role": "org:admin"}, 422, "missing_field"),
    ({"user_id": "USER", "role": "admin"}, 422, "invalid_role"),
    ({"user_id": "USER", "role": 1}, 422, "invalid_type"),
    ({"user_id": "USER", "role": "org:" + "r" * 70}, 422, "too_long"),
    ({"user_id": "USER", "role": "org:nonexistent"}, 422, "unknown_role"),
    ({"user_id": "USER", "role_source": "mapping"}, 422, "unknown_field"),
    ({"user_id": "USER", "organization_id": "org_x"}, 422, "unknown_field"),
    ({"user_id": "user_01m00000000000000000000000"}, 404, "user_not_found"),
])
def test_add_refusals(gatehouse, outbox, body, status, code):
    org, u = new_org(gatehouse), new_user(gatehouse, "a@x.com")
    body = {k: (u["id"] if v == "USER" else v) for k, v in body.items()}
    assert_problem(gatehouse.api.post(members_url(org), json=body), status, code)
    assert gatehouse.api.get(members_url(org)).json()["total_count"] == 0
    assert events(gatehouse, "organization_membership.") == []


def test_unknown_org_is_404(gatehouse):
    u = new_user(gatehouse, "a@x.com")
    calls = [("post", "", {"json": {"user_id": u["id"]}}), ("get", "", {}),
             ("patch", "/" + u["id"], {"json": {"role": "org:admin"}}), ("delete", "/" + u["id"], {})]
    for method, path, kw in calls:
        r = getattr(gatehouse.api, method)(f"/v1/organizations/org_nope/memberships{path}", **kw)
        assert_problem(r, 404, "organization_not_found")


def test_already_a_member_is_409(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "a@x.com")
    assert add(gatehouse, org, u).status_code == 201
    assert_problem(add(gatehouse, org, u, role="org:admin"), 409, "already_member")
    assert gatehouse.api.get(members_url(org)).json()["data"][0]["role"] == "org:member"


def test_seat_limit(gatehouse):
    org = new_org(gatehouse, max_memberships=2)
    users = [new_user(gatehouse, f"s{i}@x.com") for i in range(3)]
    assert add(gatehouse, org, users[0]).status_code == 201
    assert add(gatehouse, org, users[1]).status_code == 201
    assert_problem(add(gatehouse, org, users[2]), 409, "membership_limit_reached")
    # an existing member at the limit is told it is already a member
    assert_problem(add(gatehouse, org, users[0]), 409, "already_member")
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").json()["members_count"] == 2
    assert gatehouse.api.delete(f"{members_url(org)}/{users[1]['id']}").status_code == 200
    assert add(gatehouse, org, users[2]).status_code == 201
    # lowering the limit below the count refuses new members, keeps the old
    gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"max_memberships": 1})
    assert_problem(add(gatehouse, org, users[1]), 409, "membership_limit_reached")
    gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"max_memberships": None})
    assert add(gatehouse, org, users[1]).status_code == 201


def test_deactivated_user_cannot_join(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "d@x.com")
    gatehouse.api.patch(f"/v1/users/{u['id']}", json={"status": "deactivated"})
    assert_problem(add(gatehouse, org, u), 409, "user_deactivated")
    gatehouse.api.patch(f"/v1/users/{u['id']}", json={"status": "active"})
    assert add(gatehouse, org, u).status_code == 201


# -- update --------------------------------------------------------------------------------

def test_patch_sets_a_manual_role(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "a@x.com")
    m = add(gatehouse, org, u).json()
    new_role(gatehouse, "org:billing", ["org:billing:manage", "org:sys_domains:read"])
    r = gatehouse.api.patch(f"{members_url(org)}/{u['id']}", json={"role": "org:billing"})
    assert r.status_code == 200, r.text
    v = r.json()
    assert (v["id"], v["role"], v["role_source"]) == (m["id"], "org:billing", "manual")
    assert v["permissions"] == ["org:billing:manage", "org:sys_domains:read"]
    # the membership id works in place of the user id
    v = gatehouse.api.patch(f"{members_url(org)}/{m['id']}", json={"role": "org:member"}).json()
    assert (v["role"], v["role_source"]) == ("org:member", "manual")


@pytest.mark.parametrize("body,code", [
    ({}, "missing_field"),
    ({"role": None}, "invalid_role"),
    ({"role": "Admin"}, "invalid_role"),
    ({"role": "org:ghost"}, "unknown_role"),
    ({"role": "org:admin", "user_id": "user_x"}, "unknown_field"),
    ({"role": "org:admin", "role_source": "manual"}, "unknown_field"),
])
def test_patch_refusals(gatehouse, body, code):
    org, u = new_org(gatehouse), new_user(gatehouse, "a@x.com")
    add(gatehouse, org, u)
    assert_problem(gatehouse.api.patch(f"{members_url(org)}/{u['id']}", json=body), 422, code)
    assert gatehouse.api.get(members_url(org)).json()["data"][0]["role"] == "org:member"


def test_mapped_role_cannot_be_changed_by_hand(gatehouse, outbox):
    org, u = new_org(gatehouse), new_user(gatehouse, "mapped@x.com")
    m = add(gatehouse, org, u).json()
    # Directory Sync will write mapped roles; until it exists, set one in the database.
    query(gatehouse, "UPDATE memberships SET role = 'org:admin', role_source = 'mapping' "
                     f"WHERE id = {lit(m['id'])}")
    r = gatehouse.api.patch(f"{members_url(org)}/{u['id']}", json={"role": "org:member"})
    assert_problem(r, 409, "role_managed_by_mapping")
    listed = gatehouse.api.get(members_url(org)).json()["data"][0]
    assert (listed["role"], listed["role_source"]) == ("org:admin", "mapping")
    assert events(gatehouse, "organization_membership.updated") == []
    # removal by hand stays possible
    assert gatehouse.api.delete(f"{members_url(org)}/{u['id']}").status_code == 200


# -- tenant isolation ----------------------------------------------------------------------

def test_another_orgs_membership_is_404(gatehouse):
    a, b = new_org(gatehouse, "A"), new_org(gatehouse, "B")
    u = new_user(gatehouse, "only-a@x.com")
    m = add(gatehouse, a, u).json()
    for key in (u["id"], m["id"]):
        assert_problem(gatehouse.api.patch(f"{members_url(b)}/{key}", json={"role": "org:admin"}),
                       404, "membership_not_found")
        assert_problem(gatehouse.api.delete(f"{members_url(b)}/{key}"), 404, "membership_not_found")
    still = gatehouse.api.get(members_url(a)).json()["data"]
    assert [(x["id"], x["role"]) for x in still] == [(m["id"], "org:member")]
    assert gatehouse.api.get(members_url(b)).json()["data"] == []


def test_remove(gatehouse):
    org, u = new_org(gatehouse), new_user(gatehouse, "r@x.com")
    m = add(gatehouse, org, u).json()
    r = gatehouse.api.delete(f"{members_url(org)}/{u['id']}")
    assert r.status_code == 200, r.text
    assert r.json() == {"object": "organization_membership", "id": m["id"],
                        "organization_id": org["id"], "user_id": u["id"], "deleted": True}
    assert_problem(gatehouse.api.delete(f"{members_url(org)}/{u['id']}"), 404, "membership_not_found")
    assert gatehouse.api.get(f"/v1/users/{u['id']}").status_code == 200  # the user stays


# -- lists ---------------------------------------------------------------------------------

def test_list_filter_by_role_and_paginate(gatehouse):
    org = new_org(gatehouse)
    made = []
    for i in range(5):
        u = new_user(gatehouse, f"m{i}@x.com")
        made.append(add(gatehouse, org, u, **({"role": "org:admin"} if i % 2 else {})).json()["id"])
    admins = gatehouse.api.get(members_url(org) + "?role=org:admin").json()
    assert admins["total_count"] == 2 and {x["role"] for x in admins["data"]} == {"org:admin"}
    assert gatehouse.api.get(members_url(org) + "?role=org:nobody").json()["total_count"] == 0
    seen, after = [], None
    while True:
        page = gatehouse.api.get(members_url(org) + "?limit=2" + (f"&starting_after={after}" if after else "")).json()
        assert page["total_count"] == 5
        seen += [x["id"] for x in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert seen == made
    assert_problem(gatehouse.api.get(members_url(org) + "?limit=nope"), 422, "invalid_query")


def test_user_memberships(gatehouse):
    u, other = new_user(gatehouse, "multi@x.com"), new_user(gatehouse, "other@x.com")
    orgs = [new_org(gatehouse, f"Org {i}") for i in range(3)]
    for o in orgs:
        add(gatehouse, o, u)
    add(gatehouse, orgs[0], other)
    r = gatehouse.api.get(f"/v1/users/{u['id']}/memberships")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_count"] == 3
    assert [x["organization"]["id"] for x in body["data"]] == [o["id"] for o in orgs]
    assert {x["user_id"] for x in body["data"]} == {u["id"]}
    page = gatehouse.api.get(f"/v1/users/{u['id']}/memberships?limit=1").json()
    assert len(page["data"]) == 1 and page["has_more"]
    assert_problem(gatehouse.api.get("/v1/users/user_01m00000000000000000000000/memberships"), 404, "user_not_found")


# -- events --------------------------------------------------------------------------------

def test_events_for_each_change(gatehouse, outbox):
    org, u = new_org(gatehouse), new_user(gatehouse, "e@x.com")
    m = add(gatehouse, org, u).json()
    gatehouse.api.patch(f"{members_url(org)}/{u['id']}", json={"role": "org:admin"})
    gatehouse.api.delete(f"{members_url(org)}/{u['id']}")
    got = events(gatehouse, "organization_membership.")
    assert [t for t, _ in got] == ["organization_membership.created", "organization_membership.updated",
                                   "organization_membership.deleted"]
    assert got[0][1] == m
    assert got[1][1]["role"] == "org:admin" and got[2][1]["id"] == m["id"]
    audit = query(gatehouse, f"SELECT action, org_id FROM audit_events WHERE target_id = {lit(m['id'])} ORDER BY id")
    assert audit == [("organization_membership.created", org["id"]),
                     ("organization_membership.updated", org["id"]),
                     ("organization_membership.deleted", org["id"])]


# -- CLI -----------------------------------------------------------------------------------

def cli(gh, *args):
    out = subprocess.run([gh.binary, *args, "--database", gh.db_url, "--encryption-key-file", gh.key_file],
                         env=gh.env(), capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


def test_cli_members(gatehouse):
    org = new_org(gatehouse, slug="cli-org", max_memberships=1)
    u, v = new_user(gatehouse, "c1@x.com"), new_user(gatehouse, "c2@x.com")
    rc, out, err = cli(gatehouse, "members", "add", "cli-org", "--user", u["id"], "--json")
    assert rc == 0, err
    assert json.loads(out)["role_source"] == "default"
    assert cli(gatehouse, "members", "add", "cli-org", "--user", v["id"])[0] == 5
    assert cli(gatehouse, "members", "update", "cli-org", u["id"], "--role", "org:ghost")[0] == 6
    rc, out, _ = cli(gatehouse, "members", "update", "cli-org", u["id"], "--role", "org:admin", "--json")
    assert rc == 0 and json.loads(out)["role"] == "org:admin"
    rc, out, _ = cli(gatehouse, "members", "list", "cli-org", "--json")
    assert rc == 0 and [x["user_id"] for x in json.loads(out)["data"]] == [u["id"]]
    rc, out, _ = cli(gatehouse, "members", "list", "cli-org")
    assert rc == 0 and "c1@x.com" in out
    assert cli(gatehouse, "members", "remove", "cli-org", v["id"])[0] == 4
    assert cli(gatehouse, "members", "remove", "cli-org")[0] == 2
    assert cli(gatehouse, "members", "remove", "cli-org", u["id"])[0] == 0
    assert gatehouse.api.get(members_url(org)).json()["total_count"] == 0


# -- concurrency ---------------------------------------------------------------------------

def test_seat_limit_holds_under_concurrent_adds(gatehouse, outbox):
    org = new_org(gatehouse, max_memberships=3)
    users = [new_user(gatehouse, f"race{i}@x.com") for i in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda u: add(gatehouse, org, u), users))
    ok = [r for r in results if r.status_code == 201]
    refused = [r for r in results if r.status_code != 201]
    assert len(ok) == 3, [r.text for r in results]
    for r in refused:
        assert_problem(r, 409)
        assert r.json()["code"] in ("membership_limit_reached", "concurrent_update"), r.text
    assert gatehouse.api.get(members_url(org)).json()["total_count"] == 3
    assert len(events(gatehouse, "organization_membership.created")) == 3
