"""The cluster's draft and its submission in a real browser (Debian's chromium, Playwright):
several files dropped at once with the upload's progress shown, a version submitted on time
and a later one late, in English and in German. Skipped without /usr/bin/chromium."""

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from milestones import plan
from milestones.models import Kind, Milestone, Person, PlanItem
from tests.test_browser import CHROMIUM, chromium, log_in

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)

BERLIN = ZoneInfo("Europe/Berlin")
# A real PDF's first bytes, then enough padding for the upload to report its progress.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PADDING = b"%" + b" " * (2 * 1024 * 1024) + b"\n"

WORDS = {
    "en": {
        "upload": "Upload",
        "submit": "Submit as version {number}",
        "on time": "Version 1, submitted 2 April 2024, 11:48, on time",
        "late": "Version 2, submitted 2 April 2024, 13:14, 1 hour 14 minutes late",
        "added": "Added to the draft: Strategie.pdf, Anhang.pdf.",
    },
    "de": {
        "upload": "Hochladen",
        "submit": "Als Version {number} einreichen",
        "on time": "Version 1, eingereicht am 2. April 2024, 11:48, fristgerecht",
        "late": "Version 2, eingereicht am 2. April 2024, 13:14, 1 Stunde 14 Minuten zu spät",
        "added": "Zum Entwurf hinzugefügt: Strategie.pdf, Anhang.pdf.",
    },
}

# Drops files on the draft's drop zone as a person dragging them from their desktop would, and
# notes every value the progress bar shows.
DROP_FILES = """([names, text]) => {
    window.progressShown = [];
    const progress = document.querySelector(".upload-progress");
    new MutationObserver(() => {
        if (!progress.hidden) window.progressShown.push(progress.value);
    }).observe(progress, {attributes: true});
    const dropped = new DataTransfer();
    for (const name of names) {
        dropped.items.add(new File([text], name, {type: "application/pdf"}));
    }
    const zone = document.querySelector(".drop-zone");
    zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dropped, bubbles: true, cancelable: true}));
    zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dropped, bubbles: true, cancelable: true}));
}"""


@pytest.fixture
def strategy(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    # The kick-off round's strategy submission, due 2 April 2024 (the demo's second round has one
    # too, relative to the day it is loaded).
    item = PlanItem.objects.get(
        programme__slug="clusters4future",
        kind=Kind.STRATEGY_SUBMISSION,
        starts_on=datetime.date(2024, 4, 2),
    )
    item.asks_submission = True
    item.starts_at = datetime.time(12, 0)
    plan.save_plan_item(plan_item=item)
    return Milestone.objects.get(cluster__slug="saxocell", plan_item=item)


@pytest.mark.parametrize("language", ["en", "de"])
def test_browser_draft_dropped_submitted_on_time_then_late(live_server, strategy, language):
    Person.objects.filter(email="member@saxocell.example").update(language=language)
    words = WORDS[language]
    text = (PDF + PADDING).decode("latin-1")
    path = f"{live_server.url}/milestones/{strategy.pk}/"

    with (
        time_machine.travel(
            datetime.datetime(2024, 4, 2, 11, 48, tzinfo=BERLIN), tick=False
        ) as clock,
        chromium() as browser,
    ):
        page = browser.new_page(locale="en-GB")
        log_in(page, live_server.url, "member@saxocell.example")
        page.goto(path)
        page.evaluate(DROP_FILES, [["Strategie.pdf", "Anhang.pdf"], text])
        page.locator("#submission [role=status]").wait_for()
        added = page.locator("#submission [role=status]").inner_text()
        progress = page.evaluate("window.progressShown")
        draft = page.locator(".draft-files tbody td:first-child").all_inner_texts()
        page.get_by_role("button", name=words["submit"].format(number=1)).click()
        on_time = page.locator(".submission-words").all_inner_texts()

        clock.move_to(datetime.datetime(2024, 4, 2, 13, 14, tzinfo=BERLIN))
        page.locator("input[type=file]").set_input_files(
            [{"name": "Strategie.pdf", "mimeType": "application/pdf", "buffer": PDF + b"%v2\n"}]
        )
        page.get_by_role("button", name=words["upload"], exact=True).click()
        page.get_by_role("button", name=words["submit"].format(number=2)).wait_for()
        page.get_by_role("button", name=words["submit"].format(number=2)).click()
        both = page.locator(".submission-words").all_inner_texts()

    assert added == words["added"]
    assert progress and max(progress) == 100
    assert draft == ["Anhang.pdf", "Strategie.pdf"]
    assert on_time == [words["on time"]]
    assert both == [words["late"], words["on time"]]
    assert list(strategy.submissions.values_list("number", "is_late")) == [(1, False), (2, True)]
