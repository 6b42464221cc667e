"""Sending the ledger's pending rows, each claimed, sent and recorded in one transaction.

A crash between an email's sending and its transaction's commit leaves that one row pending,
so that one email may go out twice; no other. The emails of a round go through Django's
email backend over one connection, opened for the first email and closed at the end.
"""

import contextlib
import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Prefetch

from milestones import dates
from milestones.models import (
    CLOSED_STATUSES,
    Membership,
    Milestone,
    Person,
    Reminder,
    ReminderKind,
    ReminderMode,
    ReminderState,
    Responsibility,
    ResponsibilityRole,
    Role,
)
from milestones.reminders.messages import MessageParts, build_message
from milestones.reminders.planning import due_reminders, plan_due_reminders, wants_reminders
from milestones.reminders.summary import (
    CLOSED_REASONS,
    GIVEN_UP,
    OUTAGE,
    REFUSED,
    Summary,
    reminder_in_words,
)
from milestones.rounds import one_round_at_a_time, waiting_message

logger = logging.getLogger(__name__)


BACKOFF_LONGEST = datetime.timedelta(hours=6)
NO_LONGER_CONCERNED = "the person is no longer responsible for it, or left its cluster"
WAITING_FOR_ANOTHER_ROUND = waiting_message("send_reminders")
DUE_ORDER = ("next_attempt_at", "pk")


def backoff(attempts):
    """REMINDER_RETRY_AFTER (5 minutes) after the first failure, doubling, at most 6 hours."""
    first = datetime.timedelta(seconds=settings.REMINDER_RETRY_AFTER)
    return min(first * 2 ** (attempts - 1), BACKOFF_LONGEST)


def is_server_outage(error):
    """Whether an error sending an email says the mail server is unavailable rather than
    that it refused this email: it could not be reached, the connection was lost, or it
    answered 421 (closing) at any stage. No attempt of the email is counted for it."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _with_what_emails_need(reminders):
    """The rows with their milestone, its cluster, programme, people responsible and
    extensions (the attachment names its lead and says why it was extended), and their
    person."""
    return reminders.select_related("milestone__cluster__programme", "person").prefetch_related(
        Prefetch(
            "milestone__responsibilities", queryset=Responsibility.objects.select_related("person")
        ),
        "milestone__extensions",
    )


def _still_concerned(reminder):
    """Whether the row's person still has the milestone's reminders coming: a member of its
    cluster and responsible for it (an overdue one: its lead or a coordinator; a changed
    date: responsible or a coordinator, who hear of it while nobody is responsible, and of
    what the programme changed for their cluster)."""
    milestone = reminder.milestone
    membership = Membership.objects.filter(
        cluster_id=milestone.cluster_id, person_id=reminder.person_id
    ).order_by()
    membership_roles = set(membership.values_list("role", flat=True))
    roles = {
        responsibility.role
        for responsibility in milestone.responsibilities.all()
        if responsibility.person_id == reminder.person_id
    }
    if not membership_roles:
        return False
    if reminder.kind == ReminderKind.OVERDUE:
        return ResponsibilityRole.LEAD in roles or Role.COORDINATOR in membership_roles
    if reminder.kind == ReminderKind.DATE_CHANGED:
        return bool(roles) or Role.COORDINATOR in membership_roles
    return bool(roles)


def _has_newer(reminder):
    """Whether a reminder of the same date for the same person has fewer days before."""
    return Reminder.objects.filter(
        milestone_id=reminder.milestone_id,
        person_id=reminder.person_id,
        kind=ReminderKind.BEFORE,
        date_version=reminder.date_version,
        lead_days__lt=reminder.lead_days,
    ).exists()


def _why_not_send(reminder, *, now):
    """The state and reason for a loaded row that must not go out any more, or None."""
    milestone = reminder.milestone
    if milestone.status in CLOSED_STATUSES:
        return ReminderState.SKIPPED, CLOSED_REASONS[milestone.status]
    if reminder.date_version != milestone.date_version:
        return ReminderState.SKIPPED, "the date changed since"
    if not wants_reminders(reminder.person):
        return ReminderState.SKIPPED, "the person wants no reminders"
    if not wants_reminders(reminder.person, kind=reminder.kind, lead_days=reminder.lead_days):
        return ReminderState.SKIPPED, "the person wants no reminders of this kind or lead time"
    if not _still_concerned(reminder):
        return ReminderState.SKIPPED, NO_LONGER_CONCERNED
    if reminder.kind != ReminderKind.BEFORE:
        return None
    tz = dates.zone(milestone.cluster.programme.time_zone)
    if now.astimezone(tz).date() > milestone.starts_on or milestone.when.has_begun(now=now, tz=tz):
        return ReminderState.MISSED, "the date has passed"
    if _has_newer(reminder):
        return ReminderState.MISSED, "a later reminder is due instead"
    return None


def _due(*, now):
    return Reminder.objects.filter(state=ReminderState.PENDING, next_attempt_at__lte=now)


def _digest_is_ours(person_id):
    """Lock the person for this transaction unless another worker holds them, so that one
    worker at a time writes a person's digest (each would otherwise send the rows it had
    claimed as emails of their own). SQLite has one worker at a time: always ours there."""
    person = Person.objects.select_for_update(skip_locked=True).filter(pk=person_id)
    return person.values_list("pk", flat=True).first() is not None


def _claim(*, now):
    """Lock the next due row that no other worker holds, and for a digest the person's other
    due rows: the rows of one email, loaded, or [] when another worker writes this digest,
    or None when nothing is left."""
    # Only the reminder row is locked, not the milestone and person it is read with.
    due = _with_what_emails_need(_due(now=now).order_by(*DUE_ORDER))
    first = due.select_for_update(skip_locked=True, of=("self",)).first()
    if first is None:
        return None
    if first.person.reminder_mode != ReminderMode.DIGEST:
        return [first]
    if not _digest_is_ours(first.person_id):
        return []
    # Waited for rather than skipped when locked: no other worker writes this digest now.
    others = due.select_for_update(of=("self",)).filter(person_id=first.person_id)
    return [first, *others.exclude(pk=first.pk).order_by("due_at", "pk")]


def _set_aside(rows, *, now, summary):
    """Record the rows that must not go out any more; the others, to send."""
    to_send = []
    for row in rows:
        verdict = _why_not_send(row, now=now)
        if verdict is None:
            to_send.append(row)
            continue
        row.state, row.last_error = verdict
        row.save(update_fields=["state", "last_error"])
        summary.count(row.state, row.last_error)
    return to_send


def _deliver(rows, *, now, mail, parts):
    """Build the rows' email and hand it to the mail connection: None when it went, else the
    error and whether it means the server is out (``is_server_outage``)."""
    try:
        message = build_message(person=rows[0].person, reminders=rows, now=now, parts=parts)
    except ValueError as error:
        # An address or a text no email can carry (a UnicodeError): that email fails alone.
        return error, False
    try:
        mail.open()
    except (smtplib.SMTPException, OSError) as error:
        return error, True
    try:
        mail.send_messages([message])
    except (smtplib.SMTPException, OSError, ValueError) as error:
        return error, is_server_outage(error)
    return None


def _record(rows, failure, *, now, summary):
    """Write what became of the rows' email, in the transaction that claimed them."""
    for row in rows:
        if failure is None:
            row.state, row.sent_at, row.last_error = ReminderState.SENT, now, ""
            row.attempts += 1
            summary.sent += 1
            row.save(update_fields=["state", "sent_at", "attempts", "last_error"])
            continue
        error, outage = failure
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if outage:
            # Not this email's fault: it stays due as it was, for the next round.
            summary.count(ReminderState.FAILED, OUTAGE)
            row.save(update_fields=["last_error"])
            continue
        row.attempts += 1
        if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            row.state = ReminderState.FAILED
            summary.count(ReminderState.FAILED, GIVEN_UP)
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            summary.count(ReminderState.FAILED, REFUSED)
        row.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])


def _send_next(*, now, mail, summary, parts):
    """Claim the next due email's rows, send it and record the outcome.

    On PostgreSQL all three happen in one transaction, whose row locks make other workers
    skip these rows while the email is under way. On SQLite a transaction holds the
    database's one write lock, which every edit in the web UI would wait for as long as the
    mail server takes; rounds there run one at a time (``rounds.one_round_at_a_time``), so nobody
    else can claim the rows, and the email goes out between a transaction that claims and
    one that records. Either way a crash after the sending repeats that one email at most.

    Returns whether the round goes on: not once nothing is left, nor when the mail server
    is out (its rows stay due as they were).
    """
    send_inside = connection.vendor != "sqlite"
    with transaction.atomic():
        rows = _claim(now=now)
        if rows is None:
            return False
        to_send = _set_aside(rows, now=now, summary=summary)
        if not to_send:
            return True
        if send_inside:
            failure = _deliver(to_send, now=now, mail=mail, parts=parts)
            _record(to_send, failure, now=now, summary=summary)
    if not send_inside:
        failure = _deliver(to_send, now=now, mail=mail, parts=parts)
        with transaction.atomic():
            _record(to_send, failure, now=now, summary=summary)
    if failure is None:
        return True
    logger.warning("reminder to %s not sent: %s", to_send[0].person.email, failure[0])
    return not failure[1]


def _dry_run(*, now, summary):
    """Count what a round at ``now`` would do, and list in ``summary.emails`` each reminder it
    would send: to whom, what, which kind. Writes nothing.

    What the plan adds waits, as the round would, for a digest's hour; the rows already in
    the ledger go through the same checks as in a round (done, moved, no longer concerned).
    """

    def would_send(reminder):
        summary.sent += 1
        what = reminder_in_words(reminder.kind, reminder.lead_days)
        summary.emails.append(f"{reminder.person.email}: {reminder.milestone.title} ({what})")

    for due in due_reminders(now=now):
        if due.state != ReminderState.PENDING:
            summary.count(due.state, due.reason)
        elif (due.first_attempt_at or due.due_at) <= now:
            would_send(due)
    for row in _with_what_emails_need(_due(now=now).order_by(*DUE_ORDER)).iterator(500):
        verdict = _why_not_send(row, now=now)
        if verdict is None:
            would_send(row)
        else:
            summary.count(*verdict)


def send_due_reminders(*, now, dry_run=False, summary=None):
    """Plan what ``now`` calls for, then send every pending reminder that is due.

    Returns a Summary of this run (counted into ``summary`` when given, so that a caller
    still knows what a run that failed half-way did). When the mail server is out the round
    stops early; what was not sent stays pending for the next run.
    """
    if summary is None:
        summary = Summary(dry_run=dry_run)
    if dry_run:
        _dry_run(now=now, summary=summary)
        return summary
    with one_round_at_a_time("send_reminders", logger=logger):
        plan_due_reminders(now=now, summary=summary)
        mail = get_connection(fail_silently=False)
        parts = MessageParts()
        try:
            while _send_next(now=now, mail=mail, summary=summary, parts=parts):
                pass
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                mail.close()
    return summary


def leads_of_open_milestones(person):
    """The open milestones a person leads: nobody else is reminded of them."""
    return Milestone.objects.open().filter(
        responsibilities__person=person, responsibilities__role=ResponsibilityRole.LEAD
    )
