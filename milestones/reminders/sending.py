"""Sending the ledger's pending rows, each claimed in its own transaction, at most once."""

import contextlib
import dataclasses
import datetime
import itertools
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery

from milestones import dates
from milestones.models import (
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
    Status,
)
from milestones.reminders import wire
from milestones.reminders.exchange import Exchange
from milestones.reminders.messages import MessageParts, build_message, language_of
from milestones.reminders.planning import due_reminders, plan_due_reminders, wants_reminders

logger = logging.getLogger(__name__)


BACKOFF_LONGEST = datetime.timedelta(hours=6)


# Errors after which this SMTP connection is of no more use this round: the server is down,
# refuses connections or stalls. Other SMTP errors concern one message only.
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


class ServerUnreachable(OSError):
    """The mail server could not be reached or refused the round's log-in: no fault of the
    email that was to go, so it is not counted as one of its attempts."""


def _server_unreachable(error):
    """Whether an error sending one email is one of CONNECTION_ERRORS, not the server's answer
    about this email (smtplib's errors are OSErrors too): a refused recipient must not stop
    the round for everyone else. A 421 answer means the server is closing: it stops too."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


@dataclasses.dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    missed: int = 0
    dry_run: bool = False
    # A dry run's list of the reminders it would send.
    emails: list = dataclasses.field(default_factory=list)

    def __str__(self):
        prefix = "dry run, would have: " if self.dry_run else ""
        return (
            f"{prefix}sent {self.sent}, failed {self.failed}, "
            f"skipped {self.skipped}, missed {self.missed}"
        )

    def count(self, state):
        if state == ReminderState.SENT:
            self.sent += 1
        elif state == ReminderState.SKIPPED:
            self.skipped += 1
        elif state == ReminderState.MISSED:
            self.missed += 1


def _concern():
    """For a reminder row: where its person stands now towards its milestone and cluster."""
    person, milestone = OuterRef("person_id"), OuterRef("milestone_id")
    cluster = OuterRef("milestone__cluster_id")
    return {
        "responsible": Exists(Responsibility.objects.filter(milestone=milestone, person=person)),
        "leads": Exists(
            Responsibility.objects.filter(
                milestone=milestone, person=person, role=ResponsibilityRole.LEAD
            )
        ),
        "member": Exists(Membership.objects.filter(cluster=cluster, person=person)),
        "coordinates": Exists(
            Membership.objects.filter(cluster=cluster, person=person, role=Role.COORDINATOR)
        ),
    }


CONCERN = tuple(_concern())
NO_LONGER_CONCERNED = "the person is no longer responsible for it, or left its cluster"


def _still_concerned(reminder):
    """Whether the row's person still has the milestone's reminders coming: a member of its
    cluster and responsible for it (an overdue one: its lead or a coordinator).

    Uses the row's ``concern`` when it was loaded with it, else asks the database.
    """
    concern = getattr(reminder, "concern", None)
    if concern is None:
        values = Reminder.objects.filter(pk=reminder.pk).annotate(**_concern())
        concern = dict(zip(CONCERN, values.values_list(*CONCERN).get(), strict=True))
    if not concern["member"]:
        return False
    if reminder.kind == ReminderKind.OVERDUE:
        return concern["leads"] or concern["coordinates"]
    return concern["responsible"]


def _why_not_send(reminder, *, now):
    """The reason a claimed row must not go out any more, or None when it still should.

    Uses the row's ``has_newer`` when it was loaded with it (a later reminder of the same
    date for the same person exists), else asks the database.
    """
    milestone = reminder.milestone
    if milestone.status in (Status.DONE, Status.CANCELLED):
        return ReminderState.SKIPPED, "milestone is done or cancelled"
    if reminder.date_version != milestone.date_version:
        return ReminderState.SKIPPED, "the date changed since"
    if not wants_reminders(reminder.person):
        return ReminderState.SKIPPED, "the person wants no reminders"
    if not _still_concerned(reminder):
        return ReminderState.SKIPPED, NO_LONGER_CONCERNED
    if reminder.kind == ReminderKind.BEFORE:
        tz = dates.zone(milestone.cluster.programme.time_zone)
        if now.astimezone(tz).date() > milestone.starts_on or milestone.when.has_begun(
            now=now, tz=tz
        ):
            return ReminderState.MISSED, "the date has passed"
        newer = getattr(reminder, "has_newer", None)
        if newer is None:
            newer = Reminder.objects.filter(Exists(_closer_reminder()), pk=reminder.pk).exists()
        if newer:
            return ReminderState.MISSED, "a later reminder is due instead"
    return None


def backoff(attempts):
    """REMINDER_RETRY_AFTER (5 minutes) after the first failure, doubling, at most 6 hours."""
    first = datetime.timedelta(seconds=settings.REMINDER_RETRY_AFTER)
    return min(first * 2 ** (attempts - 1), BACKOFF_LONGEST)


def _lead_name(milestone="pk"):
    # The attachment names the milestone's lead: fetched with the milestone, not on its own.
    return Subquery(
        Responsibility.objects.filter(
            milestone=OuterRef(milestone), role=ResponsibilityRole.LEAD
        ).values("person__name")[:1]
    )


def _closer_reminder():
    """For the outer row: a reminder of the same date for the same person, fewer days before."""
    return Reminder.objects.filter(
        milestone_id=OuterRef("milestone_id"),
        person_id=OuterRef("person_id"),
        kind=ReminderKind.BEFORE,
        date_version=OuterRef("date_version"),
        lead_days__lt=OuterRef("lead_days"),
    )


def _claimable(*, now):
    """Pending rows that are due, to lock with SKIP LOCKED (``_Ledger.claim_sql`` asks the same
    of one row in SQL: a change here is a change there)."""
    return Reminder.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        state=ReminderState.PENDING, next_attempt_at__lte=now
    )


def _load(reminders):
    """Attach the milestone (with its lead's name), cluster, programme and person, unlocked."""
    milestones = {
        milestone.pk: milestone
        for milestone in Milestone.objects.select_related("cluster__programme")
        .annotate(lead_name=_lead_name())
        .filter(pk__in={r.milestone_id for r in reminders})
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in={r.person_id for r in reminders})}
    for reminder in reminders:
        reminder.milestone = milestones[reminder.milestone_id]
        reminder.person = people[reminder.person_id]


DUE_ORDER = ("next_attempt_at", "pk")


def _loaded(pks):
    """The rows of these keys in due order, with their milestone (and its lead's name), their
    person, ``has_newer`` and ``concern``: all that checking and building their emails needs."""
    rows = list(
        Reminder.objects.filter(pk__in=pks)
        .select_related("milestone__cluster__programme", "person")
        .annotate(
            lead_name=_lead_name("milestone_id"),
            has_newer=Exists(_closer_reminder()),
            **_concern(),
        )
        .order_by(*DUE_ORDER)
    )
    for row in rows:
        row.milestone.lead_name = row.lead_name
        row.concern = {name: getattr(row, name) for name in CONCERN}
    return rows


def _look_ahead(*, now, size):
    """The next due rows that no other worker holds, loaded with what their emails need.

    Not a claim: the locks end with this short transaction, and each row is claimed again
    when its turn comes (``_send_in_turn``). Loading a few dozen rows in one query spares
    each email its own queries for the milestone, its lead, the person and the ledger.
    """
    with transaction.atomic():
        # The rows first, through the index reminder_due, then what they need. In one query,
        # PostgreSQL joined every due row before it sorted and took the first few, when its
        # statistics did not know yet of the thousands of rows a plan had just written.
        chosen = list(_claimable(now=now).order_by(*DUE_ORDER).values_list("pk", flat=True)[:size])
        return _loaded(chosen)


class _Mailer:
    """Django's email backend for a round: one connection, opened when first needed and
    dropped after an error.

    Over Django's SMTP backend (``over_smtp``) an email goes as an ``Exchange`` on the
    backend's connection (opened with its TLS and log-in settings), its bytes serialised by
    wire in a tenth of the time Django takes; other backends (console, locmem) get the
    message itself.
    """

    def __init__(self):
        self.backend = get_connection(fail_silently=False)
        self.over_smtp = type(self.backend) is SMTPBackend

    def exchange(self, message):
        """The message's SMTP transaction, not begun (``over_smtp`` only).

        Raises ServerUnreachable when no connection could be opened.
        """
        if self.backend.connection is None:
            try:
                self.backend.open()
            except (smtplib.SMTPException, OSError) as error:
                raise ServerUnreachable(f"{type(error).__name__}: {error}") from error
        sender, recipients = wire.envelope(message)
        return Exchange(self.backend.connection, sender, recipients, wire.message_bytes(message))

    def send(self, message):
        """The message through a backend other than SMTP."""
        self.backend.send_messages([message])

    def close(self):
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.backend.close()


class _Ledger:
    """The two statements each email costs, written in SQL once per round.

    The ORM took longer to build and compile the claim and the record of an email than the
    database takes to run them, for each of a round's thousands of emails. The SQL is what
    ``_claimable(now=now).filter(pk=...)`` and ``row.save(update_fields=...)`` give.
    """

    def __init__(self):
        quote = connection.ops.quote_name

        def table(model):
            return quote(model._meta.db_table)

        def name(field):
            return quote(Reminder._meta.get_field(field).column)

        def column(model, field):
            return f"{table(model)}.{quote(model._meta.get_field(field).column)}"

        lock = ""
        if connection.features.has_select_for_update_skip_locked:
            lock = f"FOR UPDATE OF {table(Reminder)} SKIP LOCKED"
        # Only the models' table and column names are formatted in; values are parameters.
        self.claim_sql = " ".join(
            [
                f"SELECT {column(Reminder, 'attempts')},",
                f"{column(Milestone, 'updated_at')} = %s AND {column(Person, 'updated_at')} = %s",
                f"FROM {table(Reminder)}",
                f"INNER JOIN {table(Milestone)}",
                f"ON {column(Reminder, 'milestone')} = {column(Milestone, 'id')}",
                f"INNER JOIN {table(Person)}",
                f"ON {column(Reminder, 'person')} = {column(Person, 'id')}",
                f"WHERE {column(Reminder, 'id')} = %s AND {column(Reminder, 'state')} = %s",
                f"AND {column(Reminder, 'next_attempt_at')} <= %s {lock}",
            ]
        )
        self.sent_sql = " ".join(
            [
                f"UPDATE {table(Reminder)}",
                f"SET {name('state')} = %s, {name('sent_at')} = %s,",
                f"{name('attempts')} = %s, {name('last_error')} = ''",
                f"WHERE {name('id')} = %s",
            ]
        )
        self.datetime = connection.ops.adapt_datetimefield_value
        # A round's "now", adapted once: every claim and record of the round writes it.
        self.now = None

    def _now(self, now):
        if self.now is None or self.now[0] != now:
            self.now = (now, self.datetime(now))
        return self.now[1]

    def claim(self, reminder, *, now):
        """Lock a looked-ahead row that is still pending and due: whether the milestone and
        the person are unchanged since the look-ahead, or None when the row is gone.

        Sets the row's attempts to the ledger's.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                self.claim_sql,
                [
                    self.datetime(reminder.milestone.updated_at),
                    self.datetime(reminder.person.updated_at),
                    reminder.pk,
                    ReminderState.PENDING,
                    self._now(now),
                ],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        reminder.attempts, unchanged = row
        return bool(unchanged)

    def write_sent(self, rows, *, now):
        """Write the rows as sent, in the open transaction; the rows themselves unchanged.

        Written while the server still takes the email in: if it refuses it after all, the
        failure's record overwrites these columns before the transaction commits.
        """
        with connection.cursor() as cursor:
            for row in rows:
                cursor.execute(
                    self.sent_sql, [ReminderState.SENT, self._now(now), row.attempts + 1, row.pk]
                )


@dataclasses.dataclass
class _Ahead:
    """The next row's email, built while the last one went out; its MAIL sent while the last
    one's record was committed."""

    reminder: Reminder
    message: object
    exchange: Exchange


class _Preparation:
    """Builds a looked-ahead row's email in pieces, for ``Exchange.send`` to do while the
    server answers: ``ahead`` is the email once every piece is done, or None.

    Runs between an email's sending and the record of it: an error here must not reach
    that transaction (it would be rolled back and the email sent again), so it is logged
    and the row is left to be built in its own turn, where it fails alone.
    """

    def __init__(self, reminder, *, now, mailer, parts):
        self.reminder = reminder
        self.now = now
        self.mailer = mailer
        self.parts = parts
        self.ahead = None

    def pieces(self):
        reminder = self.reminder
        if reminder.person.reminder_mode == ReminderMode.DIGEST:
            return  # Its claim takes the person's other rows along.
        try:
            if _why_not_send(reminder, now=self.now) is not None:
                return
            # The .ics file first (kept in parts for build_message), then the rest.
            self.parts.event_file(reminder.milestone, language=language_of(reminder.person))
            yield
            message = build_message(
                person=reminder.person, reminders=[reminder], now=self.now, parts=self.parts
            )
            yield
            self.ahead = _Ahead(reminder, message, self.mailer.exchange(message))
        except Exception:
            logger.exception("reminder %s: its email could not be built ahead", reminder.pk)


def _writing_sent(ledger, rows, *, now):
    """``ledger.write_sent`` as a piece of an exchange's work."""
    ledger.write_sent(rows, now=now)
    yield


def _step_ahead(ahead, step, mailer):
    """``step`` (``Exchange.begin`` or ``advance``) of an email built ahead: the email, or None
    when the step failed and the connection was dropped."""
    try:
        step(ahead.exchange)
    except (smtplib.SMTPException, OSError):
        mailer.close()
        return None
    return ahead


def _digest_is_ours(reminder):
    """Lock the row's person for this transaction unless another worker holds them, so that
    one worker at a time writes a person's digest (each worker would otherwise send the rows
    it had claimed as emails of their own). SQLite has one worker: always ours there."""
    person = Person.objects.select_for_update(skip_locked=True).filter(pk=reminder.person_id)
    return bool(list(person.values_list("pk", flat=True)))


def _abandon(ahead, mailer):
    try:
        ahead.exchange.abandon()
    except (smtplib.SMTPException, OSError):
        mailer.close()


def _send_in_turn(reminder, *, now, mailer, summary, parts, ledger, ahead=None, following=None):
    """Claim a looked-ahead row and send its email; record the outcome in the same transaction.

    A digest takes the person's other due rows along. Nothing happens when another worker
    has claimed the row meanwhile. Raises one of CONNECTION_ERRORS when the mail server
    cannot be reached, after recording.

    Over SMTP, the work around an email overlaps its exchange with the server. ``ahead``:
    this row's email as the last turn prepared it, used when the claim finds the row as it
    was looked at; its RCPT goes out before the claim. ``following``: the next looked-ahead
    row, whose email is built while the server takes in this one; its MAIL goes out before
    this transaction commits, its content only in its own turn, after the commit. The row is
    written as sent while the server takes in the content, and written over if the server
    refuses it. Returns that next email, or None.
    """
    following_ahead = None
    if ahead is not None:
        # The server reads RCPT while the row is claimed. If this fails, the email is built
        # again and sent in this turn, where an error is recorded.
        ahead = _step_ahead(ahead, Exchange.advance, mailer)
    with transaction.atomic():
        # The claim also tells whether the milestone or the person changed since the look-ahead.
        unchanged = ledger.claim(reminder, now=now)
        if unchanged is None:
            if ahead is not None:
                _abandon(ahead, mailer)
            return None
        claimed = [reminder]
        if not unchanged:
            _load(claimed)
            del reminder.has_newer, reminder.concern
        if reminder.person.reminder_mode == ReminderMode.DIGEST:
            if not _digest_is_ours(reminder):
                # Another worker is writing this person's digest: it takes this row along.
                if ahead is not None:
                    _abandon(ahead, mailer)
                return None
            # The person's other due rows, waited for rather than skipped when locked: only a
            # look-ahead's short transaction can hold them now, no other digest.
            claimed += list(
                Reminder.objects.select_for_update(of=("self",))
                .filter(
                    state=ReminderState.PENDING,
                    next_attempt_at__lte=now,
                    person_id=reminder.person_id,
                )
                .exclude(pk=reminder.pk)
                .order_by("due_at", "pk")
            )
            _load(claimed[1:])
        to_send = []
        for row in claimed:
            verdict = _why_not_send(row, now=now)
            if verdict is None:
                to_send.append(row)
                continue
            row.state, row.last_error = verdict
            row.save(update_fields=["state", "last_error"])
            summary.count(row.state)
        if ahead is not None and not (
            unchanged and ahead.reminder is reminder and to_send == [reminder]
        ):
            _abandon(ahead, mailer)
            ahead = None
        if not to_send:
            return None
        error = None
        try:
            if ahead is not None:
                message = ahead.message
            else:
                message = build_message(
                    person=reminder.person, reminders=to_send, now=now, parts=parts
                )
            if mailer.over_smtp:
                exchange = ahead.exchange if ahead is not None else mailer.exchange(message)
                preparation = None
                meanwhile = []
                if following is not None:
                    preparation = _Preparation(following, now=now, mailer=mailer, parts=parts)
                    meanwhile.append(preparation.pieces())
                # The record goes to the database while the server takes the email in.
                meanwhile.append(_writing_sent(ledger, to_send, now=now))
                exchange.send(meanwhile=itertools.chain(*meanwhile))
                if preparation is not None:
                    following_ahead = preparation.ahead
            else:
                mailer.send(message)
                ledger.write_sent(to_send, now=now)
        except (smtplib.SMTPException, OSError, ValueError) as exception:
            # ValueError: an address or a text that cannot be written in an email (a
            # UnicodeError); that email fails, the others go on.
            error = exception
            following_ahead = None
            mailer.close()
        for row in to_send:
            if error is None:
                row.attempts += 1
                row.state = ReminderState.SENT
                row.sent_at = now
                row.last_error = ""
                summary.sent += 1
                continue
            summary.failed += 1
            if isinstance(error, ServerUnreachable):
                # Not this email's fault: it stays due as it was, for the next round.
                row.last_error = f"{type(error).__name__}: {error}"[:2000]
                row.save(update_fields=["last_error"])
                continue
            # Over what write_sent may have written.
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                row.state = ReminderState.FAILED
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            row.save(
                update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"]
            )
        if following_ahead is not None:
            # The server reads MAIL while the commit below goes to disk.
            following_ahead = _step_ahead(following_ahead, Exchange.begin, mailer)
    if error is not None:
        logger.warning("reminder to %s not sent: %s", reminder.person.email, error)
        if _server_unreachable(error):
            raise error
    return following_ahead


def _dry_run(*, now, summary):
    """Count what a round at ``now`` would do, and list in ``summary.emails`` each reminder it
    would send: to whom, what, which kind. Writes nothing.

    What the plan adds waits, as the round would, for a digest's hour; the rows already in
    the ledger go through the same checks as in a round (done, moved, no longer concerned).
    """

    def would_send(reminder):
        summary.sent += 1
        summary.emails.append(
            f"{reminder.person.email}: {reminder.milestone.title} "
            f"({reminder.kind}, {reminder.lead_days} days before)"
            if reminder.kind == ReminderKind.BEFORE
            else f"{reminder.person.email}: {reminder.milestone.title} ({reminder.kind})"
        )

    for due in due_reminders(now=now):
        if due.state != ReminderState.PENDING:
            summary.count(due.state)
        elif (due.first_attempt_at or due.due_at) <= now:
            would_send(due)
    pending = Reminder.objects.filter(state=ReminderState.PENDING, next_attempt_at__lte=now)
    pks = list(pending.order_by(*DUE_ORDER).values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        for row in _loaded(pks[start : start + 500]):
            verdict = _why_not_send(row, now=now)
            if verdict is None:
                would_send(row)
            else:
                summary.count(verdict[0])


def send_due_reminders(*, now, dry_run=False, look_ahead=50, summary=None):
    """Plan what ``now`` calls for, then send every pending reminder that is due.

    Returns a Summary of this run (counted into ``summary`` when given, so that a caller
    still knows what a run that failed half-way did). When the mail server cannot be
    reached the round stops early; what was not sent stays pending for the next run. Each
    email is claimed, sent and recorded in its own transaction; ``look_ahead`` rows at a
    time are loaded together.
    """
    if summary is None:
        summary = Summary(dry_run=dry_run)
    if dry_run:
        _dry_run(now=now, summary=summary)
        return summary

    plan_due_reminders(now=now, summary=summary)
    mailer = _Mailer()
    parts = MessageParts()
    ledger = _Ledger()
    try:
        while rows := _look_ahead(now=now, size=look_ahead):
            ahead = None
            for reminder, following in zip(rows, [*rows[1:], None], strict=True):
                ahead = _send_in_turn(
                    reminder,
                    now=now,
                    mailer=mailer,
                    summary=summary,
                    parts=parts,
                    ledger=ledger,
                    ahead=ahead,
                    following=following,
                )
    except CONNECTION_ERRORS:
        pass
    finally:
        mailer.close()
    return summary


def leads_of_open_milestones(person):
    """The open milestones a person leads: nobody else is reminded of them."""
    return Milestone.objects.open().filter(
        responsibilities__person=person, responsibilities__role=ResponsibilityRole.LEAD
    )
