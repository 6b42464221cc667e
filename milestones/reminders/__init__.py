"""Reminder emails: what is due when, and sending each at most once, whatever fails.

Two steps, both safe to run on any number of machines at once:

1. ``plan_due_reminders`` works out from the milestones what ``now`` calls for and writes it
   to the ledger (``Reminder``): one row per milestone, person, kind, lead time and version of
   the date. The unique constraint makes a second row impossible; ``ignore_conflicts`` lets
   two workers planning the same row both go on.
2. ``send_due_reminders`` then claims pending rows one transaction at a time with
   ``SELECT ... FOR UPDATE SKIP LOCKED``, sends, and records the outcome in the same
   transaction. A crash between sending and committing leaves that one row pending, so that
   one email may go out twice; no other.

Reminders go out at 08:00 in the programme's time zone; one that would fall on a weekend or a
public holiday goes out on the working day before. After downtime only the reminder that is
relevant now is sent; the stale ones are recorded as missed.

One module per part: ``days`` (when emails go out), ``planning`` (what is due),
``messages`` (the emails), ``wire`` (their bytes), ``exchange`` (an email's SMTP transaction
in steps, so that a round works while the server answers), ``sending`` (claiming and sending).
"""

from milestones.reminders.days import (
    DIGEST_GRACE,
    is_working_day,
    next_digest_moment,
    send_moment,
    working_day_after,
    working_day_on_or_before,
)
from milestones.reminders.messages import (
    ITEMS_MARKER,
    UNSUBSCRIBE_SALT,
    MessageParts,
    build_message,
    person_from_unsubscribe_token,
    unsubscribe_token,
)
from milestones.reminders.planning import (
    DATE_CHANGE_NOTICE_DAYS,
    HOLIDAY_SLACK_DAYS,
    LONGEST_WINDOW_DAYS,
    OVERDUE_CATCH_UP_DAYS,
    Due,
    due_reminders,
    lead_days_by_programme_and_kind,
    lead_days_for,
    lead_days_of_programme,
    plan_due_reminders,
    set_lead_days,
    wants_reminders,
)
from milestones.reminders.sending import (
    BACKOFF_LONGEST,
    CONNECTION_ERRORS,
    Summary,
    backoff,
    leads_of_open_milestones,
    send_due_reminders,
)

__all__ = [
    "BACKOFF_LONGEST",
    "CONNECTION_ERRORS",
    "DATE_CHANGE_NOTICE_DAYS",
    "DIGEST_GRACE",
    "HOLIDAY_SLACK_DAYS",
    "ITEMS_MARKER",
    "LONGEST_WINDOW_DAYS",
    "OVERDUE_CATCH_UP_DAYS",
    "UNSUBSCRIBE_SALT",
    "Due",
    "MessageParts",
    "Summary",
    "backoff",
    "build_message",
    "due_reminders",
    "is_working_day",
    "lead_days_by_programme_and_kind",
    "lead_days_for",
    "lead_days_of_programme",
    "leads_of_open_milestones",
    "next_digest_moment",
    "person_from_unsubscribe_token",
    "plan_due_reminders",
    "send_due_reminders",
    "send_moment",
    "set_lead_days",
    "unsubscribe_token",
    "wants_reminders",
    "working_day_after",
    "working_day_on_or_before",
]
