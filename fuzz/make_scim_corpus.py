#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the SCIM fuzz targets (fuzz/corpus/scim_*): the
RFC 7644 §3.4.2.2 and §3.5.2 examples and what Okta and Entra ID send. Files
are named by the SHA-1 of their content, as libFuzzer names its finds.
Run from the repository root: /usr/bin/python3 fuzz/make_scim_corpus.py"""
import hashlib
import json
import os

FILTERS = [
    'userName eq "bjensen"',
    'name.familyName co "O\'Malley"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    'title pr',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    'externalId eq jyoung',
    'emails[type eq "work"].value eq "user@contoso.com"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"',
    'active eq true and x gt 1.5',
    'not(displayName eq "a\\u00e9\\"b")',
    'userName eq "test.user@okta.local"',
]

PATHS = [
    'members', 'name.familyName', 'addresses[type eq "work"]',
    'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
    'members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName',
    'emails[type eq "work"].value', 'active', 'nickName',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'urn:gatehouse:scim:schemas:extension:custom:2.0:User:costCenter',
]

PATCH = lambda *ops: {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": list(ops)}
RESOURCES = [
    (0, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "test.user@okta.local",
         "name": {"givenName": "Test", "familyName": "User"},
         "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
         "displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
         "groups": [], "password": "1mz050nq", "active": True}),
    (0, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "externalId": "0a21f0f2", "userName": "Test_User", "active": True,
         "emails": [{"primary": True, "type": "work", "value": "Test_User@testuser.com"}],
         "meta": {"resourceType": "User"}, "name": {"formatted": "g f", "familyName": "f", "givenName": "g"},
         "roles": [], "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "m1"}}),
    (1, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": []}),
    (1, {"displayName": "g", "members": [{"value": "u1", "type": "User"}, {"value": "g2", "type": "Group"}]}),
    (2, PATCH({"op": "Replace", "path": "active", "value": "False"})),
    (2, PATCH({"op": "replace", "value": {"active": False}})),
    (2, PATCH({"op": "replace", "value": {"displayName": "Bjfe", "name.givenName": "Kkom",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"}})),
    (2, PATCH({"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "u@x.io"},
              {"op": "Add", "path": "nickName", "value": "Babs"}, {"op": "remove", "path": "name.givenName"})),
    (3, PATCH({"op": "remove", "path": "members[value eq \"89bb1940\"]"},
              {"op": "add", "path": "members", "value": [{"value": "23a35c27", "display": "t@o.l"}]})),
    (3, PATCH({"op": "Remove", "path": "members", "value": [{"value": "u1091"}]})),
    (3, PATCH({"op": "replace", "value": {"id": "abf4", "displayName": "Test SCIMv2"}})),
]


def write(target, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


for f in FILTERS:
    write("scim_filter", f.encode())
for i, p in enumerate(PATHS):
    write("scim_path", bytes([i % 6]) + p.encode())
for sel, body in RESOURCES:
    write("scim_resource", bytes([sel]) + json.dumps(body).encode())
