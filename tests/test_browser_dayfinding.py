"""Day-finding in a real browser (Debian's chromium, as tests/test_browser.py), in an English
and a German browser, on the demo's second-round visit, whose day-finding the demo opened with
the answers of Nordlicht, Elbtal Bio and Hanse Photonics: the officer moves the answer date,
SaxoCell's coordinator answers, Nordlicht's changes its answers, the officer takes the proposal
and confirms it."""

import datetime

import pytest
from django.utils import timezone, translation

from milestones.demo import VISIT
from milestones.models import DayFinding, Milestone
from milestones.reasons import reason_text
from tests.test_browser import chromium, demo  # noqa: F401 (a fixture)
from tests.test_browser_phone import log_in

WORDS = {
    "en-GB": {
        "opened": "Day-finding saved; the clusters can answer.",
        "saved": "Your answers are saved.",
        "can": "Can host",
        "if need be": "Only if need be",
        "cannot": "Cannot",
        "confirmed": "Days confirmed for 4 clusters.",
        "reason": "Day confirmed by day-finding.",
    },
    "de-DE": {
        "opened": "Terminfindung gespeichert; die Cluster können antworten.",
        "saved": "Ihre Antworten sind gespeichert.",
        "can": "Möglich",
        "if need be": "Nur notfalls",
        "cannot": "Nicht möglich",
        "confirmed": "Tage für 4 Cluster bestätigt.",
        "reason": "Tag durch die Terminfindung bestätigt.",
    },
}

# The demo's notes, kept when Nordlicht changes its answers.
BOARD = "Our board meets that day."
DIRECTOR = "Our director is travelling; her deputy would host."
SERVICED = "The clean room is serviced that week; the offices are open."


def answer_days(browser, base, locale, email, slug, choices):
    """A coordinator's answers from their cluster page: ``choices`` as radio labels, in day
    order; how many answers their page showed checked first, and the message after saving."""
    page = browser.new_page(locale=locale)
    log_in(page, base, email)
    page.goto(f"{base}/clusters/{slug}/")
    page.locator("p.dayfinding-link a").click()
    page.wait_for_url(f"{base}/clusters/{slug}/day-finding/*/")
    checked_before = page.locator("input[type=radio]:checked").count()
    for index, label in enumerate(choices):
        page.locator("fieldset.dayfinding-day").nth(index).get_by_label(label, exact=True).check()
    page.locator("main form button[type=submit]").click()
    message = page.get_by_role("status").inner_text()
    page.close()
    return checked_before, message


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_officer_and_two_coordinators_find_the_days(live_server, demo, locale):  # noqa: F811
    words, base = WORDS[locale], live_server.url
    can, cannot, if_need_be = words["can"], words["cannot"], words["if need be"]
    visit_item = demo.cluster.programme.plan_items.get(title=VISIT)
    answer_by = timezone.localdate() + datetime.timedelta(days=7)
    pages = f"{base}/programmes/clusters4future/plan/{visit_item.pk}/day-finding/"

    with chromium() as browser:
        officer = browser.new_page(locale=locale)
        log_in(officer, base, "officer@c4f.example")
        officer.goto(f"{base}/programmes/clusters4future/")
        officer.locator(f"a.day-finding[href$='/plan/{visit_item.pk}/day-finding/']").click()
        officer.wait_for_url(pages)
        officer.locator("a[href$='/day-finding/settings/']").click()
        officer.wait_for_url(f"{pages}settings/")
        officer.fill("input[name=answer_by]", answer_by.isoformat())
        officer.locator("main form button[type=submit]").click()
        officer.wait_for_url(pages)
        opened = officer.get_by_role("status").inner_text()

        saxocell = answer_days(
            browser,
            base,
            locale,
            "coordinator@saxocell.example",
            "saxocell",
            [cannot, cannot, can, cannot, cannot],
        )
        nordlicht = answer_days(
            browser,
            base,
            locale,
            "coordinator@othercluster.example",
            "nordlicht",
            [can, cannot, cannot, cannot, cannot],
        )

        officer.goto(pages)
        table = officer.locator("table.dayfinding-answers tbody tr").all_inner_texts()
        officer.locator("a.propose").click()
        officer.wait_for_url(f"{pages}proposal/")
        left = officer.locator("div.dayfinding-left li").all_inner_texts()
        officer.locator("main form button[type=submit]").click()
        officer.wait_for_url(f"{base}/programmes/clusters4future/")
        confirmed = officer.get_by_role("status").inner_text()

    days = list(
        DayFinding.objects.get(plan_item=visit_item)
        .days.order_by("day")
        .values_list("day", flat=True)
    )
    visits = {
        milestone.cluster.slug: milestone
        for milestone in Milestone.objects.filter(plan_item=visit_item).select_related("cluster")
    }
    assert opened == words["opened"]
    assert (saxocell, nordlicht) == ((0, words["saved"]), (5, words["saved"]))
    assert [" ".join(row.split()) for row in table] == [
        f"Elbtal Bio (fictional demo cluster) {can} {can} {cannot} {cannot} {if_need_be}",
        f"Hanse Photonics (fictional demo cluster) {cannot} {if_need_be} {SERVICED} {cannot} "
        f"{cannot} {cannot}",
        f"Nordlicht (fictional demo cluster) {can} {cannot} {BOARD} {cannot} {DIRECTOR} "
        f"{cannot} {cannot}",
        f"SaxoCell {cannot} {cannot} {can} {cannot} {cannot}",
    ]
    # Every cluster gets a day: Nordlicht the first, which only it and Elbtal Bio can host;
    # Hanse Photonics and Elbtal Bio the days they host only if need be.
    assert (left, confirmed) == ([], words["confirmed"])
    assert (
        visits["nordlicht"].starts_on,
        visits["hanse-photonics"].starts_on,
        visits["saxocell"].starts_on,
        visits["elbtal-bio"].starts_on,
    ) == (days[0], days[1], days[2], days[4])
    # The history's reason, as a reader in the browser's language sees it.
    with translation.override(locale[:2]):
        reason = reason_text(visits["nordlicht"].history.first().history_change_reason)
    assert reason == words["reason"]
