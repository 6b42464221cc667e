"""The pages people read: the dashboard, a cluster's timeline, a milestone."""

from django.db.models import Count, F, FilteredRelation, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from milestones import dashboard, dates, history, people, timeline
from milestones.dayfinding.services import answer_page_of
from milestones.dayfinding.services import open_for as open_day_findings
from milestones.forms.accounts import InvitationForm
from milestones.forms.dashboard import DashboardFilterForm
from milestones.forms.editing import StatusForm
from milestones.models import (
    Cluster,
    Membership,
    Milestone,
    Programme,
    Reminder,
    Role,
)
from milestones.submissions.section import section_context
from milestones.views.common import PersonMixin, with_people
from milestones.views.reviews import milestone_review_context


class DashboardView(PersonMixin, TemplateView):
    """What needs attention: the open milestones the person sees, in groups by urgency
    (overdue, this week, in 30 days, later), each counted, narrowed by the filters."""

    template_name = "milestones/dashboard.html"

    def get_context_data(self, **kwargs):
        person = self.request.user
        programmes = list(
            Programme.objects.filter(officers__person=person)
            .annotate(cluster_count=Count("clusters"))
            .order_by("name", "pk")
        )
        filter_form = DashboardFilterForm(self.request.GET or None)
        filters = filter_form.filters
        milestones = dashboard.open_milestones(person, oversees=bool(programmes), filters=filters)
        today = timezone.localdate()
        now = timezone.now()
        groups = dashboard.due_groups(
            milestones,
            today=today,
            now_time=timezone.localtime(now).time(),
            make_row=lambda milestone: due_row(milestone, person=person, today=today, now=now),
        )
        return super().get_context_data(
            groups=groups,
            total=sum(group.count for group in groups),
            filter_form=filter_form,
            filtered=bool(filters),
            clusters=Cluster.objects.joined_by(person)
            .select_related("programme")
            .only("slug", "name", "programme__name")
            .order_by("name", "pk"),
            programmes=programmes,
            **kwargs,
        )


class MyMilestonesView(PersonMixin, TemplateView):
    """What the person leads or contributes to and is still open, soonest first; the rest of
    their clusters' milestones are on the cluster pages."""

    template_name = "milestones/my_milestones.html"

    def get_context_data(self, **kwargs):
        person = self.request.user
        milestones = (
            due_milestones(person, oversees=False)
            .annotate(
                own_responsibility=FilteredRelation(
                    "responsibilities", condition=Q(responsibilities__person=person)
                ),
                own_role=F("own_responsibility__role"),
            )
            .filter(own_role__isnull=False)
        )
        today = timezone.localdate()
        now = timezone.now()
        return super().get_context_data(
            rows=[
                due_row(milestone, person=person, today=today, now=now) for milestone in milestones
            ],
            clusters=Cluster.objects.joined_by(person).only("slug", "name").order_by("name", "pk"),
            **kwargs,
        )


def due_milestones(person, *, oversees):
    """The open milestones the person sees, soonest first, with their cluster, plan item and
    the name of their lead (``lead_person_id``, ``lead_name``, ``lead_email``)."""
    milestones = dashboard.open_milestones(person, oversees=oversees, filters={})
    return dashboard.with_row_fields(milestones).order_by("starts_on", "starts_at", "pk")


def due_row(milestone, *, person, today, now):
    """A dashboard row: the milestone, how far away it is, and whether the person leads it."""
    # Only a deadline of today turns overdue at its cut-off time; other days count in days.
    passed = milestone.starts_on == today and timeline.cut_off_passed(
        milestone.when, now=now, tz=milestone.time_zone() or timezone.get_current_timezone()
    )
    return {
        "milestone": milestone,
        "leads": milestone.lead_person_id == person.pk,
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
            .select_related("plan_item")
            .order_by("starts_on", "starts_at", "pk")
        )
        context["milestones"] = milestones
        context["years"] = timeline.by_year(milestones, today=timezone.localdate())
        context["memberships"] = memberships = list(
            Membership.objects.filter(cluster=cluster).select_related("person")
        )
        for membership in memberships:
            membership.pending = people.invitation_pending(membership)
            if membership.pending:
                membership.invited = dates.format_moment(membership.invited_at)
                expires_at = people.invitation_expires_at(membership)
                membership.expires = dates.format_moment(expires_at)
                membership.expired = expires_at <= timezone.now()
        # The one coordinator can neither step down nor leave: no buttons that only refuse.
        coordinators = [m.person_id for m in memberships if m.role == Role.COORDINATOR]
        context["sole_coordinator"] = coordinators[0] if len(coordinators) == 1 else None
        context["membership_history"] = history.membership_history(cluster)
        context["can_edit"] = self.access.can_edit_cluster(cluster)
        context["day_findings"] = open_day_findings(cluster)
        if context["can_edit"]:
            context["invitation_form"] = InvitationForm(cluster=cluster)
        return context


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
        context["history"] = history.milestone_history(milestone)
        context["can_edit"] = self.access.can_edit_cluster(milestone.cluster)
        if not context["can_edit"]:
            context["who_may_edit"] = people.who_may_edit(milestone.cluster)
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
        # A day-finding's answer milestone leads to where the answers are given.
        context["day_finding_answers"] = answer_page_of(milestone)
        context.update(section_context(milestone=milestone, access=self.access))
        context.update(milestone_review_context(milestone=milestone, access=self.access))
        return context
