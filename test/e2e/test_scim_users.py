# SPDX-License-Identifier: Apache-2.0
"""SCIM Users against RFC 7644 and the product rules of journey 3: filters,
paging, projection, ETags, atomic PATCH, errors with scimType, required
emails, covered domains, userName uniqueness (also under 20 parallel
creates), deactivation revoking sessions in the same transaction, custom
attributes into public_metadata, directory-managed fields, deletion and
re-creation, the body limit."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ghtest.checks import assert_problem
from ghtest.scim import (CUSTOM, ENTERPRISE, LIST, USER, assert_scim_error, new_directory,
                         okta_user, patch)
from ghtest.sql import events, insert_session, lit, query


@pytest.fixture
def d(gatehouse, dns):
    return new_directory(gatehouse, dns)


def create(d, name, **kw):
    r = d["scim"].post("/Users", json=okta_user(name, **kw))
    assert r.status_code == 201, r.text
    return r.json()


def gh_user(gh, email):
    r = gh.api.get("/v1/users", params={"email": email})
    assert r.status_code == 200 and r.json()["total_count"] == 1, r.text
    return r.json()["data"][0]


# -- create --------------------------------------------------------------------------------

def test_create_makes_a_member_before_first_sign_in(gatehouse, outbox, d):
    r = d["scim"].post("/Users", json=okta_user("alice@acme.test", given="Alice", family="Liddell"))
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/scim+json")
    u = r.json()
    assert r.headers["Location"] == f"{d['base']}/Users/{u['id']}"
    assert r.headers["ETag"] == u["meta"]["version"] == 'W/"1"'
    assert u["meta"]["location"] == r.headers["Location"] and u["meta"]["resourceType"] == "User"
    assert "password" not in u and u["active"] is True
    user = gh_user(gatehouse, "alice@acme.test")
    assert (user["first_name"], user["last_name"], user["status"]) == ("Alice", "Liddell", "active")
    m = gatehouse.api.get(f"/v1/organizations/{d['org']['id']}/memberships").json()["data"]
    assert [(x["user_id"], x["role"], x["role_source"]) for x in m] == [(user["id"], "org:member", "default")]
    types = [t for t, _ in events(gatehouse)]
    assert "user.created" in types and "organization_membership.created" in types
    view = gatehouse.api.get(f"/v1/enterprise_connections/{d['conn']['id']}/directory_users").json()
    assert view["data"][0]["user_id"] == user["id"] and view["data"][0]["status"] == "active"
    assert view["data"][0]["scim_id"] == u["id"] and view["data"][0]["last_synced_at"]


def test_a_user_without_emails_is_refused_by_name(d):
    body = okta_user("noemail@acme.test")
    del body["emails"]
    e = assert_scim_error(d["scim"].post("/Users", json=body), 400, "invalidValue")
    assert "emails is required" in e["detail"] and "userName is not used" in e["detail"]
    e = assert_scim_error(d["scim"].post("/Users", json={**body, "emails": []}), 400, "invalidValue")
    assert d["scim"].get("/Users").json()["totalResults"] == 0


def test_an_uncovered_email_domain_is_refused(gatehouse, d):
    r = d["scim"].post("/Users", json=okta_user("mallory@evil.test"))
    assert r.status_code in (400, 403), r.text
    e = r.json()
    assert "evil.test" in e["detail"] and "not a verified domain covered" in e["detail"]
    assert gatehouse.api.get("/v1/users", params={"email": "mallory@evil.test"}).json()["total_count"] == 0
    # a secondary address of another domain stays in the SCIM profile only
    body = okta_user("bob@acme.test")
    body["emails"].append({"value": "bob@other-tenant.test", "type": "home"})
    r = d["scim"].post("/Users", json=body)
    assert r.status_code == 201, r.text
    assert len(r.json()["emails"]) == 2
    assert [e["email_address"] for e in gh_user(gatehouse, "bob@acme.test")["email_addresses"]] == ["bob@acme.test"]


def test_user_name_is_unique_case_insensitively(d):
    create(d, "Carol@acme.test")
    e = assert_scim_error(d["scim"].post("/Users", json=okta_user("CAROL@ACME.TEST", email="c2@acme.test")),
                          409, "uniqueness")
    assert "CAROL@ACME.TEST" in e["detail"]


def test_twenty_parallel_creates_of_one_user_name_give_one_201(d):
    def one(i):
        return d["scim"].post("/Users", json=okta_user("race@acme.test", email=f"race{i}@acme.test"))
    with ThreadPoolExecutor(20) as pool:
        codes = sorted(r.status_code for r in pool.map(one, range(20)))
    assert codes == [201] + [409] * 19, codes
    assert d["scim"].get("/Users", params={"filter": 'userName eq "race@acme.test"'}).json()["totalResults"] == 1


def test_an_existing_user_is_linked_not_duplicated(gatehouse, d):
    r = gatehouse.api.post("/v1/users", json={"email_addresses": ["dora@acme.test"], "first_name": "D"})
    assert r.status_code == 201
    existing = r.json()
    u = create(d, "dora@acme.test", given="Dora")
    assert gh_user(gatehouse, "dora@acme.test")["id"] == existing["id"]
    assert gatehouse.api.get("/v1/enterprise_connections/{}/directory_users".format(d["conn"]["id"])).json()["data"][0]["user_id"] == existing["id"]
    # the same address again under another userName is a conflict, not a second link
    assert_scim_error(d["scim"].post("/Users", json=okta_user("dora2@acme.test", email="dora@acme.test")), 409, "uniqueness")
    assert u["id"].startswith("dusr_")


# -- read, filters, paging -------------------------------------------------------------

def test_filters_paging_and_projection(d):
    ids = [create(d, f"u{i}@acme.test", given=f"G{i}", family="Same" if i % 2 else "Other")["id"] for i in range(7)]
    s = d["scim"]
    r = s.get("/Users", params={"startIndex": 2, "count": 3}).json()
    assert (r["totalResults"], r["itemsPerPage"], r["startIndex"]) == (7, 3, 2)
    assert [x["id"] for x in r["Resources"]] == ids[1:4] and r["schemas"] == [LIST]
    r = s.get("/Users", params={"startIndex": 0, "count": -1}).json()  # §3.4.2.4: 1 and 0
    assert (r["startIndex"], r["itemsPerPage"], r["Resources"]) == (1, 0, [])
    r = s.get("/Users", params={"filter": 'name.familyName eq "Same" and not (name.givenName eq "G1")'}).json()
    assert r["totalResults"] == 2 and {x["name"]["givenName"] for x in r["Resources"]} == {"G3", "G5"}
    r = s.get("/Users", params={"filter": 'emails[type eq "work" and value sw "u6@"]'}).json()
    assert [x["id"] for x in r["Resources"]] == [ids[6]]
    r = s.get("/Users", params={"filter": f'id eq "{ids[3]}"', "attributes": "userName,name.givenName"}).json()
    assert r["Resources"] == [{"id": ids[3], "schemas": [USER], "userName": "u3@acme.test", "name": {"givenName": "G3"}}]
    r = s.get(f"/Users/{ids[0]}", params={"excludedAttributes": "emails,meta"}).json()
    assert "emails" not in r and "meta" not in r and r["userName"] == "u0@acme.test"
    r = s.get("/Users", params={"filter": 'meta.created pr and active eq true', "count": 100}).json()
    assert r["totalResults"] == 7
    r = s.post("/Users/.search", json={"filter": 'userName sw "u1"', "startIndex": 1, "count": 5}).json()
    assert r["totalResults"] == 1


@pytest.mark.parametrize("bad", ['userName eq', 'userName xx "a"', '(userName eq "a"', 'active gt true',
                                 'emails[type eq "w"', 'userName eq "a" junk'])
def test_bad_filters_are_invalid_filter(d, bad):
    assert_scim_error(d["scim"].get("/Users", params={"filter": bad}), 400, "invalidFilter")


def test_etags_and_preconditions(d):
    u = create(d, "etag@acme.test")
    s = d["scim"]
    r = s.get(f"/Users/{u['id']}", headers={"If-None-Match": 'W/"1"'})
    assert r.status_code == 304 and r.headers["ETag"] == 'W/"1"'
    r = s.patch(f"/Users/{u['id']}", json=patch({"op": "replace", "path": "title", "value": "x"}),
                headers={"If-Match": 'W/"7"'})
    assert_scim_error(r, 412)
    r = s.patch(f"/Users/{u['id']}", json=patch({"op": "replace", "path": "title", "value": "x"}),
                headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == 'W/"2"' and r.json()["title"] == "x"
    assert_scim_error(s.delete(f"/Users/{u['id']}", headers={"If-Match": 'W/"1"'}), 412)


# -- patch ---------------------------------------------------------------------------------

def test_patch_is_atomic(gatehouse, d):
    u = create(d, "atomic@acme.test", given="Before")
    r = d["scim"].patch(f"/Users/{u['id']}", json=patch(
        {"op": "replace", "path": "name.givenName", "value": "After"},
        {"op": "replace", "path": "active", "value": False},
        {"op": "remove", "path": 'emails[type eq "nonexistent"]'}))
    e = assert_scim_error(r, 400, "noTarget")
    assert "Operations[2]" in e["detail"]
    got = d["scim"].get(f"/Users/{u['id']}").json()
    assert got["name"]["givenName"] == "Before" and got["active"] is True and got["meta"]["version"] == 'W/"1"'
    assert gh_user(gatehouse, "atomic@acme.test")["status"] == "active"


def test_patch_errors_name_the_rfc_scim_type(d):
    u = create(d, "errs@acme.test")
    s = d["scim"]
    assert_scim_error(s.patch(f"/Users/{u['id']}", json=patch({"op": "remove"})), 400, "noTarget")
    assert_scim_error(s.patch(f"/Users/{u['id']}", json=patch({"op": "replace", "path": "id", "value": "x"})), 400, "mutability")
    assert_scim_error(s.patch(f"/Users/{u['id']}", json=patch({"op": "add", "path": "a[b", "value": 1})), 400, "invalidPath")
    assert_scim_error(s.patch(f"/Users/{u['id']}", json={"Operations": "x"}), 400, "invalidSyntax")
    assert_scim_error(s.patch(f"/Users/{u['id']}", data="{not json", headers={"Content-Type": "application/scim+json"}), 400, "invalidSyntax")
    assert_scim_error(s.patch(f"/Users/{u['id']}", json=patch({"op": "remove", "path": "emails"})), 400, "invalidValue")
    assert_scim_error(s.get("/Users/dusr_nope"), 404)


def test_unmodelled_attributes_are_kept(d):
    body = okta_user("keep@acme.test", addresses=[{"type": "work", "locality": "Oslo"}],
                     phoneNumbers=[{"value": "+4712345678", "type": "mobile"}], title="Dr")
    body["urn:example:ext:1.0:User"] = {"favourite": "blue"}
    u = d["scim"].post("/Users", json=body).json()
    got = d["scim"].get(f"/Users/{u['id']}").json()
    assert got["addresses"] == [{"type": "work", "locality": "Oslo"}] and got["title"] == "Dr"
    assert got["urn:example:ext:1.0:User"] == {"favourite": "blue"}


# -- deactivation --------------------------------------------------------------------------

def test_deactivation_revokes_every_session_in_the_same_transaction(gatehouse, outbox, d):
    u = create(d, "leaver@acme.test")
    user = gh_user(gatehouse, "leaver@acme.test")
    for i in range(3):
        insert_session(gatehouse, f"sess_leaver{i}", user["id"], now=int(time.time()))
    r = d["scim"].patch(f"/Users/{u['id']}", json=patch({"op": "replace", "value": {"active": False}}))
    assert r.status_code == 200 and r.json()["active"] is False
    rows = query(gatehouse, f"SELECT status FROM sessions WHERE user_id = {lit(user['id'])}")
    assert [s for (s,) in rows] == ["revoked"] * 3
    assert gh_user(gatehouse, "leaver@acme.test")["status"] == "deactivated"
    types = [t for t, data in events(gatehouse) if data.get("user_id", data.get("id")) == user["id"]]
    assert types.count("session.revoked") == 3 and "user.updated" in types
    # the request log says what happened
    for _ in range(50):
        log = gatehouse.api.get(f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync/requests").json()["data"]
        if log and log[0]["method"] == "PATCH":
            break
        time.sleep(0.1)
    assert "3 sessions revoked" in log[0]["changes"] and "user deactivated" in log[0]["changes"]


def test_delete_deactivates_and_the_resource_is_gone(gatehouse, d):
    u = create(d, "gone@acme.test")
    user = gh_user(gatehouse, "gone@acme.test")
    insert_session(gatehouse, "sess_gone", user["id"], now=int(time.time()))
    assert d["scim"].delete(f"/Users/{u['id']}").status_code == 204
    assert_scim_error(d["scim"].get(f"/Users/{u['id']}"), 404)
    assert gh_user(gatehouse, "gone@acme.test")["status"] == "deactivated"
    assert query(gatehouse, "SELECT status FROM sessions WHERE id = 'sess_gone'") == [("revoked",)]
    # re-create after a (soft) delete: linked again and active
    again = create(d, "gone@acme.test")
    assert again["id"] != u["id"] and gh_user(gatehouse, "gone@acme.test")["status"] == "active"


# -- custom attributes and managed fields ------------------------------------------------

def test_custom_attributes_map_scim_paths_into_public_metadata(gatehouse, d):
    conn = d["conn"]["id"]
    for key, path, multi in (("department", f"{ENTERPRISE}:department", False),
                             ("cost_center", f"{CUSTOM}:costCenter", False),
                             ("work_phone", 'phoneNumbers[type eq "work"].value', False),
                             ("manager", f"{ENTERPRISE}:manager", False),
                             ("roles", "roles.value", True)):
        r = gatehouse.api.post(f"/v1/enterprise_connections/{conn}/custom_attributes",
                               json={"key": key, "scim_attribute": path, "multi_valued": multi})
        assert r.status_code == 201, r.text
    body = okta_user("meta@acme.test", phoneNumbers=[{"type": "work", "value": "+1 555"}],
                     roles=[{"value": "a"}, {"value": "b"}])
    body["schemas"] += [ENTERPRISE, CUSTOM]
    body[ENTERPRISE] = {"department": "Tour Operations", "manager": "boss-1"}
    body[CUSTOM] = {"costCenter": "4130", "anythingElse": True}
    u = d["scim"].post("/Users", json=body).json()
    meta = gh_user(gatehouse, "meta@acme.test")["public_metadata"]
    assert meta == {"department": "Tour Operations", "cost_center": "4130", "work_phone": "+1 555",
                    "manager": "boss-1", "roles": ["a", "b"]}
    # the extension is advertised
    ids = [s["id"] for s in d["scim"].get("/Schemas").json()["Resources"]]
    assert CUSTOM in ids and ENTERPRISE in ids
    # SCIM states the whole user: an attribute it no longer carries is removed
    d["scim"].patch(f"/Users/{u['id']}", json=patch({"op": "remove", "path": f"{ENTERPRISE}:department"}))
    assert "department" not in gh_user(gatehouse, "meta@acme.test")["public_metadata"]


def test_managed_fields_are_read_only_in_the_backend_api(gatehouse, d):
    create(d, "managed@acme.test")
    r = gatehouse.api.post(f"/v1/enterprise_connections/{d['conn']['id']}/custom_attributes",
                           json={"key": "dept", "scim_attribute": f"{ENTERPRISE}:department"})
    assert r.status_code == 201
    user = gh_user(gatehouse, "managed@acme.test")
    for body in ({"first_name": "X"}, {"email_addresses": ["x@acme.test"]}, {"status": "deactivated"},
                 {"external_id": "e"}, {"public_metadata": {"dept": "x"}}):
        b = assert_problem(gatehouse.api.patch(f"/v1/users/{user['id']}", json=body), 409, "directory_managed")
        assert d["conn"]["id"] in b["detail"]
    # what the directory does not manage stays editable
    r = gatehouse.api.patch(f"/v1/users/{user['id']}", json={"private_metadata": {"a": 1}, "public_metadata": {"other": 1}})
    assert r.status_code == 200, r.text
    # off: everything is editable again
    assert gatehouse.api.delete(f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync").status_code == 200
    assert gatehouse.api.patch(f"/v1/users/{user['id']}", json={"first_name": "X"}).status_code == 200


def test_the_body_limit_is_one_mebibyte(d):
    r = d["scim"].post("/Users", data="{" + " " * (1024 * 1024 + 10) + "}",
                       headers={"Content-Type": "application/scim+json"})
    assert_scim_error(r, 413)


def test_deactivation_kills_refresh_tokens_too(gatehouse, dns):
    """journey 3: "every session and refresh token revoked at once"."""
    from urllib.parse import parse_qs, urlparse

    from ghtest.oidc import complete_sign_in, require_op_hook
    from test_oidc_op import CB, VERIFIER, authorize, good_params, make_app, token

    require_op_hook(gatehouse)
    d = new_directory(gatehouse, dns)
    u = create(d, "rt@acme.test")
    user = gh_user(gatehouse, "rt@acme.test")
    app = make_app(gatehouse)
    r = authorize(gatehouse, **good_params(app, scope="openid email offline_access"))
    back = complete_sign_in(gatehouse, r.headers["Location"], user["id"], d["org"]["id"])
    code = parse_qs(urlparse(back).query)["code"][0]
    r = token(gatehouse, app, {"grant_type": "authorization_code", "code": code, "redirect_uri": CB,
                               "code_verifier": VERIFIER})
    assert r.status_code == 200, r.text
    refresh = r.json()["refresh_token"]
    assert d["scim"].patch(f"/Users/{u['id']}", json=patch({"op": "replace", "path": "active", "value": False})).status_code == 200
    r = token(gatehouse, app, {"grant_type": "refresh_token", "refresh_token": refresh})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
