"""Single sign-on in a real browser: the tracker's button, a real OpenID Provider's log-in
and consent pages (oidc-provider on loopback, tests/oidc_server.py), back to the dashboard; the
refusal of an address nobody invited."""

import pytest
from allauth.socialaccount.models import SocialAccount

from milestones.models import Person
from tests import oidc_server
from tests.test_browser import chromium, demo  # noqa: F401 (fixture)

PROVIDER_ID = "uni"
LABEL = "University Login"


@pytest.fixture
def open_provider(live_server, settings):
    """Starts the provider with the given accounts and makes it the tracker's one provider."""
    started = []

    def start(accounts):
        callback = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
        provider = oidc_server.start(redirect_uris=[callback], accounts=accounts)
        started.append(provider)
        app = provider.app(PROVIDER_ID, LABEL)
        settings.SSO_APPS = [app]
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": directives
            | {"form-action": [*directives["form-action"], provider.issuer]}
        }
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}
        }
        return provider

    yield start
    for provider in started:
        oidc_server.stop(provider)


def sign_in_at_provider(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("button", name=f"Log in with {LABEL}").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the provider's test log-in")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_browser_sso_invited_person_reaches_dashboard(live_server, demo, open_provider):  # noqa: F811
    open_provider({"carla-7": {"email": "Coordinator@SaxoCell.example", "email_verified": True}})

    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        sign_in_at_provider(page, live_server.url, "carla-7")
        landed = (
            page.url.removeprefix(live_server.url),
            page.get_by_role("heading", level=1).inner_text(),
        )
        account_link = page.locator("header nav a[href='/account/']").text_content()

    assert landed == ("/", "What is due")
    name = Person.objects.get(email="coordinator@saxocell.example").get_short_name()
    assert account_link == f"{name}: Your account"
    assert list(SocialAccount.objects.values_list("provider", "uid", "user__email")) == [
        (PROVIDER_ID, "carla-7", "coordinator@saxocell.example")
    ]


def test_browser_sso_unknown_address_is_refused_and_nothing_made(
    live_server,
    demo,  # noqa: F811
    open_provider,
):
    open_provider({"stranger": {"email": "stranger@elsewhere.example", "email_verified": True}})
    people_before = Person.objects.count()

    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        sign_in_at_provider(page, live_server.url, "stranger")
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
