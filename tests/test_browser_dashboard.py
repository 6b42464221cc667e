"""The officer's overview in a real browser (Debian's chromium, as tests/test_browser.py),
through the live demo loaded today: the groups counted right, a filter, at desktop and phone
width."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from milestones import demo
from tests.test_browser import CHROMIUM, chromium, log_in

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_demo(transactional_db):
    """The demo as `make run` loads it: the second round around today."""
    call_command("load_demo", stdout=io.StringIO())
    return timezone.localdate()


def expected_groups(today):
    """The officer's groups in the live demo: 2 statements overdue, 4 progress reports this
    week, the 4 visits not yet fixed, 1 confirmed and SaxoCell's answer to the day-finding
    (in 2 weeks) within 30 days, the rest later; the strategy (the 15th of next month, 6
    clusters) falls in one of the last two."""
    strategy = next(
        i["starts_on"] for i in demo.relative_plan(today) if i["title"] == demo.STRATEGY
    )
    soon = 6 if (strategy - today).days <= 30 else 0
    return [
        "Overdue (2)",
        "Due this week (4)",
        f"Due in the next 30 days ({6 + soon})",
        f"Later ({19 - soon})",
    ]


def walk(browser, base_url, viewport):
    page = browser.new_page(viewport=viewport, locale="en-GB")
    log_in(page, base_url, "officer@c4f.example")
    seen = {
        "title": page.title(),
        "groups": page.locator(".due-group h2").all_inner_texts(),
        "cards": [
            page.locator(f"#group-{key} ~ .due-list .due").count()
            for key in ("overdue", "week", "month", "later")
        ],
        "programme": page.locator(".dashboard-programmes li").inner_text(),
        "width": page.evaluate("document.documentElement.scrollWidth"),
    }
    page.get_by_text("Filter by cluster, kind, status").click()
    page.get_by_label("Cluster name").fill("saxo")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url("**/?cluster=saxo*")
    seen["filtered"] = {
        "summary": page.locator(".dashboard-summary").inner_text(),
        "overdue": page.locator("#group-overdue ~ .due-list .due-title").all_inner_texts(),
        "week": page.locator("#group-week ~ .due-list .due-title").all_inner_texts(),
        "width": page.evaluate("document.documentElement.scrollWidth"),
    }
    page.get_by_role("link", name="Clusters4Future: who has submitted what").click()
    seen["matrix"] = page.url.removeprefix(base_url)
    page.close()
    return seen


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_browser_officer_sees_what_is_due_counted_and_filters_by_cluster(
    live_server, live_demo, viewport
):
    with chromium() as browser:
        seen = walk(browser, live_server.url, viewport)

    groups = expected_groups(live_demo)
    assert seen == {
        "title": "What is due · C4F Tracker",
        "groups": groups,
        "cards": [int(heading.split("(")[1].rstrip(")")) for heading in groups],
        "programme": "Clusters4Future: who has submitted what (6 clusters)",
        "width": viewport["width"],
        "filtered": {
            "summary": "7 open milestones (filtered)",
            "overdue": ["Interim financial statement"],
            "week": ["3rd strategic progress report"],
            "width": viewport["width"],
        },
        "matrix": "/programmes/clusters4future/",
    }
