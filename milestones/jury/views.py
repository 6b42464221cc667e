"""The jury meeting's pages, for the programme's officers only (the jury sees what they see):
the running order (printable, and as a calendar file), its layout with a preview, and moving
a slot. A cluster sees its own slot on its milestone's page and nothing of these."""

import datetime

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from milestones import dates, ical
from milestones.jury import layout as slots_layout
from milestones.jury import services
from milestones.jury.forms import LayoutForm, MoveForm
from milestones.models import JuryOrder, JurySchedule, Kind, PlanItem, Responsibility
from milestones.views.calendars import CALENDAR_CONTENT_TYPE, header_text
from milestones.views.common import PersonMixin
from milestones.views.programmes import officer_programme


class JuryMixin(PersonMixin, View):
    """A jury meeting of a programme the person oversees; for anybody else it does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not hasattr(self, request.method.lower()):
            # A method the page does not take says so to everybody, as Django's views do.
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.programme = officer_programme(request, kwargs["slug"])
        self.plan_item = get_object_or_404(
            PlanItem.objects.select_related("programme"),
            programme=self.programme,
            pk=kwargs["pk"],
            kind=Kind.JURY_MEETING,
        )
        self.schedule = (
            JurySchedule.objects.filter(plan_item=self.plan_item)
            .select_related("changed_by", "plan_item__programme")
            .first()
        )
        return super().dispatch(request, *args, **kwargs)

    def context(self, **kwargs):
        return {"programme": self.programme, "plan_item": self.plan_item, **kwargs}


def _said_stale(request, schedule):
    messages.error(
        request,
        _(
            "%(name)s saved this running order at %(time)s, while you were looking at it. "
            "Yours was not saved: here is theirs."
        )
        % {
            "name": schedule.changed_by if schedule and schedule.changed_by else _("Somebody"),
            "time": dates.format_moment(schedule.changed_at) if schedule else "",
        },
    )


class RunningOrderView(JuryMixin):
    template_name = "jury/running_order.html"

    def get(self, request, *args, **kwargs):
        if self.schedule is None:
            return redirect(
                "milestones:jury_layout", slug=self.programme.slug, pk=self.plan_item.pk
            )
        return render(request, self.template_name, self.running_order_context())

    def running_order_context(self, move_form=None):
        schedule = self.schedule
        slots = services.schedule_slots(schedule)
        assignments = services.occupied(schedule)
        milestones = list(services.presenting(self.plan_item))
        placed = {milestone.pk for milestone in assignments.values()}
        if move_form is None:
            move_form = MoveForm(
                schedule=schedule, milestones=milestones, slots=slots, assignments=assignments
            )
        return self.context(
            schedule=schedule,
            rows=[(slot, assignments.get(slot.number)) for slot in slots],
            without_slot=[milestone for milestone in milestones if milestone.pk not in placed],
            breaks={after: minutes for after, minutes in schedule.breaks},
            order_label=schedule.get_order_display(),
            changed_at=dates.format_moment(schedule.changed_at),
            day=dates.format_day(schedule.day),
            zone=self.programme.time_zone,
            move_form=move_form,
        )


class LayoutView(JuryMixin):
    """The layout's form; "Preview" shows the slots, "Save" (offered with the preview) sets
    them, only when they are still what the preview showed."""

    template_name = "jury/layout.html"

    def form(self, data=None):
        milestones = list(services.presenting(self.plan_item))
        places, initial = {}, {}
        if self.schedule is not None:
            places = {slot.milestone_id: slot.number for slot in self.schedule.slots.all()}
            initial = {
                "day": self.schedule.day,
                "starts_at": self.schedule.starts_at,
                "slot_minutes": self.schedule.slot_minutes,
                "breaks": slots_layout.breaks_text(self.schedule.breaks),
                "ends_by": self.schedule.ends_by,
                "order": self.schedule.order,
                "seed": self.schedule.seed,
            }
        else:
            # The plan's times for the meeting as a whole, where it has them.
            initial = {
                "day": self.plan_item.starts_on,
                "starts_at": self.plan_item.starts_at or datetime.time(10, 0),
                "ends_by": self.plan_item.ends_at,
                "slot_minutes": 30,
                "order": JuryOrder.RANDOM,
            }
        return LayoutForm(
            data,
            initial=initial,
            plan_item=self.plan_item,
            milestones=milestones,
            schedule=self.schedule,
            places=places,
        )

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        if "save" in request.POST:
            if form.as_previewed():
                return self.save(form)
            messages.warning(
                request,
                _(
                    "The running order is not what your preview showed (a cluster joined or "
                    "left, or a field changed). Check this one and save it."
                ),
            )
        return self.preview(form)

    def preview(self, form):
        data = self.request.POST.copy()
        data["seed"] = form.cleaned_data["seed"] or ""
        shown = self.form(data)
        shown.is_valid()
        shown.data["previewed"] = shown.fingerprint()
        count = len(shown.slots)
        needed = slots_layout.duration_text(slots_layout.needed_minutes(shown.layout, count))
        return render(
            self.request,
            self.template_name,
            self.context(
                form=shown,
                preview=shown.rows(),
                breaks=dict(slots_layout.break_minutes(shown.layout.breaks)),
                needed=needed,
            ),
        )

    def save(self, form):
        data = form.cleaned_data
        try:
            saved = services.save_running_order(
                plan_item=self.plan_item,
                layout=form.layout,
                order=data["order"],
                seed=data["seed"],
                milestone_pks=[milestone.pk for milestone in data["running_order"]],
                expected_version=data["version"],
                by=self.request.user,
            )
        except services.Stale as stale:
            _said_stale(self.request, stale.schedule)
            return redirect("milestones:jury", slug=self.programme.slug, pk=self.plan_item.pk)
        except services.ClustersChanged:
            messages.warning(
                self.request,
                _(
                    "A cluster joined or left while you saved. Check this running order "
                    "and save it."
                ),
            )
            return self.preview(self.form(self.request.POST))
        moved = len(saved.moved)
        messages.success(
            self.request,
            ngettext(
                "Running order saved; %(count)d cluster gets an email about its new slot.",
                "Running order saved; %(count)d clusters get an email about their new slots.",
                moved,
            )
            % {"count": moved},
        )
        return redirect("milestones:jury", slug=self.programme.slug, pk=self.plan_item.pk)


class MoveView(JuryMixin):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.schedule is None:
            return redirect(
                "milestones:jury_layout", slug=self.programme.slug, pk=self.plan_item.pk
            )
        page = RunningOrderView(request=request, kwargs=kwargs)
        page.programme, page.plan_item, page.schedule = (
            self.programme,
            self.plan_item,
            self.schedule,
        )
        milestones = {m.pk: m for m in services.presenting(self.plan_item)}
        form = MoveForm(
            request.POST,
            schedule=self.schedule,
            milestones=milestones.values(),
            slots=services.schedule_slots(self.schedule),
            assignments=services.occupied(self.schedule),
        )
        if not form.is_valid():
            return render(request, page.template_name, page.running_order_context(form))
        milestone = milestones[form.cleaned_data["milestone"]]
        try:
            saved = services.move_slot(
                schedule=self.schedule,
                milestone=milestone,
                to_number=form.cleaned_data["to_number"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.Stale as stale:
            _said_stale(request, stale.schedule)
        except (services.CannotMove, slots_layout.DoesNotFit) as refusal:
            messages.error(request, str(refusal))
        else:
            milestone.refresh_from_db()
            messages.success(
                request,
                ngettext(
                    "%(cluster)s now presents %(when)s; %(count)d cluster gets an email.",
                    "%(cluster)s now presents %(when)s; %(count)d clusters get an email.",
                    len(saved.moved),
                )
                % {
                    "cluster": milestone.cluster.name,
                    "when": milestone.when_text,
                    "count": len(saved.moved),
                },
            )
        return redirect("milestones:jury", slug=self.programme.slug, pk=self.plan_item.pk)


class RunningOrderCalendarView(JuryMixin):
    """The running order as a calendar file: one event per cluster's slot, each the event of
    its milestone (the same UID and SEQUENCE as in the programme's feed)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        milestones = (
            services.presenting(self.plan_item)
            .filter(jury_slot__isnull=False)
            .prefetch_related(
                Prefetch(
                    "responsibilities", queryset=Responsibility.objects.select_related("person")
                ),
                "extensions",
            )
            .order_by("starts_on", "starts_at", "pk")
        )
        name = _("%(title)s: running order") % {"title": self.plan_item.title}
        body = ical.build_calendar(
            milestones=milestones,
            name=name,
            language=translation.get_language(),
            spans_clusters=True,
        )
        response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, header_text(f"running-order-{self.plan_item.pk}.ics")
        )
        response["Cache-Control"] = "private"
        return response
