"""Milestones and plan items, their dates in every form, and the people responsible."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from milestones import dates
from milestones.models.programmes import Cluster, Membership, Person, Programme


class Kind(models.TextChoices):
    PROGRESS_REPORT = "progress-report", _("Progress report")
    STRATEGY_SUBMISSION = "strategy-submission", _("Strategy submission")
    ON_SITE_VISIT = "on-site-visit", _("On-site visit")
    JURY_MEETING = "jury-meeting", _("Jury meeting")
    IMPLEMENTATION_PHASE = "implementation-phase", _("Implementation phase")
    OTHER = "other", _("Other")


# Kinds whose date is a deadline: something is due then, and a time on it is the cut-off.
DEADLINE_KINDS = frozenset({Kind.PROGRESS_REPORT, Kind.STRATEGY_SUBMISSION})

# Kinds whose window's day is found with each cluster (milestones.dayfinding): a day the
# cluster hosts on its own, such as the on-site visit. A report's month or a phase's start is
# no day to find, and a jury meeting is one day for all (milestones.jury).
DAY_FINDING_KINDS = frozenset({Kind.ON_SITE_VISIT, Kind.OTHER})


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Nothing more is due from the cluster: submitted (awaiting the programme's review), done or
# cancelled. Such milestones are not open: no reminders, not overdue.
CLOSED_STATUSES = (Status.SUBMITTED, Status.DONE, Status.CANCELLED)


class LateSubmissions(models.TextChoices):
    ACCEPT = "accept", _("Accepted and marked late")
    REFUSE = "refuse", _("Refused after the cut-off")


# The file types a submission accepts unless its plan item or milestone says otherwise.
DEFAULT_FILE_TYPES = "pdf,docx,xlsx,odt,ods,pptx,zip"
DEFAULT_MAX_FILE_MB = 50


class DatedModel(models.Model):
    """The date of a milestone or plan item in one of its forms (see ``milestones.dates``).

    ``starts_on`` is the day, a span's first day or a window's earliest day; ``ends_on`` the
    last day of a span or window, inclusive, empty for one day; ``starts_at`` / ``ends_at``
    optional local times (for a deadline ``starts_at`` is the cut-off); ``is_tentative`` marks
    a window whose day is not fixed yet.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    # blank=True so that a missing day reaches clean() and gets its own message there.
    starts_on = models.DateField(_("day / first day"), blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    starts_at = models.TimeField(_("time / cut-off"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    is_tentative = models.BooleanField(
        _("day not fixed yet"),
        default=False,
        help_text=_("A window: the first and last day bound it; the day is confirmed later."),
    )

    # What the cluster delivers: on by default for deadline kinds (the forms' initial value).
    asks_submission = models.BooleanField(_("asks for a submission"), default=False)
    file_types = models.CharField(
        _("accepted file types"),
        max_length=200,
        default=DEFAULT_FILE_TYPES,
        help_text=_("File name endings, separated by commas."),
    )
    max_file_mb = models.PositiveIntegerField(_("largest file (MB)"), default=DEFAULT_MAX_FILE_MB)
    late_submissions = models.CharField(
        _("after the cut-off"),
        max_length=16,
        choices=LateSubmissions.choices,
        default=LateSubmissions.ACCEPT,
    )

    DATE_FIELDS = ("starts_on", "ends_on", "starts_at", "ends_at", "is_tentative")
    SUBMISSION_FIELDS = ("asks_submission", "file_types", "max_file_mb", "late_submissions")

    class Meta:
        abstract = True

    @property
    def is_deadline(self):
        return self.kind in DEADLINE_KINDS

    @property
    def when(self):
        return dates.When(
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            is_tentative=self.is_tentative,
            is_deadline=self.is_deadline,
        )

    @property
    def when_text(self):
        """The date in words in the active language, e.g. "May–June 2024 (day not fixed)"."""
        return dates.describe(self.when)

    def date_values(self):
        return tuple(getattr(self, name) for name in self.DATE_FIELDS)

    def clean(self):
        super().clean()
        # An end equal to the start says nothing more than a single day.
        if self.ends_on is not None and self.ends_on == self.starts_on and not self.is_tentative:
            self.ends_on = None
        errors = dates.validate(
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            is_tentative=self.is_tentative,
            is_deadline=self.is_deadline,
            tz=self.time_zone(),
        )
        if errors:
            raise ValidationError(errors)

    def programme_of_date(self):
        """The programme whose time zone the date's times are in, or None if not known yet."""
        raise NotImplementedError

    def time_zone(self):
        programme = self.programme_of_date()
        if programme is None:
            return None
        try:
            return dates.zone(programme.time_zone)
        except dates.UnknownTimeZone:
            return None


class PlanItem(DatedModel):
    """An item of a programme's milestone plan, set once by a programme officer.

    Every cluster of the programme (or of one round) has its own milestone for it.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plan_items", verbose_name=_("programme")
    )
    round = models.PositiveSmallIntegerField(
        _("round"), null=True, blank=True, help_text=_("Empty: every round of the programme.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        return self.title

    def programme_of_date(self):
        return self.programme if self.programme_id is not None else None

    def applies_to(self, cluster):
        return cluster.programme_id == self.programme_id and self.round in (None, cluster.round)

    @property
    def finds_its_day(self):
        """A window whose day each cluster's day-finding can settle."""
        return self.is_tentative and self.kind in DAY_FINDING_KINDS


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, person):
        """Milestones of the clusters the person belongs to or oversees as programme officer."""
        if not person.is_authenticated or not person.is_active:
            return self.none()
        # The clusters as a subquery, not joins with DISTINCT: the database then finds the
        # milestones through the cluster index instead of scanning all of them.
        return self.filter(cluster__in=Cluster.objects.visible_to(person).values("pk"))

    def upcoming(self, *, today=None):
        """Not yet over (a window or span counts until its last day), soonest first."""
        today = today or timezone.localdate()
        return self.filter(
            Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
        ).order_by("starts_on", "starts_at", "pk")

    def open(self):
        """Neither done nor cancelled.

        Asked as ``is_open IN (true)``: the ORM writes ``is_open=True`` as the bare column,
        with which SQLite does not use the index milestone_open_start.
        """
        return self.filter(is_open__in=[True])


class Milestone(DatedModel):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("cluster")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("plan item"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    people = models.ManyToManyField(
        Person,
        through="Responsibility",
        related_name="responsibilities",
        verbose_name=_("people responsible"),
    )
    # These three are moved by milestones.services.change_milestone, never by save() (a
    # restored backup keeps them as dumped).
    # Rises on every change calendar clients must see (dates, status): iCalendar's SEQUENCE.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Rises on every change of the date: reminders are counted per date version.
    date_version = models.PositiveIntegerField(default=0, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Neither done nor cancelled: a column the database derives from the status, so that an
    # index holds the open milestones in date order apart from the history of done ones.
    is_open = models.GeneratedField(
        expression=Case(
            When(status__in=CLOSED_STATUSES, then=Value(False)),
            default=Value(True),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "is_open"])

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "starts_at", "title"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "plan_item"],
                condition=Q(plan_item__isnull=False),
                name="milestone_one_per_plan_item_and_cluster",
            )
        ]
        indexes = [
            models.Index(fields=["cluster", "starts_on"], name="milestone_cluster_start"),
            # The reminder round's two questions: what is near now, and what moved lately.
            models.Index(fields=["starts_on", "starts_at"], name="milestone_start"),
            # The open milestones in date order: an officer's dashboard walks it from the
            # soonest until enough of their programmes' are found, nothing sorted, whatever
            # the number of milestones done before.
            models.Index(fields=["is_open", "starts_on", "starts_at"], name="milestone_open_start"),
            models.Index(
                fields=["updated_at"], condition=Q(date_version__gt=0), name="milestone_moved"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.cluster})"

    def programme_of_date(self):
        return self.cluster.programme if self.cluster_id is not None else None

    @property
    def is_outside_plan_window(self):
        """A day confirmed outside the window its plan item gives (after the plan moved)."""
        return self.plan_item_id is not None and self.is_outside_window(self.plan_item)

    def is_outside_window(self, window):
        """Whether the milestone's confirmed day lies outside ``window``: a plan item, or one
        with the dates an officer proposes for it."""
        return (
            window.is_tentative
            and not self.is_tentative
            and self.starts_on is not None
            and not window.starts_on <= self.starts_on <= window.ends_on
        )

    def date_changed(self):
        """Whether the date differs from the one stored (a new milestone: yes)."""
        if self.pk is None:
            return True
        stored = Milestone.objects.filter(pk=self.pk).values_list(*self.DATE_FIELDS).first()
        return stored is None or tuple(stored) != self.date_values()

    def clean(self):
        super().clean()
        # A day kept outside a moved window stays as it is while people, status or text
        # change: only a new date must fit the plan.
        if self.is_outside_plan_window and self.date_changed():
            raise ValidationError(
                {
                    "starts_on": _(
                        "The programme's plan puts this milestone in %(window)s; "
                        "choose a day inside it."
                    )
                    % {"window": dates.describe(self.plan_item.when)}
                }
            )

    @property
    def lead(self):
        """The lead among the people responsible (uses prefetched rows when there are any)."""
        for responsibility in self.responsibilities.all():
            if responsibility.role == ResponsibilityRole.LEAD:
                return responsibility.person
        return None

    def is_over(self, *, today=None):
        today = today or timezone.localdate()
        return (self.ends_on or self.starts_on) < today


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTRIBUTOR = "contributor", _("Contributor")


class Responsibility(models.Model):
    """A person responsible for a milestone: its one lead or one of its contributors."""

    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("milestone"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.CONTRIBUTOR,
    )

    class Meta:
        ordering = ["role", "person__name"]
        verbose_name = _("person responsible")
        verbose_name_plural = _("people responsible")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "person"], name="responsibility_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(role="lead"),
                name="responsibility_one_lead",
                violation_error_message=_("A milestone has one lead."),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        # Clusters compete: somebody outside the milestone's cluster cannot be responsible.
        try:
            # In the admin's inline the milestone may not be saved yet; its cluster is known.
            cluster_id = self.milestone.cluster_id
        except Milestone.DoesNotExist:
            cluster_id = None
        if (
            cluster_id
            and self.person_id
            and not Membership.objects.filter(
                person_id=self.person_id, cluster_id=cluster_id
            ).exists()
        ):
            raise ValidationError(
                {"person": _("Only members of the milestone's cluster can be responsible for it.")}
            )
