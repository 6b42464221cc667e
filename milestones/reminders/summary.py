"""What a round of reminders did, in words: the summary line and the reasons behind it."""

import collections
import dataclasses

from milestones.models import ReminderKind, ReminderState, Status

CLOSED_REASONS = {
    Status.SUBMITTED: "the milestone is submitted",
    Status.DONE: "the milestone is done",
    Status.CANCELLED: "the milestone is cancelled",
}

OUTAGE = "the mail server could not be reached; it stays due for the next round"
REFUSED = "the mail server did not take it; it is tried again later"
GIVEN_UP = "the mail server did not take it, and no attempt is left"


@dataclasses.dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    missed: int = 0
    dry_run: bool = False
    # A dry run's list of the reminders it would send.
    emails: list = dataclasses.field(default_factory=list)
    # How many were skipped, missed or failed for each reason: (state, reason) to a count.
    reasons: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def __str__(self):
        prefix = "dry run, would have: " if self.dry_run else ""
        return (
            f"{prefix}sent {self.sent}, failed {self.failed}, "
            f"skipped {self.skipped}, missed {self.missed}"
        )

    def lines(self):
        """The summary line, then one indented line per reason: "  skipped 2 because …"."""
        return [
            str(self),
            *(
                f"  {state} {count} because {reason}"
                for (state, reason), count in sorted(self.reasons.items())
            ),
        ]

    def count(self, state, reason=""):
        if state == ReminderState.SENT:
            self.sent += 1
        elif state == ReminderState.SKIPPED:
            self.skipped += 1
        elif state == ReminderState.MISSED:
            self.missed += 1
        elif state == ReminderState.FAILED:
            self.failed += 1
        if reason and state != ReminderState.SENT:
            self.reasons[(str(state), reason)] += 1


def reminder_in_words(kind, lead_days):
    """ "reminder 7 days before", "reminder on the day", "overdue", "date changed"."""
    if kind == ReminderKind.OVERDUE:
        return "overdue"
    if kind == ReminderKind.DATE_CHANGED:
        return "date changed"
    if lead_days == 0:
        return "reminder on the day"
    return f"reminder {lead_days} day{'' if lead_days == 1 else 's'} before"
