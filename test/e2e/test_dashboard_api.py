# SPDX-License-Identifier: Apache-2.0
"""What /v1 gained for the dashboard: GET /v1/organizations?query= (part of the name or slug,
or an id), with paging and total_count over the matches."""

from ghtest.api import create_org, list_all, unique
from ghtest.checks import assert_problem


def names(gh, query, **params):
    r = gh.api.get("/v1/organizations", params={"query": query, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_org_list_query_matches_name_slug_and_id(gatehouse):
    tag = unique("q")
    a = create_org(gatehouse, name=f"Umbrella {tag} Corp", slug=f"umbrella-{tag}")
    b = create_org(gatehouse, name=f"Wayne {tag}", slug=f"wayne-{tag}")
    c = create_org(gatehouse, name="100% Real_Estate", slug=unique("realty-"))
    create_org(gatehouse, name="Unrelated", slug=unique("other-"))

    page = names(gatehouse, tag.upper())  # names compare case-insensitively
    assert {o["id"] for o in page["data"]} == {a["id"], b["id"]}
    assert page["total_count"] == 2 and page["has_more"] is False
    assert [o["id"] for o in names(gatehouse, "umbrella-")["data"]] == [a["id"]]  # slug
    assert [o["id"] for o in names(gatehouse, c["id"])["data"]] == [c["id"]]  # id
    # LIKE's own characters are literal
    assert [o["id"] for o in names(gatehouse, "100%")["data"]] == [c["id"]]
    assert [o["id"] for o in names(gatehouse, "l_e")["data"]] == [c["id"]]
    assert names(gatehouse, "0%r")["data"] == []
    assert names(gatehouse, "l%e")["data"] == []
    # paging follows the matches only
    first = names(gatehouse, tag, limit=1)
    assert len(first["data"]) == 1 and first["has_more"] is True and first["total_count"] == 2
    both = list_all(gatehouse, "/v1/organizations", limit=1, params={"query": tag})
    assert sorted(o["id"] for o in both) == sorted([a["id"], b["id"]])
    # an empty query lists everything
    assert names(gatehouse, "")["total_count"] == 4


def test_org_list_query_too_long_is_refused(gatehouse):
    r = gatehouse.api.get("/v1/organizations", params={"query": "x" * 201})
    assert_problem(r, 422, "invalid_query")
    assert names(gatehouse, "x" * 200)["data"] == []


def new_connection(gh):
    org = create_org(gh)
    r = gh.api.post("/v1/enterprise_connections", json={
        "organization_id": org["id"], "name": "Okta", "protocol": "saml", "provider": "okta"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_test_sign_in_list_newest_first_per_connection(gatehouse):
    conn, other = new_connection(gatehouse), new_connection(gatehouse)
    base = f"/v1/enterprise_connections/{conn}/test_sign_ins"
    r = gatehouse.api.get(base)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [] and r.json()["total_count"] == 0
    made = []
    for _ in range(3):
        r = gatehouse.api.post(base)
        assert r.status_code == 201, r.text
        made.append(r.json())
    assert gatehouse.api.post(f"/v1/enterprise_connections/{other}/test_sign_ins").status_code == 201

    page = gatehouse.api.get(base, params={"limit": 2}).json()
    assert [t["id"] for t in page["data"]] == [made[2]["id"], made[1]["id"]]
    assert page["has_more"] is True and page["total_count"] == 3
    # the items are what GET .../test_sign_ins/{id} answers
    one = gatehouse.api.get(f"{base}/{made[2]['id']}").json()
    assert page["data"][0] == one
    assert page["data"][0]["status"] == "pending" and page["data"][0]["url"] == made[2]["url"]
    rest = gatehouse.api.get(base, params={"limit": 2, "starting_after": made[1]["id"]}).json()
    assert [t["id"] for t in rest["data"]] == [made[0]["id"]] and rest["has_more"] is False


def test_test_sign_in_list_of_an_unknown_connection(gatehouse):
    r = gatehouse.api.get("/v1/enterprise_connections/conn_nope/test_sign_ins")
    assert_problem(r, 404, "connection_not_found")
    assert gatehouse.anon.get("/v1/enterprise_connections/conn_nope/test_sign_ins").status_code == 401
