"""The cluster's side of a submission: its draft (files and a note) and submitting the draft
as the next numbered version, on time or late against the milestone's cut-off.

Every change locks the milestone's row first, so that an upload, a removal and a submit of
the same draft happen one after the other, and a submit pressed twice makes one version.
The milestone's status goes through ``milestones.services.set_status``: its history, its
SEQUENCE and the feeds follow.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones import services
from milestones.api.webhooks.events import record_event
from milestones.dates import Form
from milestones.models import (
    Draft,
    EventType,
    LateSubmissions,
    Membership,
    Milestone,
    ResponsibilityRole,
    Role,
    Status,
    Submission,
    SubmissionFile,
)
from milestones.reasons import system_reason
from milestones.submissions.receipts import send_receipts
from milestones.submissions.wording import format_moment_in


class Refused(Exception):
    """The rules refuse the change; the message says why in words, and nothing was changed."""


class NotAllowed(Exception):
    """The person may not do this: outside the cluster (``is_member`` False: the milestone
    does not exist for them) or in a role that may not (the message says who may)."""

    def __init__(self, message="", *, is_member):
        super().__init__(message)
        self.is_member = is_member


class AlreadySubmitted(Refused):
    """The version the form was made for exists already: the submit was pressed twice."""

    def __init__(self, message, *, submission):
        super().__init__(message)
        self.submission = submission


def draft_files(milestone):
    return SubmissionFile.objects.filter(milestone=milestone, submission=None)


def next_number(milestone):
    """The number the next submitted version of the milestone gets."""
    latest = Submission.objects.filter(milestone=milestone).aggregate(latest=Max("number"))
    return (latest["latest"] or 0) + 1


def due_moment(day, time, *, tz):
    """When something due on ``day`` is due: at ``time``, or without one at the end of the day
    (the first moment of the day after)."""
    if time is None:
        day, time = day + datetime.timedelta(days=1), datetime.time(0, 0)
    return datetime.datetime.combine(day, time, tzinfo=tz)


def cut_off_of(milestone):
    """When a submission for the milestone is due, in the programme's time zone, and whether
    the milestone gives that time: its cut-off time on its last day; without one, the end of
    its last day (the first moment of the day after)."""
    tz = milestone.time_zone() or timezone.get_current_timezone()
    when = milestone.when
    if when.form == Form.DAY_WITH_TIME:
        return due_moment(when.starts_on, when.starts_at, tz=tz), True
    if when.form == Form.SPAN and when.ends_at is not None:
        return due_moment(when.last_day, when.ends_at, tz=tz), True
    return due_moment(when.last_day, None, tz=tz), False


def _locked(milestone):
    return Milestone.objects.select_for_update().get(pk=milestone.pk)


def _role_in_cluster(person, milestone):
    return (
        Membership.objects.filter(person=person, cluster_id=milestone.cluster_id)
        .values_list("role", flat=True)
        .first()
    )


def _refuse_unless_member(person, milestone):
    """Only the cluster's own people touch its draft; who left it meanwhile is refused."""
    if _role_in_cluster(person, milestone) is None:
        raise NotAllowed(is_member=False)
    if not milestone.asks_submission:
        raise Refused(_("This milestone does not ask for a submission."))


def _delete_stored_later(names):
    """Delete stored files once the transaction that let go of them has committed."""
    storage = SubmissionFile._meta.get_field("file").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def add_to_draft(*, milestone, files, by, replace=False):
    """Add checked files to the milestone's draft: ``files`` are (uploaded file, CheckedFile)
    pairs. A file whose name the draft has already replaces that one only with ``replace``;
    otherwise it is not added and the draft keeps its file.

    Returns (the names added, {name: why not added}).
    """
    added, problems, stored = [], {}, []
    try:
        with transaction.atomic():
            milestone = _locked(milestone)
            _refuse_unless_member(by, milestone)
            existing = {f.name: f for f in draft_files(milestone)}
            replaced = []
            for uploaded, checked in files:
                old = existing.get(checked.name)
                if old is not None and not replace:
                    problems[checked.name] = _(
                        "“%(name)s” is in the draft already and was kept. To replace it, "
                        "upload it again with “Replace files of the same name” ticked."
                    ) % {"name": checked.name}
                    continue
                if old is not None:
                    replaced.append(old.file.name)
                    old.delete()
                row = SubmissionFile(
                    milestone=milestone,
                    name=checked.name,
                    size=checked.size,
                    sha256=checked.sha256,
                    content_type=checked.content_type,
                    uploaded_by=by,
                )
                row.file.save(checked.name, uploaded, save=False)
                stored.append(row.file.name)
                row.save()
                added.append(checked.name)
            _delete_stored_later(replaced)
    except BaseException:
        # The rows are gone with the transaction; the files stored for them go too.
        storage = SubmissionFile._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return added, problems


def remove_from_draft(*, milestone, file_id, by):
    """Take a file out of the draft (its stored copy is deleted); returns its name.

    Raises Refused when the draft has no such file (removed already, or submitted since).
    """
    with transaction.atomic():
        milestone = _locked(milestone)
        _refuse_unless_member(by, milestone)
        row = draft_files(milestone).filter(pk=file_id).first()
        if row is None:
            raise Refused(_("That file is no longer in the draft."))
        name, stored = row.name, row.file.name
        row.delete()
        _delete_stored_later([stored])
    return name


def set_draft_note(*, milestone, note, by):
    """Keep the note that goes with the draft when it is submitted."""
    with transaction.atomic():
        milestone = _locked(milestone)
        _refuse_unless_member(by, milestone)
        draft, _created = Draft.objects.get_or_create(milestone=milestone)
        draft.note = note
        draft.save()
    return draft


def who_may_submit_refusal(person, milestone, *, role=None):
    """Why the person may not submit the milestone's draft (None: they may): its lead or a
    coordinator of the cluster submits."""
    role = role if role is not None else _role_in_cluster(person, milestone)
    if role == Role.COORDINATOR:
        return None
    leads = milestone.responsibilities.filter(person=person, role=ResponsibilityRole.LEAD).exists()
    if role is not None and leads:
        return None
    return _("The milestone's lead or a coordinator of the cluster submits.")


def _check_submit(milestone, *, by, expected_number):
    role = _role_in_cluster(by, milestone)
    if role is None:
        raise NotAllowed(is_member=False)
    refusal = who_may_submit_refusal(by, milestone, role=role)
    if refusal:
        raise NotAllowed(refusal, is_member=True)
    if not milestone.asks_submission:
        raise Refused(_("This milestone does not ask for a submission."))
    number = next_number(milestone)
    if expected_number is not None and expected_number != number:
        latest = Submission.objects.filter(milestone=milestone).order_by("-number").first()
        raise AlreadySubmitted(
            _("Version %(number)d was submitted already; nothing was submitted twice.")
            % {"number": latest.number},
            submission=latest,
        )
    if milestone.status == Status.CANCELLED:
        raise Refused(_("The milestone is cancelled: nothing can be submitted for it."))
    if not draft_files(milestone).exists():
        raise Refused(_("The draft has no files: upload at least one before submitting."))
    return number


def submit(*, milestone, by, expected_number=None, now=None):
    """Submit the milestone's draft as its next version: the draft's files move into it, the
    draft's note goes with it, and the draft is empty again. Judged on time or late against
    the milestone's cut-off; after it, a milestone that refuses late submissions refuses
    (Refused, nothing changed). ``expected_number``: the version the person's form was made
    for; another number means the submit was pressed twice (AlreadySubmitted).

    The status becomes Submitted; the submitter and the cluster's coordinators get a receipt
    once the transaction has committed.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            milestone = _locked(milestone)
            number = _check_submit(milestone, by=by, expected_number=expected_number)
            due, _has_time = cut_off_of(milestone)
            is_late = now >= due
            if is_late and milestone.late_submissions == LateSubmissions.REFUSE:
                raise Refused(late_refusal(due))
            draft = Draft.objects.filter(milestone=milestone).first()
            submission = Submission.objects.create(
                milestone=milestone,
                number=number,
                note=draft.note if draft else "",
                submitted_by=by,
                submitted_by_name=by.name or by.email,
                submitted_at=now,
                cut_off=due,
                is_late=is_late,
            )
            draft_files(milestone).update(submission=submission)
            if draft is not None:
                draft.note = ""
                draft.save()
            services.set_status(
                milestone=milestone,
                status=Status.SUBMITTED,
                by=by,
                note=status_note(number, late_by=now - due if is_late else None),
            )
            record_event(
                event_type=EventType.SUBMISSION_RECEIVED,
                milestone=milestone,
                submission=submission,
            )
            transaction.on_commit(lambda: send_receipts(submission=submission))
    except IntegrityError:
        # Two submits at once on a database without row locks: the number is taken.
        latest = Submission.objects.filter(milestone=milestone).order_by("-number").first()
        raise AlreadySubmitted(
            _("Version %(number)d was submitted already; nothing was submitted twice.")
            % {"number": latest.number},
            submission=latest,
        ) from None
    return submission


def late_refusal(due):
    return _(
        "The cut-off was %(cut_off)s: this milestone does not accept submissions after it. "
        "Your draft is kept; the programme's officer can grant an extension."
    ) % {"cut_off": format_moment_in(due, due.tzinfo)}


def status_note(number, *, late_by):
    """The note in the milestone's history: "version 2 submitted" (and how late)."""
    if late_by is None:
        return system_reason("submissions.submitted", number=number)
    return system_reason("submissions.submitted_late", number=number, lateness=late_by)
