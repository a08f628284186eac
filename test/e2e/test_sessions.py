# SPDX-License-Identifier: Apache-2.0
"""/v1/sessions: listing by user and status (expired is derived from
expires_at), revocation with its webhook and audit row. Sign-in does not exist
yet, so the session rows are written straight into the database."""

from ghtest.api import (audit_events, create_endpoint, insert_session, insert_user, list_all,
                        snapshot, sql, verify_webhook)
from ghtest.checks import assert_problem


def _ids(items):
    return sorted(i["id"] for i in items)


def test_list_by_user_and_status(gatehouse):
    alice, bob = insert_user(gatehouse), insert_user(gatehouse)
    a_active = insert_session(gatehouse, alice)
    a_active2 = insert_session(gatehouse, alice, org_id="org_x")
    a_expired = insert_session(gatehouse, alice, expires_in=-5)
    a_revoked = insert_session(gatehouse, alice, status="revoked")
    b_active = insert_session(gatehouse, bob)

    everything = list_all(gatehouse, "/v1/sessions")
    assert _ids(everything) == sorted([a_active, a_active2, a_expired, a_revoked, b_active])

    def ids(**params):
        r = gatehouse.api.get("/v1/sessions", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total_count"] == len(body["data"])
        return _ids(body["data"])

    assert ids(user_id=alice) == sorted([a_active, a_active2, a_expired, a_revoked])
    assert ids(user_id=bob) == [b_active]
    assert ids(user_id="user_nobody") == []
    assert ids(status="active") == sorted([a_active, a_active2, b_active])
    assert ids(status="expired") == [a_expired]
    assert ids(status="revoked") == [a_revoked]
    assert ids(user_id=alice, status="active") == sorted([a_active, a_active2])
    assert ids(user_id=bob, status="expired") == []

    s = gatehouse.api.get(f"/v1/sessions/{a_expired}").json()
    assert s["status"] == "expired"
    s = gatehouse.api.get(f"/v1/sessions/{a_active2}").json()
    assert s["object"] == "session" and s["user_id"] == alice and s["status"] == "active"
    assert s["organization_id"] == "org_x" and s["client_id"] == "app_test"
    assert s["revoked_at"] is None and s["created_at"] and s["last_active_at"]
    assert s.get("expire_at") or s.get("expires_at")


def test_unknown_status_filter_is_422(gatehouse):
    for status in ("ACTIVE", "pending", "", "active,revoked", "active "):
        assert_problem(gatehouse.api.get("/v1/sessions", params={"status": status}), 422, "invalid_query")


def test_session_becomes_expired_when_its_time_passes(gatehouse):
    uid = insert_user(gatehouse)
    sid = insert_session(gatehouse, uid, expires_in=3600)
    assert gatehouse.api.get(f"/v1/sessions/{sid}").json()["status"] == "active"
    sql(gatehouse, f"UPDATE sessions SET expires_at = expires_at - 7200 WHERE id = '{sid}'")
    assert gatehouse.api.get(f"/v1/sessions/{sid}").json()["status"] == "expired"
    r = gatehouse.api.get("/v1/sessions", params={"status": "active", "user_id": uid}).json()
    assert r["data"] == []


def test_revoke(gatehouse, webhook_receiver):
    ep = create_endpoint(gatehouse, webhook_receiver.url, events=["session.revoked"])
    uid = insert_user(gatehouse)
    sid = insert_session(gatehouse, uid, org_id="org_abc")
    other = insert_session(gatehouse, uid)
    r = gatehouse.api.post(f"/v1/sessions/{sid}/revoke")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["id"] == sid and s["status"] == "revoked" and s["revoked_at"]
    assert gatehouse.api.get(f"/v1/sessions/{sid}").json() == s
    assert gatehouse.api.get(f"/v1/sessions/{other}").json()["status"] == "active", "only that session"

    body = verify_webhook(ep["secret"], webhook_receiver.wait_for(1, timeout=10)[0])
    assert body["type"] == "session.revoked"
    assert body["data"]["id"] == sid and body["data"]["user_id"] == uid
    assert body["data"]["status"] == "revoked"

    rows = audit_events(gatehouse, target_id=sid)
    assert [e["action"] for e in rows] == ["session.revoked"]
    assert rows[0]["organization_id"] == "org_abc"
    assert rows[0]["actor"] == {"type": "secret_key", "id": "config"}

    # twice: 409 and nothing new
    before = snapshot(gatehouse)
    assert_problem(gatehouse.api.post(f"/v1/sessions/{sid}/revoke"), 409, "session_not_active")
    assert snapshot(gatehouse) == before
    assert len(webhook_receiver.requests) == 1


def test_expired_session_cannot_be_revoked(gatehouse):
    uid = insert_user(gatehouse)
    sid = insert_session(gatehouse, uid, expires_in=-60)
    before = snapshot(gatehouse)
    assert_problem(gatehouse.api.post(f"/v1/sessions/{sid}/revoke"), 409, "session_not_active")
    assert snapshot(gatehouse) == before
    assert gatehouse.api.get(f"/v1/sessions/{sid}").json()["status"] == "expired"


def test_unknown_session_is_404(gatehouse):
    before = snapshot(gatehouse)
    for sid in ("sess_nope", "sess_01m00000000000000000000000", "x" * 200):
        assert_problem(gatehouse.api.get(f"/v1/sessions/{sid}"), 404)
        assert_problem(gatehouse.api.post(f"/v1/sessions/{sid}/revoke"), 404)
    assert snapshot(gatehouse) == before


def test_concurrent_revocations_of_one_session_succeed_once(gatehouse, webhook_receiver):
    from concurrent.futures import ThreadPoolExecutor
    create_endpoint(gatehouse, webhook_receiver.url)
    uid = insert_user(gatehouse)
    sid = insert_session(gatehouse, uid)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: gatehouse.api.post(f"/v1/sessions/{sid}/revoke").status_code,
                              range(16)))
    assert sorted(codes) == [200] + [409] * 15, codes
    assert len(audit_events(gatehouse, target_id=sid)) == 1
    webhook_receiver.wait_for(1, timeout=10)
    import time
    time.sleep(1)
    assert len(webhook_receiver.requests) == 1


def test_session_list_pagination(gatehouse):
    uid = insert_user(gatehouse)
    ids = sorted(insert_session(gatehouse, uid) for _ in range(7))
    assert _ids(list_all(gatehouse, "/v1/sessions", limit=3, params={"user_id": uid})) == ids
    r = gatehouse.api.get("/v1/sessions", params={"limit": 7, "user_id": uid}).json()
    assert r["has_more"] is False and len(r["data"]) == 7
