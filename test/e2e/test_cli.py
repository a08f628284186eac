# SPDX-License-Identifier: Apache-2.0
"""The gatehouse CLI against the database of a running server (the SQLite
file or the PostgreSQL URL, with the same encryption key file): orgs, keys,
domains and webhooks, --json output, the exit codes scripts rely on, and
--help on every command."""

import json
import os
import time

import pytest

from ghtest.api import SoftChecks, audit_events, cli, create_org, list_all
from ghtest.checks import assert_problem
from ghtest.net import wait_until

EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_NOT_FOUND, EXIT_CONFLICT, EXIT_INVALID = 2, 3, 4, 5, 6


def run_json(gh, *args):
    out = cli(gh, *args, "--json")
    assert out.returncode == 0, f"gatehouse {' '.join(args)} exited {out.returncode}: {out.stderr}"
    return json.loads(out.stdout)


def test_orgs_crud_shared_with_the_server(gatehouse):
    made = run_json(gatehouse, "orgs", "create", "--name", "Cli Corp", "--public-metadata", '{"plan":"pro"}',
                    "--max-memberships", "10", "--self-serve-sso")
    assert made["id"].startswith("org_") and made["slug"] == "cli-corp"
    assert made["public_metadata"] == {"plan": "pro"} and made["max_memberships"] == 10
    assert made["self_serve_sso"] is True
    # the server sees it, exactly as the API would have written it
    got = gatehouse.api.get(f"/v1/organizations/{made['id']}").json()
    assert got == made

    api_org = create_org(gatehouse, "Api Corp")
    listed = run_json(gatehouse, "orgs", "list")
    assert listed["total_count"] == 2
    assert sorted(o["id"] for o in listed["data"]) == sorted([made["id"], api_org["id"]])
    assert run_json(gatehouse, "orgs", "get", "api-corp")["id"] == api_org["id"]
    page = run_json(gatehouse, "orgs", "list", "--limit", "1")
    assert len(page["data"]) == 1 and page["total_count"] == 2

    upd = run_json(gatehouse, "orgs", "update", made["id"], "--name", "Cli Corporation", "--no-self-serve-sso",
                   "--default-role", "org:admin")
    assert upd["name"] == "Cli Corporation" and upd["self_serve_sso"] is False
    assert upd["default_role"] == "org:admin"
    assert gatehouse.api.get(f"/v1/organizations/{made['id']}").json()["name"] == "Cli Corporation"

    gone = run_json(gatehouse, "orgs", "delete", "cli-corp")
    assert gone["deleted"] is True
    assert_problem(gatehouse.api.get(f"/v1/organizations/{made['id']}"), 404, "organization_not_found")
    # the CLI's writes are audited as the CLI's
    actions = [(e["action"], e["actor"]["type"]) for e in audit_events(gatehouse, target_id=made["id"])]
    assert actions == [("organization.created", "cli"), ("organization.updated", "cli"),
                       ("organization.deleted", "cli")]


def test_orgs_table_output(gatehouse):
    create_org(gatehouse, "Table Org")
    out = cli(gatehouse, "orgs", "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "SLUG", "NAME"]
    assert "table-org" in out.stdout and "(1 shown, 1 in all)" in out.stdout


EXIT_CODES = [
    (("orgs", "get", "org_nope"), EXIT_NOT_FOUND),
    (("orgs", "get", "no-such-slug"), EXIT_NOT_FOUND),
    (("orgs", "update", "org_nope", "--name", "x"), EXIT_NOT_FOUND),
    (("orgs", "delete", "org_nope"), EXIT_NOT_FOUND),
    (("orgs", "create", "--name", "Taken"), EXIT_CONFLICT),
    (("orgs", "create", "--name", "Other", "--slug", "taken"), EXIT_CONFLICT),
    (("orgs", "create", "--name", ""), EXIT_INVALID),
    (("orgs", "create"), EXIT_INVALID),
    (("orgs", "create", "--name", "x", "--slug", "Bad Slug"), EXIT_INVALID),
    (("orgs", "create", "--name", "x", "--default-role", "org:nope"), EXIT_INVALID),
    (("orgs", "create", "--name", "x", "--public-metadata", "[1]"), EXIT_INVALID),
    (("orgs", "create", "--name", "x", "--max-memberships", "0"), EXIT_INVALID),
    (("orgs", "create", "--name", "x", "--public-metadata", "not json"), EXIT_USAGE),
    (("orgs", "create", "--name", "x", "--max-memberships", "ten"), EXIT_USAGE),
    (("orgs", "create", "--name", "x", "--bogus", "1"), EXIT_USAGE),
    (("orgs", "create", "--name"), EXIT_USAGE),
    (("orgs", "get"), EXIT_USAGE),
    (("orgs", "delete"), EXIT_USAGE),
    (("orgs", "frobnicate", "x"), EXIT_USAGE),
    (("orgs",), EXIT_USAGE),
    (("orgs", "list", "--limit", "0"), EXIT_USAGE),
    (("orgs", "list", "--limit", "9999"), EXIT_USAGE),
    (("domains", "add", "taken", "gmail.com"), EXIT_INVALID),
    (("domains", "add", "taken", "not a domain"), EXIT_INVALID),
    (("domains", "add", "org_nope", "x.test"), EXIT_NOT_FOUND),
    (("domains", "get", "taken", "dom_nope"), EXIT_NOT_FOUND),
    (("domains", "verify", "taken", "dom_nope"), EXIT_NOT_FOUND),
    (("domains", "add", "taken"), EXIT_USAGE),
    (("domains", "list"), EXIT_USAGE),
    (("keys", "revoke", "key_nope"), EXIT_NOT_FOUND),
    (("keys", "revoke"), EXIT_USAGE),
    (("webhooks", "get", "whe_nope"), EXIT_NOT_FOUND),
    (("webhooks", "create", "--url", "http://10.0.0.1/x"), EXIT_INVALID),
    (("webhooks", "create", "--url", "https://example.com/", "--events", "no.such"), EXIT_INVALID),
    (("webhooks", "create"), EXIT_INVALID),
    (("webhooks", "retry", "whe_nope"), EXIT_USAGE),
    (("frobnicate",), EXIT_USAGE),
]


def test_exit_codes(gatehouse):
    create_org(gatehouse, "Taken")
    soft = SoftChecks()
    for args, code in EXIT_CODES:
        with soft.check(" ".join(args)):
            out = cli(gatehouse, *args)
            assert out.returncode == code, f"exit {out.returncode} (want {code})\n{out.stderr}"
            if args != ("orgs",):  # a bare command prints its usage (to stdout) and exits 2
                assert out.stderr.strip(), "a failure says why on stderr"
            if code in (EXIT_NOT_FOUND, EXIT_CONFLICT, EXIT_INVALID):
                assert out.stdout == "", "nothing on stdout when it fails"
    soft.done()
    assert len(list_all(gatehouse, "/v1/organizations")) == 1, "a failed command changes nothing"
    assert gatehouse.api.get("/v1/webhook_endpoints").json()["total_count"] == 0


def test_unreachable_database_is_exit_3(gatehouse, tmp_path):
    out = cli(gatehouse, "orgs", "list", database=False, env={
        "GATEHOUSE_DATABASE": "postgres://postgres@127.0.0.1:1/nope?connect_timeout=2",
        "GATEHOUSE_ENCRYPTION_KEY_FILE": str(tmp_path / "k.key")})
    assert out.returncode == EXIT_UNAVAILABLE, (out.returncode, out.stderr)


def test_usage_errors_touch_no_database(gatehouse, tmp_path):
    """A mistyped command fails before it opens (and so creates and
    migrates) a database or writes a key file."""
    db = tmp_path / "fresh.db"
    key = tmp_path / "fresh.key"
    for args in (("orgs", "lsit"), ("orgs", "get"), ("domains", "add"), ("keys", "rvoke", "x"),
                 ("webhooks", "crate"), ("orgs", "create", "--bogus")):
        out = cli(gatehouse, *args, database=False, env={"GATEHOUSE_DATABASE": f"sqlite:{db}",
                                                         "GATEHOUSE_ENCRYPTION_KEY_FILE": str(key)})
        assert out.returncode == EXIT_USAGE, (args, out.returncode, out.stderr)
        assert not db.exists() and not key.exists(), f"gatehouse {' '.join(args)} created {db} or {key}"


def test_keys_create_use_and_revoke(gatehouse):
    key = run_json(gatehouse, "keys", "create", "--name", "deploy bot")
    assert key["id"].startswith("key_") and key["secret"].startswith("sk_")
    assert key["name"] == "deploy bot" and key["revoked_at"] is None
    s = gatehouse.anon
    s.headers["Authorization"] = f"Bearer {key['secret']}"
    r = s.post("/v1/organizations", json={"name": "Made With Key"})
    assert r.status_code == 201, r.text
    assert s.get("/v1/organizations").status_code == 200

    listed = run_json(gatehouse, "keys", "list")
    assert [k["id"] for k in listed["data"]] == [key["id"]]
    assert key["secret"] not in json.dumps(listed)
    assert listed["data"][0]["hint"].endswith(key["secret"][-4:])

    out = cli(gatehouse, "keys", "revoke", key["id"], "--json")
    assert out.returncode == 0, out.stderr
    t0 = time.monotonic()
    wait_until(lambda: s.get("/v1/organizations").status_code == 401, 6.5, interval=0.2,
               what="the revoked key to stop working (5 s cache)")
    took = time.monotonic() - t0
    assert took <= 6.5
    assert_problem(s.post("/v1/organizations", json={"name": "After Revoke"}), 401, "invalid_api_key")
    assert run_json(gatehouse, "keys", "list")["data"][0]["revoked_at"] is not None
    # revoking twice is an error; the configured key still works
    assert cli(gatehouse, "keys", "revoke", key["id"]).returncode != 0
    assert gatehouse.api.get("/v1/organizations").status_code == 200


def test_key_created_by_cli_works_on_a_peer_node(gatehouse, backend):
    if backend != "postgres":
        pytest.skip("a second node on one database needs PostgreSQL")
    other = gatehouse.peer()
    key = run_json(gatehouse, "keys", "create")
    for gh in (gatehouse, other):
        s = gh.anon
        s.headers["Authorization"] = f"Bearer {key['secret']}"
        assert s.get("/v1/organizations").status_code == 200


def test_domains_add_and_verify(gatehouse, dns):
    org = create_org(gatehouse, "Dns Org")
    d = run_json(gatehouse, "domains", "add", "dns-org", "Dns-Org.test", "--no-sso-enforced")
    assert d["name"] == "dns-org.test" and d["sso_enforced"] is False
    v = d["verification"]
    assert v["txt_record_name"] == "_gatehouse-verification.dns-org.test"
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}").json() == d

    failed = run_json(gatehouse, "domains", "verify", org["id"], d["id"])
    assert failed["verification"]["status"] == "failed"
    assert failed["verification"]["failure"]["code"] == "record_not_found"

    dns.set_txt(v["txt_record_name"], v["txt_record_value"])
    ok = run_json(gatehouse, "domains", "verify", "dns-org", "dns-org.test")
    assert ok["verification"]["status"] == "verified"
    got = gatehouse.api.get(f"/v1/organizations/{org['id']}/domains/{d['id']}").json()
    assert got["verification"]["status"] == "verified"

    # the human output names the record to publish
    d2 = cli(gatehouse, "domains", "add", "dns-org", "second.test")
    assert d2.returncode == 0, d2.stderr
    assert "_gatehouse-verification.second.test" in d2.stdout and "gatehouse-verification=" in d2.stdout
    listed = run_json(gatehouse, "domains", "list", "dns-org")
    assert sorted(x["name"] for x in listed["data"]) == ["dns-org.test", "second.test"]
    assert cli(gatehouse, "domains", "add", "dns-org", "second.test").returncode == EXIT_CONFLICT
    other = create_org(gatehouse, "Other")
    assert cli(gatehouse, "domains", "add", other["id"], "dns-org.test").returncode == EXIT_CONFLICT
    upd = run_json(gatehouse, "domains", "update", "dns-org", "second.test", "--enrollment-mode",
                   "automatic_invitation")
    assert upd["enrollment_mode"] == "automatic_invitation"
    assert cli(gatehouse, "domains", "remove", "dns-org", "second.test").returncode == 0
    assert gatehouse.api.get(f"/v1/organizations/{org['id']}/domains").json()["total_count"] == 1


def test_webhooks_create_shows_the_secret_once(gatehouse, webhook_receiver):
    ep = run_json(gatehouse, "webhooks", "create", "--url", webhook_receiver.url + "/cli",
                  "--events", "session.revoked,organization_domain.verified", "--allow-loopback-targets")
    assert ep["id"].startswith("whe_")
    assert ep["secret"].startswith("whsec_")
    assert ep["events"] == ["session.revoked", "organization_domain.verified"]
    got = run_json(gatehouse, "webhooks", "get", ep["id"])
    assert "secret" not in got and ep["secret"] not in json.dumps(got)
    listed = run_json(gatehouse, "webhooks", "list")
    assert ep["secret"] not in json.dumps(listed) and listed["total_count"] == 1
    api = gatehouse.api.get(f"/v1/webhook_endpoints/{ep['id']}").json()
    assert api["url"] == webhook_receiver.url + "/cli" and "secret" not in api

    # the endpoint works: its deliveries are signed with that secret
    from ghtest.api import revoke_new_session, verify_webhook
    revoke_new_session(gatehouse)
    req = webhook_receiver.wait_for(1, timeout=10)[0]
    assert verify_webhook(ep["secret"], req)["type"] == "session.revoked"
    wait_until(lambda: run_json(gatehouse, "webhooks", "deliveries", ep["id"])["data"][0]["status"] == "succeeded",
               5, what="the delivery in the CLI's log")
    evt = req.headers["webhook-id"]
    assert run_json(gatehouse, "webhooks", "retry", ep["id"], evt)["status"] == "pending"
    webhook_receiver.wait_for(2, timeout=10)
    upd = run_json(gatehouse, "webhooks", "update", ep["id"], "--no-enabled")
    assert upd["enabled"] is False
    assert cli(gatehouse, "webhooks", "delete", ep["id"]).returncode == 0
    assert gatehouse.api.get("/v1/webhook_endpoints").json()["total_count"] == 0


def test_webhooks_refuse_loopback_without_the_flag(gatehouse, webhook_receiver):
    out = cli(gatehouse, "webhooks", "create", "--url", webhook_receiver.url)
    assert out.returncode == EXIT_INVALID, out.stderr
    assert gatehouse.api.get("/v1/webhook_endpoints").json()["total_count"] == 0


HELP = [(), ("serve",), ("migrate",), ("orgs",), ("domains",), ("keys",), ("webhooks",), ("config",),
        ("version",), ("orgs", "create"), ("orgs", "list"), ("domains", "add"), ("keys", "create"),
        ("webhooks", "create")]


def test_help_exits_zero_and_touches_nothing(gatehouse, tmp_path):
    soft = SoftChecks()
    for cmd in HELP:
        for flag in ("--help",):  # note: migrate and config do not take -h
            with soft.check(" ".join(cmd + (flag,))):
                out = cli(gatehouse, *cmd, flag, database=False, env={
                    "GATEHOUSE_DATABASE": f"sqlite:{tmp_path / 'h.db'}",
                    "GATEHOUSE_ENCRYPTION_KEY_FILE": str(tmp_path / "h.key")})
                assert out.returncode == 0, (out.returncode, out.stderr)
                assert out.stdout.strip(), "help goes to stdout"
                assert "usage" in out.stdout.lower() or (cmd == ("version",) and "gatehouse" in out.stdout)
                assert not (tmp_path / "h.db").exists() and not (tmp_path / "h.key").exists()
    soft.done()


def test_top_level_without_command_is_usage(gatehouse):
    out = cli(gatehouse, database=False)
    assert out.returncode == EXIT_USAGE and "usage" in out.stderr.lower()


def test_version(gatehouse):
    out = cli(gatehouse, "version", database=False)
    assert out.returncode == 0 and out.stdout.startswith("gatehouse ")
    assert cli(gatehouse, "--version", database=False).stdout == out.stdout


def test_migrate_is_idempotent(gatehouse):
    out = cli(gatehouse, "migrate")
    assert out.returncode == 0, out.stderr
    assert "0 applied" in out.stdout
    assert gatehouse.api.get("/v1/organizations").status_code == 200


def test_config_show_hides_the_secret_key(gatehouse):
    out = cli(gatehouse, "config", "show", env={"GATEHOUSE_SECRET_KEY": "sk_test_topsecret1234567890"})
    assert out.returncode == 0, out.stderr
    assert "sk_test_topsecret1234567890" not in out.stdout
    assert gatehouse.db_url.split("@")[-1] in out.stdout or gatehouse.db_url in out.stdout
