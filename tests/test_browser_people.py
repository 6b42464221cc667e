"""A coordinator and a member walk through the live demo in a real browser (Debian's
chromium, as tests/test_browser.py), at desktop and phone width, in an English and a German
browser: confirming a day, handing over a lead, reporting a status, and each change in the
milestone's one history."""

import pytest

from milestones.models import Kind, Milestone
from tests.test_browser import chromium, demo  # noqa: F401 (a fixture)
from tests.test_browser_phone import log_in

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = ["en-GB", "de-DE"]

WORDS = {
    "en-GB": {
        "confirm": "Confirm the day",
        "confirmed": "Day confirmed: 12 June 2024.",
        "day confirmed": "day confirmed: 12 June 2024 (window May–June 2024)",
        "lead": "lead: Carla Coordinator → Max Member",
        "by coordinator": "by Carla Coordinator",
        "status": "status: Planned → In progress",
        "by member": "by Max Member",
        "in progress": "In progress",
        "refusal": "Only the coordinators of SaxoCell",
        "members history": "History of the members",
    },
    "de-DE": {
        "confirm": "Tag bestätigen",
        "confirmed": "Tag bestätigt: 12. Juni 2024.",
        "day confirmed": "Tag bestätigt: 12. Juni 2024 (Zeitfenster Mai–Juni 2024)",
        "lead": "Federführung: Carla Coordinator → Max Member",
        "by coordinator": "von Carla Coordinator",
        "status": "Status: Geplant → In Arbeit",
        "by member": "von Max Member",
        "in progress": "In Arbeit",
        "refusal": "Nur die Koordination von SaxoCell",
        "members history": "Verlauf der Mitglieder",
    },
}


def saxocell(kind):
    # The kick-off round's (2024), whose visit is a window May–June 2024; the demo's second
    # round runs relative to today.
    return Milestone.objects.get(cluster__slug="saxocell", kind=kind, starts_on__year=2024).pk


def last_entry(page):
    """The newest entry of the page's history without its time: what, by whom, why."""
    return page.locator(".history li").last.inner_text().split(" · ", 1)[1]


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_coordinator_confirms_the_day_and_hands_over_the_lead(
    live_server,
    demo,  # noqa: F811 (the fixture imported above)
    locale,
    width,
):
    visit, jury = saxocell(Kind.ON_SITE_VISIT), saxocell(Kind.JURY_MEETING)
    words, base = WORDS[locale], live_server.url
    widths = []

    with chromium() as browser:
        page = browser.new_page(viewport=WIDTHS[width], locale=locale)
        log_in(page, base, "coordinator@saxocell.example")
        page.goto(f"{base}/milestones/{visit}/")
        page.get_by_role("button", name=words["confirm"]).click()
        picker = page.locator("input[name=starts_on]")
        limits = (
            picker.get_attribute("type"),
            picker.get_attribute("min"),
            picker.get_attribute("max"),
        )
        widths.append(page_width(page))
        picker.fill("2024-06-12")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/milestones/{visit}/")
        confirmed = (page.get_by_role("status").inner_text(), last_entry(page))
        widths.append(page_width(page))

        page.goto(f"{base}/milestones/{jury}/edit/")
        page.select_option("select[name=lead]", label="Max Member")
        page.fill("input[name=reason]", "Max presents")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/milestones/{jury}/")
        handed_over = last_entry(page)
        widths.append(page_width(page))

        page.goto(f"{base}/clusters/saxocell/")
        members_heading = page.locator("#members-history-heading").inner_text()
        widths.append(page_width(page))

    assert limits == ("date", "2024-05-01", "2024-06-30")
    assert confirmed == (
        words["confirmed"],
        f"{words['day confirmed']} · {words['by coordinator']}",
    )
    assert handed_over == f"{words['lead']} · {words['by coordinator']} · " + (
        "“Max presents”" if locale == "en-GB" else "„Max presents“"
    )
    assert members_heading == words["members history"]
    assert widths == [WIDTHS[width]["width"]] * 4


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
def test_member_reports_the_status_and_is_told_whom_to_ask(
    live_server,
    demo,  # noqa: F811 (the fixture imported above)
    locale,
    width,
):
    strategy, visit = demo.pk, saxocell(Kind.ON_SITE_VISIT)
    words, base = WORDS[locale], live_server.url

    with chromium() as browser:
        page = browser.new_page(viewport=WIDTHS[width], locale=locale)
        log_in(page, base, "member@saxocell.example")
        page.goto(f"{base}/milestones/{strategy}/")
        page.select_option("select[name=status]", label=words["in progress"])
        page.fill("input[name=note]", "first draft")
        page.locator("form[action$='/status/'] button[type=submit]").click()
        page.wait_for_url(f"{base}/milestones/{strategy}/")
        reported = last_entry(page)
        strategy_width = page_width(page)

        page.goto(f"{base}/milestones/{visit}/")
        confirm_links = page.get_by_role("button", name=words["confirm"]).count()
        refused = page.goto(f"{base}/milestones/{visit}/confirm-day/")
        refusal = page.locator(".refusal").inner_text()
        refusal_width = page_width(page)

    assert reported == f"{words['status']} · {words['by member']} · " + (
        "“first draft”" if locale == "en-GB" else "„first draft“"
    )
    assert (confirm_links, refused.status) == (0, 403)
    assert refusal.startswith(words["refusal"])
    assert (strategy_width, refusal_width) == (WIDTHS[width]["width"],) * 2
