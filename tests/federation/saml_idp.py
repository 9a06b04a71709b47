"""A real SAML 2.0 identity provider for the federated-login tests, built with pysaml2 and signing
with Debian's xmlsec1: signed metadata at /metadata, SSO over HTTP-Redirect, the answer over
HTTP-POST (a page with the signed response and a button), single logout over HTTP-Redirect.

Run as ``python saml_idp.py`` with SAML_IDP_CONFIG (JSON: base, key_file, cert_file, sps, accounts)
and SAML_IDP_LISTEN_FD, the socket the tests bound for it. Its login page lets the test choose the
person and the assurance level (AuthnContextClassRef) the login is made at.
"""

from __future__ import annotations

import base64
import html
import json
import os
import socket
import sys
import tempfile
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

LOA = "http://id.elegnamnden.se/loa/1.0/"
CONFIG = json.loads(os.environ["SAML_IDP_CONFIG"])
BASE = CONFIG["base"]


def _sp_metadata(sps) -> str:
    parts = [
        f'<md:EntityDescriptor entityID="{html.escape(sp["entity_id"])}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        'WantAssertionsSigned="true">'
        f'<md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location="{html.escape(sp["sls"])}"/>'
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{html.escape(sp["acs"])}" index="0"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>"
        for sp in sps
    ]
    return (
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        + "".join(parts)
        + "</md:EntitiesDescriptor>"
    )


with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as sp_file:
    sp_file.write(_sp_metadata(CONFIG["sps"]))

conf = IdPConfig()
conf.load(
    {
        "entityid": f"{BASE}/metadata",
        "service": {
            "idp": {
                "name": "Testkommunens IdP",
                "endpoints": {
                    "single_sign_on_service": [(f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(f"{BASE}/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "sign_response": True,
                "sign_assertion": True,
                "want_authn_requests_signed": False,
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
            }
        },
        "metadata": {"local": [sp_file.name]},
        "key_file": CONFIG["key_file"],
        "cert_file": CONFIG["cert_file"],
        "xmlsec_binary": "/usr/bin/xmlsec1",
    }
)
IDP = Server(config=conf)


def signed_metadata() -> str:
    _descriptor, xml = sign_entity_descriptor(
        entity_descriptor(conf), None, security_context(conf), SIG_RSA_SHA256, DIGEST_SHA256
    )
    return xml


METADATA = signed_metadata()


def page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    ).encode()


def login_form(saml_request: str, relay_state: str) -> bytes:
    people = "".join(f'<option value="{html.escape(p)}">{html.escape(p)}</option>' for p in CONFIG["accounts"])
    return page(
        "Testkommunens inloggning (SAML)",
        '<form method="post" action="/sso/login">'
        f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
        f'<label for="person">Person</label> <select id="person" name="person">{people}</select> '
        '<label for="level">Tillitsnivå</label> <select id="level" name="level">'
        f'<option value="{LOA}loa3">Tillitsnivå 3</option><option value="{LOA}loa2">Tillitsnivå 2</option></select> '
        '<button type="submit">Logga in</button></form>',
    )


def answer(saml_request: str, relay_state: str, person: str, level: str) -> bytes:
    request = IDP.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    sp = request.issuer.text
    acs = IDP.metadata.assertion_consumer_service(sp, BINDING_HTTP_POST)[0]["location"]
    account = CONFIG["accounts"][person]
    identity = {
        "uid": [person],
        "givenName": [account["given_name"]],
        "sn": [account["family_name"]],
        "mail": [account["email"]],
        "isMemberOf": account.get("groups", []),
    }
    response = IDP.create_authn_response(
        identity,
        in_response_to=request.id,
        destination=acs,
        sp_entity_id=sp,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=person),
        authn={"class_ref": level, "authn_auth": BASE},
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    encoded = base64.b64encode(str(response).encode()).decode()
    return page(
        "Skickar inloggningen till tjänsten",
        f'<form method="post" action="{html.escape(acs)}">'
        f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
        '<button type="submit">Fortsätt till tjänsten</button></form>',
    )


def logout(query: dict) -> bytes:
    saml_request = query["SAMLRequest"][0]
    request = IDP.parse_logout_request(saml_request, BINDING_HTTP_REDIRECT).message
    sp = request.issuer.text
    response = IDP.create_logout_response(
        request, [BINDING_HTTP_REDIRECT], sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
    )
    binding = IDP.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        IDP.metadata.single_logout_service(sp, BINDING_HTTP_REDIRECT, "spsso")[0]["location"],
        query.get("RelayState", [""])[0],
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return dict(binding["headers"])["Location"]


def app(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    html_type = [("Content-Type", "text/html; charset=utf-8")]
    try:
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [METADATA.encode()]
        if path == "/sso/redirect" and method == "GET":
            start_response("200 OK", html_type)
            return [login_form(query["SAMLRequest"][0], query.get("RelayState", [""])[0])]
        if path == "/sso/login" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            body = answer(form["SAMLRequest"], form.get("RelayState", ""), form["person"], form["level"])
            start_response("200 OK", html_type)
            return [body]
        if path == "/slo/redirect":
            start_response("302 Found", [("Location", logout(query))])
            return [b""]
    except Exception as error:  # a test reads the reason
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"{type(error).__name__}: {error}".encode()]
    start_response("404 Not Found", html_type)
    return [page("Finns inte", "")]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write(format % args + "\n")


class _Server(WSGIServer):
    def __init__(self, sock):
        super().__init__(sock.getsockname(), _Quiet, bind_and_activate=False)
        self.socket = sock
        self.server_address = sock.getsockname()
        self.server_name, self.server_port = self.server_address
        self.setup_environ()


if __name__ == "__main__":
    listener = socket.socket(fileno=int(os.environ["SAML_IDP_LISTEN_FD"]))
    server = _Server(listener)
    server.set_app(app)
    print("ready", flush=True)
    server.serve_forever()
