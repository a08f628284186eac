# SPDX-License-Identifier: Apache-2.0
"""/v1/organizations: CRUD, slugs, keyset pagination, lookup by slug and the
rules on default_role and metadata."""

import threading

import pytest

from ghtest.api import SoftChecks, create_org, list_all, snapshot, unique
from ghtest.checks import assert_problem


def test_create_get_update_delete(gatehouse):
    r = gatehouse.api.post("/v1/organizations", json={
        "name": "Acme Corp", "public_metadata": {"tier": "gold", "n": 3},
        "private_metadata": {"crm": "x1"}, "max_memberships": 50, "self_serve_sso": True})
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["object"] == "organization"
    assert org["id"].startswith("org_")
    assert org["slug"] == "acme-corp"
    assert org["default_role"] == "org:member"
    assert org["self_serve_sso"] is True
    assert org["max_memberships"] == 50
    assert org["public_metadata"] == {"tier": "gold", "n": 3}
    assert org["private_metadata"] == {"crm": "x1"}
    assert org["created_at"].endswith("Z") and org["created_at"] == org["updated_at"]

    got = gatehouse.api.get(f"/v1/organizations/{org['id']}")
    assert got.status_code == 200 and got.json() == org

    r = gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={
        "name": "Acme Corporation", "default_role": "org:admin", "max_memberships": None,
        "public_metadata": {"tier": "silver"}})
    assert r.status_code == 200, r.text
    upd = r.json()
    assert upd["name"] == "Acme Corporation"
    assert upd["slug"] == "acme-corp", "renaming keeps the slug"
    assert upd["default_role"] == "org:admin"
    assert upd["max_memberships"] is None
    assert upd["public_metadata"] == {"tier": "silver"}, "metadata is replaced, not merged"
    assert upd["private_metadata"] == {"crm": "x1"}, "fields not sent stay as they were"
    assert upd["self_serve_sso"] is True
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").json() == upd

    r = gatehouse.api.delete(f"/v1/organizations/{org['id']}")
    assert r.status_code == 200, r.text
    assert r.json() == {"object": "organization", "id": org["id"], "deleted": True}
    assert_problem(gatehouse.api.get(f"/v1/organizations/{org['id']}"), 404, "organization_not_found")
    assert_problem(gatehouse.api.get("/v1/organizations/acme-corp"), 404, "organization_not_found")
    assert_problem(gatehouse.api.delete(f"/v1/organizations/{org['id']}"), 404, "organization_not_found")
    assert_problem(gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"name": "x"}), 404,
                   "organization_not_found")
    # the slug is free again
    assert create_org(gatehouse, "Acme Corp")["slug"] == "acme-corp"


SLUGS = [("Acme", "acme"), ("  Acme   Corp  ", "acme-corp"), ("ACME, Inc.", "acme-inc"),
         ("R&D -- Team #2", "r-d-team-2"), ("2024 Plan", "2024-plan"), ("---x---", "x")]


def test_slug_is_derived_from_the_name(gatehouse):
    soft = SoftChecks()
    for name, slug in SLUGS:
        with soft.check(name):
            org = create_org(gatehouse, name)
            assert org["slug"] == slug
            assert org["name"] == name, "the name is stored as given"
    soft.done()


def test_slug_from_a_name_without_ascii_letters_is_still_valid(gatehouse):
    for name in ("!!!", "東京", "Ωμέγα"):
        org = create_org(gatehouse, name)
        assert org["slug"], name
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in org["slug"]), org["slug"]
        assert gatehouse.api.get(f"/v1/organizations/{org['slug']}").json()["id"] == org["id"]


def test_long_name_gives_a_slug_of_at_most_64_characters(gatehouse):
    org = create_org(gatehouse, "word " * 50)
    assert 0 < len(org["slug"]) <= 64
    assert not org["slug"].endswith("-") and not org["slug"].startswith("-")


def test_slug_taken_is_409(gatehouse):
    a = create_org(gatehouse, "Acme")
    assert_problem(gatehouse.api.post("/v1/organizations", json={"name": "Acme"}), 409, "slug_taken")
    assert_problem(gatehouse.api.post("/v1/organizations", json={"name": "Other", "slug": "acme"}),
                   409, "slug_taken")
    b = create_org(gatehouse, "Beta")
    assert_problem(gatehouse.api.patch(f"/v1/organizations/{b['id']}", json={"slug": "acme"}),
                   409, "slug_taken")
    # setting an org's own slug again is no conflict
    r = gatehouse.api.patch(f"/v1/organizations/{a['id']}", json={"slug": "acme"})
    assert r.status_code == 200, r.text
    r = gatehouse.api.patch(f"/v1/organizations/{b['id']}", json={"slug": "beta-2"})
    assert r.status_code == 200 and r.json()["slug"] == "beta-2"
    assert gatehouse.api.get("/v1/organizations/beta").status_code == 404
    assert gatehouse.api.get("/v1/organizations/beta-2").json()["id"] == b["id"]
    assert len(list_all(gatehouse, "/v1/organizations")) == 2


def test_invalid_slug_is_422(gatehouse):
    soft = SoftChecks()
    for slug in ["", "-acme", "acme-", "Acme", "ac me", "ac_me", "a/b", "ä", "x" * 65]:
        with soft.check(slug):
            r = gatehouse.api.post("/v1/organizations", json={"name": "Acme", "slug": slug})
            body = assert_problem(r, 422)
            assert body["errors"][0]["field"] == "slug", body
    soft.done()
    assert gatehouse.api.get("/v1/organizations").json()["total_count"] == 0


def test_lookup_by_slug(gatehouse):
    org = create_org(gatehouse, "Lookup Me")
    r = gatehouse.api.get("/v1/organizations/lookup-me")
    assert r.status_code == 200 and r.json()["id"] == org["id"]
    r = gatehouse.api.patch("/v1/organizations/lookup-me", json={"name": "Found"})
    assert r.status_code == 200 and r.json()["name"] == "Found"
    assert gatehouse.api.delete("/v1/organizations/lookup-me").status_code == 200
    assert_problem(gatehouse.api.get(f"/v1/organizations/{org['id']}"), 404, "organization_not_found")


def test_default_role_must_exist(gatehouse):
    before = snapshot(gatehouse)
    r = gatehouse.api.post("/v1/organizations", json={"name": "Acme", "default_role": "org:nope"})
    body = assert_problem(r, 422, "unknown_role")
    assert body["errors"] == [{"field": "default_role", "code": "unknown_role"}]
    assert snapshot(gatehouse) == before
    org = create_org(gatehouse, "Acme", default_role="org:admin")
    assert org["default_role"] == "org:admin"
    r = gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"default_role": "org:ghost"})
    assert_problem(r, 422, "unknown_role")
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}").json()["default_role"] == "org:admin"
    # not a role key at all
    r = gatehouse.api.post("/v1/organizations", json={"name": "B", "default_role": "Admin!"})
    assert_problem(r, 422)


def test_metadata_must_be_an_object(gatehouse):
    org = create_org(gatehouse, "Meta")
    before = snapshot(gatehouse)
    soft = SoftChecks()
    for field in ("public_metadata", "private_metadata"):
        for value in ([1, 2], "text", 3, True, "{}"):
            with soft.check((field, value)):
                r = gatehouse.api.post("/v1/organizations", json={"name": "Acme", field: value})
                assert assert_problem(r, 422, "invalid_type")["errors"][0]["field"] == field
                r = gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={field: value})
                assert assert_problem(r, 422, "invalid_type")["errors"][0]["field"] == field
    soft.done()
    assert snapshot(gatehouse) == before


def test_metadata_null_resets_to_empty_object(gatehouse):
    org = create_org(gatehouse, "Acme", public_metadata={"a": {"b": [1, None, "c"]}})
    assert org["public_metadata"] == {"a": {"b": [1, None, "c"]}}
    r = gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"public_metadata": None})
    assert r.status_code == 200 and r.json()["public_metadata"] == {}


def test_metadata_over_8k_is_too_long(gatehouse):
    r = gatehouse.api.post("/v1/organizations", json={"name": "Acme",
                                                      "public_metadata": {"k": "v" * 9000}})
    assert_problem(r, 422, "too_long")


INVALID_FIELDS = [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"name": "x", "max_memberships": 0}, "max_memberships"),
    ({"name": "x", "max_memberships": -5}, "max_memberships"),
    ({"name": "x", "max_memberships": 1.5}, "max_memberships"),
    ({"name": "x", "max_memberships": 10 ** 12}, "max_memberships"),
    ({"name": "x", "self_serve_sso": "yes"}, "self_serve_sso"),
]


def test_invalid_fields_are_422_with_the_field(gatehouse):
    soft = SoftChecks()
    for body, field in INVALID_FIELDS:
        with soft.check(body):
            b = assert_problem(gatehouse.api.post("/v1/organizations", json=body), 422)
            assert b["errors"][0]["field"] == field, b
    soft.done()
    assert gatehouse.api.get("/v1/organizations").json()["total_count"] == 0


def test_keyset_pagination(gatehouse):
    ids = [create_org(gatehouse, f"Page {i:02d}")["id"] for i in range(23)]
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 5}
        if after:
            params["starting_after"] = after
        r = gatehouse.api.get("/v1/organizations", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["object"] == "list"
        assert page["total_count"] == 23
        assert len(page["data"]) <= 5
        seen += [o["id"] for o in page["data"]]
        pages += 1
        if not page["has_more"]:
            break
        assert len(page["data"]) == 5
        after = page["data"][-1]["id"]
    assert pages == 5
    assert seen == sorted(ids), "every org once, in id order"
    assert sorted(seen) == sorted(ids)


def test_has_more_is_false_when_the_page_ends_exactly_at_the_last_item(gatehouse):
    ids = [create_org(gatehouse)["id"] for _ in range(4)]
    r = gatehouse.api.get("/v1/organizations", params={"limit": 4}).json()
    assert [o["id"] for o in r["data"]] == sorted(ids)
    assert r["has_more"] is False, "nothing follows the fourth of four organizations"
    r = gatehouse.api.get("/v1/organizations", params={"limit": 2}).json()
    assert r["has_more"] is True
    r = gatehouse.api.get("/v1/organizations", params={"limit": 2, "starting_after": r["data"][-1]["id"]}).json()
    assert len(r["data"]) == 2 and r["has_more"] is False


def test_starting_after_an_unknown_or_deleted_id_continues_in_order(gatehouse):
    ids = sorted(create_org(gatehouse)["id"] for _ in range(6))
    assert gatehouse.api.delete(f"/v1/organizations/{ids[2]}").status_code == 200
    r = gatehouse.api.get("/v1/organizations", params={"starting_after": ids[2]}).json()
    assert [o["id"] for o in r["data"]] == ids[3:]
    r = gatehouse.api.get("/v1/organizations", params={"starting_after": "org_zzzz"}).json()
    assert r["data"] == [] and r["has_more"] is False and r["total_count"] == 5


def test_bad_list_parameters_are_422(gatehouse):
    soft = SoftChecks()
    for params in ({"limit": 0}, {"limit": 501}, {"limit": -1}, {"limit": "ten"}, {"limit": ""},
                   {"limit": "5x"}, {"limit": "1e2"}, {"starting_after": "x" * 65}):
        with soft.check(params):
            body = assert_problem(gatehouse.api.get("/v1/organizations", params=params), 422, "invalid_query")
            assert body["errors"][0]["field"] == next(iter(params))
    soft.done()
    assert gatehouse.api.get("/v1/organizations", params={"limit": 500}).status_code == 200


def test_pagination_under_concurrent_inserts_has_no_duplicates_or_skips(gatehouse):
    before = [create_org(gatehouse, f"Pre {i}")["id"] for i in range(40)]
    stop = threading.Event()
    created, errors = [], []

    def writer():
        while not stop.is_set() and len(created) < 200:
            r = gatehouse.api.post("/v1/organizations", json={"name": unique("During ")})
            if r.status_code == 201:
                created.append(r.json()["id"])
            else:
                errors.append(r.text)

    t = threading.Thread(target=writer)
    t.start()
    try:
        seen, after, totals = [], None, []
        while True:
            params = {"limit": 3}
            if after:
                params["starting_after"] = after
            r = gatehouse.api.get("/v1/organizations", params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            totals.append(page["total_count"])
            seen += [o["id"] for o in page["data"]]
            if not page["data"]:
                break
            after = page["data"][-1]["id"]
    finally:
        stop.set()
        t.join(30)
    assert not errors, errors[:3]
    assert len(seen) == len(set(seen)), "an organization appeared twice"
    assert seen == sorted(seen), "pages are in id order"
    missing = set(before) - set(seen)
    assert not missing, f"{len(missing)} organizations that existed before were skipped"
    assert totals == sorted(totals), "total_count never goes down while only inserting"
    assert created, "the writer created nothing"


def test_list_shape(gatehouse):
    r = gatehouse.api.get("/v1/organizations")
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json() == {"object": "list", "data": [], "total_count": 0, "has_more": False}
