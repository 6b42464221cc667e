"""The pages people read: the dashboard, a cluster's timeline, a milestone."""

import functools

from django.db.models import Count, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from milestones import dates, fragments, plan, prepared, timeline
from milestones.forms.accounts import InvitationForm
from milestones.forms.editing import StatusForm
from milestones.models import (
    DEADLINE_KINDS,
    Cluster,
    Membership,
    Milestone,
    Person,
    Programme,
    Reminder,
    ResponsibilityRole,
    Role,
    seen_by,
)
from milestones.views.common import PersonMixin, with_people


class DashboardView(PersonMixin, TemplateView):
    """What the person has to do, soonest first: open milestones, the overdue ones on top."""

    template_name = "milestones/dashboard.html"

    # An officer of a large programme would otherwise get every open milestone of it: the
    # page costs what it shows, and the cluster pages list everything.
    limit = 100

    def get_rows(self, *, oversees):
        """The rows shown as tuples of values, the lead joined in, no objects built.

        Only the soonest are joined with their lead: an officer of a large programme sees
        tens of thousands. A member's are found through the cluster index (a few clusters;
        their milestones are sorted), so they are chosen first, by key alone, and joined
        after. An officer's are found by walking the index of open milestones in date order
        until enough of theirs are found (the first ones found are the soonest; nothing is
        sorted), so the lead is joined as the walk goes: choosing by key first would fetch
        each milestone a second time.
        """
        person = self.request.user
        if not person.is_active:
            return []
        order = ("starts_on", "starts_at", "pk")

        def build():
            theirs = seen_by(person, via="cluster__", oversees=oversees)
            chosen = Milestone.objects.open().filter(theirs)
            if not oversees:
                soonest = chosen.order_by(*order).values("pk")[: self.limit + 1]
                chosen = Milestone.objects.filter(pk__in=soonest)
            return (
                chosen.annotate(lead_responsibility=lead_responsibility())
                .order_by(*order)
                .values_list(*DUE_ROW_FIELDS)[: self.limit + 1]
            )

        # The SQL depends on the person alone; compiling it again was most of the page's time.
        return prepared.values_rows(("dashboard rows", person.pk, oversees), build)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        person = self.request.user
        # An officer's programmes with the number of their clusters; their clusters are
        # listed on the programme's page, a page at a time, not here.
        programmes = tuple(
            prepared.values_rows(
                ("dashboard programmes", person.pk),
                lambda: (
                    Programme.objects.filter(officers__person=person)
                    .annotate(cluster_count=cluster_count())
                    .order_by("name", "pk")
                    .values_list("slug", "name", "cluster_count")
                ),
            )
        )
        rows = self.get_rows(oversees=bool(programmes))
        context["more"] = len(rows) > self.limit
        context["limit"] = self.limit
        person_id = person.pk
        now = timezone.now()
        shown = rows[: self.limit]
        zones = time_zones_of_timed_deadlines(shown, today=today)
        context["rows"] = fragments.render_joined(
            "milestones/_due_row.html",
            [
                due_row(values, today=today, now=now, zones=zones, person_id=person_id)
                for values in shown
            ],
        )
        clusters = tuple(
            prepared.values_rows(
                ("dashboard clusters", person.pk, person.is_active),
                lambda: (
                    Cluster.objects.joined_by(person)
                    .order_by("name", "pk")
                    .values_list("slug", "name", "programme__name")
                ),
            )
        )
        context["clusters_section"] = fragments.render_each(
            "milestones/_dashboard_clusters.html",
            [((clusters, programmes), lambda: {"clusters": clusters, "programmes": programmes})],
        )[0]
        return context


def cluster_count():
    """A programme's number of clusters, counted in the index of clusters by programme (a
    join and GROUP BY read each of a large programme's 1,000 clusters: 0.10 ms against
    0.06 ms in SQLite)."""
    return Coalesce(
        Subquery(
            Cluster.objects.filter(programme=OuterRef("pk"))
            .order_by()
            .values("programme")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )


def lead_responsibility():
    """The milestone's lead responsibility as a join (a milestone has at most one lead)."""
    return FilteredRelation(
        "responsibilities", condition=Q(responsibilities__role=ResponsibilityRole.LEAD)
    )


# Everything a dashboard row shows, so that its cached text is keyed on all of it.
DUE_ROW_FIELDS = (
    "pk",
    "kind",
    "title",
    "starts_on",
    "ends_on",
    "starts_at",
    "ends_at",
    "is_tentative",
    "status",
    "cluster__slug",
    "cluster__name",
    "lead_responsibility__person_id",
    "lead_responsibility__person__name",
    "lead_responsibility__person__email",
)


LEAD_ID = DUE_ROW_FIELDS.index("lead_responsibility__person_id")
DAY_ID = DUE_ROW_FIELDS.index("starts_on")
TIME_ID = DUE_ROW_FIELDS.index("starts_at")
TENTATIVE_ID = DUE_ROW_FIELDS.index("is_tentative")
KIND_ID = DUE_ROW_FIELDS.index("kind")
CLUSTER_ID = DUE_ROW_FIELDS.index("cluster__slug")


def _is_timed_deadline_of(values, today):
    return (
        values[DAY_ID] == today
        and values[TIME_ID] is not None
        and not values[TENTATIVE_ID]
        and values[KIND_ID] in DEADLINE_KINDS
    )


def time_zones_of_timed_deadlines(rows, *, today):
    """The time zone of each cluster with a deadline of today with a cut-off time among the
    rows, by slug: one query on such a day, none on the others."""
    slugs = {values[CLUSTER_ID] for values in rows if _is_timed_deadline_of(values, today)}
    if not slugs:
        return {}
    return dict(Cluster.objects.filter(slug__in=slugs).values_list("slug", "programme__time_zone"))


def _cut_off_passed(values, *, today, now, zones):
    """Whether the row is a deadline of today whose cut-off time, in its programme's time
    zone (``zones``, by cluster slug), has passed."""
    if not _is_timed_deadline_of(values, today):
        return False
    try:
        tz = dates.zone(zones[values[CLUSTER_ID]])
    except (KeyError, dates.UnknownTimeZone):
        tz = timezone.get_current_timezone()
    row = dict(zip(DUE_ROW_FIELDS, values, strict=True))
    when = dates.When(**{name: row[name] for name in Milestone.DATE_FIELDS}, is_deadline=True)
    return timeline.cut_off_passed(when, now=now, tz=tz)


def due_row(values, *, today, now, zones, person_id):
    """A dashboard row for ``fragments.render_joined``: what it depends on, how to render it.

    ``values`` are the row's ``DUE_ROW_FIELDS``; besides them the row depends on the day it
    counts from, on whether a deadline of that day is past its cut-off time, and on whether
    the person asking leads the milestone.
    """
    leads = values[LEAD_ID] == person_id
    passed = _cut_off_passed(values, today=today, now=now, zones=zones)
    return (
        (values, today, passed, leads),
        functools.partial(due_row_context, values, today=today, passed=passed, leads=leads),
    )


def due_row_context(values, *, today, passed, leads):
    """The context of milestones/_due_row.html."""
    row = dict(zip(DUE_ROW_FIELDS, values, strict=True))
    milestone = Milestone(
        cluster=Cluster(slug=row["cluster__slug"], name=row["cluster__name"]),
        **{name: value for name, value in row.items() if "__" not in name},
    )
    lead = None
    if row["lead_responsibility__person_id"] is not None:
        lead = Person(
            name=row["lead_responsibility__person__name"],
            email=row["lead_responsibility__person__email"],
        )
    return {
        "milestone": milestone,
        "lead": lead,
        "leads": leads,
        "countdown": timeline.countdown(milestone, today=today, passed=passed),
        "overdue": timeline.is_overdue(milestone, today=today, passed=passed),
    }


def visible_cluster(request, slug):
    return get_object_or_404(
        Cluster.objects.visible_to(request.user).select_related("programme"), slug=slug
    )


class ClusterView(PersonMixin, DetailView):
    template_name = "milestones/cluster.html"
    context_object_name = "cluster"

    def get_object(self, queryset=None):
        return visible_cluster(self.request, self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.object
        # The timeline names no people: no need to fetch them.
        milestones = list(
            Milestone.objects.visible_to(self.request.user)
            .filter(cluster=cluster)
            .order_by("starts_on", "starts_at", "pk")
        )
        context["milestones"] = milestones
        context["years"] = years = timeline.by_year(milestones, today=timezone.localdate())
        add_timeline_html(years)
        context["memberships"] = memberships = list(
            Membership.objects.filter(cluster=cluster).select_related("person")
        )
        # The one coordinator can neither step down nor leave: no buttons that only refuse.
        coordinators = [m.person_id for m in memberships if m.role == Role.COORDINATOR]
        context["sole_coordinator"] = coordinators[0] if len(coordinators) == 1 else None
        context["can_edit"] = self.access.can_edit_cluster(cluster)
        if context["can_edit"]:
            context["invitation_form"] = InvitationForm(cluster=cluster)
        return context


def add_timeline_html(years):
    """Give each year of the timeline its markup and style (``year["html"]``, ``["style"]``).

    Both are rendered once per version of the year: what it depends on is today's place in
    it and, for each milestone on it, its place and what its label shows.
    """
    inputs = [
        (
            year["year"],
            year["today"],
            year["today_is_late"],
            year["is_past"],
            tuple(
                (
                    item["left"],
                    item["width"],
                    item["is_past"],
                    item["milestone"].pk,
                    item["milestone"].title,
                    item["milestone"].kind,
                    item["milestone"].status,
                    item["milestone"].date_values(),
                )
                for item in year["items"]
            ),
        )
        for year in years
    ]
    for part, template_name in [
        ("html", "milestones/_timeline_year.html"),
        ("style", "milestones/_timeline_year_style.html"),
    ]:
        rendered = fragments.render_each(
            template_name,
            [
                (year_inputs, functools.partial(dict, year=year))
                for year_inputs, year in zip(inputs, years, strict=True)
            ],
        )
        for year, text in zip(years, rendered, strict=True):
            year[part] = text


class MilestoneView(PersonMixin, DetailView):
    template_name = "milestones/milestone.html"
    context_object_name = "milestone"

    def get_queryset(self):
        return with_people(Milestone.objects.visible_to(self.request.user)).select_related(
            "cluster__programme", "plan_item"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        milestone = self.object
        records = plan.history(milestone)
        context["changes"] = [
            {
                "at": dates.format_moment(change.at),
                "by": change.by,
                "reason": change.reason,
                "before": dates.describe(change.before) if change.before else None,
                "after": dates.describe(change.after),
            }
            for change in plan.date_changes(milestone, records)
        ]
        context["status_changes"] = [
            {
                "at": dates.format_moment(change.at),
                "by": change.by,
                "note": change.note,
                "before": change.before,
                "after": change.after,
            }
            for change in plan.status_changes(records)
        ]
        context["can_edit"] = self.access.can_edit_cluster(milestone.cluster)
        if context["can_edit"]:
            # Who was reminded when, and what failed: for the cluster's coordinators.
            context["ledger"] = Reminder.objects.ledger_for(milestone)
        context["can_update_status"] = self.access.can_update_status(milestone)
        if context["can_update_status"]:
            context["status_form"] = StatusForm(initial={"status": milestone.status})
        tz = milestone.time_zone() or timezone.get_current_timezone()
        now = timezone.now()
        passed = timeline.cut_off_passed(milestone.when, now=now, tz=tz)
        today = now.astimezone(tz).date()
        context["countdown"] = timeline.countdown(milestone, today=today, passed=passed)
        context["overdue"] = timeline.is_overdue(milestone, today=today, passed=passed)
        return context
