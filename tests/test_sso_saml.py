"""SAML 2.0 sign-in against a real identity provider (pysaml2 on loopback, tests/saml_server.py):
the same admission as OpenID Connect, and what an attacker or a broken IdP could send refused
(another key's signature, a changed response, another audience, an expired or replayed one,
one nobody asked for). The tracker is driven by Django's test client, the IdP by requests."""

import base64
import datetime
import logging
import re

import pytest
import requests
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup

from milestones.models import Person, SignInDomain, SignInRole
from tests import saml_server
from tests.helpers import texts

LABEL = "University Login (SAML)"


@pytest.fixture
def open_idp(client, settings, monkeypatch, tmp_path):
    """Starts an IdP with the given accounts and makes it the tracker's one SAML provider."""
    started = []
    # python3-saml takes the tracker's addresses for valid with a dotted name, localhost or an
    # IP address only: the test client's "testserver" is none of them.
    client.defaults["HTTP_HOST"] = "localhost"

    def start(accounts, *, email_verified=True, other_audiences=()):
        keys = saml_server.key_pair(tmp_path, "idp")
        # The tracker's SP metadata does not depend on the IdP's: read with a stand-in.
        stand_in = {
            "SSO_UNI_ENTITY_ID": "https://idp.stand-in.example",
            "SSO_UNI_SSO_URL": "https://idp.stand-in.example/sso",
            "SSO_UNI_CERTIFICATE": str(keys.cert_file),
        }
        saml_server.use_apps(settings, read_apps(monkeypatch, stand_in))
        sp_metadata = client.get("/accounts/saml/uni/metadata/").content.decode()
        idp = saml_server.start(
            sp_metadata=sp_metadata, accounts=accounts, keys=keys, other_audiences=other_audiences
        )
        started.append(idp)
        variables = {
            "SSO_UNI_ENTITY_ID": idp.entity_id,
            "SSO_UNI_METADATA_URL": f"{idp.url}/metadata",
            "SSO_UNI_LABEL": LABEL,
            "SSO_UNI_EMAIL_VERIFIED": str(email_verified),
        }
        saml_server.use_apps(settings, read_apps(monkeypatch, variables))
        idp.sp_metadata = sp_metadata
        return idp

    yield start
    for idp in started:
        saml_server.stop(idp)


def read_apps(monkeypatch, variables):
    return saml_server.read_apps(
        monkeypatch, {"SSO_PROVIDERS": "uni", "SSO_UNI_PROTOCOL": "saml"} | variables
    )


def form_fields(html):
    form = BeautifulSoup(html, "html.parser").form
    return form["action"], {
        field["name"]: field.get("value", "") for field in form.select("input[name]")
    }


def response_from_idp(client, idp, login, **extra):
    """The tracker's button, then the IdP's log-in: the form the IdP has the browser post."""
    start = client.post("/accounts/saml/uni/login/")
    _, fields = form_fields(requests.get(start["Location"], timeout=10).text)
    answer = requests.post(
        f"{idp.url}/sso/login", data=fields | {"login": login} | extra, timeout=30
    )
    answer.raise_for_status()
    return form_fields(answer.text)


def post_to_tracker(client, form):
    """What the browser does with the IdP's form: post it, then follow to the second step."""
    action, fields = form
    kept = client.post(action.removeprefix("http://localhost"), fields)
    return client.get(kept["Location"])


def signed_in_person(client):
    return client.session.get("_auth_user_id")


def failure(response, caplog):
    """allauth's failure page, and why python3-saml (or allauth) refused."""
    reasons = [
        record.getMessage()
        for record in caplog.records
        if record.name == "allauth.socialaccount.providers.saml.views"
    ]
    return texts(response, "h1"), reasons


def test_saml_sign_in_reaches_person_and_links_name_id(client, member, open_idp):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})

    response = post_to_tracker(client, response_from_idp(client, idp, "max"))

    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in_person(client) == str(member.pk)
    assert list(SocialAccount.objects.values_list("provider", "uid", "user")) == [
        ("uni", "max-7f3a", member.pk)
    ]


def test_saml_changed_address_found_by_name_id(client, member, open_idp):
    SocialAccount.objects.create(user=member, provider="uni", uid="max-7f3a", extra_data={})
    idp = open_idp({"max": saml_server.account("max-7f3a", "max.new@elsewhere.example")})
    people = Person.objects.count()

    response = post_to_tracker(client, response_from_idp(client, idp, "max"))

    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in_person(client) == str(member.pk)
    assert Person.objects.count() == people


def test_saml_address_not_vouched_for_refused(client, member, open_idp):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)}, email_verified=False)

    response = post_to_tracker(client, response_from_idp(client, idp, "max"))

    assert response.status_code == 403
    assert texts(response, "main p")[0] == (
        "Your sign-in service has not verified your email address member@saxocell.test."
    )
    assert (signed_in_person(client), SocialAccount.objects.count()) == (None, 0)


def test_saml_allowed_domain_admits_person_with_name(client, programme, cluster, open_idp):
    SignInDomain.objects.create(
        programme=programme, domain="tu-dresden.de", role=SignInRole.MEMBER, cluster=cluster
    )
    idp = open_idp(
        {
            "mia": saml_server.account(
                "mia-01", "Mia.Mustermann@TU-Dresden.de", givenName=["Mia"], sn=["Mustermann"]
            )
        }
    )

    response = post_to_tracker(client, response_from_idp(client, idp, "mia"))

    person = Person.objects.get(pk=signed_in_person(client))
    assert (response["Location"], person.email, person.name) == (
        "/",
        "mia.mustermann@tu-dresden.de",
        "Mia Mustermann",
    )


def test_saml_response_signed_by_another_key_refused(client, member, open_idp, tmp_path, caplog):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})
    # An impostor that claims the real IdP's entity id, with a key of its own.
    impostor = saml_server.start(
        sp_metadata=idp.sp_metadata,
        accounts={"max": saml_server.account("max-7f3a", member.email)},
        keys=saml_server.key_pair(tmp_path, "impostor"),
        entity_id=idp.entity_id,
        sso_url=f"{idp.url}/sso",
    )
    try:
        start = client.post("/accounts/saml/uni/login/")
        _, fields = form_fields(requests.get(start["Location"], timeout=10).text)
        answer = requests.post(
            f"{impostor.url}/sso/login", data=fields | {"login": "max"}, timeout=30
        )
    finally:
        saml_server.stop(impostor)

    response = post_to_tracker(client, form_fields(answer.text))

    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        [
            "Error processing SAML ACS response: invalid_response: Signature validation "
            "failed. SAML Response rejected"
        ],
    )
    assert signed_in_person(client) is None


def test_saml_changed_response_refused(client, member, open_idp, caplog):
    idp = open_idp({"max": saml_server.account("max-7f3a", "someone@saxocell.test")})
    action, fields = response_from_idp(client, idp, "max")
    # The address in the signed assertion swapped for another person's.
    xml = base64.b64decode(fields["SAMLResponse"])
    changed = xml.replace(b"someone@saxocell.test", member.email.encode())
    fields["SAMLResponse"] = base64.b64encode(changed).decode()

    response = post_to_tracker(client, (action, fields))

    assert changed != xml
    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        [
            "Error processing SAML ACS response: invalid_response: Signature validation "
            "failed. SAML Response rejected"
        ],
    )
    assert signed_in_person(client) is None


def test_saml_unsigned_response_refused(client, member, open_idp, caplog):
    idp = open_idp({"max": saml_server.account("max-7f3a", "someone@saxocell.test")})
    action, fields = response_from_idp(client, idp, "max")
    # Every signature taken out and the address swapped: what anyone could write by hand.
    xml = base64.b64decode(fields["SAMLResponse"])
    unsigned = re.sub(rb"<(\w+:)?Signature[ >].*?</(\w+:)?Signature>", b"", xml, flags=re.S)
    fields["SAMLResponse"] = base64.b64encode(
        unsigned.replace(b"someone@saxocell.test", member.email.encode())
    ).decode()

    response = post_to_tracker(client, (action, fields))

    assert b"Signature" in xml and b"Signature" not in unsigned
    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        [
            "Error processing SAML ACS response: invalid_response: No Signature found. "
            "SAML Response rejected"
        ],
    )
    assert signed_in_person(client) is None


def test_saml_response_for_another_audience_refused(client, member, open_idp, caplog):
    other = "https://other-service.example/sp"
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)}, other_audiences=[other])
    form = response_from_idp(client, idp, "max", audience=other)

    response = post_to_tracker(client, form)

    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        [
            "Error processing SAML ACS response: invalid_response: "
            "http://localhost/accounts/saml/uni/metadata/ is not a valid audience for this "
            "Response"
        ],
    )
    assert signed_in_person(client) is None


def test_saml_expired_response_refused(client, member, open_idp, caplog):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})
    form = response_from_idp(client, idp, "max")

    # The IdP's assertion is good for five minutes; it reaches the tracker ten minutes later.
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        response = post_to_tracker(client, form)

    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        [
            "Error processing SAML ACS response: invalid_response: Could not validate "
            "timestamp: expired. Check system clock."
        ],
    )
    assert signed_in_person(client) is None


def test_saml_replayed_response_refused(client, member, open_idp):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})
    form = response_from_idp(client, idp, "max")
    post_to_tracker(client, form)
    client.post("/accounts/logout/")

    response = post_to_tracker(client, form)

    # Its one-time state (the request's id, kept in the session) was used the first time.
    assert (response.status_code, texts(response, "h1")) == (403, ["Not allowed"])
    assert signed_in_person(client) is None


def test_saml_sign_in_the_idp_started_refused(client, member, open_idp, caplog):
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})
    unsolicited = requests.get(
        f"{idp.url}/unsolicited",
        params={
            "login": "max",
            "acs": "http://localhost/accounts/saml/uni/acs/",
            "sp": "http://localhost/accounts/saml/uni/metadata/",
        },
        timeout=30,
    )

    with caplog.at_level(logging.ERROR):
        response = post_to_tracker(client, form_fields(unsolicited.text))

    assert failure(response, caplog) == (
        ["Third-Party Login Failure"],
        ["IdP initiated SSO rejected"],
    )
    assert signed_in_person(client) is None


def test_saml_deactivated_person_not_logged_in(client, member, open_idp):
    member.is_active = False
    member.save()
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})
    form = response_from_idp(client, idp, "max")
    action, fields = form

    kept = client.post(action.removeprefix("http://localhost"), fields)
    response = client.get(kept["Location"], follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/inactive/"
    assert signed_in_person(client) is None


def test_saml_paused_log_in_holds(client, member, open_idp):
    for _ in range(5):
        client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})

    response = post_to_tracker(client, response_from_idp(client, idp, "max"))

    assert (response.status_code, texts(response, "h1")) == (429, ["Log-in paused"])
    assert signed_in_person(client) is None


def test_saml_sign_in_asks_for_the_second_factor(client, member, open_idp):
    TOTP.activate(member, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    idp = open_idp({"max": saml_server.account("max-7f3a", member.email)})

    response = post_to_tracker(client, response_from_idp(client, idp, "max"))

    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/authenticate/")
    assert signed_in_person(client) is None
