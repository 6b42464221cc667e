"""The reasons the app gives for a change reach each reader in their own language, wherever
shown; the reasons people type are shown exactly as typed (milestones.reasons)."""

# ruff: noqa: F811 (the fixture `jury`, imported from tests.jury_helpers, is the tests' argument)

import datetime

import pytest
import time_machine
from django.utils import translation

from milestones import plan, services
from milestones.dates import When
from milestones.models import Milestone, Person
from milestones.reasons import MARK, reason_text, system_reason
from tests.api_helpers import get, post, token_of
from tests.helpers import texts
from tests.jury_helpers import (
    JUNE_3,
    before_the_meeting,  # noqa: F401 (a fixture)
    jury,  # noqa: F401 (a fixture)
    preview_and_save,
    reminder_round,
)

pytestmark = pytest.mark.usefixtures("before_the_meeting")


def later():
    """An hour after the fixtures were made: the change is the history's last entry."""
    return time_machine.travel(JUNE_3 + datetime.timedelta(hours=1), tick=False)


def speaks(person, language):
    Person.objects.filter(pk=person.pk).update(language=language)


def history_of(client, person, milestone):
    """The milestone's history as its page shows it to ``person``."""
    client.force_login(person)
    return texts(client.get(f"/milestones/{milestone.pk}/"), ".history li")


def why(entry):
    return entry.rsplit(" · ", 1)[1]


def saxocell_milestone(item):
    return Milestone.objects.get(plan_item=item, cluster__slug="saxocell")


@pytest.fixture
def laid_out(client, officer, coordinator, jury):
    """An English officer saves the jury meeting's running order; the coordinator reads
    German."""
    speaks(officer, "en")
    speaks(coordinator, "de")
    client.force_login(officer)
    with later():
        preview_and_save(client, jury)
    return jury


def test_date_changed_email_gives_the_jury_reason_in_the_recipients_language(laid_out):
    emails = reminder_round()

    why_lines = {
        message.to[0]: [
            line for line in message.body.splitlines() if line.startswith(("Why:", "Grund:"))
        ]
        for message in emails
    }
    assert why_lines == {
        "Carla Coordinator <coordinator@saxocell.test>": [
            "Grund: Präsentationsslot 2 der Jurysitzung."
        ],
        "Max Member <member@saxocell.test>": ["Why: Presentation slot 2 of the jury meeting."],
        "Olga Other <coordinator@other.test>": ["Why: Presentation slot 1 of the jury meeting."],
    }


def test_history_page_gives_the_jury_reason_in_the_readers_language(
    client, coordinator, member, laid_out
):
    milestone = saxocell_milestone(laid_out)

    in_german = history_of(client, coordinator, milestone)
    in_english = history_of(client, member, milestone)

    assert why(in_german[-1]) == "„Präsentationsslot 2 der Jurysitzung.“"
    assert why(in_english[-1]) == "“Presentation slot 2 of the jury meeting.”"


def test_api_history_gives_the_jury_reason_in_the_persons_language(
    client, coordinator, member, laid_out
):
    milestone = saxocell_milestone(laid_out)
    url = f"/api/v1/milestones/{milestone.pk}/"

    in_german = get(client, url, token_of(coordinator)).json()["history"]
    in_english = get(client, url, token_of(member)).json()["history"]

    assert in_german[-1]["why"] == "Präsentationsslot 2 der Jurysitzung."
    assert in_english[-1]["why"] == "Presentation slot 2 of the jury meeting."


def test_typed_reason_is_shown_as_typed_in_both_languages(
    client, coordinator, member, officer, jury
):
    speaks(coordinator, "de")
    milestone = saxocell_milestone(jury)
    typed = "Jury chair ill – neuer Termin folgt"
    with later():
        plan.change_milestone_date(
            milestone=milestone, by=coordinator, reason=typed, starts_on=datetime.date(2024, 7, 3)
        )

    in_german = history_of(client, coordinator, milestone)
    in_english = history_of(client, member, milestone)

    assert why(in_german[-1]) == f"„{typed}“"
    assert why(in_english[-1]) == f"“{typed}”"


def test_typed_reason_that_looks_like_a_stored_one_is_kept_as_typed(
    client, coordinator, member, make_milestone
):
    milestone = make_milestone()

    response = post(
        client,
        f"/api/v1/milestones/{milestone.pk}/date/",
        token_of(coordinator),
        {"date_form": "day", "starts_on": "2024-07-03", "reason": system_reason("jury.day")},
    )

    # The mark is stripped as white space: what is left is text, shown as it came.
    assert response.status_code == 200
    assert why(history_of(client, member, milestone)[-1]) == '“["jury.day", {}]”'


def test_reason_written_before_the_keys_is_shown_as_stored(client, coordinator, member, jury):
    speaks(coordinator, "de")
    milestone = saxocell_milestone(jury)
    # What the app wrote before: the reason in the words of whoever made the change.
    with later():
        plan.change_milestone_date(
            milestone=milestone,
            by=None,
            reason="Presentation slot 1 of the jury meeting.",
            starts_on=datetime.date(2024, 7, 3),
        )
        services.set_status(milestone=milestone, status="in-progress", by=None, note="old note")

    in_german = history_of(client, coordinator, milestone)

    assert [why(entry) for entry in in_german[-2:]] == [
        "„Presentation slot 1 of the jury meeting.“",
        "„old note“",
    ]


def test_members_history_gives_the_invitation_reason_in_the_readers_language(
    client, coordinator, member
):
    speaks(member, "de")
    client.force_login(coordinator)
    client.post(
        "/clusters/saxocell/people/new/",
        {"email": "nina@saxocell.test", "name": "Nina New", "role": "member"},
    )

    client.force_login(member)
    in_german = texts(client.get("/clusters/saxocell/"), "#members-history-heading ~ ol li")
    client.force_login(coordinator)
    in_english = texts(client.get("/clusters/saxocell/"), "#members-history-heading ~ ol li")

    assert why(in_german[-1]) == "„Eingeladen.“"
    assert why(in_english[-1]) == "“Invited.”"


def test_stored_reason_with_typed_text_and_a_window_in_each_language():
    stored = system_reason("reviews.extension", reason="Krankheit im Team")
    window = When(
        starts_on=datetime.date(2024, 6, 1), ends_on=datetime.date(2024, 7, 31), is_tentative=True
    )

    with translation.override("de"):
        german = [reason_text(stored), reason_text(system_reason("plan.moved", window=window))]
    with translation.override("en"):
        english = [reason_text(stored), reason_text(system_reason("plan.moved", window=window))]

    assert stored.startswith(MARK)
    assert german == [
        "Verlängerung gewährt: Krankheit im Team",
        "Der Plan des Programms wurde auf Juni–Juli 2024 (Tag noch offen) verschoben: "
        "Der Tag wird erneut festgelegt.",
    ]
    assert english == [
        "Extension granted: Krankheit im Team",
        "The programme's plan moved to June–July 2024 (day not fixed): the day is fixed again.",
    ]
