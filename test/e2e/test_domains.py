# SPDX-License-Identifier: Apache-2.0
"""Organization domains with real DNS TXT verification against the dnsmasq
fixture: the record shown, every DNS outcome, public mail domains, bad names,
and the rule that a domain verified by one organization belongs to it."""

import pytest

from ghtest.api import (SoftChecks, add_domain, audit_events, create_endpoint, create_org, snapshot,
                        verify_webhook)
from ghtest.checks import assert_problem


def _verify(gh, org_id, dom_id):
    r = gh.api.post(f"/v1/organizations/{org_id}/domains/{dom_id}/verify")
    assert r.status_code == 200, r.text
    return r.json()


def test_add_shows_the_txt_record_to_publish(gatehouse):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "Acme.Test")
    assert d["object"] == "organization_domain"
    assert d["id"].startswith("dom_")
    assert d["organization_id"] == org["id"]
    assert d["name"] == "acme.test", "names are stored lower-case"
    v = d["verification"]
    assert v["status"] == "unverified"
    assert v["txt_record_name"] == "_gatehouse-verification.acme.test"
    assert v["txt_record_value"].startswith("gatehouse-verification=")
    assert len(v["txt_record_value"]) > len("gatehouse-verification=") + 20, "the value is a real token"
    assert v["last_checked_at"] is None and v["verified_at"] is None and v["failure"] is None
    assert d["sso_enforced"] is True
    assert d["enrollment_mode"] == "manual_invitation"
    got = gatehouse.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}")
    assert got.status_code == 200 and got.json() == d
    # by name, and through the org's slug
    assert gatehouse.api.get(f"/v1/organizations/acme/domains/acme.test").json()["id"] == d["id"]
    lst = gatehouse.api.get(f"/v1/organizations/{org['id']}/domains").json()
    assert lst["total_count"] == 1 and lst["data"] == [d]
    # every domain gets its own token
    other = add_domain(gatehouse, org["id"], "acme2.test")
    assert other["verification"]["txt_record_value"] != v["txt_record_value"]


def test_verify_with_the_exact_record(gatehouse, dns, webhook_receiver):
    ep = create_endpoint(gatehouse, webhook_receiver.url + "/hooks")
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "acme.test")
    v = d["verification"]
    dns.set_txt(v["txt_record_name"], "v=spf1 -all", v["txt_record_value"])
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "verified"
    assert got["verification"]["verified_at"] is not None
    assert got["verification"]["last_checked_at"] is not None
    assert got["verification"]["failure"] is None
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}").json() == got

    req = webhook_receiver.wait_for(1, timeout=10)[0]
    body = verify_webhook(ep["secret"], req)
    assert body["type"] == "organization_domain.verified"
    assert body["data"]["id"] == d["id"]
    assert body["data"]["organization_id"] == org["id"]
    assert body["data"]["name"] == "acme.test"
    assert body["data"]["verification"]["status"] == "verified"

    # checking again keeps it verified and sends no second event
    again = _verify(gatehouse, org["id"], d["id"])
    assert again["verification"]["status"] == "verified"
    assert again["verification"]["verified_at"] == got["verification"]["verified_at"]
    dns.clear(v["txt_record_name"])
    assert _verify(gatehouse, org["id"], d["id"])["verification"]["status"] == "verified", \
        "once proven, a domain stays verified when the record is removed"
    assert len(audit_events(gatehouse, action="organization_domain.verified")) == 1
    deliveries = gatehouse.api.get(f"/v1/webhook_endpoints/{ep['id']}/deliveries").json()
    assert deliveries["total_count"] == 1


def test_multi_string_txt_record_is_concatenated(gatehouse, dns):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "multi.acme.test")
    value = d["verification"]["txt_record_value"]
    dns.set_txt(d["verification"]["txt_record_name"], (value[:10], value[10:25], value[25:]))
    assert _verify(gatehouse, org["id"], d["id"])["verification"]["status"] == "verified"


def test_value_split_across_two_records_does_not_verify(gatehouse, dns):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "split.acme.test")
    value = d["verification"]["txt_record_value"]
    dns.set_txt(d["verification"]["txt_record_name"], value[:20], value[20:])
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "failed"
    assert got["verification"]["failure"]["code"] == "record_mismatch"


def test_wrong_value_fails_with_record_mismatch(gatehouse, dns):
    org = create_org(gatehouse, "Acme")
    soft = SoftChecks()
    for i, wrong in enumerate(["{v}x", "x{v}", "\"{v}\"", "{v} ", " {v}", "{V}", "gatehouse-verification=nope", ""]):
        with soft.check(wrong):
            d = add_domain(gatehouse, org["id"], f"w{i}.acme.test")
            v = d["verification"]
            value = v["txt_record_value"]
            dns.set_txt(v["txt_record_name"], wrong.format(v=value, V=value.upper()))
            got = _verify(gatehouse, org["id"], d["id"])
            assert got["verification"]["status"] == "failed"
            assert got["verification"]["verified_at"] is None
            f = got["verification"]["failure"]
            assert f["code"] == "record_mismatch", f
            assert isinstance(f["message"], str) and f["message"]
            # the message shows what was found, so the admin can see the typo
            seen = wrong.format(v=value, V=value.upper())[:60]
            assert f'found: "{seen}' in f["message"], f["message"]
    soft.done()
    # fixing the record then verifies
    d = add_domain(gatehouse, org["id"], "fixed.acme.test")
    v = d["verification"]
    dns.set_txt(v["txt_record_name"], "wrong")
    assert _verify(gatehouse, org["id"], d["id"])["verification"]["status"] == "failed"
    dns.set_txt(v["txt_record_name"], v["txt_record_value"])
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "verified" and got["verification"]["failure"] is None


def test_txt_record_on_the_bare_domain_does_not_count(gatehouse, dns):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "acme.test")
    dns.set_txt("acme.test", d["verification"]["txt_record_value"])
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "failed"
    assert got["verification"]["failure"]["code"] == "record_not_found"


def test_nxdomain_and_nodata_are_record_not_found(gatehouse, dns):
    org = create_org(gatehouse, "Acme")
    nx = add_domain(gatehouse, org["id"], "nx.acme.test")
    got = _verify(gatehouse, org["id"], nx["id"])
    assert got["verification"]["status"] == "failed"
    assert got["verification"]["failure"]["code"] == "record_not_found"

    nodata = add_domain(gatehouse, org["id"], "nodata.acme.test")
    dns.set_a(nodata["verification"]["txt_record_name"], "192.0.2.10")
    got = _verify(gatehouse, org["id"], nodata["id"])
    assert got["verification"]["status"] == "failed"
    assert got["verification"]["failure"]["code"] == "record_not_found"
    assert got["verification"]["last_checked_at"] is not None


@pytest.mark.parametrize("how", ["servfail", "refuse"])
def test_servfail_leaves_the_status_unchanged(gatehouse, dns, how):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "flaky.acme.test")
    name = d["verification"]["txt_record_name"]
    getattr(dns, how)(name)
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "unverified"
    assert got["verification"]["failure"]["code"] == "dns_temporary_failure"
    assert got["verification"]["last_checked_at"] is not None
    # a failed domain stays failed (not unverified) on a temporary error
    dns.set_txt(name, "wrong")
    assert _verify(gatehouse, org["id"], d["id"])["verification"]["status"] == "failed"
    getattr(dns, how)(name)
    got = _verify(gatehouse, org["id"], d["id"])
    assert got["verification"]["status"] == "failed"
    assert got["verification"]["failure"]["code"] == "dns_temporary_failure"
    # and a later good answer verifies
    dns.set_txt(name, d["verification"]["txt_record_value"])
    assert _verify(gatehouse, org["id"], d["id"])["verification"]["status"] == "verified"


def test_dns_timeout_is_a_temporary_failure_within_bounded_time(gatehouse, dns):
    import time
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "silent.acme.test")
    dns.timeout(d["verification"]["txt_record_name"])
    t0 = time.monotonic()
    got = _verify(gatehouse, org["id"], d["id"])
    took = time.monotonic() - t0
    assert got["verification"]["status"] == "unverified"
    assert got["verification"]["failure"]["code"] == "dns_temporary_failure"
    assert took < 12, f"verification took {took:.1f}s"


def test_public_mail_domains_are_refused(gatehouse):
    org = create_org(gatehouse, "Acme")
    before = snapshot(gatehouse)
    soft = SoftChecks()
    for name in ("gmail.com", "GMail.com", "gmail.com.", "sub.outlook.com", "mail.yahoo.co.uk", "proton.me",
                 "hotmail.co.uk", "icloud.com"):
        with soft.check(name):
            r = gatehouse.api.post(f"/v1/organizations/{org['id']}/domains", json={"name": name})
            body = assert_problem(r, 422, "public_mail_domain")
            assert body["errors"] == [{"field": "name", "code": "public_mail_domain"}]
    soft.done()
    assert snapshot(gatehouse) == before


def test_lookalikes_of_public_mail_domains_are_allowed(gatehouse):
    org = create_org(gatehouse, "Acme")
    for name in ("notgmail.com", "gmail.company.test", "outlook.com.acme.test"):
        assert add_domain(gatehouse, org["id"], name)["name"] == name


BAD_NAMES = ["", "acme", "localhost", ".acme.test", "acme..test", "-acme.test", "acme-.test", "ac me.test",
             "acme_corp.test", "*.acme.test", "https://acme.test", "acme.test/path", "acme.test:443",
             "user@acme.test", "bücher.test", "a" * 64 + ".test", ("a" * 60 + ".") * 5 + "test", "1.2.3.4",
             "192.168.0.1", "acme.123", "[::1]", "acme.test\n"]


def test_bad_names_are_invalid_domain(gatehouse):
    org = create_org(gatehouse, "Acme")
    before = snapshot(gatehouse)
    soft = SoftChecks()
    for name in BAD_NAMES:
        with soft.check(name):
            r = gatehouse.api.post(f"/v1/organizations/{org['id']}/domains", json={"name": name})
            body = assert_problem(r, 422)
            assert body["code"] in ("invalid_domain", "too_long"), body
            assert body["errors"][0]["field"] == "name", body
    soft.done()
    assert snapshot(gatehouse) == before


def test_good_names_are_accepted(gatehouse):
    org = create_org(gatehouse, "Acme")
    soft = SoftChecks()
    for name in ("xn--bcher-kva.test", "a.b", "a-b.c-d.test", "1password.test", "x" * 63 + ".test",
                 "acme.test.", "123.example.test", "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + ".test"):
        with soft.check(name):
            assert add_domain(gatehouse, org["id"], name)["name"] == name.rstrip(".").lower()
    soft.done()


def test_same_domain_twice_in_one_org_is_409(gatehouse):
    org = create_org(gatehouse, "Acme")
    add_domain(gatehouse, org["id"], "acme.test")
    before = snapshot(gatehouse)
    for same in ("acme.test", "ACME.TEST", "acme.test."):
        r = gatehouse.api.post(f"/v1/organizations/{org['id']}/domains", json={"name": same})
        assert_problem(r, 409, "domain_exists")
    assert snapshot(gatehouse) == before


def test_unverified_domain_can_be_added_by_two_orgs(gatehouse):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    da = add_domain(gatehouse, a["id"], "shared.test")
    db = add_domain(gatehouse, b["id"], "shared.test")
    assert da["verification"]["txt_record_value"] != db["verification"]["txt_record_value"]


def test_domain_verified_by_one_org_cannot_be_claimed_by_another(gatehouse, dns):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    # B added acme.test and a subdomain before A verified
    b_early = add_domain(gatehouse, b["id"], "acme.test")
    b_sub_early = add_domain(gatehouse, b["id"], "eu.acme.test")
    da = add_domain(gatehouse, a["id"], "acme.test")
    dns.set_txt(da["verification"]["txt_record_name"], da["verification"]["txt_record_value"])
    assert _verify(gatehouse, a["id"], da["id"])["verification"]["status"] == "verified"

    c = create_org(gatehouse, "C")
    before = snapshot(gatehouse)
    for name in ("acme.test", "eu.acme.test", "a.b.acme.test", "ACME.test."):
        r = gatehouse.api.post(f"/v1/organizations/{c['id']}/domains", json={"name": name})
        assert_problem(r, 409, "domain_taken")
    r = gatehouse.api.post(f"/v1/organizations/{b['id']}/domains", json={"name": "us.acme.test"})
    assert_problem(r, 409, "domain_taken")
    assert snapshot(gatehouse) == before

    # B publishes its own (matching) records: still refused, nothing changes
    for d in (b_early, b_sub_early):
        dns.set_txt(d["verification"]["txt_record_name"], d["verification"]["txt_record_value"])
        r = gatehouse.api.post(f"/v1/organizations/{b['id']}/domains/{d['id']}/verify")
        assert_problem(r, 409, "domain_taken")
        got = gatehouse.api.get(f"/v1/organizations/{b['id']}/domains/{d['id']}").json()
        assert got["verification"]["status"] == "unverified"
    # A may add its own subdomain; a domain merely ending in the same letters is not a subdomain
    add_domain(gatehouse, a["id"], "eu.acme.test")
    assert add_domain(gatehouse, c["id"], "notacme.test")["name"] == "notacme.test"

    # when A removes its domain, B can verify
    assert gatehouse.api.delete(f"/v1/organizations/{a['id']}/domains/{da['id']}").status_code == 200
    assert _verify(gatehouse, b["id"], b_early["id"])["verification"]["status"] == "verified"
    r = gatehouse.api.post(f"/v1/organizations/{a['id']}/domains", json={"name": "acme.test"})
    assert_problem(r, 409, "domain_taken")


def test_other_orgs_domain_ids_are_404(gatehouse):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    db = add_domain(gatehouse, b["id"], "bee.test")
    base = f"/v1/organizations/{a['id']}/domains/{db['id']}"
    assert_problem(gatehouse.api.get(base), 404, "domain_not_found")
    assert_problem(gatehouse.api.get(f"/v1/organizations/{a['id']}/domains/bee.test"), 404, "domain_not_found")
    assert_problem(gatehouse.api.patch(base, json={"sso_enforced": False}), 404, "domain_not_found")
    assert_problem(gatehouse.api.post(base + "/verify"), 404, "domain_not_found")
    assert_problem(gatehouse.api.delete(base), 404, "domain_not_found")
    assert gatehouse.api.get(f"/v1/organizations/{a['id']}/domains").json()["total_count"] == 0
    got = gatehouse.api.get(f"/v1/organizations/{b['id']}/domains/{db['id']}").json()
    assert got == db, "B's domain is untouched"
    assert_problem(gatehouse.api.get("/v1/organizations/org_nope/domains"), 404, "organization_not_found")
    assert_problem(gatehouse.api.post("/v1/organizations/org_nope/domains", json={"name": "x.test"}),
                   404, "organization_not_found")
    assert_problem(gatehouse.api.get(f"/v1/organizations/{a['id']}/domains/dom_nope"), 404,
                   "domain_not_found")


def test_patch_sso_enforced_and_enrollment_mode(gatehouse):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "contractors.acme.test", sso_enforced=False,
                   enrollment_mode="automatic_suggestion")
    assert d["sso_enforced"] is False and d["enrollment_mode"] == "automatic_suggestion"
    base = f"/v1/organizations/{org['id']}/domains/{d['id']}"
    r = gatehouse.api.patch(base, json={"sso_enforced": True})
    assert r.status_code == 200 and r.json()["sso_enforced"] is True
    assert r.json()["enrollment_mode"] == "automatic_suggestion"
    for mode in ("automatic_invitation", "manual_invitation"):
        r = gatehouse.api.patch(base, json={"enrollment_mode": mode})
        assert r.status_code == 200 and r.json()["enrollment_mode"] == mode
    assert_problem(gatehouse.api.patch(base, json={"enrollment_mode": "whatever"}), 422)
    assert_problem(gatehouse.api.patch(base, json={"sso_enforced": "yes"}), 422, "invalid_type")
    assert_problem(gatehouse.api.patch(base, json={"verification": {"status": "verified"}}), 422,
                   "unknown_field")
    got = gatehouse.api.get(base).json()
    assert got["verification"]["status"] == "unverified"
    assert (got["sso_enforced"], got["enrollment_mode"]) == (True, "manual_invitation")


def test_name_is_immutable(gatehouse):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "acme.test")
    base = f"/v1/organizations/{org['id']}/domains/{d['id']}"
    before = snapshot(gatehouse)
    for name in ("other.test", "acme.test"):
        body = assert_problem(gatehouse.api.patch(base, json={"name": name}), 422)
        assert body["errors"][0]["field"] == "name"
    assert snapshot(gatehouse) == before
    assert gatehouse.api.get(base).json() == d


def test_delete_domain(gatehouse):
    org = create_org(gatehouse, "Acme")
    d = add_domain(gatehouse, org["id"], "acme.test")
    base = f"/v1/organizations/{org['id']}/domains/{d['id']}"
    r = gatehouse.api.delete(base)
    assert r.status_code == 200
    assert r.json() == {"object": "organization_domain", "id": d["id"], "deleted": True}
    assert_problem(gatehouse.api.get(base), 404, "domain_not_found")
    assert_problem(gatehouse.api.delete(base), 404, "domain_not_found")
    # the name can be added again, with a new token
    d2 = add_domain(gatehouse, org["id"], "acme.test")
    assert d2["id"] != d["id"]
    assert d2["verification"]["txt_record_value"] != d["verification"]["txt_record_value"]


def test_deleting_the_org_deletes_its_domains(gatehouse, dns):
    a, b = create_org(gatehouse, "A"), create_org(gatehouse, "B")
    da = add_domain(gatehouse, a["id"], "gone.test")
    dns.set_txt(da["verification"]["txt_record_name"], da["verification"]["txt_record_value"])
    assert _verify(gatehouse, a["id"], da["id"])["verification"]["status"] == "verified"
    assert gatehouse.api.delete(f"/v1/organizations/{a['id']}").status_code == 200
    # the domain is free for another org
    db = add_domain(gatehouse, b["id"], "gone.test")
    dns.set_txt(db["verification"]["txt_record_name"], db["verification"]["txt_record_value"])
    assert _verify(gatehouse, b["id"], db["id"])["verification"]["status"] == "verified"


def test_domain_list_pagination(gatehouse):
    org = create_org(gatehouse, "Acme")
    ids = sorted(add_domain(gatehouse, org["id"], f"d{i}.acme.test")["id"] for i in range(7))
    r = gatehouse.api.get(f"/v1/organizations/{org['id']}/domains", params={"limit": 3}).json()
    assert [d["id"] for d in r["data"]] == ids[:3] and r["has_more"] is True and r["total_count"] == 7
    r = gatehouse.api.get(f"/v1/organizations/{org['id']}/domains",
                          params={"limit": 4, "starting_after": ids[2]}).json()
    assert [d["id"] for d in r["data"]] == ids[3:] and r["has_more"] is False
