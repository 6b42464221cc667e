"""The officer's forms: the jury meeting's layout (previewed, then saved) and a slot's move."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from milestones import dates
from milestones.jury import layout as slots_layout
from milestones.models import JuryOrder

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class LayoutForm(forms.Form):
    day = forms.DateField(
        label=_("Day of the meeting"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    starts_at = forms.TimeField(label=_("First presentation at"), widget=TIME_WIDGET)
    slot_minutes = forms.IntegerField(
        label=_("Minutes a presentation (with questions)"), min_value=5, max_value=240
    )
    breaks = forms.CharField(
        label=_("Breaks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: after which presentation, then its minutes. “4: 15” is a 15-minute "
            "break after the 4th presentation; breaks stay between the same presentations "
            "when the start or the slot length changes."
        ),
    )
    ends_by = forms.TimeField(
        label=_("The day ends at (optional)"), required=False, widget=TIME_WIDGET
    )
    order = forms.ChoiceField(
        label=_("Order of the presentations"),
        choices=JuryOrder.choices,
        widget=forms.RadioSelect,
    )
    seed = forms.IntegerField(
        label=_("Seed of the draw"),
        required=False,
        min_value=1,
        max_value=999_999_999,
        help_text=_(
            "Empty: a new draw. The same seed draws the same order again from the same clusters."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan_item, milestones, schedule, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_item = plan_item
        self.milestones = milestones
        self.place_fields = []
        for number, milestone in enumerate(milestones, start=1):
            name = f"place_{milestone.pk}"
            self.fields[name] = forms.IntegerField(
                label=milestone.cluster.name,
                required=False,
                min_value=1,
                initial=places.get(milestone.pk, number),
            )
            self.place_fields.append(name)
        self.fields["version"].initial = schedule.version if schedule else 0

    def place_boxes(self):
        return [self[name] for name in self.place_fields]

    def clean_breaks(self):
        try:
            return slots_layout.parse_breaks(self.cleaned_data["breaks"])
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean_day(self):
        day = self.cleaned_data["day"]
        when = self.plan_item.when
        if when.is_tentative and not when.starts_on <= day <= when.ends_on:
            raise ValidationError(
                gettext("Choose a day inside the plan's window, %(window)s.")
                % {"window": dates.window_text(when)}
            )
        if not dates.EARLIEST_YEAR <= day.year <= dates.LATEST_YEAR:
            raise ValidationError(
                dates.OUT_OF_YEARS % {"earliest": dates.EARLIEST_YEAR, "latest": dates.LATEST_YEAR}
            )
        return day

    def clean(self):
        data = super().clean()
        if not self.milestones:
            raise ValidationError(
                gettext(
                    "No cluster presents at this meeting: the plan item applies to no "
                    "cluster, or every cluster's milestone for it is cancelled."
                )
            )
        if self.errors:
            return data
        count = len(self.milestones)
        for after, _minutes in data["breaks"]:
            if not 1 <= after < count:
                self.add_error(
                    "breaks",
                    gettext(
                        "A break after presentation %(after)d never comes: there are "
                        "%(count)d presentations."
                    )
                    % {"after": after, "count": count},
                )
                return data
        data["running_order"] = self._running_order(data)
        if data["running_order"] is None:
            return data
        self.layout = slots_layout.Layout(
            day=data["day"],
            starts_at=data["starts_at"],
            slot_minutes=data["slot_minutes"],
            breaks=data["breaks"],
            ends_by=data["ends_by"],
        )
        try:
            self.slots = slots_layout.lay_out(
                self.layout, count=count, tz=dates.zone(self.plan_item.programme.time_zone)
            )
        except slots_layout.DoesNotFit as error:
            raise ValidationError(str(error)) from None
        return data

    def _running_order(self, data):
        order = data["order"]
        clusters = {milestone.cluster.pk: milestone for milestone in self.milestones}
        if order == JuryOrder.RANDOM:
            if data["seed"] is None:
                data["seed"] = slots_layout.new_seed()
            ordered = slots_layout.drawn([m.cluster for m in self.milestones], data["seed"])
        elif order == JuryOrder.NAME:
            data["seed"] = None
            ordered = slots_layout.by_name([m.cluster for m in self.milestones])
        else:
            data["seed"] = None
            places = {}
            for milestone in self.milestones:
                place = data.get(f"place_{milestone.pk}")
                if place is None:
                    self.add_error(f"place_{milestone.pk}", gettext("Give this cluster a place."))
                    continue
                if place in places.values():
                    self.add_error(
                        f"place_{milestone.pk}",
                        gettext("Another cluster has place %(place)d.") % {"place": place},
                    )
                places[milestone.cluster.pk] = place
            if self.errors:
                return None
            ordered = slots_layout.by_places([m.cluster for m in self.milestones], places)
        return [clusters[cluster.pk] for cluster in ordered]

    def rows(self):
        """(slot, milestone) of the laid-out running order, first to last."""
        return list(zip(self.slots, self.cleaned_data["running_order"], strict=True))

    def fingerprint(self):
        """What the preview showed: each cluster's milestone and its slot's times."""
        shown = "|".join(
            f"{milestone.pk}@{slot.starts.isoformat()}/{slot.ends.isoformat()}"
            for slot, milestone in self.rows()
        )
        return hashlib.sha256(shown.encode()).hexdigest()[:32]

    def as_previewed(self):
        """Whether the officer saw exactly this layout before saving it."""
        return self.cleaned_data["previewed"] == self.fingerprint()


class MoveForm(forms.Form):
    milestone = forms.TypedChoiceField(label=_("Cluster"), coerce=int)
    to_number = forms.TypedChoiceField(label=_("To slot"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, schedule, milestones, slots, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [
            (milestone.pk, milestone.cluster.name) for milestone in milestones
        ]
        choices = []
        for slot in slots:
            occupant = assignments.get(slot.number)
            taken = occupant.cluster.name if occupant else gettext("free")
            choices.append((slot.number, f"{slot.number}. {slot.times_text} ({taken})"))
        choices.append((schedule.slot_count + 1, gettext("A new slot after the last")))
        self.fields["to_number"].choices = choices
        self.fields["version"].initial = schedule.version
