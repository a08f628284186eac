# SPDX-License-Identifier: Apache-2.0
"""Assertions shared by the scenario tests."""

import re

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def assert_problem(resp, status, code=None):
    """resp is an RFC 9457 application/problem+json error with this status
    and a stable snake_case code (equal to code when given). Returns the body."""
    assert resp.status_code == status, f"want {status}, got {resp.status_code}: {resp.text[:500]}"
    ctype = resp.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/problem+json", f"Content-Type {ctype!r}"
    body = resp.json()
    assert body.get("status") == status, body
    assert isinstance(body.get("title"), str) and body["title"], body
    assert isinstance(body.get("type"), str) and body["type"], body
    assert isinstance(body.get("code"), str) and SNAKE.match(body["code"]), body
    if code is not None:
        assert body["code"] == code, body
    return body
