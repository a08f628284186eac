# SPDX-License-Identifier: Apache-2.0
"""The pysaml2 IdP of ghtest/saml_idp.py behind a real HTTP server on loopback, for the
browser tests: a browser is sent to /sso with a Redirect-binding AuthnRequest, sees the
IdP's sign-in page, presses "Sign in", and gets the IdP's HTTP-POST binding form, which
it submits (button "Continue") to gatehouse's ACS, exactly as with a hosted IdP.

    idp = SamlIdpServer(workdir).start()
    idp.metadata_url   # paste into the Security page
    idp.email = "alice@acme.test"; idp.attributes = profile("okta", idp.email)
    ...
    idp.stop()

The SP metadata is fetched from gatehouse at <Issuer of the request>/metadata (gatehouse's
SP entity ID is {public_url}/saml/{conn}). No script runs on these pages.
"""

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

from ghtest.net import free_port
from ghtest.saml_idp import SamlIdp, authn_request_of, b64, profile


class SamlIdpServer:
    def __init__(self, workdir, email="alice@acme.test", kind="okta"):
        self.port = free_port()
        base = f"http://127.0.0.1:{self.port}"
        self.idp = SamlIdp(workdir, entity_id=f"{base}/metadata", sso_url=f"{base}/sso")
        self.base = base
        self.metadata_url = f"{base}/metadata"
        self.email = email
        self.attributes = profile(kind, email)
        self.requests = []  # (AuthnRequest id, SP entity id) seen, in order
        self.server = None

    def metadata(self):
        return self.idp.metadata()

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, status, body, ctype="text/html; charset=utf-8"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                u = urlsplit(self.path)
                if u.path == "/metadata":
                    return self.send(200, owner.metadata(), "application/samlmetadata+xml")
                if u.path == "/sso":
                    return self.send(*owner._login_page(self.path))
                return self.send(404, "not found", "text/plain")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
                if urlsplit(self.path).path == "/login":
                    return self.send(*owner._post_form(form))
                return self.send(404, "not found", "text/plain")

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- pages -----------------------------------------------------------------------------
    def _login_page(self, path):
        xml, q = authn_request_of("http://x" + path)
        req_id = re.search(r'\bID="([^"]+)"', xml).group(1)
        issuer = re.search(r"<(?:\w+:)?Issuer[^>]*>([^<]+)<", xml).group(1)
        acs = re.search(r'AssertionConsumerServiceURL="([^"]+)"', xml)
        self.requests.append((req_id, issuer))
        e = html.escape
        return 200, (
            "<!doctype html><html><head><title>Test IdP sign-in</title></head><body>"
            "<h1>Test IdP</h1><form method=post action=/login>"
            f"<input type=hidden name=req value=\"{e(req_id)}\">"
            f"<input type=hidden name=issuer value=\"{e(issuer)}\">"
            f"<input type=hidden name=acs value=\"{e(acs.group(1) if acs else '')}\">"
            f"<input type=hidden name=relay value=\"{e(q.get('RelayState', ''))}\">"
            f"<label for=email>Email</label><input id=email name=email value=\"{e(self.email)}\">"
            "<button type=submit>Sign in</button></form></body></html>")

    def _post_form(self, form):
        sp_md = requests.get(form["issuer"] + "/metadata", timeout=10).text
        acs = form["acs"] or re.search(
            r'AssertionConsumerService[^>]*Location="([^"]+)"', sp_md).group(1)
        email = form.get("email") or self.email
        attrs = [(n, f, [email if v == self.email else v for v in vals])
                 for n, f, vals in self.attributes]
        xml = self.idp.respond(sp_md, form["issuer"], acs, form["req"], email=email,
                               attributes=attrs)
        e = html.escape
        relay = form.get("relay", "")
        return 200, (
            "<!doctype html><html><head><title>Test IdP</title></head><body>"
            f"<form method=post action=\"{e(acs)}\">"
            f"<input type=hidden name=SAMLResponse value=\"{e(b64(xml))}\">"
            + (f"<input type=hidden name=RelayState value=\"{e(relay)}\">" if relay else "")
            + "<p>Signed in at the test IdP.</p><button type=submit>Continue</button>"
            "</form></body></html>")
