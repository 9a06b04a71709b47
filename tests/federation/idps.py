"""Real identity providers for the federated-login tests, started on 127.0.0.1: node's
`oidc-provider` (tests/federation/oidc_provider.mjs) and a pysaml2 IdP signing with xmlsec1
(tests/federation/saml_idp.py). Each listens on a socket bound here first, so its port is held from
the moment it is chosen; each is ready once it answers, and is stopped when the test is done."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOA = "http://id.elegnamnden.se/loa/1.0/"
LOA2, LOA3 = f"{LOA}loa2", f"{LOA}loa3"
OIDC_SECRET = "test-client-secret-of-the-test-provider"

# The people the test IdPs know: one granted a role in Fridsam by the tests, one unknown to Fridsam.
ACCOUNTS = {
    "karin.ek": {
        "given_name": "Karin",
        "family_name": "Ek",
        "email": "karin.ek@astad.example.se",
        "groups": ["fridsam-socialsekreterare"],
    },
    "okand.person": {"given_name": "Okänd", "family_name": "Person", "email": "okand.person@astad.example.se"},
}


def require_tools():
    """node (with oidc-provider from `npm ci`) and xmlsec1; CI fails instead of skipping."""
    missing = []
    if not shutil.which("node") or not (ROOT / "node_modules" / "oidc-provider").exists():
        missing.append("node with oidc-provider (npm ci)")
    if not Path("/usr/bin/xmlsec1").exists():
        missing.append("xmlsec1 (apt-get install -y xmlsec1)")
    if missing:
        message = "federated-login tests need " + " and ".join(missing)
        if os.environ.get("FRIDSAM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def listening_socket() -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


def certificate(directory: Path, name: str) -> tuple[Path, Path, str]:
    """A self-signed RSA certificate: (key file, certificate file, certificate PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    return key_file, cert_file, pem


@contextlib.contextmanager
def _process(command, env, listener, url, log_path):
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),)
    )
    listener.close()  # the provider has its own copy
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{command[1]} did not start; see {log_path}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def oidc_provider(directory: Path, *, client_id: str, redirect_uris: list[str], post_logout_redirect_uris=()):
    """node's oidc-provider; yields its issuer."""
    listener = listening_socket()
    issuer = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = {
        "issuer": issuer,
        "clients": [
            {
                "client_id": client_id,
                "client_secret": OIDC_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
                "token_endpoint_auth_method": "client_secret_post",
            }
        ],
        "accounts": {
            uid: {**a, "preferred_username": uid, "name": f"{a['given_name']} {a['family_name']}"}
            for uid, a in ACCOUNTS.items()
        },
    }
    env = {**os.environ, "OIDC_CONFIG": json.dumps(config), "OIDC_LISTEN_FD": str(listener.fileno())}
    with _process(
        ["node", str(HERE / "oidc_provider.mjs")],
        env,
        listener,
        f"{issuer}/.well-known/openid-configuration",
        directory / "oidc-provider.log",
    ):
        yield issuer


@contextlib.contextmanager
def saml_idp(directory: Path, *, sps: list[dict]):
    """pysaml2's IdP; yields (its base URL, the PEM of the certificate signing its metadata)."""
    key_file, cert_file, pem = certificate(directory, "saml-idp")
    listener = listening_socket()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = {
        "base": base,
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "sps": sps,
        "accounts": ACCOUNTS,
    }
    env = {**os.environ, "SAML_IDP_CONFIG": json.dumps(config), "SAML_IDP_LISTEN_FD": str(listener.fileno())}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with _process(
        [sys.executable, str(HERE / "saml_idp.py")], env, listener, f"{base}/metadata", directory / "saml-idp.log"
    ):
        yield base, pem


SAML_ATTRIBUTES = {
    "uid": "urn:oid:0.9.2342.19200300.100.1.1",
    "email": "urn:oid:0.9.2342.19200300.100.1.3",
    "first_name": "urn:oid:2.5.4.42",
    "last_name": "urn:oid:2.5.4.4",
}
SAML_GROUPS = "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"  # isMemberOf
