"""Day-finding's pages: the officer's settings, overview and proposal; a cluster's answers.

The officer's pages are the programme's officers' only (404 for anybody else); a cluster's
answer page is seen by whoever sees the cluster and answered by its coordinators.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from milestones import dates, people
from milestones.dayfinding import services, solver
from milestones.dayfinding.days import visits_of
from milestones.dayfinding.forms import AnswersForm, ProposalForm, SettingsForm
from milestones.models import CLOSED_STATUSES, DAY_FINDING_KINDS, DayFinding, PlanItem
from milestones.views.common import PersonMixin
from milestones.views.pages import visible_cluster
from milestones.views.programmes import officer_programme

WHY_LEFT = {
    solver.NO_ANSWER: gettext_lazy("no answer"),
    solver.CANNOT_ANY_DAY: gettext_lazy("cannot host any of the days"),
    solver.DAYS_FULL: gettext_lazy("every day it can host is full"),
}


class OfficerMixin(PersonMixin):
    """A window plan item of a programme the person oversees; 404 for anybody else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.programme = officer_programme(request, kwargs["slug"])
        self.plan_item = get_object_or_404(
            PlanItem,
            programme=self.programme,
            pk=kwargs["pk"],
            is_tentative=True,
            kind__in=DAY_FINDING_KINDS,
        )
        self.day_finding = DayFinding.objects.filter(plan_item=self.plan_item).first()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.programme,
            plan_item=self.plan_item,
            day_finding=self.day_finding,
            **kwargs,
        )


class SettingsView(OfficerMixin, FormView):
    template_name = "dayfinding/settings.html"
    form_class = SettingsForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "plan_item": self.plan_item,
            "day_finding": self.day_finding,
        }

    def form_valid(self, form):
        if form.save(by=self.request.user) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Day-finding saved; the clusters can answer."))
        return redirect("milestones:dayfinding", self.programme.slug, self.plan_item.pk)


class OverviewView(OfficerMixin, TemplateView):
    """The clusters by the panel's days, with every answer and note."""

    template_name = "dayfinding/overview.html"

    def get(self, request, *args, **kwargs):
        if self.day_finding is None:
            slug, pk = self.programme.slug, self.plan_item.pk
            return redirect("milestones:dayfinding_settings", slug, pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panel_days = list(self.day_finding.days.all())
        table = services.answers_by_cluster(self.day_finding)
        context["panel_days"] = panel_days
        context["answer_by"] = dates.format_day(self.day_finding.answer_by)
        context["confirmed_at"] = dates.format_moment(self.day_finding.confirmed_at)
        context["rows"] = [
            (visit.cluster, [table.get(visit.cluster_id, {}).get(d.pk) for d in panel_days])
            for visit in visits_of(self.plan_item)
        ]
        context["fixed"] = (
            self.plan_item.milestones.filter(is_tentative=False)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("cluster")
            .order_by("cluster__name")
        )
        return context


class ProposalView(OfficerMixin, FormView):
    """The solver's proposal, changed by hand and confirmed."""

    template_name = "dayfinding/proposal.html"
    form_class = ProposalForm

    def get(self, request, *args, **kwargs):
        if self.day_finding is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.day_finding is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    @cached_property
    def visits(self):
        return list(visits_of(self.plan_item))

    @cached_property
    def proposal(self):
        return services.propose(day_finding=self.day_finding)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "day_finding": self.day_finding,
            "visits": self.visits,
            "proposal": self.proposal,
        }

    def get_context_data(self, **kwargs):
        names = {visit.cluster_id: visit.cluster.name for visit in self.visits}
        left = [(names[pk], WHY_LEFT[why]) for pk, why in self.proposal.left.items()]
        return super().get_context_data(left=left, **kwargs)

    def form_valid(self, form):
        try:
            confirmed = form.save(by=self.request.user)
        except services.StaleConfirmation as stale:
            messages.error(self.request, stale_message(stale.day_finding))
            return redirect("milestones:dayfinding", self.programme.slug, self.plan_item.pk)
        if confirmed is None:
            return self.form_invalid(form)
        count = len(confirmed)
        messages.success(
            self.request,
            ngettext(
                "Days confirmed for %(count)s cluster.",
                "Days confirmed for %(count)s clusters.",
                count,
            )
            % {"count": count},
        )
        return redirect("milestones:programme", self.programme.slug)


def stale_message(day_finding):
    if day_finding.confirmed_at is not None:
        return _(
            "%(name)s confirmed the days at %(moment)s, while you were looking: nothing was "
            "changed by you. Here is what stands now."
        ) % {
            "name": day_finding.confirmed_by or _("Another officer"),
            "moment": dates.format_moment(day_finding.confirmed_at),
        }
    return _(
        "The day-finding's settings changed while you were looking: nothing was changed. "
        "Please look at the proposal again."
    )


class AnswersView(PersonMixin, FormView):
    """A cluster's answers for the panel's days: its coordinators answer, whoever sees the
    cluster reads them. No other cluster's answers, nor how many chose a day."""

    template_name = "dayfinding/answers.html"
    form_class = AnswersForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cluster = visible_cluster(request, kwargs["slug"])
        self.day_finding = get_object_or_404(
            DayFinding.objects.select_related("plan_item"),
            pk=kwargs["pk"],
            plan_item__programme_id=self.cluster.programme_id,
        )
        if not self.day_finding.plan_item.applies_to(self.cluster):
            raise Http404
        self.reply = self.day_finding.replies.filter(cluster=self.cluster).first()
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def can_answer(self):
        return self.access.coordinates(self.cluster)

    def get_form_kwargs(self):
        answers = {}
        if self.reply is not None:
            answers = {answer.panel_day_id: answer for answer in self.reply.answers.all()}
        return {
            **super().get_form_kwargs(),
            "day_finding": self.day_finding,
            "cluster": self.cluster,
            "answers": answers,
        }

    def get_context_data(self, **kwargs):
        day_finding = self.day_finding
        closed = day_finding.confirmed_at is not None or services.answers_deadline_passed(
            day_finding
        )
        return super().get_context_data(
            cluster=self.cluster,
            day_finding=day_finding,
            reply=self.reply,
            can_answer=self.can_answer and not closed,
            closed=closed,
            who_may_edit=None if self.can_answer else people.who_may_edit(self.cluster),
            answer_by=dates.format_day(day_finding.answer_by),
            answered_at=dates.format_moment(self.reply.answered_at) if self.reply else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.can_answer:
            raise PermissionDenied(people.who_may_edit(self.cluster))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.save(by=self.request.user) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Your answers are saved."))
        return redirect("milestones:dayfinding_answers", self.cluster.slug, self.day_finding.pk)
