"""What a cluster delivers for a milestone: its draft, numbered submissions, files, reviews and
the extensions the programme grants.

A submission and its files are never changed or deleted once made; the draft is the cluster's
working copy until the lead or a coordinator submits it.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Milestone
from milestones.models.programmes import Person
from milestones.submissions.storage import submission_storage, upload_to


class Draft(models.Model):
    """The note of the cluster's draft for a milestone; its files are the milestone's
    ``SubmissionFile`` rows without a submission."""

    milestone = models.OneToOneField(
        Milestone, on_delete=models.CASCADE, related_name="draft", verbose_name=_("milestone")
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self):
        return str(self.milestone)


class SubmissionQuerySet(models.QuerySet):
    def newest_of(self, milestone):
        """The milestone's versions, newest first; ``milestone`` may be an ``OuterRef``, for
        the latest version of every milestone of a query."""
        return self.filter(milestone=milestone).order_by("-number")


class Submission(models.Model):
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("milestone"),
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept as written at the time: the person may be removed later.
    submitted_by_name = models.CharField(_("submitted by"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The cut-off it was judged against (an extension's, if one was granted); without a cut-off
    # time, the end of the milestone's last day (the midnight after it).
    cut_off = models.DateTimeField(_("cut-off"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["milestone", "number"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "number"], name="submission_one_number_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.milestone} #{self.number}"


class SubmissionFile(models.Model):
    """A file of the draft (``submission`` empty) or of a submission."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="submission_files"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    file = models.FileField(storage=submission_storage, upload_to=upload_to, max_length=300)
    # The file's own name, checked and cleaned; downloads carry it.
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "name"],
                condition=Q(submission__isnull=True),
                name="submission_file_one_name_per_draft",
            ),
            models.UniqueConstraint(
                fields=["submission", "name"], name="submission_file_one_name_per_submission"
            ),
        ]

    def __str__(self):
        return self.name


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REVISION = "revision", _("Revision requested")


class Review(models.Model):
    """A programme officer's answer to a submission: accepted, or a revision requested with a
    note and a new due date (the milestone's new date)."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="review", verbose_name=_("submission")
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    revision_due_on = models.DateField(_("new due date"), null=True, blank=True)
    revision_due_at = models.TimeField(_("new cut-off"), null=True, blank=True)
    reviewed_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_by_name = models.CharField(_("reviewed by"), max_length=200)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.submission}: {self.get_decision_display()}"


class Extension(models.Model):
    """A later cut-off granted to one cluster's milestone. The milestone keeps its plan item;
    plan changes leave the date of a milestone with an extension alone."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("milestone")
    )
    previous_due_on = models.DateField(_("previous day"))
    previous_due_at = models.TimeField(_("previous cut-off"), null=True, blank=True)
    due_on = models.DateField(_("new day"))
    due_at = models.TimeField(_("new cut-off"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_by_name = models.CharField(_("granted by"), max_length=200)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        ordering = ["milestone", "granted_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.milestone}: {self.due_on}"
