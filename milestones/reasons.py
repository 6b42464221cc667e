"""The reasons the app itself gives for a change, kept so that each reader sees them in their
own language.

A history row keeps its reason as text. A reason a person types is kept and shown exactly as
typed. A reason the app writes ("Presentation slot 3 of the jury meeting.") is kept as a key
and its values instead, ``system_reason("jury.slot", number=3)``, and put into words only when
shown, in the language of whoever reads it: ``reason_text(stored)``.

The stored form starts with MARK, the ASCII record separator. Nobody types it, and every
form and API field that takes a reason strips it from both ends as white space
(``str.strip``), so a typed reason never starts with it. Rows written before the keys keep
their words as they were written and are shown as stored, like a typed reason.
"""

import datetime
import json

from django.utils.translation import gettext_lazy as _

from milestones import dates
from milestones.submissions.wording import describe_lateness

MARK = "\x1e"

REASONS = {
    "jury.slot": _("Presentation slot %(number)d of the jury meeting."),
    "jury.moved": _("Moved to presentation slot %(number)d of the jury meeting."),
    "jury.day": _("The jury meeting's day."),
    "dayfinding.opened": _("Day-finding opened."),
    "dayfinding.answer_date_moved": _("The answer date of the day-finding moved."),
    "dayfinding.joined": _("Joined the programme while its day-finding was open."),
    "dayfinding.answered": _("Answers given."),
    "dayfinding.day_confirmed": _("Day confirmed by day-finding."),
    "dayfinding.confirmed": _("The day-finding was confirmed."),
    "plan.added": _("From the programme's plan."),
    "plan.moved": _("The programme's plan moved to %(window)s: the day is fixed again."),
    "plan.dropped": _("No longer in the programme's plan for this round."),
    "people.invited": _("Invited."),
    "people.invitation_withdrawn": _("Invitation withdrawn."),
    "people.left": _("No longer in the cluster."),
    "sso.admitted": _("Signed in through the sign-in service of @%(domain)s."),
    "submissions.submitted": _("Version %(number)d submitted."),
    "submissions.submitted_late": _("Version %(number)d submitted, %(lateness)s."),
    "reviews.extension": _("Extension granted: %(reason)s"),
    "reviews.accepted": _("Version %(number)s accepted."),
    "reviews.accepted_with_note": _("Version %(number)s accepted. %(note)s"),
    "reviews.revision": _("Revision of version %(number)s requested: %(note)s"),
}

# The fields of a dates.When, as a value of a reason: a date in words in the reader's language.
WHEN_FIELDS = ("starts_on", "ends_on", "starts_at", "ends_at", "is_tentative")


def _stored_value(value):
    if isinstance(value, datetime.timedelta):
        return {"late_by": value.total_seconds()}
    if isinstance(value, dates.When):
        return {
            "when": [
                item.isoformat() if hasattr(item, "isoformat") else item
                for item in (getattr(value, name) for name in WHEN_FIELDS)
            ]
        }
    return value


def _shown_value(value):
    if isinstance(value, dict) and "late_by" in value:
        return describe_lateness(datetime.timedelta(seconds=value["late_by"]))
    if isinstance(value, dict) and "when" in value:
        starts_on, ends_on, starts_at, ends_at, is_tentative = value["when"]
        return dates.describe(
            dates.When(
                starts_on=datetime.date.fromisoformat(starts_on),
                ends_on=ends_on and datetime.date.fromisoformat(ends_on),
                starts_at=starts_at and datetime.time.fromisoformat(starts_at),
                ends_at=ends_at and datetime.time.fromisoformat(ends_at),
                is_tentative=is_tentative,
            )
        )
    return value


def system_reason(key, **values):
    """The reason ``key`` of REASONS with its ``values``, as a history row keeps it.

    Values are numbers, text (a typed part, such as an extension's reason, kept whole), a
    dates.When or a timedelta (how late, "1 hour 14 minutes late"), both put into words when
    read.
    """
    if key not in REASONS:
        raise KeyError(f"No reason {key!r}: add it to milestones.reasons.REASONS.")
    stored = {name: _stored_value(value) for name, value in values.items()}
    return MARK + json.dumps([key, stored], ensure_ascii=False, sort_keys=True)


def reason_text(stored):
    """The reason as its reader sees it: a system reason in the active language, anything
    else (a typed reason, a row from before system reasons had keys) as stored."""
    if not stored or not stored.startswith(MARK):
        return stored or ""
    try:
        key, values = json.loads(stored[len(MARK) :])
        message = REASONS[key]
    except (ValueError, TypeError, KeyError):
        # Not one of ours after all (or a key since removed): the text is all there is.
        return stored[len(MARK) :]
    return str(message) % {name: _shown_value(value) for name, value in values.items()}
