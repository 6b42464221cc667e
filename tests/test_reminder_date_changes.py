"""Who hears of a changed date, and that each hears of it once (milestones.reminders:
``planning.date_change_recipients``, ``announcing.announce_date_change``)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from milestones import services
from milestones.models import (
    Membership,
    Reminder,
    ReminderKind,
    ReminderMode,
    ReminderState,
    Role,
)
from milestones.plan import change_milestone_date
from milestones.reminders.announcing import announce_date_change
from milestones.reminders.sending import send_due_reminders
from tests.conftest import make_person
from tests.helpers import BERLIN

APRIL_9 = datetime.datetime(2024, 4, 9, 8, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(APRIL_9, tick=False):
        yield


def reminder_round():
    """One round now; (recipient, subject) of each email it sent, by recipient."""
    already = len(mail.outbox)
    send_due_reminders(now=APRIL_9)
    return sorted((m.to[0], m.subject) for m in mail.outbox[already:])


def move_to_april_30(milestone, by):
    change_milestone_date(
        milestone=milestone, by=by, reason="Jury asked", starts_on=datetime.date(2024, 4, 30)
    )


def test_date_changed_with_nobody_responsible_is_told_to_the_coordinators(
    make_milestone, coordinator, officer
):
    milestone = make_milestone(starts_on=datetime.date(2024, 4, 16))
    move_to_april_30(milestone, officer)

    first, second = reminder_round(), reminder_round()

    assert first == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 21 days",
        )
    ]
    assert second == []


def test_date_changed_is_told_to_the_people_responsible_only(
    make_milestone, member, coordinator, officer
):
    milestone = make_milestone(starts_on=datetime.date(2024, 4, 16), lead=member)
    move_to_april_30(milestone, officer)

    assert reminder_round() == [
        (
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 21 days",
        )
    ]


def test_date_changed_skips_coordinators_who_left_or_want_no_reminders(
    make_milestone, coordinator, officer, cluster
):
    coordinator.reminder_mode = ReminderMode.OFF
    coordinator.save()
    gone = make_person("gone@saxocell.test", "Gina Gone")
    services.add_membership(
        membership=Membership(person=gone, cluster=cluster, role=Role.COORDINATOR)
    )
    gone.is_active = False
    gone.save()
    milestone = make_milestone(starts_on=datetime.date(2024, 4, 16))
    move_to_april_30(milestone, officer)

    emails = reminder_round()

    assert emails == []
    assert list(Reminder.objects.values_list("person__email", "state")) == [
        ("coordinator@saxocell.test", ReminderState.SKIPPED)
    ]


def test_announced_date_change_tells_the_coordinators_too_once_and_stands_for_reminders(
    make_milestone, member, coordinator, officer
):
    # Due 16 April: its 7-day reminder is due now, 9 April 08:00, as the change is told.
    milestone = make_milestone(starts_on=datetime.date(2024, 4, 10), lead=member)
    with transaction.atomic():
        change_milestone_date(
            milestone=milestone, by=officer, reason="Extended", starts_on=datetime.date(2024, 4, 16)
        )
        announce_date_change(milestone=milestone)

    first, second = reminder_round(), reminder_round()

    assert first == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 7 days",
        ),
        (
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 7 days",
        ),
    ]
    assert second == []
    assert set(
        Reminder.objects.filter(person=member, date_version=milestone.date_version).values_list(
            "kind", "lead_days", "state"
        )
    ) == {
        (ReminderKind.DATE_CHANGED, 0, ReminderState.SENT),
        (ReminderKind.BEFORE, 7, ReminderState.SKIPPED),
        (ReminderKind.BEFORE, 14, ReminderState.SKIPPED),
        (ReminderKind.BEFORE, 28, ReminderState.SKIPPED),
    }
