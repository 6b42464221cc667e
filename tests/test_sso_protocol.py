"""The OpenID Connect exchange against a real provider (oidc-provider on loopback): what an
attacker or a broken provider could send is refused (a wrong state, a code used twice, an
expired ID token, one signed by another key), and an account whose address changed at the
provider is found by the provider's subject. The tracker is driven by Django's test client,
the provider's log-in and consent pages by requests."""

import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup
from django.conf import settings

from milestones.models import Person
from tests import oidc_server
from tests.helpers import texts

CALLBACK = "/accounts/oidc/uni/login/callback/"


@pytest.fixture
def open_provider(settings):
    started = []

    def start(accounts):
        provider = oidc_server.start(
            redirect_uris=[f"http://testserver{CALLBACK}"], accounts=accounts
        )
        started.append(provider)
        app = provider.app("uni", "University Login")
        settings.SSO_APPS = [app]
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}
        }
        return provider

    yield start
    for provider in started:
        oidc_server.stop(provider)


def submit_first_form(browser, response, **fields):
    form = BeautifulSoup(response.text, "html.parser").form
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    action = requests.compat.urljoin(response.url, form["action"])
    return browser.post(action, data=data | fields, allow_redirects=False)


def follow_to_tracker(browser, response):
    """Follows the provider's redirects until one leads back to the tracker; its path+query."""
    while response.is_redirect:
        location = requests.compat.urljoin(response.url, response.headers["Location"])
        if location.startswith("http://testserver"):
            return location.removeprefix("http://testserver")
        response = browser.get(location, allow_redirects=False)
    return response


def authorise(client, login):
    """The tracker's button, then the provider's log-in and consent; the callback to call."""
    start = client.post("/accounts/oidc/uni/login/")
    browser = requests.Session()
    page = follow_to_tracker(browser, browser.get(start["Location"], allow_redirects=False))
    consent = follow_to_tracker(
        browser, submit_first_form(browser, page, login=login, password="anything")
    )
    return follow_to_tracker(browser, submit_first_form(browser, consent))


def error_heading(response):
    return texts(response, "h1")


def test_protocol_sign_in_reaches_person(client, member, open_provider):
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")

    response = client.get(callback)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_protocol_wrong_state_refused(client, member, open_provider):
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")
    query = parse_qs(urlsplit(callback).query)

    response = client.get(f"{CALLBACK}?{urlencode({'code': query['code'][0], 'state': 'forged'})}")

    assert error_heading(response) == ["Third-Party Login Failure"]
    assert "_auth_user_id" not in client.session


def test_protocol_code_used_twice_refused(client, member, open_provider):
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    first = authorise(client, "max-1")
    client.get(first)
    client.post("/accounts/logout/")
    # A fresh state from the tracker, with the code the provider already gave out.
    second = authorise(client, "max-1")
    replayed = {
        "code": parse_qs(urlsplit(first).query)["code"][0],
        "state": parse_qs(urlsplit(second).query)["state"][0],
    }

    response = client.get(f"{CALLBACK}?{urlencode(replayed)}")

    assert error_heading(response) == ["Third-Party Login Failure"]
    assert "_auth_user_id" not in client.session


def test_protocol_expired_id_token_refused(client, member, open_provider):
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")

    # The provider's ID token lives an hour; the tracker reads it two hours later.
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        response = client.get(callback)

    assert error_heading(response) == ["Third-Party Login Failure"]
    assert "_auth_user_id" not in client.session


def test_protocol_id_token_signed_by_another_key_refused(client, member, open_provider):
    provider = open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]

    with oidc_server.token_endpoint_signing_with_another_key(provider) as token_endpoint:
        app["settings"]["openid_configuration_overrides"] = {"token_endpoint": token_endpoint}
        response = client.get(callback)

    assert error_heading(response) == ["Third-Party Login Failure"]
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0


def test_protocol_changed_address_found_by_subject(client, member, open_provider):
    SocialAccount.objects.create(user=member, provider="uni", uid="max-1", extra_data={})
    open_provider({"max-1": {"email": "max.new@elsewhere.example", "email_verified": True}})
    people = Person.objects.count()
    callback = authorise(client, "max-1")

    response = client.get(callback)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(member.pk)
    assert Person.objects.count() == people


def test_protocol_unverified_address_refused(client, member, open_provider):
    open_provider({"max-1": {"email": member.email, "email_verified": False}})
    callback = authorise(client, "max-1")

    response = client.get(callback)

    assert response.status_code == 403
    assert texts(response, "main p")[0] == (
        "Your sign-in service has not verified your email address member@saxocell.test."
    )
    assert SocialAccount.objects.count() == 0


def test_protocol_deactivated_person_not_logged_in(client, member, open_provider):
    member.is_active = False
    member.save()
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")

    response = client.get(callback, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/inactive/"
    assert "_auth_user_id" not in client.session


def test_protocol_paused_log_in_holds_for_the_provider(client, member, open_provider):
    for _ in range(5):
        client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")

    response = client.get(callback)

    assert (response.status_code, texts(response, "h1")) == (429, ["Log-in paused"])
    assert "_auth_user_id" not in client.session


def test_protocol_sign_in_asks_for_the_second_factor(client, member, open_provider):
    TOTP.activate(member, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    open_provider({"max-1": {"email": member.email, "email_verified": True}})
    callback = authorise(client, "max-1")

    response = client.get(callback)

    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
