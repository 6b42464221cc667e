"""Who was made responsible for a milestone or a member of a cluster, by whom, when and why.

A milestone's dates and status keep their history in django-simple-history's records; the
people responsible and a cluster's members are rows that come and go, so each change of a
person's role is written here by ``milestones.services`` as it is made.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Milestone, ResponsibilityRole
from milestones.models.programmes import Cluster, Person, Role


class RoleChange(models.Model):
    """A person's role before and after a change ("" for none), with who made it and why."""

    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # Kept when the person is deleted.
    person_name = models.CharField(_("name"), max_length=300)
    changed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        before = self.get_role_before_display() or "–"
        after = self.get_role_after_display() or "–"
        return f"{self.person_name}: {before} → {after}"


class ResponsibilityChange(RoleChange):
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="responsibility_changes",
        verbose_name=_("milestone"),
    )
    role_before = models.CharField(
        _("role before"), max_length=16, choices=ResponsibilityRole.choices, blank=True
    )
    role_after = models.CharField(
        _("role after"), max_length=16, choices=ResponsibilityRole.choices, blank=True
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("change of the people responsible")
        verbose_name_plural = _("changes of the people responsible")


class MembershipChange(RoleChange):
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        related_name="membership_changes",
        verbose_name=_("cluster"),
    )
    role_before = models.CharField(
        _("role before"), max_length=16, choices=Role.choices, blank=True
    )
    role_after = models.CharField(_("role after"), max_length=16, choices=Role.choices, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("change of the members")
        verbose_name_plural = _("changes of the members")
