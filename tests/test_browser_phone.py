"""Every table at 390 px in a real browser (Debian's chromium, as tests/test_browser.py): the
important columns in sight, the rest reachable, the buttons in reach; a coordinator and a
member, in an English and a German browser (the demo accounts have chosen no language)."""

import pytest
from django.core import mail

from milestones.models import Cluster, Person, Role
from milestones.people import invite_person
from tests.test_browser import DEMO_PASSWORD, chromium, demo  # noqa: F401 (a fixture)

PHONE = {"width": 390, "height": 844}

# Every cell, header and button of every table: its right edge inside the screen, or, for a
# table in a scrolling box, inside that box's scrollable width with a hint that it scrolls.
OUT_OF_REACH = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("main table :is(th, td, button, [role=button])")]
        .filter((element) => element.getClientRects().length > 0)
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => element.innerText.trim().slice(0, 40));
}"""

PEOPLE_HEADING = {"en-GB": "People", "de-DE": "Personen"}
RESEND = {"en-GB": "Resend invitation", "de-DE": "Einladung erneut senden"}


@pytest.fixture
def pending(demo):  # noqa: F811 (the fixture imported above)
    """Nina New, invited to SaxoCell and not yet accepted: a row with two buttons."""
    invite_person(
        cluster=Cluster.objects.get(slug="saxocell"),
        email="nina.new-with-a-long-address@saxocell.example",
        name="Nina New-Langername",
        role=Role.MEMBER,
        by=Person.objects.get(email="coordinator@saxocell.example"),
    )
    mail.outbox.clear()
    return demo


def log_in(page, base_url, email):
    """Log in whatever the browser's language: the fields by their names."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def walk(page, base_url, paths):
    """Each path's page width and what of its tables is out of reach."""
    seen = {}
    for path in paths:
        page.goto(f"{base_url}{path}")
        seen[path] = (
            page.evaluate("document.documentElement.scrollWidth"),
            page.evaluate(OUT_OF_REACH),
        )
    return seen


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_coordinator_reaches_every_column_and_button_at_phone_width(live_server, pending, locale):
    paths = [
        "/clusters/saxocell/",
        "/my-milestones/",
        f"/milestones/{pending.pk}/",
        "/calendar-feeds/",
        "/account/reminders/",
    ]

    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale=locale)
        log_in(page, live_server.url, "coordinator@saxocell.example")
        seen = walk(page, live_server.url, paths)
        page.goto(f"{live_server.url}/clusters/saxocell/")
        heading = page.locator("#people-heading").inner_text()
        row = page.locator("tr.person-pending")
        resend = row.get_by_role("button", name=RESEND[locale])
        resend_box = resend.bounding_box()
        pending_text = row.locator(".invitation-state").inner_text()

    assert seen == dict.fromkeys(paths, (390, []))
    assert heading == PEOPLE_HEADING[locale]
    assert resend_box["x"] >= 0 and resend_box["x"] + resend_box["width"] <= 390
    assert pending_text.startswith(
        {"en-GB": "Invitation pending, sent ", "de-DE": "Einladung offen, gesendet am "}[locale]
    )


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_member_reaches_every_column_at_phone_width(live_server, pending, locale):
    paths = ["/clusters/saxocell/", "/my-milestones/", f"/milestones/{pending.pk}/"]

    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, locale=locale)
        log_in(page, live_server.url, "member@saxocell.example")
        seen = walk(page, live_server.url, paths)
        page.goto(f"{live_server.url}/my-milestones/")
        badges = page.locator("table.my-milestones mark").all_inner_texts()
        page.goto(f"{live_server.url}/milestones/{pending.pk}/edit/")
        refusal = page.locator(".refusal").inner_text()

    assert seen == dict.fromkeys(paths, (390, []))
    assert {"en-GB": "You lead", "de-DE": "Sie leiten"}[locale] in badges
    assert refusal.startswith(
        {"en-GB": "Only the coordinators of SaxoCell", "de-DE": "Nur die Koordination von"}[locale]
    )
