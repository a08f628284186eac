# SPDX-License-Identifier: Apache-2.0
"""Rate limits of enterprise sign-in (routes/sso_limit.c; per node, one-minute
windows, off by default): sign-in starts per client IP and per connection, and
failed ACS posts / OIDC callbacks / hand-offs per client IP, after which that IP's
posts are refused before any parsing. Counts never depend on timing here: every
test stays inside one window's limit arithmetic (a window roll-over only resets)."""

from ghtest.oidc_idp import browser


def get(gh, path):
    return browser().get(gh.url + path, allow_redirects=False, timeout=30)


def limited(r):
    return r.status_code == 429 and r.headers.get("Retry-After") == "60"


def test_sign_in_starts_per_ip(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-start-limit-per-ip", "2"])
    codes = [get(gh, "/sso/start/conn_x?request=areq_x").status_code for _ in range(2)]
    assert 429 not in codes
    r = get(gh, "/sso/start/conn_y?request=areq_y")
    assert limited(r) and "Too many sign-in attempts" in r.text


def test_sign_in_starts_per_connection(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-start-limit-per-connection", "2"])
    for _ in range(2):
        assert get(gh, "/sso/start/conn_a?request=areq_x").status_code != 429
    assert get(gh, "/sso/start/conn_b?request=areq_x").status_code != 429  # its own count
    assert limited(get(gh, "/sso/start/conn_a?request=areq_x"))


def test_failed_posts_per_ip_then_refused_before_parsing(gatehouse_factory):
    gh = gatehouse_factory(extra_args=["--sso-failure-limit-per-ip", "2"])
    s = browser()
    for _ in range(2):
        r = s.post(f"{gh.url}/saml/conn_x/acs", data={"SAMLResponse": "bm90IHhtbA=="}, timeout=30)
        assert r.status_code == 400
    # the limit is reached: the ACS, the OIDC callback and the hand-off refuse this IP
    assert limited(s.post(f"{gh.url}/saml/conn_x/acs", data={"SAMLResponse": "x"}, timeout=30))
    assert limited(get(gh, "/oidc/conn_x/callback?state=s&code=c"))
    assert limited(get(gh, "/sso/finish/areq_x?h=v1.AAAA"))
    # and nothing more was recorded once it was: two failure records, not five
    r = gh.api.get("/v1/sign_in_failures")
    assert r.status_code == 200 and r.json()["total_count"] == 2, r.text


def test_limits_are_off_by_default(gatehouse):
    s = browser()
    for _ in range(5):
        r = s.post(f"{gatehouse.url}/saml/conn_x/acs", data={"SAMLResponse": "x"}, timeout=30)
        assert r.status_code == 400


def _post_as(gh, xff):
    headers = {"X-Forwarded-For": xff} if xff is not None else {}
    return browser().post(f"{gh.url}/saml/conn_x/acs", data={"SAMLResponse": "bm90IHhtbA=="},
                          headers=headers, timeout=30)


def test_behind_a_trusted_proxy_each_client_has_its_own_count(gatehouse_factory):
    """With --trusted-proxies (here the test's own loopback address plays the
    proxy), the limit counts the client named by X-Forwarded-For, not the proxy:
    one client locked out does not lock out the others behind the same proxy."""
    gh = gatehouse_factory(extra_args=["--sso-failure-limit-per-ip", "2",
                                       "--trusted-proxies", "127.0.0.1 10.0.0.0/8"])
    for _ in range(2):
        assert _post_as(gh, "198.51.100.7").status_code == 400
    assert limited(_post_as(gh, "198.51.100.7"))
    # another client behind the same proxy (and behind a second, trusted proxy)
    assert _post_as(gh, "198.51.100.8").status_code == 400
    assert _post_as(gh, "198.51.100.9, 10.1.2.3").status_code == 400
    # the locked-out client cannot escape by prepending a forged address: the proxy
    # appended the address it saw, the rightmost untrusted one
    assert limited(_post_as(gh, "203.0.113.1, 198.51.100.7"))
    # nor by sending a header line of its own before the one the proxy added
    # (a raw request: requests cannot send a header twice)
    import socket
    body = b"SAMLResponse=x"
    raw = (b"POST /saml/conn_x/acs HTTP/1.1\r\nHost: x\r\n"
           b"X-Forwarded-For: 203.0.113.2\r\nX-Forwarded-For: 198.51.100.7\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    host, port = gh.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(raw)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 429"), reply[:200]
    log = gh.stderr_text()
    # the request log names the client, not the proxy
    assert "remote=198.51.100.8" in log


def test_forwarded_for_from_an_untrusted_peer_is_ignored(gatehouse_factory):
    """Without --trusted-proxies (the default) a client cannot pick its own
    address with X-Forwarded-For to dodge the limit."""
    gh = gatehouse_factory(extra_args=["--sso-failure-limit-per-ip", "2"])
    assert _post_as(gh, "198.51.100.1").status_code == 400
    assert _post_as(gh, "198.51.100.2").status_code == 400
    assert limited(_post_as(gh, "198.51.100.3"))
    assert "remote=198.51.100" not in gh.stderr_text()


def test_a_bad_proxy_list_stops_the_start(gatehouse_bin, tmp_path):
    import subprocess
    out = subprocess.run([gatehouse_bin, "serve", "--trusted-proxies", "10.0.0.0/8 lb.internal",
                          "--database", f"sqlite:{tmp_path}/g.db"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "lb.internal is not an IP address or CIDR block" in out.stderr
    assert not (tmp_path / "g.db").exists()  # refused before the database was touched
