# SPDX-License-Identifier: Apache-2.0
"""Checks of the test harness itself (dnsmasq fixture, webhook receiver), so a
failing scenario points at gatehouse and not at its test peers. Backend-free:
run on the sqlite pass only."""

import pytest
import requests

pytestmark = pytest.mark.backends("sqlite")


def test_dns_txt_records(dns):
    dns.set_txt("_gatehouse.example.test", "single")
    dns.set_txt("multi.example.test", ("part-one-", "part-two"))
    dns.set_txt("two.example.test", "rec-a", ("rec-b1", "rec-b2"))
    dns.set_txt("long.example.test", "x" * 300)
    dns.set_txt("quote.example.test", 'a,b "c" \\d')
    for tcp in (False, True):
        a = dns.query("_gatehouse.example.test", tcp=tcp)
        assert (a.rcode, a.records) == ("NOERROR", [[b"single"]])
        a = dns.query("multi.example.test", tcp=tcp)
        assert a.records == [[b"part-one-", b"part-two"]]
        assert a.joined() == ["part-one-part-two"]
        a = dns.query("two.example.test", tcp=tcp)
        assert sorted(a.records) == [[b"rec-a"], [b"rec-b1", b"rec-b2"]]
        a = dns.query("long.example.test", tcp=tcp)
        assert [len(s) for s in a.records[0]] == [255, 45]
        assert dns.query("quote.example.test", tcp=tcp).joined() == ['a,b "c" \\d']


def test_dns_failures_and_absence(dns):
    port = dns.port
    dns.servfail("broken.example.test")
    dns.refuse("refused.example.test")
    dns.set_a("address-only.example.test", "192.0.2.7")
    dns.timeout("silent.example.test")
    assert dns.port == port, "restarts keep the port"
    assert dns.query("broken.example.test").rcode == "SERVFAIL"
    assert dns.query("sub.broken.example.test").rcode == "SERVFAIL"
    assert dns.query("refused.example.test").rcode == "REFUSED"
    a = dns.query("address-only.example.test")
    assert (a.rcode, a.records) == ("NOERROR", [])  # NODATA
    assert dns.query("address-only.example.test", "A").records == ["192.0.2.7"]
    assert dns.query("nothing.example.test").rcode == "NXDOMAIN"
    with pytest.raises(OSError):
        dns.query("silent.example.test", timeout=1.0)


def test_dns_clear_and_reset(dns):
    dns.set_txt("gone.example.test", "v")
    dns.clear("gone.example.test")
    assert dns.query("gone.example.test").rcode == "NXDOMAIN"
    dns.set_txt("stale.example.test", "v")
    dns.reset()
    assert dns.query("stale.example.test").rcode == "NXDOMAIN"


def test_dns_refuses_config_injection(dns):
    with pytest.raises(ValueError):
        dns.set_txt("a.test\nserver=/x/1.2.3.4", "v")
    with pytest.raises(ValueError):
        dns.set_txt("a.test", "line\nbreak")
    # a refused change leaves the server running with its records
    dns.set_txt("after.example.test", "still-here")
    assert dns.query("after.example.test").records == [[b"still-here"]]


def test_webhook_receiver_records_and_scripts_statuses(webhook_receiver):
    webhook_receiver.respond_with(500, 503)
    s = requests.Session()
    s.trust_env = False
    got = [s.post(webhook_receiver.url + "/hook", json={"n": i}, headers={"webhook-id": f"evt_{i}"},
                  timeout=5).status_code for i in range(4)]
    assert got == [500, 503, 200, 200]
    reqs = webhook_receiver.wait_for(4, timeout=2)
    assert [r.json()["n"] for r in reqs] == [0, 1, 2, 3]
    assert reqs[0].path == "/hook" and reqs[0].method == "POST"
    assert reqs[2].headers["Webhook-Id"] == "evt_2"
    assert reqs[0].time <= reqs[3].time
    with pytest.raises(AssertionError, match="wanted 5"):
        webhook_receiver.wait_for(5, timeout=0.2)
