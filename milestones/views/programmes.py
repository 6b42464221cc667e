"""Programme officers: the matrix of clusters x plan items (and its CSV), the plan, and the
reminder lead times."""

import csv
import functools

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from milestones import fragments
from milestones.forms import PlanItemForm, ReminderScheduleForm
from milestones.models import Cluster, Milestone, PlanItem, Programme
from milestones.views.common import PersonMixin


def officer_programme(request, slug):
    """A programme for its officers; for anybody else it does not exist."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Programme, slug=slug, officers__person=request.user)


def programme_matrix(programme):
    """Clusters x plan items of a programme: each cell the cluster's milestone, or None."""
    plan_items = list(PlanItem.objects.filter(programme=programme))
    clusters = list(Cluster.objects.filter(programme=programme))
    cells = {
        (milestone.cluster_id, milestone.plan_item_id): milestone
        for milestone in Milestone.objects.filter(plan_item__programme=programme)
    }
    rows = [
        {"cluster": cluster, "cells": [cells.get((cluster.pk, item.pk)) for item in plan_items]}
        for cluster in clusters
    ]
    return plan_items, rows


class ProgrammeView(PersonMixin, TemplateView):
    template_name = "milestones/programme.html"

    def get_context_data(self, **kwargs):
        programme = officer_programme(self.request, self.kwargs["slug"])
        plan_items = list(PlanItem.objects.filter(programme=programme))
        return super().get_context_data(
            programme=programme,
            plan_items=plan_items,
            rows=matrix_rows(programme=programme, plan_items=plan_items),
            **kwargs,
        )


# Everything a cell of the matrix shows: its milestone's status and date (a deadline's date
# reads differently, hence the kind).
MATRIX_CELL_FIELDS = ("pk", "status", "kind", *Milestone.DATE_FIELDS)


def matrix_rows(*, programme, plan_items):
    """The matrix's rows as HTML, each rendered once per version of what it shows.

    A row shows its cluster and, in the plan's order, each plan item's milestone of the
    cluster or that there is none. Plain values, no objects, for a thousand clusters.
    """
    cells = {}
    for cluster_id, plan_item_id, *values in Milestone.objects.filter(
        plan_item__programme=programme
    ).values_list("cluster_id", "plan_item_id", *MATRIX_CELL_FIELDS):
        cells[cluster_id, plan_item_id] = tuple(values)
    rows = []
    for cluster_id, slug, name in Cluster.objects.filter(programme=programme).values_list(
        "pk", "slug", "name"
    ):
        row_cells = tuple(cells.get((cluster_id, item.pk)) for item in plan_items)
        rows.append(
            (
                (slug, name, row_cells),
                functools.partial(matrix_row_context, slug=slug, name=name, cells=row_cells),
            )
        )
    return fragments.render_each("milestones/_matrix_row.html", rows)


def matrix_row_context(*, slug, name, cells):
    """The context of milestones/_matrix_row.html."""
    return {
        "cluster": Cluster(slug=slug, name=name),
        "cells": [
            None
            if values is None
            else Milestone(**dict(zip(MATRIX_CELL_FIELDS, values, strict=True)))
            for values in cells
        ],
    }


class ProgrammeCsvView(PersonMixin, View):
    def get(self, request, *args, **kwargs):
        programme = officer_programme(request, kwargs["slug"])
        plan_items, rows = programme_matrix(programme)
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
        plan_item = form.save(by=self.request.user)
        if plan_item is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The plan item is saved for every cluster."))
        return redirect("milestones:programme", slug=self.programme.slug)


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
