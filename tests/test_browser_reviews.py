"""The programme officer's side of submissions in a real browser (Debian's chromium through
Playwright, as tests/test_browser.py): an extension, a revision, the cluster's new version
accepted, and every cluster's latest version as one ZIP; in English and in German.

Time stands still at 21 March 2024, 09:00 in Berlin. The cluster's versions are made as rows
(tests/submission_rows.py) in a thread of their own: Playwright's event loop runs in the
test's thread, where Django refuses database calls.
"""

import concurrent.futures
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from milestones.models import Kind, Milestone, Person, Review, Status
from tests.helpers import MARCH_21
from tests.submission_rows import STRATEGY_PDF, add_submission
from tests.test_browser import CHROMIUM, chromium, log_in

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)

BUDGET_XLSX = b"PK\x03\x04 the budget as a spreadsheet"

WORDS = {
    "en": {
        "submissions": "Submissions",
        "extension": "Grant an extension",
        "new_day": "New day",
        "cut_off": "Cut-off time",
        "reason": "Reason",
        "grant": "Grant the extension",
        "what": "What should change",
        "due": "New due date",
        "revise": "Request a revision",
        "note": "Note to the cluster",
        "accept": "Accept version 2",
        "zip": "Download every cluster's latest version (ZIP)",
    },
    "de": {
        "submissions": "Einreichungen",
        "extension": "Verlängerung gewähren",
        "new_day": "Neuer Tag",
        "cut_off": "Uhrzeit der Frist",
        "reason": "Begründung",
        "grant": "Verlängerung gewähren",
        "what": "Was sich ändern soll",
        "due": "Neuer Abgabetermin",
        "revise": "Überarbeitung erbitten",
        "note": "Anmerkung für das Cluster",
        "accept": "Version 2 annehmen",
        "zip": "Die neueste Version jedes Clusters herunterladen (ZIP)",
    },
}

EXPECTED = {
    "en": {
        "extended": "SaxoCell now has until 16 April 2024, 12:00.",
        "extension": "Extended to 16 April 2024, 12:00 by Olivia Officer: Illness in the team",
        "revised": "A revision of version 1 is requested.",
        "accepted": "Version 2 is accepted; the milestone is done.",
        "reviews": [
            "21 March 2024, 09:00: Revision of version 1 requested by Olivia Officer, due "
            "23 April 2024, 12:00: Add the budget",
            "21 March 2024, 09:00: Version 2 accepted by Olivia Officer: Thank you",
        ],
    },
    "de": {
        "extended": "SaxoCell hat jetzt bis 16. April 2024, 12:00 Zeit.",
        "extension": "Verlängert bis 16. April 2024, 12:00 von Olivia Officer: Illness in the team",
        "revised": "Eine Überarbeitung von Version 1 ist erbeten.",
        "accepted": "Version 2 ist angenommen; der Meilenstein ist erledigt.",
        "reviews": [
            "21. März 2024, 09:00: Überarbeitung von Version 1 erbeten von Olivia Officer, fällig "
            "23. April 2024, 12:00: Add the budget",
            "21. März 2024, 09:00: Version 2 angenommen von Olivia Officer: Thank you",
        ],
    },
}


def in_own_thread(function):
    """Run a database call away from Playwright's event loop; its connection closed after."""

    def call():
        try:
            return function()
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(MARCH_21, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        strategy = Milestone.objects.select_related("plan_item").get(
            cluster__slug="saxocell", kind=Kind.STRATEGY_SUBMISSION, is_open=True
        )
        item = strategy.plan_item
        item.asks_submission = True
        item.save()
        yield strategy, Person.objects.get(email="coordinator@saxocell.example")


def _reviews_text(page):
    return [" ".join(text.split()) for text in page.locator(".reviews li").all_inner_texts()]


@pytest.mark.parametrize("language", ["en", "de"])
def test_browser_officer_extends_asks_for_a_revision_accepts_and_downloads(
    live_server, demo, language
):
    strategy, coordinator = demo
    officer = Person.objects.get(email="officer@c4f.example")
    officer.language = language
    officer.save()
    words = WORDS[language]
    seen = {}

    with time_machine.travel(MARCH_21, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, "officer@c4f.example")
        page.goto(f"{live_server.url}/programmes/clusters4future/")
        column = page.locator(".matrix thead th", has_text=strategy.plan_item.title)
        column.get_by_role("link", name=words["submissions"]).click()
        page.get_by_role("link", name="SaxoCell").click()

        page.get_by_role("button", name=words["extension"]).click()
        page.get_by_label(words["new_day"]).fill("2024-04-16")
        page.get_by_label(words["cut_off"]).fill("12:00")
        page.get_by_label(words["reason"]).fill("Illness in the team")
        page.get_by_role("button", name=words["grant"]).click()
        seen["extended"] = page.get_by_role("status").inner_text()
        seen["extension"] = page.locator(".extensions li").inner_text()

        # The cluster submits, and the officer asks for a revision.
        in_own_thread(lambda: add_submission(strategy, by=coordinator))
        page.reload()
        page.get_by_label(words["what"]).fill("Add the budget")
        page.get_by_label(words["due"]).fill("2024-04-23")
        page.get_by_label(words["cut_off"]).fill("12:00")
        page.get_by_role("button", name=words["revise"]).click()
        seen["revised"] = page.get_by_role("status").inner_text()

        # The cluster answers with a new version.
        in_own_thread(
            lambda: add_submission(
                strategy,
                by=coordinator,
                number=2,
                files={"strategy.pdf": STRATEGY_PDF, "budget.xlsx": BUDGET_XLSX},
            )
        )
        page.reload()
        page.get_by_label(words["note"]).fill("Thank you")
        page.get_by_role("button", name=words["accept"]).click()
        seen["accepted"] = page.get_by_role("status").inner_text()
        seen["reviews"] = _reviews_text(page)

        page.goto(f"{live_server.url}/programmes/clusters4future/")
        column = page.locator(".matrix thead th", has_text=strategy.plan_item.title)
        column.get_by_role("link", name=words["submissions"]).click()
        with page.expect_download() as download:
            page.get_by_role("button", name=words["zip"]).click()
        file_name = download.value.suggested_filename
        archive = zipfile.ZipFile(download.value.path())
        names = archive.namelist()
        checksums = [hashlib.sha256(archive.read(name)).hexdigest() for name in names]
        page.close()

    strategy.refresh_from_db()
    assert seen == EXPECTED[language]
    assert strategy.status == Status.DONE
    assert Review.objects.count() == 2
    assert file_name == (
        "Submission of the updated “cluster strategy” for the 3rd phase 2024-04-15.zip"
    )
    assert names == ["SaxoCell/budget.xlsx", "SaxoCell/strategy.pdf"]
    assert checksums == [
        hashlib.sha256(BUDGET_XLSX).hexdigest(),
        hashlib.sha256(STRATEGY_PDF).hexdigest(),
    ]
