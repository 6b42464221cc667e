"""Programme officers: the matrix of clusters x plan items (its CSV and XLSX), the programme's
timeline, the plan, and the reminder lead times."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from milestones import exports, matrix, plan, timeline
from milestones.forms.editing import PlanItemForm, ReminderScheduleForm
from milestones.forms.filters import MatrixFilterForm
from milestones.models import Cluster, PlanItem, Programme
from milestones.views.common import PersonMixin


def officer_programme(request, slug):
    """A programme for its officers; for anybody else it does not exist."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Programme, slug=slug, officers__person=request.user)


class ProgrammePageMixin(PersonMixin):
    """A page of the programme's clusters, 50 at a time, found by name and state and sorted
    as the query string asks.

    A programme of a thousand clusters is read one page at a time: the page costs what it
    shows. A page number past either end shows the nearest page there is, one that is not a
    number the first: a link to a page that has since gone (the clusters were fewer, or the
    filter narrower) still lands on a page, which says which it is.
    """

    clusters_per_page = 50

    def get_context_data(self, **kwargs):
        programme = officer_programme(self.request, self.kwargs["slug"])
        plan_items = list(programme.plan_items.all())
        moment = matrix.programme_moment(programme)
        filter_form = MatrixFilterForm(self.request.GET, plan_items=plan_items)
        clusters = filter_form.filter(Cluster.objects.filter(programme=programme))
        if state := filter_form.value("state"):
            clusters = matrix.clusters_in_state(
                clusters,
                state=state,
                plan_items=plan_items,
                item=filter_form.value("item"),
                moment=moment,
            )
        sort = matrix.Sort.parse(self.request.GET.get("sort"), plan_items)
        clusters = matrix.sorted_clusters(clusters, sort=sort, moment=moment)
        paginator = Paginator(clusters.only("slug", "name", "round"), self.clusters_per_page)
        page = paginator.get_page(page_number(self.request.GET.get("page")))
        return super().get_context_data(
            programme=programme,
            plan_items=plan_items,
            moment=moment,
            filter_form=filter_form,
            is_filtered=bool(filter_form.name or state),
            sort=sort,
            page=page,
            previous_page_url=page.has_previous() and page_url(self.request, page.number - 1),
            next_page_url=page.has_next() and page_url(self.request, page.number + 1),
            **kwargs,
        )


class ProgrammeView(ProgrammePageMixin, TemplateView):
    """The matrix: each cell's state in words and colour, each column's figures."""

    template_name = "milestones/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan_items, sort, moment = context["plan_items"], context["sort"], context["moment"]
        counts = matrix.column_counts(
            programme=context["programme"], plan_items=plan_items, moment=moment
        )
        context["columns"] = [
            {
                "item": item,
                "counts": matrix.count_text(item, counts[item.pk]),
                "sort_url": sort_url(self.request, sort.key(item)),
                "aria_sort": sort.aria(item),
            }
            for item in plan_items
        ]
        context["cluster_sort_url"] = sort_url(self.request, sort.key())
        context["cluster_aria_sort"] = sort.aria()
        context["rows"] = matrix.matrix_rows(
            clusters=list(context["page"]), plan_items=plan_items, moment=moment
        )
        return context


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


def sort_url(request, key):
    """The first page of the same list sorted by ``key`` (by name: no parameter at all)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    if key != "cluster":
        query["sort"] = key
    return f"{request.path}?{query.urlencode()}" if query else request.path


def export_context(request, slug):
    """Every cluster of the programme (not a page, not a filter) with the plan and the time."""
    programme = officer_programme(request, slug)
    plan_items = list(programme.plan_items.all())
    clusters = list(Cluster.objects.filter(programme=programme).order_by("name", "pk").only("name"))
    values = exports.rows(
        clusters=clusters, plan_items=plan_items, moment=matrix.programme_moment(programme)
    )
    return programme, values


class ProgrammeCsvView(PersonMixin, View):
    def get(self, request, *args, **kwargs):
        programme, values = export_context(request, kwargs["slug"])
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}-matrix.csv"'
        exports.write_csv(response, values)
        return response


class ProgrammeXlsxView(PersonMixin, View):
    def get(self, request, *args, **kwargs):
        programme, values = export_context(request, kwargs["slug"])
        response = HttpResponse(exports.xlsx_bytes(values), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}-matrix.xlsx"'
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProgrammeTimelineView(ProgrammePageMixin, TemplateView):
    """The clusters by months: the plan's windows and each cluster's own days, today marked."""

    template_name = "milestones/programme_timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clusters = list(context["page"])
        cells = matrix.cells_of(
            clusters=clusters, plan_items=context["plan_items"], moment=context["moment"]
        )
        context["chart"] = timeline.by_month(
            plan_items=context["plan_items"],
            clusters=clusters,
            milestones=list(cells.values()),
            today=context["moment"].today,
        )
        return context


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
