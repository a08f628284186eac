# SPDX-License-Identifier: Apache-2.0
"""The per-process cache of compiled SAML connection contexts (routes/saml.c): a
connection changed or deleted through this node loses its cached context at once
(the next sign-in builds from the new settings), instead of keeping a LassoServer
of settings that no longer exist."""

from test_oidc_signin import verified_org
from test_saml_signin import idp, run_test, saml_connection  # noqa: F401


def lines(gh, text, conn_id):
    return [x for x in gh.stderr_text().splitlines() if text in x and conn_id in x]


def test_changed_and_deleted_connections_are_evicted(gatehouse, dns, idp):  # noqa: F811
    gh = gatehouse
    org, domain = verified_org(gh, dns)
    conn = saml_connection(gh, idp, org, domain)
    cid = conn["id"]
    assert run_test(gh, idp, conn, email=f"a@{domain}")[0]["status"] == "passed"
    built = len(lines(gh, "SAML connection context built", cid))
    assert built >= 1 and lines(gh, "context evicted", cid) == []
    r = gh.api.patch(f"/v1/enterprise_connections/{cid}", json={"name": "Renamed"})
    assert r.status_code == 200, r.text
    assert len(lines(gh, "context evicted", cid)) == 1
    # the next sign-in builds a new context from the changed row
    assert run_test(gh, idp, conn, email=f"a@{domain}")[0]["status"] == "passed"
    assert len(lines(gh, "SAML connection context built", cid)) == built + 1
    r = gh.api.delete(f"/v1/enterprise_connections/{cid}")
    assert r.status_code == 200, r.text
    assert len(lines(gh, "context evicted", cid)) == 2
