"""The forms of day-finding: the officer's settings and proposal, a cluster's answers."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milestones import dates
from milestones.dayfinding import services
from milestones.dayfinding.days import holidays_of, window_days
from milestones.forms.dates import add_model_errors
from milestones.models import Availability


class SettingsForm(forms.Form):
    """The panel's days inside the window (its working days offered), the visits a day and
    the answer date."""

    days = forms.MultipleChoiceField(
        label=gettext_lazy("The panel's days"), widget=forms.CheckboxSelectMultiple
    )
    visits_per_day = forms.IntegerField(label=gettext_lazy("Visits a day"), min_value=1, initial=1)
    answer_by = forms.DateField(
        label=gettext_lazy("Clusters answer by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, plan_item, day_finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_item = plan_item
        window = window_days(plan_item)
        self.holidays = [
            (dates.format_day(day), name, ", ".join(str(state) for state in states))
            for day, name, states in window.holidays
        ]
        self.fields["days"].choices = [
            (day.isoformat(), dates.format_day(day)) for day in window.offered
        ]
        if day_finding is None:
            self.fields["days"].initial = [day.isoformat() for day in window.usual]
        else:
            self.fields["days"].initial = [
                day.isoformat() for day in day_finding.days.values_list("day", flat=True)
            ]
            self.fields["visits_per_day"].initial = day_finding.visits_per_day
            self.fields["answer_by"].initial = day_finding.answer_by

    def save(self, *, by):
        """Open or change the day-finding; None, with the errors beside their fields."""
        data = self.cleaned_data
        try:
            return services.open_day_finding(
                plan_item=self.plan_item,
                days=[datetime.date.fromisoformat(day) for day in data["days"]],
                visits_per_day=data["visits_per_day"],
                answer_by=data["answer_by"],
                by=by,
            )
        except ValidationError as error:
            add_model_errors(self, error)
            return None


class AnswersForm(forms.Form):
    """A cluster's answer and note for each of the panel's days."""

    def __init__(self, *args, day_finding, cluster, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.day_finding, self.cluster = day_finding, cluster
        self.rows = []
        panel_days = list(day_finding.days.all())
        days_off = holidays_of(cluster, [panel_day.day for panel_day in panel_days])
        for panel_day in panel_days:
            answer = answers.get(panel_day.pk)
            choice = forms.ChoiceField(
                label=dates.format_day(panel_day.day),
                choices=Availability.choices,
                widget=forms.RadioSelect,
                initial=answer.availability if answer else None,
            )
            if panel_day.day in days_off:
                # The cluster's own public holiday: no visit then, and nothing to answer.
                choice.disabled, choice.initial = True, Availability.CANNOT
                choice.help_text = _("A public holiday in your state: %(name)s.") % {
                    "name": days_off[panel_day.day]
                }
            note = forms.CharField(
                label=_("Note for %(day)s (optional)") % {"day": dates.format_day(panel_day.day)},
                required=False,
                max_length=300,
                initial=answer.note if answer else "",
            )
            self.fields[f"day_{panel_day.pk}"] = choice
            self.fields[f"note_{panel_day.pk}"] = note
            self.rows.append((panel_day, f"day_{panel_day.pk}", f"note_{panel_day.pk}"))

    def field_rows(self):
        return [(panel_day, self[choice], self[note]) for panel_day, choice, note in self.rows]

    def save(self, *, by):
        """Keep the answers; None, with the reason as the form's error, when refused."""
        answers = {
            panel_day.pk: (self.cleaned_data[choice], self.cleaned_data[note])
            for panel_day, choice, note in self.rows
        }
        try:
            return services.save_answers(
                day_finding=self.day_finding, cluster=self.cluster, answers=answers, by=by
            )
        except ValidationError as error:
            self.add_error(None, error)
            return None


class ProposalForm(forms.Form):
    """A day (or none) for each taking cluster, from the proposal or the officer's hand."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, day_finding, visits, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.day_finding = day_finding
        self.fields["version"].initial = day_finding.version
        self.panel_days = dict(day_finding.days.values_list("pk", "day"))
        choices = [("", _("No day"))] + [
            (str(pk), dates.format_day(day)) for pk, day in self.panel_days.items()
        ]
        self.rows = []
        for visit in visits:
            name = f"cluster_{visit.cluster_id}"
            self.fields[name] = forms.ChoiceField(
                label=visit.cluster.name, choices=choices, required=False
            )
            day = proposal.days.get(visit.cluster_id)
            self.fields[name].initial = str(day) if day else ""
            self.rows.append((visit, name))

    def clean(self):
        data = super().clean()
        counts = {}
        for _visit, name in self.rows:
            if data.get(name):
                counts[data[name]] = counts.get(data[name], 0) + 1
        full = sorted(
            self.panel_days[int(pk)]
            for pk, count in counts.items()
            if count > self.day_finding.visits_per_day
        )
        if full:
            raise ValidationError(
                _("More visits than the day has room for (%(visits)s): %(days)s.")
                % {
                    "visits": self.day_finding.visits_per_day,
                    "days": ", ".join(dates.format_day(day) for day in full),
                }
            )
        return data

    def assignment(self):
        return {
            visit.cluster_id: int(self.cleaned_data[name])
            for visit, name in self.rows
            if self.cleaned_data.get(name)
        }

    def save(self, *, by):
        """Confirm the days; None with the errors when unsound. StaleConfirmation when another
        officer confirmed first."""
        try:
            return services.confirm(
                day_finding=self.day_finding,
                version=self.cleaned_data["version"],
                assignment=self.assignment(),
                by=by,
            )
        except ValidationError as error:
            self.add_error(None, error)
            return None
