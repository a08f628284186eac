# SPDX-License-Identifier: Apache-2.0
"""SCIM Groups and group → role mapping (PRODUCT.md "Group and role mapping"):
members in every shape the IdPs send, no duplicates, the ordered mappings
(highest-ranked mapped group wins, else the organization's default role),
re-resolution on membership change, group deletion, mapping change (a job
with visible progress for large groups) and role deletion; mapped roles
refuse manual edits until Directory Sync is off; the webhook events."""

import time

import pytest

from ghtest.checks import assert_problem
from ghtest.scim import GROUP, assert_scim_error, new_directory, okta_user, patch
from ghtest.sql import events


@pytest.fixture
def d(gatehouse, dns):
    return new_directory(gatehouse, dns)


def users(d, n, prefix="m"):
    out = []
    for i in range(n):
        r = d["scim"].post("/Users", json=okta_user(f"{prefix}{i}@acme.test"))
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def group(d, name, members=()):
    r = d["scim"].post("/Groups", json={"schemas": [GROUP], "displayName": name,
                                        "members": [{"value": m["id"]} for m in members]})
    assert r.status_code == 201, r.text
    return r.json()


def role(gh, key):
    r = gh.api.post("/v1/roles", json={"key": key, "name": key, "permissions": []})
    assert r.status_code == 201, r.text


def put_mappings(gh, d, *pairs):
    r = gh.api.put(f"/v1/enterprise_connections/{d['conn']['id']}/role_mappings",
                   json={"data": [{"group_id": g["id"], "role": k} for g, k in pairs]})
    assert r.status_code == 200, r.text
    return r.json()


def roles_of(gh, d):
    """{email: (role, role_source)} of the organization's members."""
    r = gh.api.get(f"/v1/organizations/{d['org']['id']}/memberships", params={"limit": 500})
    return {m["user"]["primary_email"]: (m["role"], m["role_source"]) for m in r.json()["data"]}


def members(d, g):
    return sorted(m["value"] for m in d["scim"].get(f"/Groups/{g['id']}").json().get("members", []))


def test_member_shapes_and_no_duplicates(gatehouse, d):
    a, b, c = users(d, 3)
    g = group(d, "Eng", [a])
    assert g["members"][0] == {"value": a["id"], "display": a["userName"],
                               "$ref": f"{d['base']}/Users/{a['id']}", "type": "User"}
    s = d["scim"]
    # path-less add of members and a rename in one operation (WSO2/JumpCloud style)
    assert s.patch(f"/Groups/{g['id']}", json=patch({"op": "add", "value": {"members": [{"value": b["id"]}, {"value": a["id"]}]}})).status_code == 204
    assert members(d, g) == sorted([a["id"], b["id"]])
    # JumpCloud's top-level rename: a path-less replace of displayName
    assert s.patch(f"/Groups/{g['id']}", json=patch({"op": "replace", "value": {"displayName": "Engineering"}})).status_code == 204
    got = s.get(f"/Groups/{g['id']}").json()
    assert got["displayName"] == "Engineering" and len(got["members"]) == 2
    # remove by filters joined with "or", then a bare-id member (OneLogin sends ids)
    assert s.patch(f"/Groups/{g['id']}", json=patch({"op": "remove", "path": f'members[value eq "{a["id"]}" or value eq "{b["id"]}"]'})).status_code == 204
    assert members(d, g) == []
    assert s.patch(f"/Groups/{g['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": c["id"]}, {"value": c["id"]}]})).status_code == 204
    assert members(d, g) == [c["id"]]
    # remove all; a nested group is refused; an unknown member is refused and nothing changes
    assert s.patch(f"/Groups/{g['id']}", json=patch({"op": "remove", "path": "members"})).status_code == 204
    assert_scim_error(s.patch(f"/Groups/{g['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": g["id"], "type": "Group"}]})), 400, "invalidValue")
    e = assert_scim_error(s.patch(f"/Groups/{g['id']}", json=patch(
        {"op": "add", "path": "members", "value": [{"value": a["id"]}]},
        {"op": "add", "path": "members", "value": [{"value": "dusr_unknown"}]})), 400, "invalidValue")
    assert "dusr_unknown" in e["detail"] and members(d, g) == []
    view = gatehouse.api.get(f"/v1/enterprise_connections/{d['conn']['id']}/directory_groups").json()["data"]
    assert [(x["display_name"], x["member_count"]) for x in view] == [("Engineering", 0)]


def test_put_replaces_the_members_it_lists(d):
    a, b = users(d, 2)
    g = group(d, "G", [a])
    r = d["scim"].put(f"/Groups/{g['id']}", json={"schemas": [GROUP], "displayName": "G2", "members": [{"value": b["id"]}]})
    assert r.status_code == 200 and [m["value"] for m in r.json()["members"]] == [b["id"]]
    # without "members" the members stay (RFC 7644 §3.5.1 lets the server keep them)
    r = d["scim"].put(f"/Groups/{g['id']}", json={"schemas": [GROUP], "displayName": "G3"})
    assert r.json()["displayName"] == "G3" and [m["value"] for m in r.json()["members"]] == [b["id"]]


def test_the_highest_ranked_mapped_group_wins(gatehouse, outbox, d):
    role(gatehouse, "org:eng")
    role(gatehouse, "org:lead")
    a, b, c = users(d, 3)
    eng, leads = group(d, "Eng", [a, b]), group(d, "Leads", [b])
    out = put_mappings(gatehouse, d, (leads, "org:lead"), (eng, "org:eng"))
    assert [(m["rank"], m["group_display_name"], m["role"]) for m in out["data"]] == [(1, "Leads", "org:lead"), (2, "Eng", "org:eng")]
    assert out["job_id"] is None
    r = roles_of(gatehouse, d)
    assert r["m0@acme.test"] == ("org:eng", "mapping")
    assert r["m1@acme.test"] == ("org:lead", "mapping")
    assert r["m2@acme.test"] == ("org:member", "default")
    # membership changes re-resolve
    d["scim"].patch(f"/Groups/{leads['id']}", json=patch({"op": "remove", "path": f'members[value eq "{b["id"]}"]'}))
    d["scim"].patch(f"/Groups/{eng['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": c["id"]}]}))
    r = roles_of(gatehouse, d)
    assert r["m1@acme.test"] == ("org:eng", "mapping") and r["m2@acme.test"] == ("org:eng", "mapping")
    # a mapping change re-resolves (reordered: Eng first)
    d["scim"].patch(f"/Groups/{leads['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": a["id"]}]}))
    put_mappings(gatehouse, d, (eng, "org:eng"), (leads, "org:lead"))
    assert roles_of(gatehouse, d)["m0@acme.test"] == ("org:eng", "mapping")
    # deleting a group re-resolves its members; events say so
    assert d["scim"].delete(f"/Groups/{eng['id']}").status_code == 204
    r = roles_of(gatehouse, d)
    assert r["m0@acme.test"] == ("org:lead", "mapping") and r["m1@acme.test"] == ("org:member", "default")
    types = [t for t, _ in events(gatehouse)]
    assert "organization_membership.updated" in types
    assert {"directory_sync.group.created", "directory_sync.group.updated", "directory_sync.group.deleted"} <= set(types)


def test_mapped_roles_refuse_manual_edits_until_the_directory_is_off(gatehouse, d):
    role(gatehouse, "org:eng")
    (a,) = users(d, 1)
    g = group(d, "Eng", [a])
    put_mappings(gatehouse, d, (g, "org:eng"))
    user_id = gatehouse.api.get("/v1/users", params={"email": "m0@acme.test"}).json()["data"][0]["id"]
    url = f"/v1/organizations/{d['org']['id']}/memberships/{user_id}"
    assert_problem(gatehouse.api.patch(url, json={"role": "org:admin"}), 409, "role_managed_by_mapping")
    assert gatehouse.api.delete(f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync").status_code == 200
    assert roles_of(gatehouse, d)["m0@acme.test"] == ("org:eng", "manual")
    r = gatehouse.api.patch(url, json={"role": "org:admin"})
    assert r.status_code == 200 and r.json()["role"] == "org:admin"


def test_deleting_a_mapped_role_re_resolves(gatehouse, d):
    role(gatehouse, "org:eng")
    role(gatehouse, "org:lead")
    (a,) = users(d, 1)
    eng, leads = group(d, "Eng", [a]), group(d, "Leads", [a])
    put_mappings(gatehouse, d, (leads, "org:lead"), (eng, "org:eng"))
    assert roles_of(gatehouse, d)["m0@acme.test"] == ("org:lead", "mapping")
    assert gatehouse.api.delete("/v1/roles/org:lead").status_code == 200
    assert roles_of(gatehouse, d)["m0@acme.test"] == ("org:eng", "mapping")
    out = gatehouse.api.get(f"/v1/enterprise_connections/{d['conn']['id']}/role_mappings").json()
    assert [m["role"] for m in out["data"]] == ["org:eng"]


def test_mapping_errors(gatehouse, d):
    g = group(d, "G")
    url = f"/v1/enterprise_connections/{d['conn']['id']}/role_mappings"
    assert_problem(gatehouse.api.put(url, json={"data": [{"group_id": g["id"], "role": "org:nope"}]}), 422, "unknown_role")
    assert_problem(gatehouse.api.put(url, json={"data": [{"group_id": "grp_01m82j0qb4a1mxq9p2ymrw3qen", "role": "org:admin"}]}), 422, "unknown_group")
    assert_problem(gatehouse.api.put(url, json={"data": [{"group_id": g["id"], "role": "org:admin"}] * 2}), 422, "duplicate_group")
    assert_problem(gatehouse.api.put(url, json={"data": [{"group_id": g["id"]}]}), 422)


def test_large_groups_re_resolve_in_a_job_with_visible_progress(gatehouse, d):
    role(gatehouse, "org:eng")
    people = users(d, 130, prefix="big")
    g = group(d, "All")
    r = d["scim"].patch(f"/Groups/{g['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": p["id"]} for p in people]}))
    assert r.status_code == 204
    out = put_mappings(gatehouse, d, (g, "org:eng"))
    job = out["job_id"]
    assert job and job.startswith("djob_")
    url = f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync/jobs/{job}"
    for _ in range(100):
        j = gatehouse.api.get(url).json()
        if j["status"] == "succeeded":
            break
        time.sleep(0.1)
    assert (j["status"], j["done"], j["total"], j["reason"]) == ("succeeded", 130, 130, "role_mappings_changed")
    assert {v for v in roles_of(gatehouse, d).values()} == {("org:eng", "mapping")}
    listed = gatehouse.api.get(f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync/jobs").json()
    assert listed["data"][0]["id"] == job
    # removing every member of the large mapped group: a job again
    assert d["scim"].patch(f"/Groups/{g['id']}", json=patch({"op": "remove", "path": "members"})).status_code == 204
    for _ in range(100):
        if {v for v in roles_of(gatehouse, d).values()} == {("org:member", "default")}:
            break
        time.sleep(0.1)
    assert {v for v in roles_of(gatehouse, d).values()} == {("org:member", "default")}


def test_a_thousand_members_in_one_patch(d):
    people = users(d, 25, prefix="k")
    g = group(d, "Many")
    ids = [p["id"] for p in people] * 40  # 1,000 values, 25 distinct
    r = d["scim"].patch(f"/Groups/{g['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": i} for i in ids]}))
    assert r.status_code == 204
    got = d["scim"].get(f"/Groups/{g['id']}").json()
    assert len(got["members"]) == 25 and got["meta"]["version"] == 'W/"2"'


def test_group_filters(d):
    group(d, "Alpha")
    b = group(d, "Beta")
    r = d["scim"].get("/Groups", params={"filter": 'displayName eq "beta"', "excludedAttributes": "members"}).json()
    assert r["totalResults"] == 1 and r["Resources"][0]["id"] == b["id"] and "members" not in r["Resources"][0]
    r = d["scim"].get("/Groups", params={"filter": 'displayName sw "A" or displayName ew "ta"'}).json()
    assert r["totalResults"] == 2
