"""What is due when: lead times per kind, and the ledger rows ``now`` calls for."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Prefetch, Q

from milestones import dates
from milestones.models import (
    DEFAULT_LEAD_DAYS,
    Kind,
    Membership,
    Milestone,
    Person,
    Reminder,
    ReminderKind,
    ReminderMode,
    ReminderSchedule,
    ReminderState,
    Responsibility,
    Role,
)
from milestones.reminders.days import (
    next_digest_moment,
    send_moment,
    working_day_after,
    working_day_on_or_before,
)

# Why the plan records a row as skipped or missed, for the summary of a round.
NOT_WANTED = "the person wants no reminders of this kind or lead time"
DATE_CHANGE_STANDS_FOR_IT = "the email about the changed date stands for it"
SAME_WORKING_DAY = "two lead times fall on the same working day, so one email goes for both"
BEFORE_THE_MILESTONE = "it was due before the milestone was created"
PASSED_UNSENT = "their day passed before a round ran; the latest reminder goes instead"


# A send day moves back over weekends and holidays by at most this many days (Easter: 4).
HOLIDAY_SLACK_DAYS = 10


# An overdue email still goes out this long after the deadline when workers were down.
OVERDUE_CATCH_UP_DAYS = 7


# A change of date is announced when it is at most this old (by the milestone's last edit).
DATE_CHANGE_NOTICE_DAYS = 7


# The longest window or span whose first day is still looked at for its overdue email.
LONGEST_WINDOW_DAYS = 400


def lead_days_by_programme_and_kind():
    """Every programme's own lead times; a small table, read once per run."""
    return {
        (schedule.programme_id, schedule.kind): schedule.days
        for schedule in ReminderSchedule.objects.all()
    }


def lead_days_of_programme(*, programme):
    """Every kind's lead times in a programme: its own where an officer set them, else ours."""
    own = {schedule.kind: schedule.days for schedule in programme.reminder_schedules.all()}
    return {kind: own.get(kind, DEFAULT_LEAD_DAYS.get(kind, ())) for kind in Kind.values}


def set_lead_days(*, programme, lead_days_by_kind):
    """Keep a programme's own lead times; a kind set back to the defaults follows them again."""
    with transaction.atomic():
        for kind, days in lead_days_by_kind.items():
            if tuple(days) == tuple(DEFAULT_LEAD_DAYS.get(kind, ())):
                ReminderSchedule.objects.filter(programme=programme, kind=kind).delete()
            else:
                ReminderSchedule.objects.update_or_create(
                    programme=programme,
                    kind=kind,
                    defaults={"lead_days": ", ".join(str(day) for day in days)},
                )


def lead_days_for(milestone, schedules):
    key = (milestone.cluster.programme_id, milestone.kind)
    if key in schedules:
        return schedules[key]
    return DEFAULT_LEAD_DAYS.get(milestone.kind, ())


@dataclasses.dataclass(frozen=True)
class Due:
    """A ledger row that ``now`` calls for, not yet in the ledger."""

    milestone: Milestone
    person: Person
    kind: str
    lead_days: int
    due_at: datetime.datetime
    state: str
    # Later than due_at for a digest: it waits for the person's next daily email.
    first_attempt_at: datetime.datetime | None = None
    # Why a row is skipped or missed, in words.
    reason: str = ""

    def as_row(self):
        return Reminder(
            milestone=self.milestone,
            person=self.person,
            kind=self.kind,
            lead_days=self.lead_days,
            date_version=self.milestone.date_version,
            due_at=self.due_at,
            next_attempt_at=self.first_attempt_at or self.due_at,
            state=self.state,
        )


def _open_milestones_with_people():
    """Open milestones with all that planning their reminders reads: the people responsible,
    the cluster's coordinators and the ledger's rows."""
    return (
        Milestone.objects.open()
        .select_related("cluster__programme")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("person"),
            ),
            Prefetch(
                "cluster__memberships",
                queryset=Membership.objects.filter(role=Role.COORDINATOR).select_related("person"),
                to_attr="coordinator_memberships",
            ),
            Prefetch(
                "reminders",
                queryset=Reminder.objects.only(
                    "milestone_id", "person_id", "kind", "lead_days", "date_version", "state"
                ),
            ),
        )
        .order_by("pk")
    )


def _milestones_to_look_at(*, now, schedules):
    """Open milestones that may need a reminder now, found through the start-day index."""
    longest_lead = max(
        [days for all_days in DEFAULT_LEAD_DAYS.values() for days in all_days]
        + [days for all_days in schedules.values() for days in all_days]
        + [0]
    )
    # A day's margin either side: the programme's zone may be a day off from UTC.
    looking_back = OVERDUE_CATCH_UP_DAYS + HOLIDAY_SLACK_DAYS + 1
    earliest = (now - datetime.timedelta(days=looking_back)).date()
    # And the longest lead time's reminder may be moved back over a long weekend (Easter)
    # to a day before its lead time: the milestone is looked at from then on.
    latest = (now + datetime.timedelta(days=longest_lead + HOLIDAY_SLACK_DAYS + 1)).date()
    related = _open_milestones_with_people()
    near = related.filter(
        starts_on__gte=earliest - datetime.timedelta(days=LONGEST_WINDOW_DAYS),
        starts_on__lte=latest,
    ).filter(Q(ends_on__gte=earliest) | Q(ends_on__isnull=True, starts_on__gte=earliest))
    seen = set()
    for milestone in near.iterator(chunk_size=200):
        seen.add(milestone.pk)
        yield milestone
    # A date moved far away is no longer near, but its people must hear of the move.
    moved = related.filter(
        date_version__gt=0,
        updated_at__gte=now - datetime.timedelta(days=DATE_CHANGE_NOTICE_DAYS),
    )
    for milestone in moved.iterator(chunk_size=200):
        if milestone.pk not in seen:
            yield milestone


def wants_reminders(person, *, kind=None, lead_days=0):
    """Whether the person wants reminders at all, or (``kind``) this kind of reminder, and
    for a reminder before the date its lead time (their settings name what they do not)."""
    if not person.is_active or person.reminder_mode == ReminderMode.OFF:
        return False
    if kind is None:
        return True
    if kind in person.muted_kinds:
        return False
    return kind != ReminderKind.BEFORE or lead_days not in person.muted_days


def state_for(person, kind):
    """The state of a new row and why: pending, or skipped when the person wants none."""
    if wants_reminders(person, kind=kind):
        return {"state": ReminderState.PENDING}
    return {"state": ReminderState.SKIPPED, "reason": NOT_WANTED}


def date_change_recipients(*, responsible, coordinators):
    """Who hears of a changed date: the people responsible for the milestone (active ones);
    its cluster's coordinators while nobody is, so that no change goes unheard."""
    return responsible or [person for person in coordinators if person.is_active]


def _date_change_due(milestone, *, now, today, existing, recipients):
    """A moved or confirmed date: one email saying so to each of ``recipients``, which also
    stands for the reminders already due for the new date."""
    last_day = milestone.ends_on or milestone.starts_on
    announce = (
        milestone.date_version > 0
        and last_day >= today
        and milestone.updated_at >= now - datetime.timedelta(days=DATE_CHANGE_NOTICE_DAYS)
        and not any(kind == ReminderKind.DATE_CHANGED for _person, kind, _lead in existing)
    )
    if not announce:
        return []
    return [
        Due(
            milestone,
            person,
            ReminderKind.DATE_CHANGED,
            0,
            now,
            **state_for(person, ReminderKind.DATE_CHANGED),
        )
        for person in recipients
    ]


def _before_schedule(milestone, *, now, today, tz, schedules):
    """The lead times whose moment has come, (lead, send day, moment), furthest first; []
    when none is to go now. A meeting that has begun, or a deadline whose cut-off has
    passed, is "today" no longer."""
    anchor = milestone.starts_on
    if today > anchor or milestone.when.has_begun(now=now, tz=tz):
        return []
    schedule = []
    for lead in sorted(lead_days_for(milestone, schedules), reverse=True):
        send_day = working_day_on_or_before(
            anchor - datetime.timedelta(days=lead), state=milestone.cluster.holiday_state
        )
        schedule.append((lead, send_day, send_moment(send_day, tz)))
    candidates = [entry for entry in schedule if entry[2] <= now]
    # A late reminder waits when a newer one is due later today: one email, not two.
    later_today = any(day == today and moment > now for _lead, day, moment in schedule)
    if candidates and candidates[-1][1] < today and later_today:
        return []
    return candidates


def _before_state(milestone, person, *, lead, send_day, moment, newest, announced_to):
    """The state of a reminder before the date, and why when it does not go."""
    newest_lead, newest_day = newest
    if not wants_reminders(person, kind=ReminderKind.BEFORE, lead_days=lead):
        return ReminderState.SKIPPED, NOT_WANTED
    if person.pk in announced_to:
        return ReminderState.SKIPPED, DATE_CHANGE_STANDS_FOR_IT
    if lead == newest_lead:
        return ReminderState.PENDING, ""
    # Two lead times moved onto the same working day go out as one email; and nobody
    # missed what was due before the milestone existed.
    if send_day == newest_day:
        return ReminderState.SKIPPED, SAME_WORKING_DAY
    if moment < milestone.created_at:
        return ReminderState.SKIPPED, BEFORE_THE_MILESTONE
    return ReminderState.MISSED, PASSED_UNSENT


def _before_due(milestone, candidates, *, existing, responsible, announced_to):
    """Reminders before the date, counted from its (first) day, a window's too: the newest
    lead time pending, the older ones missed (or skipped). Who is told of a new date now
    (``announced_to``) gets that one email instead."""
    if not candidates:
        return []
    newest_lead, newest_day, _moment = candidates[-1]
    due = []
    for person in responsible:
        if (person.pk, ReminderKind.BEFORE, newest_lead) in existing:
            continue
        for lead, send_day, moment in candidates:
            if (person.pk, ReminderKind.BEFORE, lead) in existing:
                continue
            state, reason = _before_state(
                milestone,
                person,
                lead=lead,
                send_day=send_day,
                moment=moment,
                newest=(newest_lead, newest_day),
                announced_to=announced_to,
            )
            due.append(
                Due(milestone, person, ReminderKind.BEFORE, lead, moment, state, reason=reason)
            )
    return due


def _overdue_due(milestone, *, now, today, tz, existing):
    """A deadline not done by the day after: its lead and the cluster's coordinators."""
    if not milestone.is_deadline:
        return []
    last_day = milestone.ends_on or milestone.starts_on
    moment = send_moment(working_day_after(last_day, state=milestone.cluster.holiday_state), tz)
    if moment > now or today > last_day + datetime.timedelta(days=OVERDUE_CATCH_UP_DAYS):
        return []
    recipients = {}
    lead = milestone.lead
    if lead is not None and lead.is_active:
        recipients[lead.pk] = lead
    for membership in milestone.cluster.coordinator_memberships:
        if membership.person.is_active:
            recipients.setdefault(membership.person_id, membership.person)
    return [
        Due(
            milestone,
            person,
            ReminderKind.OVERDUE,
            0,
            moment,
            **state_for(person, ReminderKind.OVERDUE),
        )
        for person in recipients.values()
        if (person.pk, ReminderKind.OVERDUE, 0) not in existing
    ]


def wait_for_digest(due, *, now, tz):
    """One email a day for a digest, at the person's hour: what falls due at another hour
    waits for the next one."""
    if due.state != ReminderState.PENDING or due.person.reminder_mode != ReminderMode.DIGEST:
        return due
    digest_moment = next_digest_moment(now, tz, hour=due.person.digest_hour)
    return dataclasses.replace(due, first_attempt_at=max(digest_moment, due.due_at))


def _due_for_milestone(milestone, *, now, schedules):
    tz = dates.zone(milestone.cluster.programme.time_zone)
    today = now.astimezone(tz).date()
    rows = [row for row in milestone.reminders.all() if row.date_version == milestone.date_version]
    existing = {(row.person_id, row.kind, row.lead_days) for row in rows}
    responsible = [r.person for r in milestone.responsibilities.all() if r.person.is_active]
    changed = _date_change_due(
        milestone,
        now=now,
        today=today,
        existing=existing,
        recipients=date_change_recipients(
            responsible=responsible,
            coordinators=[m.person for m in milestone.cluster.coordinator_memberships],
        ),
    )
    # A date-changed email not sent yet (written by the change itself, or waiting for a
    # digest or a mail server) stands for the reminders that fall due before it goes.
    waiting = {
        row.person_id
        for row in rows
        if row.kind == ReminderKind.DATE_CHANGED and row.state == ReminderState.PENDING
    }
    candidates = _before_schedule(milestone, now=now, today=today, tz=tz, schedules=schedules)
    due = [
        *changed,
        *_before_due(
            milestone,
            candidates,
            existing=existing,
            responsible=responsible,
            announced_to=waiting
            | {due.person.pk for due in changed if due.state == ReminderState.PENDING},
        ),
        *_overdue_due(milestone, now=now, today=today, tz=tz, existing=existing),
    ]
    return [wait_for_digest(item, now=now, tz=tz) for item in due]


def due_reminders(*, now):
    """The ledger rows ``now`` calls for that are not in the ledger yet (an iterator)."""
    schedules = lead_days_by_programme_and_kind()
    for milestone in _milestones_to_look_at(now=now, schedules=schedules):
        yield from _due_for_milestone(milestone, now=now, schedules=schedules)


def plan_due_reminders(*, now, summary=None, batch_size=500):
    """Write what ``now`` calls for to the ledger; a row another worker wrote first stays."""
    batch = []

    def flush():
        Reminder.objects.bulk_create([due.as_row() for due in batch], ignore_conflicts=True)
        if summary is not None:
            for due in batch:
                summary.count(due.state, due.reason)
        batch.clear()

    for due in due_reminders(now=now):
        batch.append(due)
        if len(batch) >= batch_size:
            flush()
    flush()
