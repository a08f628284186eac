# SPDX-License-Identifier: Apache-2.0
"""Directory Sync test helpers: an organization with a verified domain (a real
DNS TXT check against the session's dnsmasq), an enterprise connection
covering it, Directory Sync turned on, and a SCIM client holding that
connection's bearer token."""

import json

import requests

from .gatehouse import Api

SCIM_CT = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CUSTOM = "urn:gatehouse:scim:schemas:extension:custom:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


class ScimClient(Api):
    """A requests session on {gatehouse}/scim/v2/{conn}: paths are relative to
    the SCIM base URL ("/Users"); JSON bodies go as application/scim+json."""

    def __init__(self, gh, base_url, token):
        super().__init__(gh, token)
        self.base = base_url
        self.token = token

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base + url
        body = kwargs.pop("json", None)
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs.setdefault("headers", {}).setdefault("Content-Type", SCIM_CT)
        kwargs.setdefault("timeout", 30)
        return requests.Session.request(self, method, url, *args, **kwargs)


def verify_domain(gh, dns, org_id, name):
    r = gh.api.post(f"/v1/organizations/{org_id}/domains", json={"name": name})
    assert r.status_code == 201, r.text
    d = r.json()
    v = d["verification"]
    dns.set_txt(v["txt_record_name"], v["txt_record_value"])
    r = gh.api.post(f"/v1/organizations/{org_id}/domains/{d['id']}/verify")
    assert r.status_code == 200 and r.json()["verification"]["status"] == "verified", r.text
    return d


def new_directory(gh, dns, domains=("acme.test",), org=None, provider="okta", **conn_fields):
    """Returns {org, conn, token, scim, base}: Directory Sync on for a new
    connection covering domains (verified for org, created when None)."""
    if org is None:
        r = gh.api.post("/v1/organizations", json={"name": "Acme " + domains[0]})
        assert r.status_code == 201, r.text
        org = r.json()
    for name in domains:
        verify_domain(gh, dns, org["id"], name)
    r = gh.api.post("/v1/enterprise_connections",
                    json={"organization_id": org["id"], "protocol": "saml",
                          "provider": provider, "domains": list(domains), **conn_fields})
    assert r.status_code == 201, r.text
    conn = r.json()
    r = gh.api.post(f"/v1/enterprise_connections/{conn['id']}/directory_sync")
    assert r.status_code == 201, r.text
    ds = r.json()
    scim = ScimClient(gh, ds["scim_base_url"], ds["bearer_token"])
    return {"org": org, "conn": conn, "token": ds["bearer_token"], "scim": scim,
            "base": ds["scim_base_url"], "directory": ds}


def okta_user(user_name, email=None, given="Test", family="User", **extra):
    """The body Okta sends to create a user (developer.okta.com SCIM 2.0 reference)."""
    body = {"schemas": [USER], "userName": user_name,
            "name": {"givenName": given, "familyName": family},
            "emails": [{"primary": True, "value": email or user_name, "type": "work"}],
            "displayName": f"{given} {family}", "locale": "en-US",
            "externalId": "ext-" + user_name, "groups": [], "password": "1mz050nq",
            "active": True}
    body.update(extra)
    return body


def patch(*ops):
    return {"schemas": [PATCH_OP], "Operations": list(ops)}


def assert_scim_error(resp, status, scim_type=None):
    """resp is an RFC 7644 §3.12 Error: the schema, status as a string, detail."""
    assert resp.status_code == status, f"want {status}, got {resp.status_code}: {resp.text[:500]}"
    assert resp.headers.get("Content-Type", "").startswith(SCIM_CT), resp.headers
    body = resp.json()
    assert body["schemas"] == [ERROR], body
    assert body["status"] == str(status), body
    assert body.get("detail"), body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body
