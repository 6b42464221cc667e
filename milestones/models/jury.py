"""The jury meeting's running order: its layout and each cluster's presentation slot."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Milestone, PlanItem
from milestones.models.programmes import Person


class JuryOrder(models.TextChoices):
    RANDOM = "random", _("Drawn at random")
    NAME = "name", _("By cluster name (A–Z)")
    HAND = "hand", _("By hand")


class JurySchedule(models.Model):
    """How a jury meeting's presentations are laid out: one per plan item of kind jury meeting.

    The slots' times are computed from these fields (``milestones.jury.layout``); each
    cluster's milestone carries its own slot's day and times.
    """

    plan_item = models.OneToOneField(
        PlanItem,
        on_delete=models.CASCADE,
        related_name="jury_schedule",
        verbose_name=_("plan item"),
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("first presentation at"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes a presentation"))
    # [[after presentation N, minutes], ...]: a break stays between the same presentations
    # when the start or the slot length changes.
    breaks = models.JSONField(_("breaks"), default=list, blank=True)
    ends_by = models.TimeField(_("the day ends at"), null=True, blank=True)
    order = models.CharField(_("order"), max_length=16, choices=JuryOrder.choices)
    seed = models.PositiveIntegerField(_("seed of the draw"), null=True, blank=True)
    # Slots laid out, some perhaps free (a cluster left); a cluster added later gets one more.
    slot_count = models.PositiveSmallIntegerField(_("slots"))
    # Rises on every save: a form based on an older one is refused, not applied over it.
    version = models.PositiveIntegerField(default=1, editable=False)
    changed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("jury running order")
        verbose_name_plural = _("jury running orders")

    def __str__(self):
        return str(self.plan_item)


class JurySlot(models.Model):
    """A cluster's place in the running order: its milestone presents in slot ``number``."""

    schedule = models.ForeignKey(
        JurySchedule,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("running order"),
    )
    number = models.PositiveSmallIntegerField(_("slot"))
    milestone = models.OneToOneField(
        Milestone, on_delete=models.CASCADE, related_name="jury_slot", verbose_name=_("milestone")
    )

    class Meta:
        ordering = ["schedule", "number"]
        verbose_name = _("presentation slot")
        verbose_name_plural = _("presentation slots")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="jury_slot_once")
        ]

    def __str__(self):
        return f"{self.number}: {self.milestone}"
