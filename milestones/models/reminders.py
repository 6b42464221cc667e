"""Reminder lead times per kind, and the ledger of every reminder due, sent or missed."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Kind, Milestone
from milestones.models.programmes import Person, Programme

DEFAULT_LEAD_DAYS = {
    Kind.PROGRESS_REPORT: (28, 14, 7, 3, 1, 0),
    Kind.STRATEGY_SUBMISSION: (28, 14, 7, 3, 1, 0),
    Kind.ON_SITE_VISIT: (14, 7, 1),
    Kind.JURY_MEETING: (14, 7, 1),
    Kind.IMPLEMENTATION_PHASE: (28, 7),
    Kind.OTHER: (7, 1),
}
MAX_LEAD_DAYS = 366


def parse_lead_days(text):
    """ "28, 14, 7" -> (28, 14, 7): distinct whole days, longest first; ValueError if unsound."""
    days = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > MAX_LEAD_DAYS:
            raise ValueError(part)
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


class ReminderSchedule(models.Model):
    """A programme's own lead times for one kind of milestone, replacing the defaults."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="reminder_schedules",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    lead_days = models.CharField(
        _("days before"),
        max_length=100,
        help_text=_(
            "Whole days before the (first) day, separated by commas; 0 is the morning of the "
            "day. Empty: no reminders for this kind."
        ),
        blank=True,
    )

    class Meta:
        ordering = ["programme", "kind"]
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"], name="reminder_schedule_one_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.programme}: {self.get_kind_display()}"

    def clean(self):
        super().clean()
        try:
            self.lead_days = ", ".join(str(day) for day in parse_lead_days(self.lead_days))
        except ValueError:
            raise ValidationError(
                {
                    "lead_days": _(
                        "Give whole days from 0 to %(max)s, separated by commas, e.g. “14, 7, 1”."
                    )
                    % {"max": MAX_LEAD_DAYS}
                }
            ) from None

    @property
    def days(self):
        return parse_lead_days(self.lead_days)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the date")
    OVERDUE = "overdue", _("Overdue")
    DATE_CHANGED = "date-changed", _("Date changed")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    MISSED = "missed", _("Missed")
    SKIPPED = "skipped", _("Skipped")


class ReminderQuerySet(models.QuerySet):
    def ledger_for(self, milestone):
        """A milestone's reminders for its page: who was (to be) reminded when, and failures."""
        return (
            self.filter(milestone=milestone)
            .select_related("person")
            .order_by("-date_version", "due_at", "person__name", "pk")
        )


class Reminder(models.Model):
    """The ledger: one row per reminder email a person gets (or got, or missed).

    One row per milestone, person, kind, lead time and version of the milestone's date; the
    unique constraint makes a second copy impossible, however many workers run at once.
    """

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    # Days before the date for a reminder BEFORE it; 0 for the other kinds.
    lead_days = models.PositiveSmallIntegerField(_("days before"), default=0)
    date_version = models.PositiveIntegerField(_("date version"))
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "person", "kind", "lead_days", "date_version"],
                name="reminder_once_per_person_and_date",
            )
        ]
        indexes = [
            # What the workers claim: pending rows whose next attempt has come, in the order
            # they are sent. Not a partial index on pending rows: SQLite does not use one when
            # the state is a bound parameter, and read every pending row at each look-ahead.
            models.Index(fields=["state", "next_attempt_at", "id"], name="reminder_due"),
        ]

    def __str__(self):
        return f"{self.milestone} → {self.person} ({self.get_kind_display()}, {self.lead_days})"
