"""Security keys (WebAuthn) in a real browser, with Chromium's virtual authenticator (the
DevTools WebAuthn domain): a key added on the account page logs in as the second factor; a
removed key no longer does. WebAuthn wants a host name, so the tracker is at localhost."""

import datetime

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from axes.models import AccessAttempt

from milestones.models import Person
from tests.test_browser import chromium, demo, log_in  # noqa: F401 (fixture)
from tests.test_sso_second_factor import SECRET, totp_code

MEMBER = "member@saxocell.example"


def browser_with_key(browser):
    """A page with a virtual security key plugged in; the page, DevTools and the key's id."""
    page = browser.new_page(locale="en-GB")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page, devtools, added["authenticatorId"]


# Asks the key for a signature with the given credential, whatever the tracker offers, and
# sends it as the log-in page's own script would.
SIGN_WITH = """async (credentialId) => {
    const options = JSON.parse(document.getElementById("js_data").textContent).request_options;
    options.publicKey.allowCredentials = [{type: "public-key", id: credentialId}];
    const credential = await webauthnJSON.get(options);
    const field = document.querySelector("input[name=credential]");
    field.value = JSON.stringify(credential);
    field.form.submit();
}"""


def add_key(page, base_url, name):
    page.goto(f"{base_url}/accounts/2fa/webauthn/add/")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)


def log_out(page):
    page.goto(page.url.split("/accounts/")[0] + "/")
    page.get_by_role("button", name="Log out").click()


def test_browser_security_key_added_then_logs_in(live_server, demo):  # noqa: F811
    with chromium() as browser:
        page, _, _ = browser_with_key(browser)
        log_in(page, live_server.url, MEMBER)
        add_key(page, live_server.url, "Blue key")
        log_out(page)

        log_in(page, live_server.url, MEMBER)
        second_step = page.url.removeprefix(live_server.url)
        page.get_by_role("button", name="Use a security key").click()
        page.wait_for_url(f"{live_server.url}/")
        heading = page.get_by_role("heading", level=1).inner_text()

    assert second_step == "/accounts/2fa/authenticate/"
    assert heading == "What is due"
    assert list(
        Authenticator.objects.filter(type="webauthn").values_list("data__name", flat=True)
    ) == ["Blue key"]


def test_browser_security_key_removed_is_refused(live_server, demo):  # noqa: F811
    member = Person.objects.get(email=MEMBER)
    TOTP.activate(member, SECRET)

    with chromium() as browser:
        page, devtools, authenticator = browser_with_key(browser)
        log_in(page, live_server.url, MEMBER)
        page.get_by_label("Code").fill(totp_code(SECRET, datetime.datetime.now(tz=datetime.UTC)))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/")
        add_key(page, live_server.url, "Lost key")
        credentials = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        removed_id = credentials["credentials"][0]["credentialId"]
        page.goto(f"{live_server.url}/accounts/2fa/webauthn/")
        page.get_by_role("link", name="Remove").click()
        page.get_by_role("button", name="Remove").click()
        page.wait_for_url(lambda url: "/remove/" not in url)
        log_out(page)

        log_in(page, live_server.url, MEMBER)
        with page.expect_navigation():
            page.evaluate(SIGN_WITH, removed_id.replace("+", "-").replace("/", "_").rstrip("="))
        after_key = page.url.removeprefix(live_server.url)
        page.goto(f"{live_server.url}/")
        after = page.url.removeprefix(live_server.url)

    assert after_key == "/accounts/2fa/authenticate/"
    assert after == "/accounts/login/?next=/"
    assert set(Authenticator.objects.filter(user=member).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    # The browser did send the removed key's signature; it was refused and counted.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (MEMBER, 1)
    ]
