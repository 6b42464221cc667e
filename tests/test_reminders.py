"""What is due when, to whom, and that each reminder goes out once (milestones.reminders)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from milestones.models import (
    Kind,
    Person,
    Reminder,
    ReminderKind,
    ReminderMode,
    ReminderSchedule,
    ReminderState,
    Status,
)
from milestones.plan import change_milestone_date, confirm_day
from milestones.reminders.days import next_digest_moment, send_moment, working_day_on_or_before
from milestones.reminders.planning import due_reminders, plan_due_reminders
from milestones.reminders.sending import send_due_reminders

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=8, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def created_early(make_milestone, **fields):
    """A milestone that existed since 1 March 2024, before any of its reminders was due."""
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        return make_milestone(**fields)


def run(moment):
    """One worker round at that moment; returns the summary."""
    with time_machine.travel(moment, tick=False):
        return send_due_reminders(now=timezone.now())


def sent(messages):
    return [(message.to[0], message.subject) for message in messages]


def walk(first_day, last_day, times=((7, 59), (8, 0), (17, 30))):
    """Run the worker a few times every day; yield (local date and time, emails sent then)."""
    day = first_day
    while day <= last_day:
        for hour, minute in times:
            before = len(mail.outbox)
            run(berlin(day.year, day.month, day.day, hour, minute))
            moment = f"{day.isoformat()} {hour:02d}:{minute:02d}"
            # Emails of one round in the order of their recipients: the order of sending is
            # the database's.
            yield from sorted(
                (moment, message.to[0], message.subject) for message in mail.outbox[before:]
            )
        day += datetime.timedelta(days=1)


@pytest.fixture
def mailoutbox_empty(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_HOLIDAY_STATE = "SN"
    mail.outbox = []
    return mail.outbox


def test_longest_lead_time_moved_back_over_easter_goes_out_on_the_day_before(
    mailoutbox_empty, make_milestone, member
):
    # Due Monday 29 April 2024: 28 days before is Easter Monday, so the reminder goes out on
    # Thursday 28 March, four days before its lead time (it went out on Easter Sunday).
    created_early(
        make_milestone, lead=member, title="Strategy", starts_on=datetime.date(2024, 4, 29)
    )

    emails = list(walk(datetime.date(2024, 3, 27), datetime.date(2024, 4, 2)))

    assert emails == [
        (
            "2024-03-28 08:00",
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Strategy: in 32 days",
        )
    ]


def test_no_due_today_email_after_the_cut_off(mailoutbox_empty, make_milestone, member):
    # Workers down until the afternoon of a deadline due at 12:00: "due today" would come
    # too late to help.
    created_early(make_milestone, lead=member, starts_at=datetime.time(12, 0))

    summary = run(berlin(2024, 4, 2, 16, 0))

    assert (mail.outbox, str(summary)) == ([], "sent 0, failed 0, skipped 0, missed 0")


def test_due_today_email_held_up_past_the_cut_off_is_missed(
    mailoutbox_empty, make_milestone, member
):
    # Planned at 08:00, but not sent before 12:00 (the mail server away all morning).
    created_early(make_milestone, lead=member, starts_at=datetime.time(12, 0))
    with time_machine.travel(berlin(2024, 4, 2, 8, 0), tick=False):
        plan_due_reminders(now=timezone.now())

    summary = run(berlin(2024, 4, 2, 12, 0))

    row = Reminder.objects.get(lead_days=0)
    assert (mail.outbox, str(summary)) == ([], "sent 0, failed 0, skipped 0, missed 1")
    assert (row.state, row.last_error) == (ReminderState.MISSED, "the date has passed")


@pytest.mark.parametrize("change", ["no longer responsible", "left the cluster"])
def test_pending_reminder_of_someone_no_longer_concerned_is_not_sent(
    mailoutbox_empty, make_milestone, member, coordinator, change
):
    # Planned for the next morning's digest; meanwhile the person is taken off the milestone
    # or leaves the cluster: its milestones are none of their business any more.
    member.reminder_mode = ReminderMode.DIGEST
    member.save()
    strategy = created_early(make_milestone, lead=coordinator, contributors=[member])
    with time_machine.travel(berlin(2024, 3, 26, 10, 0), tick=False):
        plan_due_reminders(now=timezone.now())
    if change == "no longer responsible":
        strategy.responsibilities.filter(person=member).delete()
    else:
        member.memberships.all().delete()

    summary = run(berlin(2024, 3, 27, 8, 0))

    row = Reminder.objects.get(person=member, lead_days=7)
    # The lead's own, held back too by the run that only planned, goes out.
    assert sent(mail.outbox) == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: in 6 days",
        )
    ]
    assert str(summary) == "sent 1, failed 0, skipped 1, missed 0"
    assert (row.state, row.last_error) == (
        ReminderState.SKIPPED,
        "the person is no longer responsible for it, or left its cluster",
    )


def test_walk_two_months_sends_exactly_the_expected_emails_on_the_expected_days(
    mailoutbox_empty, make_milestone, member, coordinator, cluster
):
    # A deadline on Tuesday 2 April 2024, 12:00: its 3- and 1-day reminders fall on Good Friday
    # and Easter Monday and move to Thursday 28 March, as one email. DST starts on 31 March.
    make_milestone(
        lead=member, title="Cluster strategy", starts_at=datetime.time(12, 0), location=""
    )
    # Due Monday 8 April: the 7-day reminder falls on Easter Monday, so Thursday 28 March; the
    # 1-day reminder on Sunday 7 April joins the 3-day one on Friday 5 April.
    make_milestone(
        lead=member,
        contributors=[coordinator],
        kind=Kind.PROGRESS_REPORT,
        title="Progress report",
        starts_on=datetime.date(2024, 4, 8),
    )
    # A window in May, day not fixed: counted from 1 May (a holiday, so the 1-day reminder
    # goes out on 30 April).
    make_milestone(
        lead=coordinator,
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 5, 31),
        is_tentative=True,
    )
    max_, carla = (
        "Max Member <member@saxocell.test>",
        "Carla Coordinator <coordinator@saxocell.test>",
    )

    emails = list(walk(datetime.date(2024, 3, 1), datetime.date(2024, 4, 30)))

    assert emails == [
        ("2024-03-05 08:00", max_, "[SaxoCell] Cluster strategy: in 28 days"),
        ("2024-03-11 08:00", carla, "[SaxoCell] Progress report: in 28 days"),
        ("2024-03-11 08:00", max_, "[SaxoCell] Progress report: in 28 days"),
        ("2024-03-19 08:00", max_, "[SaxoCell] Cluster strategy: in 14 days"),
        ("2024-03-25 08:00", carla, "[SaxoCell] Progress report: in 14 days"),
        ("2024-03-25 08:00", max_, "[SaxoCell] Progress report: in 14 days"),
        ("2024-03-26 08:00", max_, "[SaxoCell] Cluster strategy: in 7 days"),
        ("2024-03-28 08:00", carla, "[SaxoCell] Progress report: in 11 days"),
        ("2024-03-28 08:00", max_, "[SaxoCell] Cluster strategy: in 5 days"),
        ("2024-03-28 08:00", max_, "[SaxoCell] Progress report: in 11 days"),
        ("2024-04-02 08:00", max_, "[SaxoCell] Cluster strategy: today"),
        ("2024-04-03 08:00", carla, "[SaxoCell] Cluster strategy: 1 day overdue"),
        ("2024-04-03 08:00", max_, "[SaxoCell] Cluster strategy: 1 day overdue"),
        ("2024-04-05 08:00", carla, "[SaxoCell] Progress report: in 3 days"),
        ("2024-04-05 08:00", max_, "[SaxoCell] Progress report: in 3 days"),
        ("2024-04-08 08:00", carla, "[SaxoCell] Progress report: today"),
        ("2024-04-08 08:00", max_, "[SaxoCell] Progress report: today"),
        ("2024-04-09 08:00", carla, "[SaxoCell] Progress report: 1 day overdue"),
        ("2024-04-09 08:00", max_, "[SaxoCell] Progress report: 1 day overdue"),
        ("2024-04-17 08:00", carla, "[SaxoCell] On-site visit: window opens in 14 days"),
        ("2024-04-24 08:00", carla, "[SaxoCell] On-site visit: window opens in 7 days"),
        ("2024-04-30 08:00", carla, "[SaxoCell] On-site visit: window opens in 1 day"),
    ]


def test_send_moment_is_eight_in_berlin_on_both_sides_of_the_dst_change(settings):
    settings.REMINDER_SEND_TIME = "08:00"

    winter = send_moment(datetime.date(2024, 3, 28), BERLIN)
    summer = send_moment(datetime.date(2024, 4, 2), BERLIN)
    autumn = send_moment(datetime.date(2024, 10, 28), BERLIN)

    assert [m.astimezone(datetime.UTC).isoformat() for m in (winter, summer, autumn)] == [
        "2024-03-28T07:00:00+00:00",
        "2024-04-02T06:00:00+00:00",
        "2024-10-28T07:00:00+00:00",
    ]


def test_working_day_on_or_before_skips_german_unity_day_and_the_weekend(settings):
    settings.REMINDER_HOLIDAY_STATE = "SN"

    # Thursday 3 October 2024 is German Unity Day; Sunday 6 October falls back to Friday 4.
    results = [
        working_day_on_or_before(datetime.date(2024, 10, 3)),
        working_day_on_or_before(datetime.date(2024, 10, 6)),
        working_day_on_or_before(datetime.date(2024, 10, 31)),
    ]

    # 31 October (Reformation Day) is a holiday in Saxony.
    assert results == [
        datetime.date(2024, 10, 2),
        datetime.date(2024, 10, 4),
        datetime.date(2024, 10, 30),
    ]


def test_working_day_on_or_before_follows_the_configured_state(settings):
    settings.REMINDER_HOLIDAY_STATE = "BE"

    # Reformation Day is no holiday in Berlin.
    result = working_day_on_or_before(datetime.date(2024, 10, 31))

    assert result == datetime.date(2024, 10, 31)


def test_walk_across_the_october_dst_change_sends_at_eight_local(
    mailoutbox_empty, make_milestone, member
):
    # Jury meeting on Tuesday 5 November 2024: 14 days before is 22 October (CEST), 7 days
    # before 29 October (CET, after the change on 27 October), 1 day before 4 November.
    make_milestone(
        lead=member,
        kind=Kind.JURY_MEETING,
        title="Jury meeting",
        starts_on=datetime.date(2024, 11, 5),
        starts_at=datetime.time(10, 0),
    )

    emails = list(walk(datetime.date(2024, 10, 1), datetime.date(2024, 11, 30)))
    moments = [r.sent_at.astimezone(datetime.UTC).isoformat() for r in Reminder.objects.all()]

    to = "Max Member <member@saxocell.test>"
    assert emails == [
        ("2024-10-22 08:00", to, "[SaxoCell] Jury meeting: in 14 days"),
        ("2024-10-29 08:00", to, "[SaxoCell] Jury meeting: in 7 days"),
        ("2024-11-04 08:00", to, "[SaxoCell] Jury meeting: tomorrow"),
    ]
    assert moments == [
        "2024-10-22T06:00:00+00:00",
        "2024-10-29T07:00:00+00:00",
        "2024-11-04T07:00:00+00:00",
    ]


def test_send_due_reminders_done_after_seven_day_reminder_sends_nothing_more(
    mailoutbox_empty, make_milestone, member, coordinator
):
    milestone = make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))
    early = list(walk(datetime.date(2024, 4, 9), datetime.date(2024, 4, 9)))
    milestone.status = Status.DONE
    milestone.save()

    later = list(walk(datetime.date(2024, 4, 10), datetime.date(2024, 4, 30)))

    assert early == [
        (
            "2024-04-09 08:00",
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: in 7 days",
        )
    ]
    assert later == []


def test_send_due_reminders_date_moved_after_reminders_went_out(
    mailoutbox_empty, make_milestone, member, coordinator
):
    milestone = make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))
    before_move = list(walk(datetime.date(2024, 3, 15), datetime.date(2024, 4, 9)))
    with time_machine.travel(berlin(2024, 4, 10, 6, 0), tick=False):
        change_milestone_date(
            milestone=milestone,
            by=coordinator,
            reason="Jury asked",
            starts_on=datetime.date(2024, 4, 30),
        )

    after_move = list(walk(datetime.date(2024, 4, 10), datetime.date(2024, 5, 5)))

    to, carla = "Max Member <member@saxocell.test>", "Carla Coordinator <coordinator@saxocell.test>"
    assert before_move == [
        ("2024-03-19 08:00", to, "[SaxoCell] Cluster strategy: in 28 days"),
        ("2024-04-02 08:00", to, "[SaxoCell] Cluster strategy: in 14 days"),
        ("2024-04-09 08:00", to, "[SaxoCell] Cluster strategy: in 7 days"),
    ]
    # The 14-day reminder for the new date fell on 16 April: the date-changed email stands
    # for the ones already due, reminders then count from 30 April.
    assert after_move == [
        ("2024-04-10 07:59", to, "[SaxoCell] Cluster strategy: date changed, in 20 days"),
        ("2024-04-16 08:00", to, "[SaxoCell] Cluster strategy: in 14 days"),
        ("2024-04-23 08:00", to, "[SaxoCell] Cluster strategy: in 7 days"),
        ("2024-04-26 08:00", to, "[SaxoCell] Cluster strategy: in 4 days"),
        ("2024-04-29 08:00", to, "[SaxoCell] Cluster strategy: tomorrow"),
        ("2024-04-30 08:00", to, "[SaxoCell] Cluster strategy: today"),
        ("2024-05-02 08:00", carla, "[SaxoCell] Cluster strategy: 2 days overdue"),
        ("2024-05-02 08:00", to, "[SaxoCell] Cluster strategy: 2 days overdue"),
    ]


def test_send_due_reminders_window_confirmed_announces_the_day_once(
    mailoutbox_empty, make_milestone, member, coordinator
):
    milestone = make_milestone(
        lead=member,
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
    )
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        confirm_day(milestone=milestone, day=datetime.date(2024, 6, 12), by=coordinator)

    emails = list(walk(datetime.date(2024, 3, 1), datetime.date(2024, 3, 3)))

    with translation.override("en"):
        body = mail.outbox[0].body
    assert emails == [
        (
            "2024-03-01 07:59",
            "Max Member <member@saxocell.test>",
            "[SaxoCell] On-site visit: date changed, in 103 days",
        )
    ]
    assert "Date: 12 June 2024\n" in body.replace("\r\n", "\n")


def test_send_due_reminders_catch_up_sends_only_the_newest_and_records_missed(
    mailoutbox_empty, make_milestone, member
):
    milestone = created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    # Down from before the 28-day reminder (19 March) until after the 7-day one (9 April).
    summary = run(berlin(2024, 4, 11, 9, 30))
    again = run(berlin(2024, 4, 11, 9, 45))

    ledger = list(
        Reminder.objects.filter(milestone=milestone).values_list("kind", "lead_days", "state")
    )
    assert sent(mail.outbox) == [
        ("Max Member <member@saxocell.test>", "[SaxoCell] Cluster strategy: in 5 days")
    ]
    assert (str(summary), str(again)) == (
        "sent 1, failed 0, skipped 0, missed 2",
        "sent 0, failed 0, skipped 0, missed 0",
    )
    assert sorted(ledger) == [
        ("before", 7, "sent"),
        ("before", 14, "missed"),
        ("before", 28, "missed"),
    ]


def test_send_due_reminders_digest_collects_a_persons_reminders_in_one_email(
    mailoutbox_empty, make_milestone, member
):
    member.reminder_mode = ReminderMode.DIGEST
    member.save()
    make_milestone(lead=member, title="Cluster strategy", starts_on=datetime.date(2024, 4, 16))
    make_milestone(
        lead=member,
        kind=Kind.JURY_MEETING,
        title="Jury meeting",
        starts_on=datetime.date(2024, 4, 23),
    )

    summary = run(berlin(2024, 4, 9))

    # Created after they were due, the strategy's 28- and 14-day reminders are skipped.
    assert str(summary) == "sent 2, failed 0, skipped 2, missed 0"
    assert sent(mail.outbox) == [
        ("Max Member <member@saxocell.test>", "Your reminders: 2 milestones")
    ]
    assert [name for name, _content, _type in mail.outbox[0].attachments] == [
        f"milestone-{pk}.ics"
        for pk in sorted(set(Reminder.objects.values_list("milestone_id", flat=True)))
    ]


def test_send_due_reminders_person_off_gets_nothing_and_the_ledger_says_skipped(
    mailoutbox_empty, make_milestone, member
):
    member.reminder_mode = ReminderMode.OFF
    member.save()
    make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))

    summary = run(berlin(2024, 4, 9))

    assert mail.outbox == []
    assert str(summary) == "sent 0, failed 0, skipped 3, missed 0"
    assert list(Reminder.objects.values_list("lead_days", "state")) == [
        (28, "skipped"),
        (14, "skipped"),
        (7, "skipped"),
    ]


def test_send_due_reminders_programme_schedule_replaces_the_default(
    mailoutbox_empty, make_milestone, member, programme
):
    schedule = ReminderSchedule(
        programme=programme, kind=Kind.STRATEGY_SUBMISSION, lead_days="10,2"
    )
    schedule.full_clean()
    schedule.save()
    make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))

    emails = list(walk(datetime.date(2024, 4, 1), datetime.date(2024, 4, 16)))

    to = "Max Member <member@saxocell.test>"
    assert emails == [
        ("2024-04-05 08:00", to, "[SaxoCell] Cluster strategy: in 11 days"),
        ("2024-04-12 08:00", to, "[SaxoCell] Cluster strategy: in 4 days"),
    ]
    assert schedule.lead_days == "10, 2"


def test_reminder_schedule_rejects_words(programme):
    schedule = ReminderSchedule(programme=programme, kind=Kind.OTHER, lead_days="7, soon")

    with pytest.raises(ValidationError) as error:
        schedule.full_clean()

    assert error.value.message_dict == {
        "lead_days": ["Give whole days from 0 to 366, separated by commas, e.g. “14, 7, 1”."]
    }


def test_send_due_reminders_dry_run_changes_nothing(mailoutbox_empty, make_milestone, member):
    created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))

    with time_machine.travel(berlin(2024, 4, 11, 9, 30), tick=False):
        summary = send_due_reminders(now=timezone.now(), dry_run=True)

    assert str(summary) == "dry run, would have: sent 1, failed 0, skipped 0, missed 2"
    assert mail.outbox == []
    assert Reminder.objects.count() == 0


def test_send_due_reminders_inactive_person_is_not_reminded(
    mailoutbox_empty, make_milestone, member
):
    Person.objects.filter(pk=member.pk).update(is_active=False)
    make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))

    summary = run(berlin(2024, 4, 9))

    assert (str(summary), mail.outbox) == ("sent 0, failed 0, skipped 0, missed 0", [])


def test_ledger_for_lists_a_milestones_rows_newest_date_first(
    mailoutbox_empty, make_milestone, member, django_assert_num_queries
):
    milestone = created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))
    run(berlin(2024, 4, 9))

    with django_assert_num_queries(1):
        rows = [
            (r.person.email, r.kind, r.lead_days, r.state)
            for r in Reminder.objects.ledger_for(milestone)
        ]

    assert rows == [
        ("member@saxocell.test", ReminderKind.BEFORE, 28, ReminderState.MISSED),
        ("member@saxocell.test", ReminderKind.BEFORE, 14, ReminderState.MISSED),
        ("member@saxocell.test", ReminderKind.BEFORE, 7, ReminderState.SENT),
    ]


@pytest.mark.parametrize("count", [1, 30])
def test_due_reminders_query_count_does_not_grow_with_milestones(
    make_milestone, member, coordinator, django_assert_num_queries, count
):
    for n in range(count):
        make_milestone(lead=member, contributors=[coordinator], title=f"Deliverable {n}")

    # Schedules; near milestones with their people, coordinators and ledger; moved milestones.
    with django_assert_num_queries(6):
        due = list(due_reminders(now=berlin(2024, 3, 26)))

    assert len(due) == count * 2 * 3


def test_send_due_reminders_digest_waits_for_the_next_morning(
    mailoutbox_empty, make_milestone, member, coordinator
):
    member.reminder_mode = ReminderMode.DIGEST
    member.save()
    make_milestone(lead=member, title="Cluster strategy", starts_on=datetime.date(2024, 4, 17))
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        moved = make_milestone(
            lead=member,
            kind=Kind.JURY_MEETING,
            title="Jury meeting",
            starts_on=datetime.date(2024, 6, 4),
        )
    morning = ((7, 59), (8, 0))
    walk_until_move = list(walk(datetime.date(2024, 4, 1), datetime.date(2024, 4, 9), morning))
    with time_machine.travel(berlin(2024, 4, 9, 15, 0), tick=False):
        change_milestone_date(
            milestone=moved, by=coordinator, reason="", starts_on=datetime.date(2024, 6, 11)
        )

    after_move = list(walk(datetime.date(2024, 4, 9), datetime.date(2024, 4, 9), ((17, 30),)))
    after_move += walk(datetime.date(2024, 4, 10), datetime.date(2024, 4, 10))

    to = "Max Member <member@saxocell.test>"
    # Created late, the strategy's 28-day reminder catches up in the first digest round:
    # Tuesday, as Easter Monday is a holiday.
    assert walk_until_move == [
        ("2024-04-02 08:00", to, "[SaxoCell] Cluster strategy: in 15 days"),
        ("2024-04-03 08:00", to, "[SaxoCell] Cluster strategy: in 14 days"),
    ]
    # The change at 15:00 waits for Wednesday's digest, beside that day's 7-day reminder.
    assert after_move == [("2024-04-10 08:00", to, "Your reminders: 2 milestones")]
    assert [line for line in mail.outbox[-1].body.splitlines() if "(SaxoCell)" in line] == [
        "Jury meeting (SaxoCell): date changed, in 62 days",
        "Cluster strategy (SaxoCell): in 7 days",
    ]


def test_next_digest_moment_is_this_round_or_the_next_working_morning():
    moments = [
        next_digest_moment(berlin(2024, 4, 10, 7, 0), BERLIN),
        next_digest_moment(berlin(2024, 4, 10, 8, 30), BERLIN),
        next_digest_moment(berlin(2024, 4, 10, 15, 0), BERLIN),
        next_digest_moment(berlin(2024, 4, 12, 15, 0), BERLIN),
    ]

    assert moments == [
        berlin(2024, 4, 10, 8, 0),
        berlin(2024, 4, 10, 8, 30),
        berlin(2024, 4, 11, 8, 0),
        berlin(2024, 4, 15, 8, 0),
    ]


def test_send_due_reminders_date_moved_far_away_is_still_announced(
    mailoutbox_empty, make_milestone, member, coordinator
):
    milestone = created_early(make_milestone, lead=member, starts_on=datetime.date(2024, 4, 16))
    with time_machine.travel(berlin(2024, 4, 3, 6, 0), tick=False):
        change_milestone_date(
            milestone=milestone,
            by=coordinator,
            reason="Postponed",
            starts_on=datetime.date(2024, 12, 10),
        )

    emails = list(walk(datetime.date(2024, 4, 3), datetime.date(2024, 4, 20)))

    assert emails == [
        (
            "2024-04-03 07:59",
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 251 days",
        )
    ]
