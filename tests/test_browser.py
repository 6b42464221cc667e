"""The web UI in a real browser: Debian's chromium, headless, driven by Playwright.

CI installs chromium with apt (`apt-get install chromium`); Playwright's own browser download
is never used. Without /usr/bin/chromium these tests are skipped and say why.
"""

import contextlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from milestones.feeds.tokens import issue_feed_token
from milestones.models import FeedScope, Kind, Milestone, Person, Status

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-password"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Milestone.objects.get(
        cluster__slug="saxocell", kind=Kind.STRATEGY_SUBMISSION, is_open=True
    )


@contextlib.contextmanager
def chromium():
    """A headless chromium. Playwright's sync API runs an event loop in this thread, where
    Django refuses ORM calls: tests read the database before opening it and after closing it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_browser_coordinator_updates_strategy_status_and_rival_cannot_reach_it(live_server, demo):
    strategy_path = f"/milestones/{demo.pk}/"

    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in(page, live_server.url, "coordinator@saxocell.example")
        dashboard_heading = page.get_by_role("heading", level=1).inner_text()
        page.get_by_role("link", name="Submission of the updated “cluster strategy”").click()
        opened_path = page.url.removeprefix(live_server.url)
        page.get_by_role("combobox", name="Status (required)").select_option(label="In progress")
        page.get_by_label("Note", exact=True).fill("first draft circulated")
        page.get_by_role("button", name="Save status").click()
        message = page.get_by_role("status").inner_text()
        status_shown = page.locator(".facts dd").first.inner_text()
        page.get_by_role("button", name="Log out").click()
        after_log_out = page.url.removeprefix(live_server.url)

        log_in(page, live_server.url, "coordinator@othercluster.example")
        rival_response = page.goto(f"{live_server.url}{strategy_path}")
        page.close()

    demo.refresh_from_db()
    assert dashboard_heading == "What is due"
    assert opened_path == strategy_path
    assert message == "Status set to “In progress”."
    assert status_shown == "In progress"
    assert after_log_out == "/accounts/login/"
    assert rival_response.status == 404
    assert (demo.status, demo.history.first().history_change_reason) == (
        Status.IN_PROGRESS,
        "first draft circulated",
    )


@pytest.mark.parametrize("language", ["en", "de"])
def test_browser_phone_width_has_no_horizontal_scroll(live_server, demo, language):
    paths = ["/", "/clusters/saxocell/", f"/milestones/{demo.pk}/", "/account/", "/calendar-feeds/"]
    coordinator = Person.objects.get(email="coordinator@saxocell.example")
    # German names are longer: "Meine Meilensteine > SaxoCell > Strategieeinreichung".
    coordinator.language = language
    coordinator.save()
    for name in ("Outlook at work, the big screen in the office", "Phone"):
        issue_feed_token(person=coordinator, scope=FeedScope.MINE, name=name)
    widths = {}

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        log_in(page, live_server.url, "coordinator@saxocell.example")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == dict.fromkeys(widths, 390)


def test_browser_officer_finds_a_cluster_by_name_at_phone_width(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-GB")
        log_in(page, live_server.url, "officer@c4f.example")
        page.get_by_role("link", name="Clusters4Future: who has submitted what").click()
        page.get_by_label("Cluster name").fill("saxo")
        page.get_by_role("button", name="Find").click()
        page.wait_for_url("**/?q=saxo&state=&item=")
        found = (
            page.url.removeprefix(live_server.url),
            page.locator(".filter-result").inner_text(),
            page.locator(".matrix tbody th").all_inner_texts(),
            page.evaluate("document.documentElement.scrollWidth"),
        )

    assert found == (
        "/programmes/clusters4future/?q=saxo&state=&item=",
        "1 cluster matches “saxo”. Show all clusters",
        ["SaxoCell"],
        390,
    )


def test_browser_a_form_is_sent_once_however_often_its_button_is_pressed(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in(page, live_server.url, "coordinator@saxocell.example")
        page.goto(f"{live_server.url}/clusters/saxocell/milestones/new/")
        # Submit events as a double click makes them, without the page going anywhere: the
        # second is stopped, and the button says the first is under way.
        sent = page.evaluate(
            """() => {
                const form = document.querySelector("main form");
                const events = [1, 2].map(() => new SubmitEvent("submit", {bubbles: true, cancelable: true}));
                events.forEach((event) => form.dispatchEvent(event));
                const button = form.querySelector("button[type=submit]");
                return [events.map((e) => e.defaultPrevented), button.getAttribute("aria-busy")];
            }"""
        )

    assert sent == [[False, True], "true"]
