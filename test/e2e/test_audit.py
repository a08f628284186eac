# SPDX-License-Identifier: Apache-2.0
"""GET /v1/audit_events: every write is recorded with its actor (the secret
key's id, or "config" for GATEHOUSE_SECRET_KEY), the filters work, and a
failed write leaves neither an audit row nor an outbox event."""

from ghtest.api import (add_domain, audit_events, cli, create_endpoint, create_org, insert_session,
                        insert_user, snapshot)
from ghtest.checks import assert_problem

CONFIG_ACTOR = {"type": "secret_key", "id": "config"}


def _actions(events):
    return [e["action"] for e in events]


def test_every_write_is_audited_with_its_actor(gatehouse, dns, webhook_receiver):
    org = create_org(gatehouse, "Acme")
    assert gatehouse.api.patch(f"/v1/organizations/{org['id']}", json={"name": "Acme 2"}).status_code == 200
    d = add_domain(gatehouse, org["id"], "acme.test")
    dom = f"/v1/organizations/{org['id']}/domains/{d['id']}"
    assert gatehouse.api.patch(dom, json={"sso_enforced": False}).status_code == 200
    assert gatehouse.api.post(dom + "/verify").status_code == 200  # NXDOMAIN: failed
    dns.set_txt(d["verification"]["txt_record_name"], d["verification"]["txt_record_value"])
    assert gatehouse.api.post(dom + "/verify").status_code == 200  # verified
    ep = create_endpoint(gatehouse, webhook_receiver.url)
    assert gatehouse.api.patch(f"/v1/webhook_endpoints/{ep['id']}", json={"description": "d"}).status_code == 200
    uid = insert_user(gatehouse)
    sid = insert_session(gatehouse, uid)
    assert gatehouse.api.post(f"/v1/sessions/{sid}/revoke").status_code == 200
    evt = webhook_receiver.wait_for(1, timeout=10)[0].headers["webhook-id"]
    assert gatehouse.api.post(f"/v1/webhook_endpoints/{ep['id']}/deliveries/{evt}/retry").status_code == 202
    assert gatehouse.api.delete(dom).status_code == 200
    assert gatehouse.api.delete(f"/v1/webhook_endpoints/{ep['id']}").status_code == 200
    assert gatehouse.api.delete(f"/v1/organizations/{org['id']}").status_code == 200

    events = audit_events(gatehouse)
    assert _actions(events) == [
        "organization.created", "organization.updated",
        "organization_domain.created", "organization_domain.updated",
        "organization_domain.checked", "organization_domain.verified",
        "webhook_endpoint.created", "webhook_endpoint.updated",
        "session.revoked", "webhook_delivery.retried",
        "organization_domain.deleted", "webhook_endpoint.deleted", "organization.deleted",
    ], "every write once, oldest first"
    for e in events:
        assert e["object"] == "audit_event" and e["id"].startswith("aud_")
        assert e["actor"] == CONFIG_ACTOR, e
        assert e["created_at"].endswith("Z")
        assert isinstance(e["data"], dict)
    by_action = {e["action"]: e for e in events}
    assert by_action["organization.created"]["target"] == {"type": "organization", "id": org["id"]}
    assert by_action["organization.created"]["organization_id"] == org["id"]
    assert by_action["organization.updated"]["data"]["name"] == "Acme 2"
    assert by_action["organization_domain.verified"]["target"] == {"type": "organization_domain", "id": d["id"]}
    assert by_action["organization_domain.verified"]["organization_id"] == org["id"]
    assert by_action["organization_domain.updated"]["data"]["sso_enforced"] is False
    assert by_action["webhook_endpoint.created"]["target"]["id"] == ep["id"]
    assert ep["secret"] not in str(events)
    assert by_action["session.revoked"]["target"] == {"type": "session", "id": sid}


def test_filters(gatehouse):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    da = add_domain(gatehouse, a["id"], "a.test")
    add_domain(gatehouse, b["id"], "b.test")
    gatehouse.api.patch(f"/v1/organizations/{a['id']}", json={"name": "A2"})

    assert _actions(audit_events(gatehouse, organization_id=a["id"])) == [
        "organization.created", "organization_domain.created", "organization.updated"]
    assert _actions(audit_events(gatehouse, organization_id=b["id"])) == [
        "organization.created", "organization_domain.created"]
    assert _actions(audit_events(gatehouse, target_id=da["id"])) == ["organization_domain.created"]
    assert _actions(audit_events(gatehouse, target_id=a["id"])) == ["organization.created", "organization.updated"]
    created = audit_events(gatehouse, action="organization.created")
    assert sorted(e["target"]["id"] for e in created) == sorted([a["id"], b["id"]])
    assert len(audit_events(gatehouse, actor_type="secret_key")) == 5
    assert audit_events(gatehouse, actor_type="cli") == []
    assert audit_events(gatehouse, organization_id=a["id"], action="organization_domain.created")[0]["target"]["id"] == da["id"]
    assert audit_events(gatehouse, organization_id="org_nope") == []
    assert audit_events(gatehouse, action="no.such.action") == []
    # an empty filter is no filter
    assert len(audit_events(gatehouse, organization_id="")) == 5


def test_pagination(gatehouse):
    for i in range(7):
        create_org(gatehouse, f"Org {i}")
    r = gatehouse.api.get("/v1/audit_events", params={"limit": 3}).json()
    assert r["total_count"] == 7 and len(r["data"]) == 3 and r["has_more"] is True
    allv = audit_events(gatehouse)
    assert len({e["id"] for e in allv}) == 7
    r = gatehouse.api.get("/v1/audit_events", params={"limit": 4, "starting_after": allv[2]["id"]}).json()
    assert [e["id"] for e in r["data"]] == [e["id"] for e in allv[3:]] and r["has_more"] is False
    r = gatehouse.api.get("/v1/audit_events", params={"limit": 3, "action": "organization.created"}).json()
    assert r["total_count"] == 7, "total_count counts the filtered set"


def test_actor_is_the_stored_secret_keys_id(gatehouse):
    out = cli(gatehouse, "keys", "create", "--name", "auditor", "--json")
    assert out.returncode == 0, out.stderr
    key = __import__("json").loads(out.stdout)
    s = gatehouse.anon
    s.headers["Authorization"] = f"Bearer {key['secret']}"
    r = s.post("/v1/organizations", json={"name": "By Key"})
    assert r.status_code == 201, r.text
    ev = audit_events(gatehouse, target_id=r.json()["id"])
    assert len(ev) == 1
    assert ev[0]["actor"] == {"type": "secret_key", "id": key["id"]}
    assert key["id"].startswith("key_")
    # the key's creation by the CLI is audited too, without the secret
    created = audit_events(gatehouse, action="secret_key.created")
    assert [e["target"]["id"] for e in created] == [key["id"]]
    assert created[0]["actor"]["type"] == "cli"
    assert key["secret"] not in str(created)
    # the CLI's own writes say so
    out = cli(gatehouse, "orgs", "create", "--name", "From CLI", "--json")
    assert out.returncode == 0, out.stderr
    oid = __import__("json").loads(out.stdout)["id"]
    ev = audit_events(gatehouse, target_id=oid)
    assert ev[0]["actor"]["type"] == "cli"


# Writes that must fail: (method, path, body, status). Nothing may be written.
def _failures(gh, dns):
    a, b = create_org(gh, "A"), create_org(gh, "B")
    da = add_domain(gh, a["id"], "taken.test")
    dns.set_txt(da["verification"]["txt_record_name"], da["verification"]["txt_record_value"])
    assert gh.api.post(f"/v1/organizations/{a['id']}/domains/{da['id']}/verify").json()["verification"]["status"] == "verified"
    db = add_domain(gh, b["id"], "mine.test")
    uid = insert_user(gh)
    revoked = insert_session(gh, uid, status="revoked")
    c = create_org(gh, "C")
    dc = add_domain(gh, c["id"], "other.test")
    return [
        ("POST", "/v1/organizations", {"name": "A"}, 409),                     # slug_taken
        ("POST", "/v1/organizations", {"name": "X", "default_role": "org:x"}, 422),
        ("POST", "/v1/organizations", {"name": "X", "bogus": 1}, 422),
        ("PATCH", f"/v1/organizations/{a['id']}", {"slug": "b"}, 409),
        ("PATCH", f"/v1/organizations/{a['id']}", {"name": 5}, 422),
        ("PATCH", "/v1/organizations/org_nope", {"name": "x"}, 404),
        ("DELETE", "/v1/organizations/org_nope", None, 404),
        ("POST", f"/v1/organizations/{b['id']}/domains", {"name": "taken.test"}, 409),
        ("POST", f"/v1/organizations/{b['id']}/domains", {"name": "sub.taken.test"}, 409),
        ("POST", f"/v1/organizations/{b['id']}/domains", {"name": "mine.test"}, 409),
        ("POST", f"/v1/organizations/{b['id']}/domains", {"name": "gmail.com"}, 422),
        ("POST", f"/v1/organizations/{b['id']}/domains", {"name": "not a domain"}, 422),
        ("PATCH", f"/v1/organizations/{b['id']}/domains/{db['id']}", {"name": "x.test"}, 422),
        ("PATCH", f"/v1/organizations/{a['id']}/domains/{db['id']}", {"sso_enforced": False}, 404),
        ("DELETE", f"/v1/organizations/{a['id']}/domains/{db['id']}", None, 404),
        ("POST", f"/v1/organizations/{a['id']}/domains/{dc['id']}/verify", None, 404),
        ("POST", "/v1/webhook_endpoints", {"url": "https://10.0.0.1/"}, 422),
        ("POST", "/v1/webhook_endpoints", {"url": "https://example.com/", "events": ["x.y"]}, 422),
        ("PATCH", "/v1/webhook_endpoints/whe_nope", {"enabled": False}, 404),
        ("DELETE", "/v1/webhook_endpoints/whe_nope", None, 404),
        ("POST", "/v1/webhook_endpoints/whe_nope/deliveries/evt_nope/retry", None, 404),
        ("POST", f"/v1/sessions/{revoked}/revoke", None, 409),
        ("POST", "/v1/sessions/sess_nope/revoke", None, 404),
    ]


def test_failed_writes_leave_no_audit_row_and_no_event(gatehouse, dns):
    cases = _failures(gatehouse, dns)
    before = snapshot(gatehouse)
    for method, path, body, status in cases:
        r = gatehouse.api.request(method, path, json=body) if body is not None else \
            gatehouse.api.request(method, path)
        assert_problem(r, status)
        after = snapshot(gatehouse)
        assert after == before, f"{method} {path} {body} changed the database: {before} -> {after}"


def test_verify_refused_as_taken_leaves_nothing(gatehouse, dns):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    db_ = add_domain(gatehouse, b["id"], "race.test")
    da = add_domain(gatehouse, a["id"], "race.test")
    dns.set_txt(da["verification"]["txt_record_name"], da["verification"]["txt_record_value"],
                db_["verification"]["txt_record_value"])
    assert gatehouse.api.post(f"/v1/organizations/{a['id']}/domains/{da['id']}/verify").status_code == 200
    before = snapshot(gatehouse)
    r = gatehouse.api.post(f"/v1/organizations/{b['id']}/domains/{db_['id']}/verify")
    assert_problem(r, 409, "domain_taken")
    assert snapshot(gatehouse) == before
    assert audit_events(gatehouse, target_id=db_["id"])[-1]["action"] == "organization_domain.created"


def test_bad_query_is_422(gatehouse):
    for params in ({"limit": 0}, {"limit": 1000}, {"starting_after": "x" * 100}):
        assert_problem(gatehouse.api.get("/v1/audit_events", params=params), 422, "invalid_query")


def test_audit_log_needs_the_key(gatehouse):
    create_org(gatehouse)
    assert_problem(gatehouse.anon.get("/v1/audit_events"), 401)
