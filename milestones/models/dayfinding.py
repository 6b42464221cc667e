"""Day-finding: the panel's days in a plan item's window, and each cluster's answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Milestone, PlanItem
from milestones.models.programmes import Cluster, Person


class Availability(models.TextChoices):
    CAN = "can", _("Can host")
    IF_NEED_BE = "if-need-be", _("Only if need be")
    CANNOT = "cannot", _("Cannot")


class DayFinding(models.Model):
    """The search for each cluster's day inside a window plan item (an on-site visit)."""

    plan_item = models.OneToOneField(
        PlanItem, on_delete=models.CASCADE, related_name="day_finding", verbose_name=_("plan item")
    )
    visits_per_day = models.PositiveSmallIntegerField(_("visits a day"), default=1)
    answer_by = models.DateField(_("answers by"))
    # Rises on every confirmation: an officer confirms the version they saw, or is told.
    version = models.PositiveIntegerField(default=0, editable=False)
    opened_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("day-finding")
        verbose_name_plural = _("day-findings")

    def __str__(self):
        return str(self.plan_item)


class PanelDay(models.Model):
    """A day the review panel can visit."""

    day_finding = models.ForeignKey(DayFinding, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["day_finding", "day"], name="panel_day_unique")
        ]

    def __str__(self):
        return self.day.isoformat()


class DayFindingReply(models.Model):
    """A cluster's part in a day-finding: the deadline milestone of its answer, and when it
    answered."""

    day_finding = models.ForeignKey(DayFinding, on_delete=models.CASCADE, related_name="replies")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    answer_milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day_finding", "cluster"], name="day_finding_reply_unique"
            )
        ]

    def __str__(self):
        return f"{self.cluster} ({self.day_finding})"


class DayAnswer(models.Model):
    """A cluster's answer for one of the panel's days."""

    reply = models.ForeignKey(DayFindingReply, on_delete=models.CASCADE, related_name="answers")
    panel_day = models.ForeignKey(PanelDay, on_delete=models.CASCADE, related_name="answers")
    availability = models.CharField(_("answer"), max_length=16, choices=Availability.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "panel_day"], name="day_answer_unique")
        ]

    def __str__(self):
        return f"{self.panel_day}: {self.availability}"
