"""The main tasks with the keyboard alone, in Debian's chromium: log in, find what is due,
confirm a day, change a status, subscribe to a calendar feed, upload and submit a draft. Each
Tab lands somewhere visible (a ring of 2 px or more, or a shadow), the skip link comes first,
and after a form is sent the focus is on what answers it (the error summary or the message).
Skipped without chromium; under CI=true they fail instead."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from milestones.models import FeedToken, Milestone, Status
from tests.accessibility import COORDINATOR, MEMBER, TODAY, demo_objects, require_browser
from tests.test_browser import CHROMIUM, DEMO_PASSWORD, chromium
from tests.test_browser_submissions import PDF

# What has the focus: its name as a person hears it, and whether a ring or shadow shows it.
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
    if (element === document.body) return {name: "(outside the page)", shown: true, classes: ""};
    const name = element.getAttribute("aria-label") || label || element.innerText || element.value || element.tagName;
    const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return {
        name: name.trim().split("\\n")[0],
        shown: ring || style.boxShadow !== "none",
        classes: element.className,
    };
}"""


@pytest.fixture
def objects(transactional_db):
    if not Path(CHROMIUM).exists():
        require_browser(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    with time_machine.travel(TODAY, tick=False):
        yield demo_objects()


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, name, limit=60):
    """Press Tab until the element called `name` has the focus; the names passed on the way,
    and those of them whose focus did not show."""
    passed, unseen = [], []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        passed.append(now["name"])
        if not now["shown"]:
            unseen.append(now["name"])
        if now["name"] == name:
            return passed, unseen
    raise AssertionError(f"{name!r} not reached with Tab; passed {passed}")


def day_typed_alike(*, after):
    """The first day from `after` on whose day and month are the same number: typed the same
    whichever order of day and month the browser's date field takes (it follows chromium's own
    language, not the page's)."""
    day = after
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def log_in_by_keyboard(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "Email address (required)")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_log_in_in_order_with_focus_shown(live_server, objects):
    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{live_server.url}/accounts/login/")
        # The email field has the focus as the page opens; once round the page from there.
        start = focused(page)
        passed, unseen = tab_to(page, "Email address (required)")
        # A wrong password: the summary of what was refused has the focus.
        page.keyboard.type(MEMBER)
        page.keyboard.press("Tab")
        page.keyboard.type("not the password")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        refused = focused(page)
        log_in_by_keyboard(page, live_server.url, MEMBER)
        landed = page.url.removeprefix(live_server.url)

    assert start["name"] == "Email address (required)"
    assert passed == [
        "Password (required)",
        "Log in",
        "Forgotten your password?",
        "Accessibility",
        "(outside the page)",
        "Skip to content",
        "C4F Tracker",
        "Email address (required)",
    ]
    assert unseen == []
    assert (refused["name"], refused["classes"]) == (
        "The email address or the password is not right. Capitals count in the password, not "
        "in the address.",
        "form-errors",
    )
    assert landed == "/"


def test_keyboard_skip_link_leads_to_what_is_due(live_server, objects):
    strategy = Milestone.objects.get(pk=objects["strategy"])

    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in_by_keyboard(page, live_server.url, MEMBER)
        page.keyboard.press("Tab")
        skip = focused(page)
        skip_box = page.locator(".skip-link").bounding_box()
        page.keyboard.press("Enter")
        after_skip = page.evaluate("document.activeElement.id")
        passed, unseen = tab_to(page, strategy.title)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        opened = page.url.removeprefix(live_server.url)

    assert (skip["name"], skip["shown"]) == ("Skip to content", True)
    assert skip_box["x"] >= 0 and skip_box["y"] >= 0
    assert after_skip == "content"
    # From the page's content, past the filters and the groups before it, to the milestone.
    assert "My milestones" not in passed
    assert unseen == []
    assert opened == f"/milestones/{strategy.pk}/"


def test_keyboard_coordinator_confirms_a_day(live_server, objects):
    window = Milestone.objects.get(pk=objects["window"])
    inside = day_typed_alike(after=window.starts_on)
    outside = day_typed_alike(after=window.ends_on)

    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in_by_keyboard(page, live_server.url, COORDINATOR)
        page.goto(f"{live_server.url}/milestones/{window.pk}/")
        _, unseen = tab_to(page, "Confirm the day")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, "Day (required)")
        page.keyboard.type(outside.strftime("%d%m%Y"))
        tab_to(page, "Confirm the day")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        refused = focused(page)
        tab_to(page, "Day (required)")
        page.keyboard.type(inside.strftime("%d%m%Y"))

        tab_to(page, "Confirm the day")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        confirmed = focused(page)

    window.refresh_from_db()
    assert unseen == []
    assert refused["classes"] == "form-errors"
    assert confirmed["classes"] == "message message-success"
    assert (window.starts_on, window.is_tentative) == (inside, False)


def test_keyboard_member_changes_a_status(live_server, objects):
    strategy = Milestone.objects.get(pk=objects["strategy"])

    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in_by_keyboard(page, live_server.url, MEMBER)
        page.goto(f"{live_server.url}/milestones/{strategy.pk}/status/")
        _, unseen = tab_to(page, "Status (required)")
        page.keyboard.press("ArrowDown")
        tab_to(page, "Note")
        page.keyboard.type("first draft circulated")
        tab_to(page, "Save status")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        answer = focused(page)

    strategy.refresh_from_db()
    assert unseen == []
    assert answer == {
        "name": "Status set to “In progress”.",
        "shown": True,
        "classes": "message message-success",
    }
    assert strategy.status == Status.IN_PROGRESS


def test_keyboard_member_subscribes_to_a_feed(live_server, objects):
    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in_by_keyboard(page, live_server.url, MEMBER)
        page.goto(f"{live_server.url}/")
        _, unseen = tab_to(page, "Calendar feeds")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, "Name")
        page.keyboard.type("Phone")
        tab_to(page, "Create address")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        answer = focused(page)
        address = page.locator("#new-feed-url").input_value()

    assert unseen == []
    assert (answer["name"], answer["shown"]) == ("Your new address for “My milestones”", True)
    assert list(FeedToken.objects.values_list("name", flat=True)) == ["Phone"]
    assert address.startswith(f"{settings.SITE_URL}/feeds/")


def test_keyboard_member_uploads_and_submits_a_draft(live_server, objects, tmp_path):
    strategy = Milestone.objects.get(pk=objects["strategy"])
    report = tmp_path / "strategy.pdf"
    report.write_bytes(PDF)

    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        # Playwright intercepts chromium's file dialog once something listens for it, and turns
        # that on asynchronously: a listener from the start keeps the Space below from racing it.
        page.on("filechooser", lambda chooser: None)
        log_in_by_keyboard(page, live_server.url, MEMBER)
        page.goto(f"{live_server.url}/milestones/{strategy.pk}/")
        _, unseen = tab_to(page, "Files")
        assert page.evaluate("document.activeElement.type") == "file"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(report)
        tab_to(page, "Upload")
        page.keyboard.press("Enter")
        page.wait_for_selector(".draft-files, .field-error")
        uploaded = focused(page)
        tab_to(page, "Submit as version 1")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        submitted = focused(page)

    strategy.refresh_from_db()
    assert unseen == []
    assert uploaded == {
        "name": "Added to the draft: strategy.pdf.",
        "shown": True,
        "classes": "message message-success",
    }
    assert submitted["classes"] == "message message-success"
    assert strategy.submissions.count() == 1
