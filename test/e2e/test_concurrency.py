# SPDX-License-Identifier: Apache-2.0
"""Two gatehouse nodes on one PostgreSQL database, hammered at once: unique
slugs, one owner per verified domain, one revocation per session, and every
webhook event delivered by the workers of both nodes."""

import collections
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ghtest.api import (add_domain, audit_events, create_endpoint, create_org, count_rows, deliveries,
                        insert_session, insert_user, list_all, verify_webhook)
from ghtest.net import wait_until

pytestmark = pytest.mark.backends("postgres")

THREADS = 8


def _run_on_both(nodes, jobs):
    """Runs jobs (callables taking a node) on THREADS threads per node, all
    released at once; returns the results in job order."""
    start = threading.Barrier(len(jobs))

    def call(i):
        start.wait(30)
        return jobs[i](nodes[i % len(nodes)])
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(call, range(len(jobs))))


def test_colliding_slugs_give_exactly_one_201_each(gatehouse):
    nodes = [gatehouse, gatehouse.peer()]
    slugs = [f"race-{i}" for i in range(12)]

    def worker(node):
        out = []
        for slug in random.sample(slugs, len(slugs)):
            r = node.api.post("/v1/organizations", json={"name": f"Race {slug}", "slug": slug})
            out.append((slug, r.status_code, r.json().get("code") if r.status_code != 201 else r.json()["id"]))
        return out

    results = [x for part in _run_on_both(nodes, [worker] * (THREADS * len(nodes))) for x in part]
    by_slug = collections.defaultdict(list)
    for slug, status, detail in results:
        by_slug[slug].append((status, detail))
    codes = collections.Counter(d for _, s, d in results if s != 201)
    print(f"non-201 codes: {dict(codes)}")
    assert not [r for r in results if r[1] >= 500], [r for r in results if r[1] >= 500][:5]
    for slug, outcomes in by_slug.items():
        statuses = sorted(s for s, _ in outcomes)
        assert statuses == [201] + [409] * (len(outcomes) - 1), (slug, outcomes)
    assert set(codes) <= {"slug_taken", "concurrent_update", "db_constraint"}, codes
    orgs = list_all(gatehouse, "/v1/organizations")
    assert sorted(o["slug"] for o in orgs) == sorted(slugs)
    winners = {d for outcomes in by_slug.values() for s, d in outcomes if s == 201}
    assert {o["id"] for o in orgs} == winners
    assert len(audit_events(gatehouse, action="organization.created")) == len(slugs), \
        "exactly one audit row per organization that exists"


def test_losing_a_slug_race_is_slug_taken_not_a_storage_error(gatehouse):
    """A client that loses a race for a slug learns slug_taken (or, when its
    transaction kept colliding, concurrent_update: retry), never a storage
    detail such as db_constraint or a 500."""
    nodes = [gatehouse, gatehouse.peer()]

    def worker(node):
        r = node.api.post("/v1/organizations", json={"name": "Same", "slug": "same"})
        return r.status_code, (r.json().get("code") if r.status_code != 201 else None)
    for _ in range(3):
        out = _run_on_both(nodes, [worker] * (THREADS * len(nodes)))
        assert sorted(s for s, _ in out).count(201) <= 1
        assert all(s in (201, 409) for s, _ in out), out
        losers = collections.Counter(c for s, c in out if s == 409)
        assert set(losers) <= {"slug_taken", "concurrent_update"}, losers
        assert losers["slug_taken"] >= 1, losers
        org = gatehouse.api.get("/v1/organizations/same").json()
        assert gatehouse.api.delete(f"/v1/organizations/{org['id']}").status_code == 200


def test_one_verified_owner_per_domain(gatehouse, dns, webhook_receiver):
    ep = create_endpoint(gatehouse, webhook_receiver.url, events=["organization_domain.verified"])
    nodes = [gatehouse, gatehouse.peer()]
    rounds = 4
    claims = []  # per round: [(org, domain), ...] for two orgs
    for i in range(rounds):
        name = f"contested{i}.test"
        pair = []
        values = []
        for k in range(2):
            org = create_org(gatehouse, f"Claimant {i}-{k}")
            d = add_domain(gatehouse, org["id"], name)
            pair.append((org, d))
            values.append(d["verification"]["txt_record_value"])
        # both orgs published their record: either could verify alone
        dns.set_txt(pair[0][1]["verification"]["txt_record_name"], *values)
        claims.append(pair)

    for pair in claims:
        def verify(node, org=None, d=None):
            r = node.api.post(f"/v1/organizations/{org['id']}/domains/{d['id']}/verify")
            return r.status_code, r.json()
        jobs = [lambda node, o=o, d=d: verify(node, o, d) for o, d in pair] * THREADS
        out = _run_on_both(nodes, jobs)
        assert not [o for o in out if o[0] >= 500], [o for o in out if o[0] >= 500][:3]
        for status, body in out:
            assert status in (200, 409), (status, body)
            if status == 409:
                assert body["code"] in ("domain_taken", "concurrent_update"), body
        verified = [d for o, d in pair
                    if gatehouse.api.get(f"/v1/organizations/{o['id']}/domains/{d['id']}").json()
                    ["verification"]["status"] == "verified"]
        assert len(verified) == 1, f"{pair[0][1]['name']}: {len(verified)} verified owners"
    reqs = webhook_receiver.wait_for(rounds, timeout=15)
    time.sleep(1)
    events = [verify_webhook(ep["secret"], r) for r in webhook_receiver.requests]
    assert len({e["id"] for e in events}) == rounds, "one organization_domain.verified per domain"
    assert len(audit_events(gatehouse, action="organization_domain.verified")) == rounds
    assert len(reqs) >= rounds


def test_one_revocation_per_session_across_nodes(gatehouse, webhook_receiver):
    create_endpoint(gatehouse, webhook_receiver.url)
    nodes = [gatehouse, gatehouse.peer()]
    uid = insert_user(gatehouse)
    sids = [insert_session(gatehouse, uid) for _ in range(5)]
    for sid in sids:
        out = _run_on_both(nodes, [lambda node, sid=sid: node.api.post(f"/v1/sessions/{sid}/revoke").status_code]
                           * (4 * len(nodes)))
        assert sorted(out) == [200] + [409] * (len(out) - 1), out
    assert count_rows(gatehouse, "events", "type = 'session.revoked'") == len(sids)
    webhook_receiver.wait_for(len(sids), timeout=15)


def test_webhooks_from_both_nodes_are_all_delivered(gatehouse, webhook_receiver):
    """Both nodes run delivery workers against one outbox: every event
    arrives, none is lost; duplicates are allowed (at least once) but counted."""
    ep = create_endpoint(gatehouse, webhook_receiver.url)
    nodes = [gatehouse, gatehouse.peer(extra_args=["--webhook-workers", "4"])]
    uid = insert_user(gatehouse)
    n_events = 60
    sids = [insert_session(gatehouse, uid) for _ in range(n_events)]
    webhook_receiver.respond_with(*[500, 200] * 10)  # a few failures on the way
    client_retries = collections.Counter()

    def revoke(i):
        # 409 concurrent_update says "retry": a client does, a few times
        for _ in range(5):
            r = nodes[i % 2].api.post(f"/v1/sessions/{sids[i]}/revoke")
            if r.status_code == 409 and r.json()["code"] == "concurrent_update":
                client_retries["concurrent_update"] += 1
                time.sleep(0.1)
                continue
            assert r.status_code == 200, r.text
            return
        raise AssertionError(f"revoking {sids[i]} collided 5 times in a row")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(revoke, range(n_events)))

    def all_arrived():
        ok = [r for r in webhook_receiver.requests if r.status == 200]
        return len({r.headers["webhook-id"] for r in ok}) >= n_events
    wait_until(all_arrived, 60, interval=0.2, what=f"{n_events} events delivered with 200")
    ok = [r for r in webhook_receiver.requests if r.status == 200]
    per_id = collections.Counter(r.headers["webhook-id"] for r in ok)
    got_sessions = {verify_webhook(ep["secret"], r)["data"]["id"] for r in ok}
    assert got_sessions == set(sids), "every revoked session's event arrived"
    dups = sum(c - 1 for c in per_id.values())
    print(f"{n_events} events, {len(webhook_receiver.requests)} requests, "
          f"{len(ok)} answered 200, {dups} duplicate successful deliveries; "
          f"revocations answered 409 concurrent_update {client_retries['concurrent_update']} times")
    wait_until(lambda: all(d["status"] == "succeeded" for d in deliveries(gatehouse, ep["id"])), 10,
               what="every delivery recorded as succeeded")
    log = deliveries(gatehouse, ep["id"])
    assert len(log) == n_events
    attempts = sum(d["attempts_count"] for d in log)
    assert attempts == len(webhook_receiver.requests), \
        f"{attempts} attempts recorded, {len(webhook_receiver.requests)} requests received"
    # which node delivered: both workers took part (logged per node)
    delivered_by = [n.stderr_text().count('msg="webhook delivery"') for n in nodes]
    print(f"deliveries logged per node: {delivered_by}")
    assert all(delivered_by), f"one node delivered nothing: {delivered_by}"
    # contention makes COMMITs fail: PostgreSQL's notices must not break the logfmt stream
    for n in nodes:
        stray = [l for l in n.stderr_text().splitlines() if l and not l.startswith("ts=")]
        assert not stray, f"{n.name}: lines that are not logfmt records: {stray[:3]}"
