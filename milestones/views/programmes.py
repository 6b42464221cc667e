"""Programme officers: the matrix of clusters x plan items (and its CSV), the plan, and the
reminder lead times."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from milestones import plan
from milestones.forms.editing import PlanItemForm, ReminderScheduleForm
from milestones.forms.filters import ClusterFilterForm
from milestones.models import Cluster, Milestone, PlanItem, Programme
from milestones.views.common import PersonMixin


def officer_programme(request, slug):
    """A programme for its officers; for anybody else it does not exist."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Programme, slug=slug, officers__person=request.user)


def matrix_rows(*, clusters, plan_items):
    """The matrix's rows: each cluster with, in the plan's order, its milestone of each plan
    item, or None where it has none.

    Only the milestones of ``clusters`` are read: a page of the matrix costs the same in a
    programme of any size.
    """
    cells = {
        (milestone.cluster_id, milestone.plan_item_id): milestone
        for milestone in Milestone.objects.filter(
            cluster__in=clusters, plan_item__in=plan_items
        ).only("cluster_id", "plan_item_id", "status", "kind", *Milestone.DATE_FIELDS)
    }
    return [
        {"cluster": cluster, "cells": [cells.get((cluster.pk, item.pk)) for item in plan_items]}
        for cluster in clusters
    ]


class ProgrammeView(PersonMixin, TemplateView):
    """The matrix, a page of clusters at a time, in the order of their names.

    A programme of a thousand clusters is read one page at a time, or found by name: the
    page costs what it shows. A page number past either end shows the nearest page there is,
    one that is not a number the first: a link to a page that has since gone (the clusters
    were fewer, or the filter narrower) still lands on a page, which says which it is.
    """

    template_name = "milestones/programme.html"
    clusters_per_page = 50

    def get_context_data(self, **kwargs):
        programme = officer_programme(self.request, self.kwargs["slug"])
        plan_items = list(programme.plan_items.all())
        filter_form = ClusterFilterForm(self.request.GET)
        clusters = filter_form.filter(Cluster.objects.filter(programme=programme))
        paginator = Paginator(
            clusters.order_by("name", "pk").only("slug", "name"), self.clusters_per_page
        )
        page = paginator.get_page(page_number(self.request.GET.get("page")))
        return super().get_context_data(
            programme=programme,
            plan_items=plan_items,
            filter_form=filter_form,
            page=page,
            previous_page_url=page.has_previous() and page_url(self.request, page.number - 1),
            next_page_url=page.has_next() and page_url(self.request, page.number + 1),
            rows=matrix_rows(clusters=list(page), plan_items=plan_items),
            **kwargs,
        )


def page_number(value):
    """The page asked for, at least 1; anything that is not a whole number asks for the first."""
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def page_url(request, number):
    """The URL of another page of the same list: the query string kept, its page replaced."""
    query = request.GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = number
    return f"{request.path}?{query.urlencode()}" if query else request.path


class ProgrammeCsvView(PersonMixin, View):
    def get(self, request, *args, **kwargs):
        programme = officer_programme(request, kwargs["slug"])
        plan_items = list(programme.plan_items.all())
        clusters = Cluster.objects.filter(programme=programme).order_by("name", "pk").only("name")
        rows = matrix_rows(clusters=list(clusters), plan_items=plan_items)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}-matrix.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Cluster"), *[c for item in plan_items for c in _csv_columns(item)]])
        for row in rows:
            line = [row["cluster"].name]
            for milestone in row["cells"]:
                if milestone is None:
                    line += ["", ""]
                else:
                    line += [milestone.get_status_display(), milestone.when_text]
            writer.writerow(line)
        return response


def _csv_columns(plan_item):
    return [
        _("%(item)s: status") % {"item": plan_item.title},
        _("%(item)s: date") % {"item": plan_item.title},
    ]


class ProgrammeFormMixin(PersonMixin):
    """A form about the programme in the URL (``slug``), for its officers only."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.programme = officer_programme(request, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.programme}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)


class PlanItemMixin(ProgrammeFormMixin):
    template_name = "milestones/plan_item_form.html"
    form_class = PlanItemForm

    @cached_property
    def plan_item(self):
        return self.get_plan_item()

    def get_plan_item(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan_item}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan_item=self.plan_item, **kwargs)

    def form_valid(self, form):
        if form.proposed() is None:
            return self.form_invalid(form)
        if form.needs_preview():
            # The dates move: first what that does to each cluster, then the officer's choice.
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    preview=plan.preview_plan_change(plan_item=form.instance),
                    fingerprint=form.fingerprint(),
                )
            )
        if form.save(by=self.request.user) is None:
            return self.form_invalid(form)
        messages.success(self.request, saved_message(form.outcome))
        return redirect("milestones:programme", slug=self.programme.slug)


def saved_message(outcome):
    """What saving a plan item did, e.g. "moved for 12 clusters; 2 kept their day outside the
    window; 1 cleared"."""
    if outcome is None:
        return _("The plan item is saved for every cluster.")
    parts = [
        ngettext("moved for %(count)d cluster", "moved for %(count)d clusters", outcome.moved)
        % {"count": outcome.moved}
    ]
    if outcome.kept:
        parts.append(
            ngettext(
                "%(count)d kept its day outside the window",
                "%(count)d kept their day outside the window",
                outcome.kept,
            )
            % {"count": outcome.kept}
        )
    if outcome.cleared:
        parts.append(
            ngettext("%(count)d cleared", "%(count)d cleared", outcome.cleared)
            % {"count": outcome.cleared}
        )
    return _("The plan item is saved: %(what)s.") % {"what": "; ".join(parts)}


class PlanItemCreateView(PlanItemMixin, FormView):
    pass


class PlanItemEditView(PlanItemMixin, FormView):
    def get_plan_item(self):
        return get_object_or_404(
            PlanItem.objects.filter(programme=self.programme), pk=self.kwargs["pk"]
        )


class ReminderScheduleView(ProgrammeFormMixin, FormView):
    """A programme's lead times for reminders, kept by its officers."""

    template_name = "milestones/reminder_schedule.html"
    form_class = ReminderScheduleForm

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The reminder lead times are saved."))
        return redirect("milestones:reminder_schedule", slug=self.programme.slug)
