# SPDX-License-Identifier: Apache-2.0
"""Durability of Directory Sync (issue 4 item 8): kill -9 during a provisioning
burst loses no acknowledged write and leaves no half-applied PATCH, on both
backends; two gatehouse nodes on one PostgreSQL give the results one gives."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ghtest import replay
from ghtest.scim import GROUP, ScimClient, new_directory, okta_user, patch
from ghtest.sql import lit, query
from test_scim_replay import load


def test_kill_9_during_a_burst_loses_no_acknowledged_write(gatehouse, dns):
    d = new_directory(gatehouse, dns)
    base, token = d["base"], d["token"]
    # users to PATCH: each gets one three-operation PATCH, so its end state is all-or-nothing
    targets = []
    for i in range(60):
        r = d["scim"].post("/Users", json=okta_user(f"t{i}@acme.test", given="Old", family="Old"))
        assert r.status_code == 201
        targets.append(r.json()["id"])
    acked_creates, acked_patches = {}, set()
    lock = threading.Lock()
    stop = threading.Event()

    def creator(n):
        s = ScimClient(gatehouse, base, token)
        i = 0
        while not stop.is_set():
            name = f"burst{n}-{i}@acme.test"
            i += 1
            try:
                r = s.post("/Users", json=okta_user(name), timeout=5)
            except requests.RequestException:
                continue
            if r.status_code == 201:
                with lock:
                    acked_creates[name] = r.json()["id"]

    def patcher(ids):
        s = ScimClient(gatehouse, base, token)
        for uid in ids:
            if stop.is_set():
                return
            body = patch({"op": "replace", "path": "name.givenName", "value": "New"},
                         {"op": "replace", "path": "name.familyName", "value": "New"},
                         {"op": "add", "path": "title", "value": "Patched"})
            try:
                r = s.patch(f"/Users/{uid}", json=body, timeout=5)
            except requests.RequestException:
                continue
            if r.status_code == 200:
                with lock:
                    acked_patches.add(uid)

    threads = [threading.Thread(target=creator, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=patcher, args=(targets[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with lock:
            if len(acked_creates) >= 40 and len(acked_patches) >= 10:
                break
        time.sleep(0.01)
    gatehouse.kill9()
    stop.set()
    for t in threads:
        t.join()
    assert len(acked_creates) >= 40, "the burst did not get going"
    gatehouse.restart()
    s = ScimClient(gatehouse, base, token)
    for name, uid in acked_creates.items():
        r = s.get("/Users", params={"filter": f'userName eq "{name}"'}).json()
        assert [u["id"] for u in r["Resources"]] == [uid], f"acknowledged create of {name} lost"
        assert gatehouse.api.get("/v1/users", params={"email": name}).json()["total_count"] == 1
    for uid in targets:
        u = s.get(f"/Users/{uid}").json()
        state = (u["name"]["givenName"], u["name"]["familyName"], u.get("title"))
        assert state in (("Old", "Old", None), ("New", "New", "Patched")), f"half-applied PATCH on {uid}: {state}"
        if uid in acked_patches:
            assert state == ("New", "New", "Patched"), f"acknowledged PATCH of {uid} lost"
        # the gatehouse user moved in the same transaction as the SCIM resource
        gh = gatehouse.api.get("/v1/users", params={"email": u["userName"]}).json()["data"][0]
        assert (gh["first_name"], gh["last_name"]) == state[:2]


@pytest.mark.backends("postgres")
def test_two_nodes_on_one_postgresql(gatehouse, dns):
    b = gatehouse.peer()
    d = new_directory(gatehouse, dns, domains=("atko.test",))
    on_b = ScimClient(b, d["base"].replace(gatehouse.url, b.url), d["token"])
    on_b.post("/Users", json=okta_user("first.user@atko.test"))
    # Okta's spec test on node B, after node A set the directory up
    v = {"domain": "atko.test", "InvalidUserEmail": "abcdefgh@atko.test",
         "randomEmail": "Runscope300Hfluaklab151@atko.test", "randomUsername": "Runscope300Hfluaklab151@atko.test",
         "randomUsernameCaps": "RUNSCOPE300HFLUAKLAB151@ATKO.TEST", "randomGivenName": "Runscope300",
         "randomFamilyName": "Hfluaklab151", "UserIdThatDoesNotExist": "010101001010101011001010101011"}
    replay.run(on_b.base, load("okta_spec_test.json")["steps"], v, d["token"])
    # 20 parallel creates of one userName, split over both nodes: exactly one 201
    clients = [d["scim"], on_b]

    def one(i):
        return clients[i % 2].post("/Users", json=okta_user("race@atko.test", email=f"race{i}@atko.test")).status_code
    with ThreadPoolExecutor(20) as pool:
        codes = sorted(pool.map(one, range(20)))
    assert codes == [201] + [409] * 19, codes
    # a group built on A and changed on B reads the same on both
    users = [on_b.post("/Users", json=okta_user(f"g{i}@atko.test")).json()["id"] for i in range(5)]
    g = d["scim"].post("/Groups", json={"schemas": [GROUP], "displayName": "Both", "members": [{"value": u} for u in users[:3]]}).json()
    assert on_b.patch(f"/Groups/{g['id']}", json=patch({"op": "add", "path": "members", "value": [{"value": users[4]}]})).status_code == 204
    # the same resource from either node (URLs differ only by the node's own address)
    got_a = d["scim"].get(f"/Groups/{g['id']}").text.replace(gatehouse.url, "NODE")
    got_b = on_b.get(f"/Groups/{g['id']}").text.replace(b.url, "NODE")
    assert got_a == got_b
    assert len(json.loads(got_a)["members"]) == 4
    # a token turned off on A is refused by B's writes at once (checked in the transaction)
    assert gatehouse.api.delete(f"/v1/enterprise_connections/{d['conn']['id']}/directory_sync").status_code == 200
    r = on_b.post("/Users", json=okta_user("late@atko.test"))
    assert r.status_code == 403, r.text
    assert gatehouse.api.get("/v1/users", params={"email": "late@atko.test"}).json()["total_count"] == 0
