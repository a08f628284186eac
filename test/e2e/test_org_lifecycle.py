# SPDX-License-Identifier: Apache-2.0
"""Organization changes that reach their members: deleting an organization
emits organization_membership.deleted per member, and changing default_role
moves the members whose role came from the default (not the hand-set ones)."""

from ghtest.sql import events


def _org(gh, **fields):
    r = gh.api.post("/v1/organizations", json={"name": "Acme", **fields})
    assert r.status_code == 201, r.text
    return r.json()


def _user(gh, email):
    r = gh.api.post("/v1/users", json={"email_addresses": [email]})
    assert r.status_code == 201, r.text
    return r.json()


def _join(gh, org, user, role=None):
    body = {"user_id": user["id"], **({"role": role} if role else {})}
    r = gh.api.post(f"/v1/organizations/{org['id']}/memberships", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_deleting_an_org_emits_one_membership_deleted_per_member(gatehouse, outbox):
    gh = gatehouse
    org = _org(gh)
    members = [_join(gh, org, _user(gh, f"u{i}@acme.test")) for i in range(3)]
    assert gh.api.delete(f"/v1/organizations/{org['id']}").status_code == 200
    deleted = [d for t, d in events(gh, "organization_membership.deleted")]
    assert sorted(d["id"] for d in deleted) == sorted(m["id"] for m in members)
    r = gh.api.get(f"/v1/users/{members[0]['user_id']}/memberships")
    assert r.status_code == 200 and r.json()["data"] == []


def test_default_role_change_moves_default_members_only(gatehouse, outbox):
    gh = gatehouse
    org = _org(gh)
    follows = _join(gh, org, _user(gh, "a@acme.test"))
    pinned = _join(gh, org, _user(gh, "b@acme.test"), role="org:member")
    assert follows["role_source"] == "default" and pinned["role_source"] == "manual"
    r = gh.api.patch(f"/v1/organizations/{org['id']}", json={"default_role": "org:admin"})
    assert r.status_code == 200, r.text
    listed = {m["id"]: m for m in gh.api.get(f"/v1/organizations/{org['id']}/memberships").json()["data"]}
    assert listed[follows["id"]]["role"] == "org:admin"
    assert listed[follows["id"]]["role_source"] == "default"
    assert listed[pinned["id"]]["role"] == "org:member"
    updated = [d["id"] for t, d in events(gh, "organization_membership.updated")]
    assert updated == [follows["id"]]
