"""The programme's side of submissions: a later cut-off for one cluster (an extension), and the
officer's answer to what a cluster submitted (accepted, or a revision with a new due date).

Each step changes the milestone through ``milestones.services``, so its history records who
and why, and a new date raises SEQUENCE (calendars update the event) and the date version
(reminders count to the new cut-off). A step that moves the date (an extension, a revision)
is told through the reminder ledger (``reminders.announcing``): one date-changed email, with
the new and the old cut-off, who and why, to the people responsible and the cluster's
coordinators, durable like any reminder. An acceptance moves no date: it is emailed to the
lead and the coordinators at once (``milestones.submissions.review_emails``).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones import dates, services
from milestones.api.webhooks.events import record_event
from milestones.models import (
    CLOSED_STATUSES,
    Decision,
    EventType,
    Extension,
    Milestone,
    Review,
    Status,
)
from milestones.reasons import system_reason
from milestones.reminders.announcing import announce_date_change
from milestones.submissions.review_emails import send_review_step
from milestones.submissions.services import due_moment


class CannotReview(Exception):
    """The step is not possible (any more): the message says why."""


def current_cut_off(milestone):
    """The day and cut-off time the milestone is due by now: its last day, and the time on it."""
    if milestone.ends_on is None:
        return milestone.starts_on, milestone.starts_at
    return milestone.ends_on, milestone.ends_at


def _zone(milestone):
    return milestone.time_zone() or timezone.get_current_timezone()


def _name(person):
    return person.name or person.email


def _lock(milestone):
    """Lock the milestone's row for the transaction and read it afresh: two officers acting at
    once take turns, and the second sees what the first did."""
    list(Milestone.objects.select_for_update().filter(pk=milestone.pk).values_list("pk"))
    milestone.refresh_from_db()


# Errors of the milestone's date fields, told at the fields of the officer's form.
_DATE_FIELD_OF_FORM = {"starts_on": "due_on", "starts_at": "due_at"}


def _move_deadline(milestone, *, due_on, due_at, by, reason):
    """Make the milestone due on ``due_on`` (at ``due_at``); raises ValidationError for a date
    it cannot have, leaving the milestone as it was."""
    changes = {
        "starts_on": due_on,
        "ends_on": None,
        "starts_at": due_at,
        "ends_at": None,
        "is_tentative": False,
    }
    before = {name: getattr(milestone, name) for name in changes}
    for name, value in changes.items():
        setattr(milestone, name, value)
    try:
        milestone.full_clean()
    except ValidationError as error:
        for name, value in before.items():
            setattr(milestone, name, value)
        raise ValidationError(
            {
                _DATE_FIELD_OF_FORM.get(name, NON_FIELD_ERRORS): messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    services.change_milestone(milestone=milestone, changes=changes, by=by, reason=reason)


def _refuse_unless_later(milestone, *, due_on, due_at):
    previous_on, previous_at = current_cut_off(milestone)
    tz = _zone(milestone)
    new = due_moment(due_on, due_at, tz=tz)
    if new <= due_moment(previous_on, previous_at, tz=tz):
        raise ValidationError(
            {
                "due_on": _("The new cut-off must be later than the current one, %(when)s.")
                % {"when": dates.format_day_and_time(previous_on, previous_at)}
            }
        )


def grant_extension(*, milestone, due_on, due_at=None, reason, by):
    """Give one cluster's milestone a later cut-off, for a reason; returns the Extension.

    The milestone keeps its plan item; plan changes leave its date alone from now on
    (``milestones.plan``). Raises ValidationError for a blank reason, a cut-off not later
    than the current one or a date the milestone cannot have; CannotReview when nothing is
    due any more.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the extension is granted.")})
    with transaction.atomic():
        _lock(milestone)
        if milestone.status in CLOSED_STATUSES:
            raise CannotReview(
                _("Nothing is due for this milestone any more (%(status)s): no extension.")
                % {"status": milestone.get_status_display()}
            )
        if milestone.is_tentative:
            raise CannotReview(_("The day of this milestone is not fixed yet: fix it first."))
        previous_on, previous_at = current_cut_off(milestone)
        _refuse_unless_later(milestone, due_on=due_on, due_at=due_at)
        extension = Extension(
            milestone=milestone,
            previous_due_on=previous_on,
            previous_due_at=previous_at,
            due_on=due_on,
            due_at=due_at,
            reason=reason,
            granted_by=by,
            granted_by_name=_name(by),
            granted_at=timezone.now(),
        )
        _move_deadline(
            milestone,
            due_on=due_on,
            due_at=due_at,
            by=by,
            reason=system_reason("reviews.extension", reason=reason),
        )
        extension.save()
        announce_date_change(milestone=milestone)
    return extension


def latest_submission(milestone):
    """The milestone's newest submission with its review (None: nothing submitted)."""
    return (
        milestone.submissions.select_related("review").order_by("-number").first()
        if milestone.pk
        else None
    )


def _check_reviewable(submission):
    """Raise CannotReview unless the submission is its milestone's newest and unreviewed."""
    newest = latest_submission(submission.milestone)
    if newest is None or newest.pk != submission.pk:
        raise CannotReview(
            _("Version %(number)s is not the latest: only the latest version is reviewed.")
            % {"number": submission.number}
        )
    if hasattr(newest, "review"):
        raise CannotReview(
            _("Version %(number)s has been reviewed already.") % {"number": submission.number}
        )


def _save_review(review):
    try:
        # Its own savepoint: a second review of the same submission, racing past the check,
        # fails here without spoiling the transaction around it.
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise CannotReview(
            _("Version %(number)s has been reviewed already.")
            % {"number": review.submission.number}
        ) from None


def _record_review(review):
    """Tell the webhooks of the review, in its transaction."""
    record_event(
        event_type=EventType.SUBMISSION_REVIEWED,
        milestone=review.submission.milestone,
        submission=review.submission,
        review=review,
    )


def accept_submission(*, submission, by, note=""):
    """Accept the milestone's latest submission: a Review ACCEPTED, the milestone Done."""
    milestone = submission.milestone
    note = (note or "").strip()
    with transaction.atomic():
        _lock(milestone)
        _check_reviewable(submission)
        review = Review(
            submission=submission,
            decision=Decision.ACCEPTED,
            note=note,
            reviewed_by=by,
            reviewed_by_name=_name(by),
            reviewed_at=timezone.now(),
        )
        _save_review(review)
        if note:
            history_note = system_reason(
                "reviews.accepted_with_note", number=submission.number, note=note
            )
        else:
            history_note = system_reason("reviews.accepted", number=submission.number)
        services.set_status(milestone=milestone, status=Status.DONE, by=by, note=history_note)
        _record_review(review)
    send_review_step(milestone=milestone, step=review)
    return review


def request_revision(*, submission, note, due_on, due_at=None, by):
    """Ask for a new version of the milestone's latest submission by a new due date: a Review
    REVISION, the milestone due then (reminders count to it) and In progress again.

    Raises ValidationError for a missing note, a due date not in the future or one the
    milestone cannot have; CannotReview when the submission is not the one to review.
    """
    milestone = submission.milestone
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the revision should change.")})
    with transaction.atomic():
        _lock(milestone)
        _check_reviewable(submission)
        if due_moment(due_on, due_at, tz=_zone(milestone)) <= timezone.now():
            raise ValidationError({"due_on": _("The new due date must be in the future.")})
        review = Review(
            submission=submission,
            decision=Decision.REVISION,
            note=note,
            revision_due_on=due_on,
            revision_due_at=due_at,
            reviewed_by=by,
            reviewed_by_name=_name(by),
            reviewed_at=timezone.now(),
        )
        _save_review(review)
        history_note = system_reason("reviews.revision", number=submission.number, note=note)
        _move_deadline(milestone, due_on=due_on, due_at=due_at, by=by, reason=history_note)
        services.set_status(
            milestone=milestone, status=Status.IN_PROGRESS, by=by, note=history_note
        )
        _record_review(review)
        announce_date_change(milestone=milestone)
    return review
