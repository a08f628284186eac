# SPDX-License-Identifier: Apache-2.0
"""/v1/users: the user object, email and username rules, filters and keyset
pagination, deactivation revoking sessions, deletion taking memberships with
it, the webhook events of every change, and the `gatehouse users` CLI."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from ghtest.checks import assert_problem
from ghtest.sql import events, insert_session, lit, query

USER_FIELDS = {"object", "id", "email_addresses", "primary_email", "first_name", "last_name",
               "username", "external_id", "public_metadata", "private_metadata", "status",
               "last_sign_in_at", "created_at", "updated_at"}


def new_user(gh, *emails, **fields):
    r = gh.api.post("/v1/users", json={"email_addresses": list(emails), **fields})
    assert r.status_code == 201, r.text
    return r.json()


def new_org(gh, **fields):
    fields.setdefault("name", "Acme")
    r = gh.api.post("/v1/organizations", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def add_member(gh, org_id, user_id, **fields):
    r = gh.api.post(f"/v1/organizations/{org_id}/memberships", json={"user_id": user_id, **fields})
    assert r.status_code == 201, r.text
    return r.json()


# -- create and read ---------------------------------------------------------------------

def test_create_returns_the_user_as_stored(gatehouse):
    u = new_user(gatehouse, "Ada@Example.COM", "ada.l@example.com", first_name="Ada",
                 last_name="Lovelace", username="Ada", external_id="ext-1",
                 public_metadata={"plan": "pro"}, private_metadata={"note": 1})
    assert set(u) == USER_FIELDS
    assert u["object"] == "user" and u["id"].startswith("user_")
    assert u["email_addresses"] == [{"email_address": "Ada@Example.COM", "primary": True},
                                    {"email_address": "ada.l@example.com", "primary": False}]
    assert u["primary_email"] == "Ada@Example.COM"
    assert (u["first_name"], u["last_name"], u["username"]) == ("Ada", "Lovelace", "Ada")
    assert u["public_metadata"] == {"plan": "pro"} and u["private_metadata"] == {"note": 1}
    assert u["status"] == "active" and u["last_sign_in_at"] is None
    assert u["created_at"].endswith("Z") and u["created_at"] == u["updated_at"]
    got = gatehouse.api.get(f"/v1/users/{u['id']}")
    assert got.status_code == 200 and got.json() == u


def test_create_with_primary_email_only(gatehouse):
    r = gatehouse.api.post("/v1/users", json={"primary_email": "solo@example.com"})
    assert r.status_code == 201, r.text
    assert r.json()["email_addresses"] == [{"email_address": "solo@example.com", "primary": True}]


def test_create_with_primary_email_chosen(gatehouse):
    u = new_user(gatehouse, "a@example.com", "b@example.com", primary_email="B@EXAMPLE.com")
    assert u["primary_email"] == "b@example.com"
    assert [e["primary"] for e in u["email_addresses"]] == [False, True]


@pytest.mark.parametrize("body,code", [
    ({}, "missing_field"),
    ({"first_name": "No Email"}, "missing_field"),
    ({"email_addresses": []}, "empty"),
    ({"email_addresses": ["not-an-email"]}, "invalid_email"),
    ({"email_addresses": ["a@b"]}, "invalid_email"),
    ({"email_addresses": ["a@x.com", "A@X.COM"]}, "duplicate_email"),
    ({"email_addresses": ["a@x.com"], "primary_email": "b@x.com"}, "primary_email_not_listed"),
    ({"email_addresses": ["a@x.com"], "primary_email": None}, "invalid"),
    ({"email_addresses": "a@x.com"}, "invalid_type"),
    ({"email_addresses": [{"email_address": "a@x.com"}]}, "invalid"),
    ({"email_addresses": ["a@x.com"], "first_name": 5}, "invalid_type"),
    ({"email_addresses": ["a@x.com"], "last_name": ["x"]}, "invalid_type"),
    ({"email_addresses": ["a@x.com"], "public_metadata": [1]}, "invalid_type"),
    ({"email_addresses": ["a@x.com"], "private_metadata": "x"}, "invalid_type"),
    ({"email_addresses": ["a@x.com"], "status": "suspended"}, "invalid_status"),
    ({"email_addresses": ["a@x.com"], "status": True}, "invalid_type"),
    ({"email_addresses": ["a@x.com"], "username": "has space"}, "invalid_username"),
    ({"email_addresses": ["a@x.com"], "first_name": "tab\there"}, "invalid"),
    ({"email_addresses": ["a@x.com"], "nickname": "x"}, "unknown_field"),
    ({"email_addresses": ["a@x.com"], "id": "user_x"}, "unknown_field"),
    ({"email_addresses": ["a@x.com"], "last_sign_in_at": "2026-01-01T00:00:00Z"}, "unknown_field"),
])
def test_create_refuses_bad_input_with_422(gatehouse, body, code):
    b = assert_problem(gatehouse.api.post("/v1/users", json=body), 422, code)
    assert b["errors"], b
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 0


@pytest.mark.parametrize("field,length", [
    ("first_name", 257), ("last_name", 257), ("username", 65), ("external_id", 257),
])
def test_over_long_strings_are_too_long(gatehouse, field, length):
    r = gatehouse.api.post("/v1/users", json={"email_addresses": ["a@x.com"], field: "a" * length})
    assert_problem(r, 422, "too_long")
    ok = gatehouse.api.post("/v1/users", json={"email_addresses": ["a@x.com"], field: "a" * (length - 1)})
    assert ok.status_code == 201, ok.text


def test_over_long_email_and_metadata_are_refused(gatehouse):
    long_email = "a" * 64 + "@" + ("b" * 60 + ".") * 5 + "com"
    assert len(long_email) > 320
    assert_problem(gatehouse.api.post("/v1/users", json={"email_addresses": [long_email]}), 422, "too_long")
    r = gatehouse.api.post("/v1/users", json={"email_addresses": ["a@x.com"],
                                              "public_metadata": {"k": "v" * 9000}})
    assert_problem(r, 422, "too_long")
    too_many = [f"u{i}@x.com" for i in range(17)]
    assert_problem(gatehouse.api.post("/v1/users", json={"email_addresses": too_many}), 422, "too_many_items")


def test_malformed_json_is_400(gatehouse):
    for raw in (b"{", b"[]", b'{"email_addresses":["a@x.com"],"email_addresses":["b@x.com"]}', b""):
        r = gatehouse.api.post("/v1/users", data=raw, headers={"Content-Type": "application/json"})
        assert_problem(r, 400, "invalid_json")


def test_unknown_user_is_404(gatehouse):
    for method in ("get", "patch", "delete"):
        kw = {"json": {"first_name": "x"}} if method == "patch" else {}
        r = getattr(gatehouse.api, method)("/v1/users/user_01m00000000000000000000000", **kw)
        assert_problem(r, 404, "user_not_found")


def test_users_need_the_secret_key(gatehouse):
    assert_problem(gatehouse.anon.get("/v1/users"), 401)
    assert_problem(gatehouse.anon.post("/v1/users", json={"email_addresses": ["a@x.com"]}), 401)


# -- uniqueness ----------------------------------------------------------------------------

def test_email_is_unique_case_insensitively(gatehouse):
    a = new_user(gatehouse, "Taken@Example.com")
    r = gatehouse.api.post("/v1/users", json={"email_addresses": ["new@example.com", "tAKEN@example.COM"]})
    body = assert_problem(r, 409, "email_taken")
    assert body["errors"] == [{"field": "email_addresses", "code": "email_taken"}]
    # nothing half-written: the other address of the refused user is still free
    new_user(gatehouse, "new@example.com")
    b = new_user(gatehouse, "other@example.com")
    r = gatehouse.api.patch(f"/v1/users/{b['id']}", json={"email_addresses": ["TAKEN@EXAMPLE.COM"]})
    assert_problem(r, 409, "email_taken")
    assert gatehouse.api.get(f"/v1/users/{b['id']}").json()["primary_email"] == "other@example.com"
    # a user keeps its own addresses when it changes their case
    r = gatehouse.api.patch(f"/v1/users/{a['id']}", json={"email_addresses": ["TAKEN@example.com"]})
    assert r.status_code == 200, r.text
    assert r.json()["primary_email"] == "TAKEN@example.com"


def test_username_is_unique_case_insensitively(gatehouse):
    a = new_user(gatehouse, "a@x.com", username="Grace")
    r = gatehouse.api.post("/v1/users", json={"email_addresses": ["b@x.com"], "username": "gRACE"})
    assert_problem(r, 409, "username_taken")
    b = new_user(gatehouse, "b@x.com")
    assert_problem(gatehouse.api.patch(f"/v1/users/{b['id']}", json={"username": "GRACE"}), 409, "username_taken")
    # the owner may change its own case; clearing frees the name
    assert gatehouse.api.patch(f"/v1/users/{a['id']}", json={"username": "grace"}).json()["username"] == "grace"
    assert gatehouse.api.patch(f"/v1/users/{a['id']}", json={"username": None}).json()["username"] is None
    assert gatehouse.api.patch(f"/v1/users/{b['id']}", json={"username": "Grace"}).status_code == 200


# -- update --------------------------------------------------------------------------------

def test_patch_changes_only_what_it_names(gatehouse):
    u = new_user(gatehouse, "p@x.com", first_name="Pat", last_name="Doe", public_metadata={"a": 1})
    r = gatehouse.api.patch(f"/v1/users/{u['id']}", json={"last_name": "Roe", "private_metadata": {"s": True}})
    assert r.status_code == 200, r.text
    v = r.json()
    assert (v["first_name"], v["last_name"]) == ("Pat", "Roe")
    assert v["public_metadata"] == {"a": 1} and v["private_metadata"] == {"s": True}
    assert v["email_addresses"] == u["email_addresses"]
    # "" and null clear a name; null metadata resets it to {}
    v = gatehouse.api.patch(f"/v1/users/{u['id']}", json={"first_name": "", "last_name": None,
                                                          "public_metadata": None}).json()
    assert v["first_name"] is None and v["last_name"] is None and v["public_metadata"] == {}
    assert_problem(gatehouse.api.patch(f"/v1/users/{u['id']}", json={"bogus": 1}), 422, "unknown_field")
    assert_problem(gatehouse.api.patch(f"/v1/users/{u['id']}", json={"email_addresses": []}), 422, "empty")


def test_primary_email_rules_on_update(gatehouse):
    u = new_user(gatehouse, "one@x.com", "two@x.com")
    uid = u["id"]
    v = gatehouse.api.patch(f"/v1/users/{uid}", json={"primary_email": "TWO@x.com"}).json()
    assert v["primary_email"] == "two@x.com"
    r = gatehouse.api.patch(f"/v1/users/{uid}", json={"primary_email": "three@x.com"})
    assert_problem(r, 422, "primary_email_not_listed")
    # replacing the list keeps the primary while it is listed ...
    v = gatehouse.api.patch(f"/v1/users/{uid}", json={"email_addresses": ["three@x.com", "two@x.com"]}).json()
    assert v["primary_email"] == "two@x.com"
    # ... else the first address becomes primary
    v = gatehouse.api.patch(f"/v1/users/{uid}", json={"email_addresses": ["four@x.com", "three@x.com"]}).json()
    assert v["primary_email"] == "four@x.com"
    assert [e["email_address"] for e in v["email_addresses"]] == ["four@x.com", "three@x.com"]
    # dropped addresses are free again
    new_user(gatehouse, "one@x.com", "two@x.com")


# -- list ----------------------------------------------------------------------------------

def test_list_filters(gatehouse):
    a = new_user(gatehouse, "Find.Me@Example.com", "alias@example.com", external_id="crm-1")
    b = new_user(gatehouse, "b@example.com", external_id="crm-2")
    gatehouse.api.patch(f"/v1/users/{b['id']}", json={"status": "deactivated"})

    def ids(query):
        r = gatehouse.api.get("/v1/users" + query)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total_count"] == len(body["data"])
        return [u["id"] for u in body["data"]]

    assert ids("?email=find.me@EXAMPLE.COM") == [a["id"]]
    assert ids("?email=ALIAS@example.com") == [a["id"]]
    assert ids("?email=nobody@example.com") == []
    plus = new_user(gatehouse, "first+tag@example.com")
    r = gatehouse.api.get("/v1/users", params={"email": "First+Tag@example.com"})  # '+' sent as %2B
    assert [u["id"] for u in r.json()["data"]] == [plus["id"]]
    assert ids("?external_id=crm-2") == [b["id"]]
    assert ids("?external_id=CRM-2") == []
    assert ids("?status=deactivated") == [b["id"]]
    assert ids("?status=active") == [a["id"], plus["id"]]
    assert ids("?status=active&external_id=crm-2") == []
    assert_problem(gatehouse.api.get("/v1/users?email=not-an-email"), 422, "invalid_query")
    assert_problem(gatehouse.api.get("/v1/users?status=gone"), 422, "invalid_query")
    assert_problem(gatehouse.api.get("/v1/users?limit=0"), 422, "invalid_query")
    assert_problem(gatehouse.api.get("/v1/users?limit=501"), 422, "invalid_query")


def test_keyset_pagination_is_stable_under_inserts(gatehouse):
    made = [new_user(gatehouse, f"p{i}@x.com")["id"] for i in range(5)]
    seen, after = [], None
    while True:
        q = "/v1/users?limit=2" + (f"&starting_after={after}" if after else "")
        page = gatehouse.api.get(q).json()
        seen += [u["id"] for u in page["data"]]
        if after is None:
            new_user(gatehouse, "late@x.com")  # lands after every existing id
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert seen[:5] == made and len(seen) == 6
    assert page["total_count"] == 6


# -- deactivation and sessions -------------------------------------------------------------

def test_deactivation_revokes_every_active_session(gatehouse, outbox):
    u = new_user(gatehouse, "leaver@x.com")
    other = new_user(gatehouse, "stayer@x.com")
    insert_session(gatehouse, "sess_a1", u["id"])
    insert_session(gatehouse, "sess_a2", u["id"])
    insert_session(gatehouse, "sess_a3", u["id"], status="revoked")
    insert_session(gatehouse, "sess_b1", other["id"])
    r = gatehouse.api.patch(f"/v1/users/{u['id']}", json={"status": "deactivated"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "deactivated"
    rows = dict((s, (st, rev)) for s, st, rev in
                query(gatehouse, "SELECT id, status, revoked_at FROM sessions ORDER BY id"))
    assert rows["sess_a1"][0] == rows["sess_a2"][0] == "revoked"
    assert rows["sess_a1"][1] and rows["sess_a2"][1]
    assert rows["sess_a3"] == ("revoked", rows["sess_a3"][1])
    assert rows["sess_b1"][0] == "active"
    revoked = events(gatehouse, "session.revoked")
    assert sorted(d["id"] for _, d in revoked) == ["sess_a1", "sess_a2"]
    assert all(d["user_id"] == u["id"] and d["status"] == "revoked" for _, d in revoked)
    updated = [d for t, d in events(gatehouse, "user.updated")]
    assert updated[-1]["status"] == "deactivated"
    # deactivating again or reactivating revokes nothing more
    gatehouse.api.patch(f"/v1/users/{u['id']}", json={"status": "deactivated"})
    assert gatehouse.api.patch(f"/v1/users/{u['id']}", json={"status": "active"}).json()["status"] == "active"
    assert len(events(gatehouse, "session.revoked")) == 2
    assert query(gatehouse, "SELECT status FROM sessions WHERE id = 'sess_b1'") == [("active",)]


# -- delete --------------------------------------------------------------------------------

def test_delete_takes_memberships_and_emits_events(gatehouse, outbox):
    u = new_user(gatehouse, "gone@x.com")
    o1, o2 = new_org(gatehouse, name="One"), new_org(gatehouse, name="Two")
    m1, m2 = add_member(gatehouse, o1["id"], u["id"]), add_member(gatehouse, o2["id"], u["id"])
    insert_session(gatehouse, "sess_gone", u["id"])
    r = gatehouse.api.delete(f"/v1/users/{u['id']}")
    assert r.status_code == 200, r.text
    assert r.json() == {"object": "user", "id": u["id"], "deleted": True}
    assert_problem(gatehouse.api.get(f"/v1/users/{u['id']}"), 404, "user_not_found")
    assert gatehouse.api.get(f"/v1/organizations/{o1['id']}/memberships").json()["total_count"] == 0
    assert gatehouse.api.get(f"/v1/organizations/{o2['id']}").json()["members_count"] == 0
    deleted = events(gatehouse, "organization_membership.deleted")
    assert sorted(d["id"] for _, d in deleted) == sorted([m1["id"], m2["id"]])
    [(_, gone)] = events(gatehouse, "user.deleted")
    assert gone["id"] == u["id"] and gone["primary_email"] == "gone@x.com"
    assert [d["id"] for _, d in events(gatehouse, "session.revoked")] == ["sess_gone"]
    # the address is free again
    new_user(gatehouse, "gone@x.com")
    assert_problem(gatehouse.api.delete(f"/v1/users/{u['id']}"), 404, "user_not_found")


# -- events and webhooks -------------------------------------------------------------------

def test_every_change_writes_its_event_with_the_user(gatehouse, outbox):
    u = new_user(gatehouse, "ev@x.com", first_name="Eve")
    gatehouse.api.patch(f"/v1/users/{u['id']}", json={"first_name": "Evelyn"})
    gatehouse.api.delete(f"/v1/users/{u['id']}")
    got = events(gatehouse, "user.")
    assert [t for t, _ in got] == ["user.created", "user.updated", "user.deleted"]
    assert got[0][1] == u
    assert got[1][1]["first_name"] == "Evelyn"
    # refused changes write nothing
    new_user(gatehouse, "taken@x.com")
    gatehouse.api.post("/v1/users", json={"email_addresses": ["TAKEN@x.com"]})
    assert len(events(gatehouse, "user.created")) == 2
    audit = query(gatehouse, "SELECT action, target_id, actor_type FROM audit_events "
                             f"WHERE target_id = {lit(u['id'])} ORDER BY id")
    assert [a for a, _, _ in audit] == ["user.created", "user.updated", "user.deleted"]
    assert {t for _, _, t in audit} == {"secret_key"}


def test_user_created_is_delivered_to_a_webhook(gatehouse, webhook_receiver):
    r = gatehouse.api.post("/v1/webhook_endpoints", json={"url": webhook_receiver.url + "/hook",
                                                          "events": ["user.created"]})
    assert r.status_code == 201, r.text
    u = new_user(gatehouse, "hooked@x.com")
    gatehouse.api.patch(f"/v1/users/{u['id']}", json={"first_name": "Not sent"})
    [req] = webhook_receiver.wait_for(1, timeout=15)
    body = req.json()
    assert body["type"] == "user.created" and body["data"]["id"] == u["id"]
    assert req.headers["webhook-id"] == body["id"] and req.headers["webhook-signature"].startswith("v1,")


# -- CLI -----------------------------------------------------------------------------------

def cli(gh, *args):
    out = subprocess.run([gh.binary, *args, "--database", gh.db_url, "--encryption-key-file", gh.key_file],
                         env=gh.env(), capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


def test_cli_users(gatehouse):
    rc, out, err = cli(gatehouse, "users", "create", "--email", "Cli@X.com,cli2@x.com", "--first-name", "Cli", "--json")
    assert rc == 0, err
    u = json.loads(out)
    assert u["primary_email"] == "Cli@X.com" and len(u["email_addresses"]) == 2
    assert cli(gatehouse, "users", "create", "--email", "cli@x.com")[0] == 5  # conflict
    assert cli(gatehouse, "users", "create", "--email", "nope")[0] == 6  # invalid
    assert cli(gatehouse, "users", "get", "user_01m00000000000000000000000")[0] == 4  # not found
    assert cli(gatehouse, "users", "get")[0] == 2  # usage
    rc, out, _ = cli(gatehouse, "users", "list", "--email", "CLI2@x.com", "--json")
    assert rc == 0 and [x["id"] for x in json.loads(out)["data"]] == [u["id"]]
    rc, out, _ = cli(gatehouse, "users", "deactivate", u["id"], "--json")
    assert rc == 0 and json.loads(out)["status"] == "deactivated"
    # the server sees what the CLI wrote
    assert gatehouse.api.get(f"/v1/users/{u['id']}").json()["status"] == "deactivated"
    rc, out, _ = cli(gatehouse, "users", "delete", u["id"], "--json")
    assert rc == 0 and json.loads(out)["deleted"] is True
    rc, out, _ = cli(gatehouse, "users", "--help")
    assert rc == 0 and "deactivate" in out


def test_concurrent_creates_of_one_address_make_one_user(gatehouse):
    emails = ["Same@Example.com" if i % 2 else "same@EXAMPLE.com" for i in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda e: gatehouse.api.post("/v1/users", json={"email_addresses": [e]}), emails))
    assert [r.status_code for r in results].count(201) == 1, [r.text for r in results]
    for r in results:
        if r.status_code != 201:
            assert_problem(r, 409)
            assert r.json()["code"] in ("email_taken", "concurrent_update"), r.text
    assert gatehouse.api.get("/v1/users").json()["total_count"] == 1
