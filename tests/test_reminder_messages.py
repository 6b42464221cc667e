"""What reminder emails and the send_reminders summary say (milestones.reminders.facts)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from milestones.models import Milestone, Person, ReminderMode, Status
from milestones.plan import change_milestone_date
from milestones.reminders.planning import plan_due_reminders
from milestones.reminders.sending import send_due_reminders

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=8, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def created_early(make_milestone, **fields):
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        return make_milestone(**fields)


def run(moment):
    with time_machine.travel(moment, tick=False):
        return send_due_reminders(now=timezone.now())


def lines(message):
    return message.body.replace("\r\n", "\n").splitlines()


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_HOLIDAY_STATE = "SN"
    settings.SITE_URL = "https://tracker.test"
    mail.outbox = []
    return mail.outbox


def test_reminder_moved_before_easter_says_why_it_comes_early(outbox, make_milestone, member):
    milestone = created_early(
        make_milestone, lead=member, title="Strategy", starts_on=datetime.date(2024, 4, 29)
    )

    run(berlin(2024, 3, 28))

    [message] = mail.outbox
    assert lines(message)[2:] == [
        "Strategy (SaxoCell): in 32 days",
        "Date: 29 April 2024",
        "Status: Planned",
        "Lead: Max Member",
        "This reminder comes 4 days early, on the working day before Good Friday, the weekend "
        "and Easter Monday (it was due on 1 April 2024).",
        "Next: once it is handed in, mark it done on its page:",
        f"https://tracker.test/milestones/{milestone.pk}/",
        "",
        "-- ",
        "You get this email because you are responsible for this milestone, or coordinate "
        "its cluster.",
        "How you are reminded (individual emails, one daily digest, or none): "
        "https://tracker.test/account/reminders/",
        lines(message)[-1],
    ]


def test_reminder_moved_before_easter_says_why_in_german(outbox, make_milestone, member):
    Person.objects.filter(pk=member.pk).update(language="de")
    created_early(
        make_milestone, lead=member, title="Strategy", starts_on=datetime.date(2024, 4, 29)
    )

    run(berlin(2024, 3, 28))

    [message] = mail.outbox
    assert lines(message)[6] == (
        "Diese Erinnerung kommt 4 Tage früher, am Arbeitstag vor Karfreitag, dem Wochenende "
        "und Ostermontag (sie war für den 1. April 2024 vorgesehen)."
    )


def test_reminder_moved_before_a_weekend_says_so(outbox, make_milestone, member):
    # 7 days before Sunday 14 April 2024 is Sunday 7 April: it goes on Friday 5 April.
    created_early(
        make_milestone, lead=member, title="Strategy", starts_on=datetime.date(2024, 4, 14)
    )

    run(berlin(2024, 4, 5))

    [message] = mail.outbox
    assert lines(message)[6] == (
        "This reminder comes 2 days early, on the working day before the weekend "
        "(it was due on 7 April 2024)."
    )


def test_reminder_on_its_own_day_says_nothing_of_coming_early(outbox, make_milestone, member):
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    run(berlin(2024, 4, 9))

    [message] = mail.outbox
    assert lines(message)[2:7] == [
        "Cluster strategy (SaxoCell): in 7 days",
        "Date: 16 April 2024",
        "Status: Planned",
        "Lead: Max Member",
        "Next: once it is handed in, mark it done on its page:",
    ]


def test_date_changed_email_gives_old_and_new_date_who_and_why(
    outbox, make_milestone, member, coordinator
):
    milestone = created_early(
        make_milestone,
        lead=member,
        starts_on=datetime.date(2024, 4, 16),
        starts_at=datetime.time(12, 0),
        status=Status.IN_PROGRESS,
    )
    with time_machine.travel(berlin(2024, 4, 10, 6, 0), tick=False):
        change_milestone_date(
            milestone=milestone,
            by=coordinator,
            reason="The jury asked for a later date",
            starts_on=datetime.date(2024, 4, 30),
        )

    run(berlin(2024, 4, 10))

    [message] = mail.outbox
    assert message.subject == "[SaxoCell] Cluster strategy: date changed, in 20 days"
    assert lines(message)[2:13] == [
        "Cluster strategy (SaxoCell): date changed, in 20 days",
        "The date of this milestone has changed. Reminders now count from the new date.",
        "Date changed: 16 April 2024, due 12:00 → 30 April 2024, due 12:00",
        "Changed by: Carla Coordinator",
        "Why: The jury asked for a later date",
        "Date: 30 April 2024, due 12:00 (Europe/Berlin)",
        "Status: In progress",
        "Lead: Max Member",
        "Next: once it is handed in, mark it done on its page:",
        f"https://tracker.test/milestones/{milestone.pk}/",
        "",
    ]
    html = message.alternatives[0][0]
    assert (
        "<ul><li>Date changed: 16 April 2024, due 12:00 → 30 April 2024, due 12:00</li>"
        "<li>Changed by: Carla Coordinator</li><li>Why: The jury asked for a later date</li></ul>"
    ) in html


def test_digest_words_an_item_as_the_single_email_does(outbox, make_milestone, member, coordinator):
    Person.objects.filter(pk=member.pk).update(reminder_mode=ReminderMode.DIGEST, digest_hour=8)
    visit = created_early(
        make_milestone,
        lead=coordinator,
        contributors=[member],
        kind="on-site-visit",
        title="On-site visit",
        location="Leipzig",
        starts_on=datetime.date(2024, 4, 16),
        starts_at=datetime.time(10, 0),
    )
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    run(berlin(2024, 4, 9))

    emails = {message.to[0]: lines(message) for message in mail.outbox}
    single = emails["Carla Coordinator <coordinator@saxocell.test>"]
    digest = emails["Max Member <member@saxocell.test>"]
    visit_item = [
        "On-site visit (SaxoCell): in 7 days",
        "Date: 16 April 2024, 10:00 (Europe/Berlin)",
        "Status: Planned",
        "Lead: Carla Coordinator",
        "Location: Leipzig",
        "Next: once it has taken place, mark it done on its page:",
        f"https://tracker.test/milestones/{visit.pk}/",
    ]
    assert single[2:9] == visit_item
    assert digest[2] == "Your reminders for today:"
    assert visit_item in [digest[4:11], digest[12:19]]
    assert (single[-3], digest[-3]) == (
        "You get this email because you are responsible for this milestone, or coordinate "
        "its cluster.",
        "You get this email because you are responsible for these milestones, or coordinate "
        "their cluster.",
    )


def test_dry_run_says_one_day_and_the_kinds_in_words(make_milestone, member, coordinator):
    created_early(
        make_milestone, lead=member, title="Strategy", starts_on=datetime.date(2024, 4, 10)
    )
    created_early(make_milestone, lead=member, title="Report", starts_on=datetime.date(2024, 4, 8))
    out = io.StringIO()

    call_command("send_reminders", "--dry-run", "--now", "2024-04-09T08:00+02:00", stdout=out)

    assert out.getvalue().splitlines() == [
        "would send to member@saxocell.test: Strategy (reminder 1 day before)",
        "would send to member@saxocell.test: Report (overdue)",
        "would send to coordinator@saxocell.test: Report (overdue)",
        "dry run, would have: sent 3, failed 0, skipped 0, missed 4",
        "  missed 4 because their day passed before a round ran; the latest reminder goes instead",
    ]


def test_summary_says_why_reminders_were_skipped(make_milestone, member):
    Person.objects.filter(pk=member.pk).update(reminder_mode=ReminderMode.OFF)
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))
    out = io.StringIO()

    call_command("send_reminders", "--now", "2024-04-09T08:00+02:00", stdout=out)

    assert out.getvalue().splitlines() == [
        "sent 0, failed 0, skipped 3, missed 0",
        "  skipped 3 because the person wants no reminders of this kind or lead time",
    ]


def test_summary_says_a_done_milestone_is_skipped(outbox, make_milestone, member):
    milestone = created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))
    with time_machine.travel(berlin(2024, 4, 9, 7, 0), tick=False):
        plan_due_reminders(now=berlin(2024, 4, 9, 8, 0))
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.DONE)

    summary = run(berlin(2024, 4, 9))

    assert (summary.lines(), mail.outbox) == (
        ["sent 0, failed 0, skipped 1, missed 0", "  skipped 1 because the milestone is done"],
        [],
    )
