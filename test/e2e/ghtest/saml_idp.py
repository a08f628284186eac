# SPDX-License-Identifier: Apache-2.0
"""A SAML 2.0 identity provider for the end-to-end tests: Debian's pysaml2 (python3-pysaml2),
run in the test process.

It reads the AuthnRequest gatehouse sent the browser to (Redirect binding: pysaml2 parses it
against gatehouse's SP metadata, fetched from /saml/{conn}/metadata, and checks the query
signature when there is one), and answers with a Response made by pysaml2's own
Server.create_authn_response: signed assertion and/or response, optionally encrypted to
the SP's encryption certificate from that metadata, attributes shaped like Okta, Entra ID
or Google Workspace, and every value the SP checks settable to a wrong one. Times come
from the IdP's clock, which a test may move (at=).

The keys are the TEST-ONLY pairs of test/fixtures/saml/keys.
"""

import base64
import contextlib
import datetime as _dt
import os
import re
import sys
import tempfile
import time
import zlib
from urllib.parse import parse_qs, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "saml")
KEYS = os.path.join(FIXTURES, "keys")

UNSPEC = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"
URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
MS = "http://schemas.microsoft.com/"
XS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
NAMEID = {
    "email": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
}


def profile(name, email, first="Alice", last="Liddell"):
    """The attributes an IdP of this kind sends by default or in its usual setup:
    [(Name, NameFormat or None, [values])]."""
    if name == "okta":
        return [("email", UNSPEC, [email]), ("firstName", UNSPEC, [first]),
                ("lastName", UNSPEC, [last]), ("department", UNSPEC, ["Engineering"]),
                ("groups", UNSPEC, ["Everyone", "Engineering"])]
    if name == "entra":
        return [(MS + "identity/claims/tenantid", None, ["0b8c4a1e-2f1d-4c53-9d2e-7a41c0f5e6b1"]),
                (MS + "identity/claims/objectidentifier", None, ["5d3f1c2a-8b7e-4e0f-9a61-2c4d8e9f0a1b"]),
                (MS + "identity/claims/displayname", None, [f"{first} {last}"]),
                (XS + "givenname", None, [first]), (XS + "surname", None, [last]),
                (XS + "emailaddress", None, [email]), (XS + "name", None, [email]),
                (MS + "ws/2008/06/identity/claims/groups", None,
                 ["7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"]),
                ("jobTitle", None, ["Principal Engineer"])]
    if name == "google":
        return [("email", UNSPEC, [email]), ("first_name", UNSPEC, [first]),
                ("last_name", UNSPEC, [last]), ("groups", UNSPEC, ["engineering@acme.test"])]
    if name == "oid":  # LDAP-style names (Shibboleth, ADFS with URI names)
        return [("urn:oid:0.9.2342.19200300.100.1.3", URI, [email]),
                ("urn:oid:2.5.4.42", URI, [first]), ("urn:oid:2.5.4.4", URI, [last])]
    return []


def _b64_cert(pem):
    return "".join(line for line in pem.splitlines() if "-----" not in line)


def _read(name, part):
    with open(os.path.join(KEYS, f"{name}-{part}.pem")) as f:
        return f.read()


@contextlib.contextmanager
def _clock(at):
    """pysaml2 reads time.gmtime for instants and datetime.utcnow for lifetimes."""
    if at is None:
        yield
        return
    import saml2.time_util
    real_gmtime, real_dt = time.gmtime, saml2.time_util.datetime

    class Frozen(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return cls.utcfromtimestamp(at)

        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(at, tz)

    time.gmtime = lambda secs=None: real_gmtime(at if secs is None else secs)
    saml2.time_util.datetime = Frozen
    try:
        yield
    finally:
        time.gmtime = real_gmtime
        saml2.time_util.datetime = real_dt


def authn_request_of(url):
    """(the AuthnRequest XML, the query parameters) of a Redirect-binding URL."""
    q = parse_qs(urlsplit(url).query)
    xml = zlib.decompress(base64.b64decode(q["SAMLRequest"][0]), -15).decode()
    return xml, {k: v[0] for k, v in q.items()}


class SamlIdp:
    def __init__(self, workdir, entity_id="https://idp.example.test/metadata",
                 sso_url="https://idp.example.test/sso", key="idp"):
        self.dir = str(workdir)
        self.entity_id = entity_id
        self.sso_url = sso_url
        self.key = key
        self.cert_pem = _read(key, "cert")

    def metadata(self, certs=None, binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"):
        """This IdP's metadata document (signing certificates: its own, or certs)."""
        kds = "".join(
            '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
            f"{_b64_cert(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            for c in (certs if certs is not None else [self.cert_pem]))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{self.entity_id}">'
                '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
                f"{kds}<md:NameIDFormat>{NAMEID['email']}</md:NameIDFormat>"
                f'<md:SingleSignOnService Binding="{binding}" Location="{self.sso_url}"/>'
                "</md:IDPSSODescriptor></md:EntityDescriptor>")

    def _server(self, sp_metadata, at=None, lifetime=300):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.server import Server
        fd, path = tempfile.mkstemp(suffix=".xml", dir=self.dir)
        with os.fdopen(fd, "w") as f:
            f.write(sp_metadata)
        cfg = IdPConfig()
        cfg.load({
            "entityid": self.entity_id,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"seconds": lifetime}}},
            }},
            "key_file": os.path.join(KEYS, f"{self.key}-key.pem"),
            "cert_file": os.path.join(KEYS, f"{self.key}-cert.pem"),
            "metadata": {"local": [path]},
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "delete_tmpfiles": True,
        })
        return Server(config=cfg)

    def read_request(self, url, sp_metadata):
        """pysaml2's reading of the AuthnRequest in a Redirect-binding URL: the parsed
        request (id, issuer, ACS URL...) and whether its query signature verified
        (None when unsigned)."""
        from saml2 import BINDING_HTTP_REDIRECT
        _, q = authn_request_of(url)
        server = self._server(sp_metadata)
        req = server.parse_authn_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT)
        signed = None
        if "Signature" in q:
            from saml2.sigver import verify_redirect_signature
            sp_cert = re.search(r'use="signing">.*?<ds:X509Certificate>([^<]+)<', sp_metadata, re.S)
            signed = verify_redirect_signature(
                {k: v for k, v in q.items()}, server.sec.sec_backend,
                cert=sp_cert.group(1) if sp_cert else None)
        return req.message, signed

    def respond(self, sp_metadata, sp_entity_id, acs_url, in_response_to, *, email="alice@acme.test",
                nameid=None, nameid_format="email", attributes=None, sign_response=False,
                sign_assertion=True, encrypt=False, at=None, lifetime=300, audience=None,
                recipient=None, destination=None, issuer=None, sign_alg="sha256"):
        """A Response XML (text) for gatehouse's ACS, made by pysaml2."""
        from saml2 import saml
        algs = {"sha256": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                           "http://www.w3.org/2001/04/xmlenc#sha256"),
                "sha1": ("http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                         "http://www.w3.org/2000/09/xmldsig#sha1")}
        attrs = attributes if attributes is not None else profile("okta", email)
        enc_cert = None
        if encrypt:
            m = re.search(r'use="encryption">.*?<ds:X509Certificate>([^<]+)<', sp_metadata, re.S)
            enc_cert = m.group(1)
        with _clock(at):
            server = self._server(sp_metadata, at=at, lifetime=lifetime)
            real_setup = type(server).setup_assertion

            def setup_assertion(srv, *a, **kw):
                assertion = real_setup(srv, *a, **kw)
                if audience is not None:
                    assertion.conditions.audience_restriction[0].audience[0].text = audience
                scd = assertion.subject.subject_confirmation[0].subject_confirmation_data
                if recipient is not None:
                    scd.recipient = recipient
                scd.in_response_to = in_response_to or None
                assertion.attribute_statement = [saml.AttributeStatement(attribute=[
                    saml.Attribute(name=n, name_format=f,
                                   attribute_value=[saml.AttributeValue(text=v) for v in vals])
                    for n, f, vals in attrs])]
                return assertion

            server.setup_assertion = setup_assertion.__get__(server)
            resp = server.create_authn_response(
                identity={},
                in_response_to=in_response_to or None,
                destination=acs_url if destination is None else (destination or None),
                sp_entity_id=sp_entity_id,
                name_id=saml.NameID(format=NAMEID[nameid_format], text=nameid or email),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
                issuer=saml.Issuer(text=issuer or self.entity_id, format=saml.NAMEID_FORMAT_ENTITY),
                sign_response=sign_response,
                sign_assertion=sign_assertion,
                encrypt_assertion=encrypt,
                encrypt_cert_assertion=enc_cert,
                sign_alg=algs[sign_alg][0],
                digest_alg=algs[sign_alg][1],
            )
        return str(resp)


def b64(xml):
    return base64.b64encode(xml.encode()).decode()


def tamper(op, xml):
    """An attack from test/fixtures/saml/tamper.py (XSW1-8, comment injection, ...), as base64."""
    if FIXTURES not in sys.path:
        sys.path.insert(0, FIXTURES)
    import tamper as t
    return b64(t.OPS[op](xml.strip()))
