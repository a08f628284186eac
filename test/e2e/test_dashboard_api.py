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
