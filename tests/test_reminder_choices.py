"""A person's own reminder settings: which kinds, which of the programme's lead times, the
digest's hour; the planning honours them, and the page says when emails go out."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from milestones import services
from milestones.models import Kind, Person, Reminder, ReminderMode, ReminderSchedule
from milestones.plan import change_milestone_date
from milestones.reminders.days import next_digest_moment
from milestones.reminders.planning import plan_due_reminders
from milestones.reminders.sending import send_due_reminders
from tests.helpers import texts
from tests.test_reminders import BERLIN, berlin, created_early, mailoutbox_empty, run, walk

__all__ = ["mailoutbox_empty"]  # a fixture of tests/test_reminders.py used here

TO = "Max Member <member@saxocell.test>"


def choose(person, **changes):
    services.change_person(person=person, changes=changes)


def test_lead_times_the_person_does_not_want_are_skipped(mailoutbox_empty, make_milestone, member):
    choose(member, muted_lead_days="28,14,3")
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    emails = list(walk(datetime.date(2024, 3, 18), datetime.date(2024, 4, 16), ((8, 0),)))

    assert emails == [
        ("2024-04-09 08:00", TO, "[SaxoCell] Cluster strategy: in 7 days"),
        ("2024-04-15 08:00", TO, "[SaxoCell] Cluster strategy: tomorrow"),
        ("2024-04-16 08:00", TO, "[SaxoCell] Cluster strategy: today"),
    ]
    assert list(Reminder.objects.order_by("-lead_days").values_list("lead_days", "state")) == [
        (28, "skipped"),
        (14, "skipped"),
        (7, "sent"),
        (3, "skipped"),
        (1, "sent"),
        (0, "sent"),
    ]


def test_a_person_without_overdue_reminders_gets_none_while_the_coordinator_does(
    mailoutbox_empty, make_milestone, member, coordinator
):
    choose(member, muted_reminder_kinds="overdue")
    with time_machine.travel(berlin(2024, 4, 2, 7, 0), tick=False):
        make_milestone(lead=member, starts_on=datetime.date(2024, 4, 2))

    summary = run(berlin(2024, 4, 3, 8, 0))

    assert [message.to[0] for message in mail.outbox] == [
        "Carla Coordinator <coordinator@saxocell.test>"
    ]
    assert str(summary) == "sent 1, failed 0, skipped 1, missed 0"


def test_without_date_change_emails_the_reminders_go_on_for_the_new_date(
    mailoutbox_empty, make_milestone, member, coordinator
):
    choose(member, muted_reminder_kinds="date-changed")
    milestone = created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 30))
    with time_machine.travel(berlin(2024, 4, 10, 7, 0), tick=False):
        change_milestone_date(
            milestone=milestone, by=coordinator, reason="", starts_on=datetime.date(2024, 4, 24)
        )

    emails = list(walk(datetime.date(2024, 4, 10), datetime.date(2024, 4, 10), ((8, 0),)))

    assert emails == [("2024-04-10 08:00", TO, "[SaxoCell] Cluster strategy: in 14 days")]


def test_digest_comes_at_the_persons_hour(mailoutbox_empty, make_milestone, member):
    choose(member, reminder_mode=ReminderMode.DIGEST, digest_hour=14)
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    emails = list(walk(datetime.date(2024, 4, 9), datetime.date(2024, 4, 9), ((8, 0), (14, 0))))

    assert emails == [("2024-04-09 14:00", TO, "[SaxoCell] Cluster strategy: in 7 days")]


def test_next_digest_moment_at_a_chosen_hour():
    moments = [
        next_digest_moment(berlin(2024, 4, 10, 8, 0), BERLIN, hour=14),
        next_digest_moment(berlin(2024, 4, 10, 14, 30), BERLIN, hour=14),
        next_digest_moment(berlin(2024, 4, 12, 16, 0), BERLIN, hour=14),
    ]

    assert moments == [
        berlin(2024, 4, 10, 14, 0),
        berlin(2024, 4, 10, 14, 30),
        berlin(2024, 4, 15, 14, 0),
    ]


def test_a_pending_reminder_of_a_lead_time_muted_since_is_skipped_when_sent(
    mailoutbox_empty, make_milestone, member
):
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))
    with time_machine.travel(berlin(2024, 4, 9, 7, 0), tick=False):
        plan_due_reminders(now=berlin(2024, 4, 9, 8, 0))
    choose(member, muted_lead_days="7")

    with time_machine.travel(berlin(2024, 4, 9, 8, 0), tick=False):
        summary = send_due_reminders(now=timezone.now())

    assert mail.outbox == []
    assert list(Reminder.objects.filter(lead_days=7).values_list("state", "last_error")) == [
        ("skipped", "the person wants no reminders of this kind or lead time")
    ]
    assert summary.sent == 0


# The page


@pytest.fixture
def page(client, member):
    client.force_login(member)
    return client


def test_reminders_page_offers_the_programmes_lead_times_and_says_when_emails_go_out(
    page, programme
):
    ReminderSchedule.objects.create(programme=programme, kind=Kind.OTHER, lead_days="10, 2")

    response = page.get("/account/reminders/")

    assert texts(response, ".reminder-times") == [
        "Individual emails go out at 08:00 (Europe/Berlin) on working days; one whose day "
        "falls on a weekend or a public holiday comes on the working day before. The digest "
        "comes once a day, on working days, at the hour you choose below, with everything "
        "that fell due since the last one."
    ]
    assert texts(response, "fieldset legend") == [
        "Reminders (required)",
        "Which reminders",
        "How long before",
    ]
    assert texts(response, "fieldset:nth-of-type(2) label") == [
        "Before the date",
        "Overdue",
        "Date changed",
    ]
    assert texts(response, "fieldset:nth-of-type(3) label") == [
        "28 days before",
        "14 days before",
        "10 days before",
        "7 days before",
        "3 days before",
        "2 days before",
        "1 day before",
        "On the day",
    ]


def test_reminders_page_saves_kinds_lead_times_and_the_digest_hour(page, member):
    response = page.post(
        "/account/reminders/",
        {
            "reminder_mode": "digest",
            "digest_hour": "7",
            "kinds": ["before", "date-changed"],
            "lead_days": ["7", "1", "0"],
        },
    )

    saved = Person.objects.get(pk=member.pk)
    assert response["Location"] == "/account/reminders/"
    assert (saved.digest_hour, saved.muted_reminder_kinds, saved.muted_lead_days) == (
        7,
        "overdue",
        "28,14,3",
    )


def test_reminders_page_refuses_no_kind_at_all_unless_off(page, member):
    response = page.post("/account/reminders/", {"reminder_mode": "individual"})

    assert texts(response, "small.field-error") == [
        "Choose at least one, or switch reminders off above."
    ]
    assert Person.objects.get(pk=member.pk).muted_reminder_kinds == ""
