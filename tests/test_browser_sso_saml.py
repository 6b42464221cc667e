"""SAML sign-in in a real browser: the tracker's button, a real identity provider's log-in
(pysaml2 on loopback, tests/saml_server.py), its signed response posted back by the browser,
on to the dashboard; the refusal of an address nobody invited."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from milestones.models import Person
from tests import saml_server
from tests.test_browser import chromium, demo  # noqa: F401 (fixture)

LABEL = "TU Dresden (SAML)"


@pytest.fixture
def open_idp(live_server, settings, monkeypatch, tmp_path):
    """Starts an IdP with the given accounts and makes it the tracker's one SAML provider."""
    started = []

    def start(accounts):
        keys = saml_server.key_pair(tmp_path, "idp")
        common = {"SSO_PROVIDERS": "tu-dresden", "SSO_TU_DRESDEN_PROTOCOL": "saml"}
        # The tracker's SP metadata, from its own address, for the IdP (read with a stand-in
        # IdP configured: the SP's part does not depend on it).
        stand_in = {
            "SSO_TU_DRESDEN_ENTITY_ID": "https://idp.stand-in.example",
            "SSO_TU_DRESDEN_SSO_URL": "https://idp.stand-in.example/sso",
            "SSO_TU_DRESDEN_CERTIFICATE": str(keys.cert_file),
        }
        saml_server.use_apps(settings, saml_server.read_apps(monkeypatch, common | stand_in))
        sp_metadata = requests.get(
            f"{live_server.url}/accounts/saml/tu-dresden/metadata/", timeout=10
        ).text
        idp = saml_server.start(sp_metadata=sp_metadata, accounts=accounts, keys=keys)
        started.append(idp)
        variables = {
            "SSO_TU_DRESDEN_ENTITY_ID": idp.entity_id,
            "SSO_TU_DRESDEN_METADATA_URL": f"{idp.url}/metadata",
            "SSO_TU_DRESDEN_LABEL": LABEL,
            "SSO_TU_DRESDEN_EMAIL_VERIFIED": "true",
        }
        saml_server.use_apps(settings, saml_server.read_apps(monkeypatch, common | variables))
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": directives | {"form-action": [*directives["form-action"], idp.url]}
        }
        return idp

    yield start
    for idp in started:
        saml_server.stop(idp)


def sign_in_at_idp(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("button", name=f"Log in with {LABEL}").click()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Sign in").click()
    # The IdP's page posts its response back to the tracker by itself.
    page.wait_for_url(f"{base_url}/**")
    page.wait_for_load_state()


def test_browser_saml_invited_person_reaches_dashboard(live_server, demo, open_idp):  # noqa: F811
    open_idp({"carla": saml_server.account("carla-2b9e", "Coordinator@SaxoCell.example")})

    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        sign_in_at_idp(page, live_server.url, "carla")
        landed = (
            page.url.removeprefix(live_server.url),
            page.get_by_role("heading", level=1).inner_text(),
        )
        account_link = page.locator("header nav a[href='/account/']").text_content()

    assert landed == ("/", "What is due")
    name = Person.objects.get(email="coordinator@saxocell.example").get_short_name()
    assert account_link == f"{name}: Your account"
    assert list(SocialAccount.objects.values_list("provider", "uid", "user__email")) == [
        ("tu-dresden", "carla-2b9e", "coordinator@saxocell.example")
    ]


def test_browser_saml_unknown_address_is_refused_and_nothing_made(
    live_server,
    demo,  # noqa: F811
    open_idp,
):
    open_idp({"stranger": saml_server.account("x-1", "stranger@elsewhere.example")})
    people_before = Person.objects.count()

    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        sign_in_at_idp(page, live_server.url, "stranger")
        refusal = page.locator("main").inner_text().split("\n")
        page.goto(f"{live_server.url}/")
        after = page.url.removeprefix(live_server.url)

    assert [line for line in refusal if line] == [
        "Sign-in refused",
        "There is no account for stranger@elsewhere.example. Ask your cluster's coordinator or "
        "the programme's officers to invite you.",
        "Nothing was created and you are not logged in.",
        "Back to the log-in page",
    ]
    assert after == "/accounts/login/?next=/"
    assert (Person.objects.count(), SocialAccount.objects.count()) == (people_before, 0)
