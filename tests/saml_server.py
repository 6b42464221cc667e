"""A real SAML identity provider on loopback for the single sign-on tests: pysaml2's IdP
(tests/saml_idp.py) in its own process, signing with Debian's xmlsec1.

Started per test with the tracker's SP metadata (read from the tracker's own metadata address)
and the accounts the test names. Where xmlsec1 or pysaml2 is missing the tests that need it are
skipped with the reason, except under CI=true (.ci/run), where that is a failure.
"""

import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import environ
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from milestones.sso.saml import read_saml_providers

PROGRAM = Path(__file__).parent / "saml_idp.py"


@dataclass
class IdentityProvider:
    url: str
    entity_id: str
    process: subprocess.Popen


@dataclass
class KeyPair:
    cert_file: Path
    key_file: Path


def skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the SAML identity provider is needed under CI=true: {reason}")
    pytest.skip(reason)


def key_pair(folder, name):
    """A self-signed certificate and its key, as IdPs sign with, in PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.idp.test")])
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pair = KeyPair(cert_file=folder / f"{name}.crt", key_file=folder / f"{name}.key")
    pair.cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    pair.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pair


def start(*, sp_metadata, accounts, keys, entity_id=None, sso_url=None, other_audiences=()):
    """The IdP, started; skips (or fails under CI) where it cannot start."""
    if shutil.which("xmlsec1") is None:
        skip_or_fail("no `xmlsec1`, with which pysaml2 signs (apt-get install xmlsec1)")
    if importlib.util.find_spec("saml2") is None:
        skip_or_fail("pysaml2 is not installed (make install)")
    config = {
        "sp_metadata": sp_metadata,
        "accounts": accounts,
        "key_file": str(keys.key_file),
        "cert_file": str(keys.cert_file),
        "entity_id": entity_id,
        "sso_url": sso_url,
        "other_audiences": list(other_audiences),
    }
    process = subprocess.Popen(
        [sys.executable, str(PROGRAM)],
        env={**os.environ, "SAML_TEST_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        process.wait(10)
        skip_or_fail(f"the SAML identity provider did not start (it said {line!r})")
    url = f"http://127.0.0.1:{int(line.split()[1])}"
    return IdentityProvider(url=url, entity_id=entity_id or f"{url}/metadata", process=process)


def stop(provider):
    provider.process.terminate()
    provider.process.wait(10)
    provider.process.stdout.close()


def account(nameid, email, **attributes):
    """An IdP account: its persistent NameID and the attributes it releases (mail, givenName,
    sn, as DFN-AAI's IdPs do; pysaml2 sends them under their urn:oid names)."""
    return {"nameid": nameid, "attributes": {"mail": [email]} | attributes}


def read_apps(monkeypatch, variables):
    """The SAML apps as the environment makes them (milestones.sso.saml), in development."""
    for name in [name for name in os.environ if name.startswith("SSO_")]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    apps, problems = read_saml_providers(environ.Env(), debug=True)
    assert problems == []
    return apps


def use_apps(settings, apps):
    """Makes these the tracker's SAML providers, as settings.py does."""
    settings.SSO_SAML_APPS = apps
    settings.SOCIALACCOUNT_PROVIDERS = settings.SOCIALACCOUNT_PROVIDERS | {"saml": {"APPS": apps}}
