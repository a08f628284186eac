# SPDX-License-Identifier: Apache-2.0
"""The expiry sweep (app/sweep.c): dead sign-in state — expired authorization
requests, codes an hour past expiry, tokens past expiry or revoked, SAML
AuthnRequest IDs, OIDC states, replay-cache entries — is deleted in the background, and live state is left alone. The store's
batch is covered row by row by store_contract.*_expiry_sweep; this checks that the
server runs it (once at start, then every --expiry-sweep-interval-s)."""

import time

from ghtest.api import insert_session, insert_user, sql


def counts(gh):
    out = {}
    for table, key in (("auth_requests", "id"), ("oauth_codes", "code_hash"),
                       ("oauth_tokens", "token_hash"), ("saml_assertions_seen", "assertion_id"),
                       ("saml_requests", "id"), ("oidc_rp_states", "state_hash")):
        out[table] = sorted(r[0] for r in sql(gh, f"SELECT {key} FROM {table}"))
    return out


def test_expired_sign_in_state_is_swept_in_the_background(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--expiry-sweep-interval-s", "1"])
    now = int(time.time())
    uid = insert_user(gh)
    sid = insert_session(gh, uid)
    for rid, exp in (("areq_dead", now - 5), ("areq_live", now + 600)):
        sql(gh, "INSERT INTO auth_requests (id, client_id, redirect_uri, code_challenge, scope, "
                f"created_at, expires_at) VALUES ('{rid}', 'app', 'u', 'c', 'openid', {now - 700}, {exp})")
    for code, exp in (("code_dead", now - 4000), ("code_kept", now - 30), ("code_live", now + 60)):
        sql(gh, "INSERT INTO oauth_codes (code_hash, grant_id, auth_request_id, client_id, "
                "redirect_uri, code_challenge, scope, session_id, user_id, auth_time, created_at, "
                f"expires_at, used_at) VALUES ('{code}', 'g', 'a', 'app', 'u', 'c', 's', '{sid}', "
                f"'{uid}', {now}, {now}, {exp}, {now})")
    for tok, status, exp, revoked in (("tok_expired", "active", now - 1, "NULL"),
                                      ("tok_revoked", "revoked", now + 3600, str(now - 1)),
                                      ("tok_rotated", "rotated", now + 3600, "NULL"),
                                      ("tok_live", "active", now + 3600, "NULL")):
        sql(gh, "INSERT INTO oauth_tokens (token_hash, kind, grant_id, client_id, session_id, "
                "user_id, scope, auth_time, status, created_at, expires_at, revoked_at) VALUES "
                f"('{tok}', 'refresh', 'g', 'app', '{sid}', '{uid}', 's', {now}, '{status}', {now}, "
                f"{exp}, {revoked})")
    sql(gh, "INSERT INTO organizations (id, name, slug, default_role, created_at, updated_at) "
            f"VALUES ('org_sw', 'S', 'sw', 'org:member', {now}, {now})")
    sql(gh, "INSERT INTO enterprise_connections (id, org_id, name, protocol, provider, "
            f"created_at, updated_at) VALUES ('conn_sw', 'org_sw', 'c', 'saml', 'okta', {now}, {now})")
    for rid, exp in (("_r_dead", now - 1), ("_r_live", now + 600)):
        sql(gh, "INSERT INTO saml_requests (id, connection_id, created_at, expires_at) "
                f"VALUES ('{rid}', 'conn_sw', {now - 600}, {exp})")
        sql(gh, "INSERT INTO oidc_rp_states (state_hash, connection_id, nonce, code_verifier, "
                f"created_at, expires_at) VALUES ('st{rid}', 'conn_sw', 'n', 'v', {now - 600}, {exp})")
    for aid, exp in (("_a_dead", now - 1), ("_a_live", now + 300)):
        sql(gh, "INSERT INTO saml_assertions_seen (assertion_id, connection_id, expires_at) "
                f"VALUES ('{aid}', 'conn_x', {exp})")
    want = {"auth_requests": ["areq_live"], "oauth_codes": ["code_kept", "code_live"],
            "oauth_tokens": ["tok_live", "tok_rotated"], "saml_assertions_seen": ["_a_live"],
            "saml_requests": ["_r_live"], "oidc_rp_states": ["st_r_live"]}
    # the sweep runs every second: poll for it (no timing is asserted)
    for _ in range(150):
        got = counts(gh)
        if got == want:
            break
        time.sleep(0.2)
    assert got == want
    assert "expired sign-in state swept" in gh.stderr_text()
