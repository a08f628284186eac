# SPDX-License-Identifier: Apache-2.0
"""Replays a recorded SCIM request sequence (test/e2e/scim/*.json) against a
gatehouse SCIM endpoint, byte for byte: each step's body is sent exactly as
stored (only {{variables}} — ids the server assigned, the test's email
domain — are substituted), with the step's headers, over http.client so that
no library re-encodes the JSON.

A step: {"name", "method", "path" (after the SCIM base URL; spaces and quotes
in a query are percent-encoded as a client does), "headers", "body" (a
string, or absent), "expect": {"status": N, "json": {path: expected}},
"capture": {var: path}}. A path is "a.b[0].c" (a key with dots in brackets: ["urn:...:2.0:User"].x); an expected value is a JSON
value compared for equality, or one of "<any>", "<number>", "<string>",
"<absent>", "<nonempty>"."""

import http.client
import json
import re
import urllib.parse

VAR = re.compile(r"\{\{(\w+)\}\}")


def substitute(text, variables):
    def one(m):
        if m.group(1) not in variables:
            raise KeyError(f"variable {m.group(1)} is not set")
        return str(variables[m.group(1)])
    return VAR.sub(one, text)


def lookup(doc, path):
    """Follows "a.b[0].c"; returns (found, value)."""
    cur = doc
    for part in re.findall(r'\["[^"]+"\]|\[\d+\]|[^.\[\]]+', path):
        if part.startswith("[") and not part.startswith('["'):
            i = int(part[1:-1])
            if not isinstance(cur, list) or i >= len(cur):
                return False, None
            cur = cur[i]
            continue
        key = part[2:-2] if part.startswith('["') else part
        if not isinstance(cur, dict) or key not in cur:
            return False, None
        cur = cur[key]
    return True, cur


def check(expected, found, value):
    if expected == "<absent>":
        return not found
    if not found:
        return False
    if expected == "<any>":
        return True
    if expected == "<number>":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "<string>":
        return isinstance(value, str)
    if expected == "<nonempty>":
        return value not in (None, "", [], {})
    return value == expected


def quote_path(path):
    """A client's encoding of the request target: spaces, quotes and the like in
    the query become %XX; what is already encoded stays as it is."""
    if "?" not in path:
        return path
    head, query = path.split("?", 1)
    return head + "?" + urllib.parse.quote(query, safe="=&%/:@+,")


def run(base_url, steps, variables, token):
    """Runs every step; returns the list of (step name, status, body). Raises
    AssertionError naming the step on the first mismatch."""
    url = urllib.parse.urlsplit(base_url)
    done = []
    for step in steps:
        name = step["name"]
        path = url.path + quote_path(substitute(step["path"], variables))
        headers = {k: substitute(v, {**variables, "token": token})
                   for k, v in step.get("headers", {}).items()}
        headers.setdefault("Authorization", f"Bearer {token}")
        body = step.get("body")
        data = substitute(body, variables).encode() if body is not None else None
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        try:
            conn.request(step["method"], path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        doc = json.loads(raw) if raw else None
        want = step["expect"]
        assert resp.status == want["status"], \
            f"{name}: {step['method']} {path} answered {resp.status}, want {want['status']}: {raw[:600]!r}"
        if raw:
            ctype = resp.getheader("Content-Type", "")
            assert ctype.startswith("application/scim+json"), f"{name}: Content-Type {ctype}"
        for p, expected in want.get("json", {}).items():
            expected = json.loads(substitute(json.dumps(expected), variables))
            found, value = lookup(doc, p)
            assert check(expected, found, value), \
                f"{name}: {p} is {value!r} (found={found}), want {expected!r}; body {raw[:600]!r}"
        for var, p in step.get("capture", {}).items():
            found, value = lookup(doc, p)
            assert found, f"{name}: nothing at {p} to capture as {var}"
            variables[var] = value
        done.append((name, resp.status, doc))
    return done
