"""SAML identity providers read from the environment (milestones.sso.saml) beside the OpenID
Connect ones: what a provider needs, those left out and why, their buttons on the log-in page,
the SP metadata the IdP is given, and an IdP whose metadata cannot be read."""

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
import pytest
from bs4 import BeautifulSoup

from milestones.sso.providers import log_problems, read_providers
from milestones.sso.saml import read_saml_providers, saml_origins
from tests import saml_server
from tests.helpers import texts


@pytest.fixture
def idp_keys(tmp_path):
    return saml_server.key_pair(tmp_path, "idp")


def read(monkeypatch, variables, debug=False):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return read_saml_providers(environ.Env(), debug=debug)


def test_saml_provider_with_metadata_url_read_from_environment(monkeypatch):
    apps, problems = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "uni,tu-dresden",
            "SSO_TU_DRESDEN_PROTOCOL": "saml",
            "SSO_TU_DRESDEN_ENTITY_ID": "https://idp.tu-dresden.de/idp/shibboleth",
            "SSO_TU_DRESDEN_METADATA_URL": "https://idp.tu-dresden.de/idp/shibboleth",
            "SSO_TU_DRESDEN_LABEL": "TU Dresden",
            "SSO_TU_DRESDEN_EMAIL_VERIFIED": "true",
            "SSO_TIMEOUT": "4",
        },
    )

    assert (apps, problems) == (
        [
            {
                "provider_id": "tu-dresden",
                "name": "TU Dresden",
                "client_id": "tu-dresden",
                "settings": {
                    "idp": {
                        "entity_id": "https://idp.tu-dresden.de/idp/shibboleth",
                        "metadata_url": "https://idp.tu-dresden.de/idp/shibboleth",
                        "metadata_request_timeout": 4,
                    },
                    "verified_email": True,
                    "advanced": {"reject_idp_initiated_sso": True},
                },
            }
        ],
        [],
    )


def test_saml_provider_with_certificate_and_sp_key_read_from_environment(
    monkeypatch, idp_keys, tmp_path
):
    sp = saml_server.key_pair(tmp_path, "sp")
    apps, problems = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "agency",
            "SSO_AGENCY_PROTOCOL": "SAML",
            "SSO_AGENCY_ENTITY_ID": "https://login.agency.example/saml",
            "SSO_AGENCY_SSO_URL": "https://login.agency.example/saml/sso",
            # PEM text with its line breaks written as \n, as environment files hold it.
            "SSO_AGENCY_CERTIFICATE": idp_keys.cert_file.read_text().replace("\n", "\\n"),
            "SSO_AGENCY_SP_CERTIFICATE": str(sp.cert_file),
            "SSO_AGENCY_SP_KEY": str(sp.key_file),
        },
    )

    assert problems == []
    assert apps[0]["name"] == "agency"
    assert apps[0]["settings"] == {
        "idp": {
            "entity_id": "https://login.agency.example/saml",
            "sso_url": "https://login.agency.example/saml/sso",
            "x509cert": idp_keys.cert_file.read_text(),
        },
        "verified_email": False,
        "advanced": {
            "reject_idp_initiated_sso": True,
            "x509cert": sp.cert_file.read_text(),
            "private_key": sp.key_file.read_text(),
            "authn_request_signed": True,
        },
    }


def test_saml_providers_misconfigured_left_out_with_reasons(
    monkeypatch, caplog, idp_keys, tmp_path
):
    variables = {
        "SSO_PROVIDERS": "a,b,c,d,e,f",
        "SSO_A_PROTOCOL": "saml",
        "SSO_B_PROTOCOL": "saml",
        "SSO_B_ENTITY_ID": "https://idp.b.example",
        "SSO_C_PROTOCOL": "saml",
        "SSO_C_ENTITY_ID": "https://idp.c.example",
        "SSO_C_METADATA_URL": "http://idp.c.example/metadata",
        "SSO_D_PROTOCOL": "saml",
        "SSO_D_ENTITY_ID": "https://idp.d.example",
        "SSO_D_SSO_URL": "https://idp.d.example/sso",
        "SSO_D_CERTIFICATE": str(tmp_path / "missing.pem"),
        "SSO_E_PROTOCOL": "saml",
        "SSO_E_ENTITY_ID": "https://idp.e.example",
        "SSO_E_METADATA_URL": "https://idp.e.example/metadata",
        "SSO_E_SP_CERTIFICATE": str(idp_keys.cert_file),
        "SSO_F_PROTOCOL": "shibboleth",
    }
    apps, problems = read(monkeypatch, variables)
    oidc_apps, oidc_problems = read_providers(environ.Env(), debug=False)
    with caplog.at_level(logging.ERROR, logger="milestones.sso.providers"):
        log_problems(oidc_problems + problems)

    assert (apps, oidc_apps) == ([], [])
    assert [record.getMessage() for record in caplog.records] == [
        "SSO provider 'f' left out: SSO_F_PROTOCOL must be oidc or saml, not 'shibboleth'; its "
        "button is hidden.",
        "SSO provider 'a' left out: SSO_A_ENTITY_ID not set; its button is hidden.",
        "SSO provider 'b' left out: SSO_B_METADATA_URL (or SSO_B_SSO_URL and SSO_B_CERTIFICATE) "
        "not set; its button is hidden.",
        "SSO provider 'c' left out: SSO_C_METADATA_URL must be an https URL, not "
        "'http://idp.c.example/metadata'; its button is hidden.",
        f"SSO provider 'd' left out: SSO_D_CERTIFICATE: cannot read '{tmp_path}/missing.pem' "
        f"([Errno 2] No such file or directory: '{tmp_path}/missing.pem'); its button is hidden.",
        "SSO provider 'e' left out: SSO_E_SP_CERTIFICATE and SSO_E_SP_KEY go together; its "
        "button is hidden.",
    ]


def test_saml_certificate_that_is_none_left_out(monkeypatch, idp_keys):
    _, problems = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "uni",
            "SSO_UNI_PROTOCOL": "saml",
            "SSO_UNI_ENTITY_ID": "https://idp.uni.example",
            "SSO_UNI_SSO_URL": "https://idp.uni.example/sso",
            # The key where the certificate belongs.
            "SSO_UNI_CERTIFICATE": str(idp_keys.key_file),
        },
    )

    assert problems == ["SSO provider 'uni' left out: SSO_UNI_CERTIFICATE is not a PEM certificate"]


def test_saml_origins_for_the_log_in_form(monkeypatch, idp_keys):
    apps, _ = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "a,b",
            "SSO_A_PROTOCOL": "saml",
            "SSO_A_ENTITY_ID": "https://idp.a.example",
            "SSO_A_METADATA_URL": "https://idp.a.example/idp/shibboleth",
            "SSO_B_PROTOCOL": "saml",
            "SSO_B_ENTITY_ID": "https://idp.b.example",
            "SSO_B_SSO_URL": "https://login.b.example:8443/sso",
            "SSO_B_CERTIFICATE": str(idp_keys.cert_file),
        },
    )

    assert saml_origins(apps) == ["https://idp.a.example", "https://login.b.example:8443"]


@pytest.fixture
def saml_provider(monkeypatch, settings, idp_keys):
    """A SAML provider whose IdP is not running: its pages that do not reach it work. The
    tracker is at tracker.example (python3-saml takes the test client's "testserver" for no
    valid host)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "tracker.example"]

    def configure(**variables):
        apps = saml_server.read_apps(
            monkeypatch,
            {
                "SSO_PROVIDERS": "uni",
                "SSO_UNI_PROTOCOL": "saml",
                "SSO_UNI_ENTITY_ID": "https://idp.uni.example",
                "SSO_UNI_SSO_URL": "https://idp.uni.example/sso",
                "SSO_UNI_CERTIFICATE": str(idp_keys.cert_file),
                "SSO_UNI_LABEL": "Uni (SAML)",
            }
            | variables,
        )
        saml_server.use_apps(settings, apps)

    return configure


def test_login_page_offers_saml_beside_password_and_openid_connect(
    client, db, settings, saml_provider
):
    settings.SSO_APPS = [
        {
            "provider_id": "agency",
            "name": "Agency",
            "client_id": "tracker",
            "secret": "s3cret",
            "settings": {"server_url": "https://login.agency.example"},
        }
    ]
    saml_provider()

    response = client.get("/accounts/login/?next=/account/")

    assert texts(response, "main button") == [
        "Log in",
        "Log in with Agency",
        "Log in with Uni (SAML)",
    ]
    forms = BeautifulSoup(response.content, "html.parser").select("main form")
    assert [form["action"] for form in forms[1:]] == [
        "/accounts/oidc/agency/login/?next=%2Faccount%2F",
        "/accounts/saml/uni/login/?next=%2Faccount%2F",
    ]


def test_saml_button_leads_to_the_idp_with_a_request(client, db, saml_provider):
    saml_provider()

    response = client.post("/accounts/saml/uni/login/", headers={"host": "tracker.example"})

    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.uni.example/sso?SAMLRequest=")


def test_sp_metadata_names_the_tracker_and_its_assertion_consumer(client, db, saml_provider):
    saml_provider()

    response = client.get("/accounts/saml/uni/metadata/", headers={"host": "tracker.example"})

    metadata = BeautifulSoup(response.content, "xml")
    consumer = metadata.find("AssertionConsumerService")
    assert (response.status_code, response["Content-Type"]) == (200, "text/xml")
    assert (metadata.find("EntityDescriptor")["entityID"], consumer["Location"]) == (
        "http://tracker.example/accounts/saml/uni/metadata/",
        "http://tracker.example/accounts/saml/uni/acs/",
    )


def test_saml_idp_metadata_unreachable_gets_a_page(client, db, saml_provider):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    saml_provider(SSO_UNI_METADATA_URL=f"http://127.0.0.1:{port}/metadata")

    response = client.post("/accounts/saml/uni/login/", headers={"host": "tracker.example"})

    assert (response.status_code, texts(response, "h1")) == (502, ["Sign-in service unavailable"])


def test_saml_request_signed_with_the_sp_key(client, db, saml_provider, tmp_path):
    sp = saml_server.key_pair(tmp_path, "sp")
    saml_provider(SSO_UNI_SP_CERTIFICATE=str(sp.cert_file), SSO_UNI_SP_KEY=str(sp.key_file))

    response = client.post("/accounts/saml/uni/login/", headers={"host": "tracker.example"})
    metadata = client.get("/accounts/saml/uni/metadata/", headers={"host": "tracker.example"})

    query = parse_qs(urlsplit(response["Location"]).query)
    assert (sorted(query), query["SigAlg"]) == (
        ["SAMLRequest", "SigAlg", "Signature"],
        ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"],
    )
    published = BeautifulSoup(metadata.content, "xml").find("X509Certificate").text
    assert published == "".join(sp.cert_file.read_text().splitlines()[1:-1])


def test_saml_provider_misconfigured_app_still_starts_and_logs_why():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "SSO_PROVIDERS": "uni", "SSO_UNI_PROTOCOL": "saml"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0
    assert [line.split(" ", 2)[2] for line in result.stderr.splitlines()] == [
        "ERROR milestones.sso.providers SSO provider 'uni' left out: SSO_UNI_ENTITY_ID not set; "
        "its button is hidden."
    ]
