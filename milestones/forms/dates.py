"""Date fields: a date is edited by choosing its form (a day, a day with a time, a span, a
window, a month) and filling in the fields that form uses; the others are ignored, never
lost while the page is shown again with errors.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from milestones import dates
from milestones.models import DEADLINE_KINDS


class DateForm:
    """The choice of how a date is known, in words people use."""

    DAY = dates.Form.DAY
    DAY_WITH_TIME = dates.Form.DAY_WITH_TIME
    SPAN = dates.Form.SPAN
    WINDOW = dates.Form.WINDOW
    MONTH = "month"

    CHOICES = [
        (DAY, _("A day")),
        (DAY_WITH_TIME, _("A day with a time (or cut-off)")),
        (SPAN, _("Several days")),
        (WINDOW, _("A window, day not fixed yet")),
        (MONTH, _("A month, day not fixed yet")),
    ]


# The fields each form of date uses; the rest are cleared when it is saved.
FIELDS_OF_DATE_FORM = {
    DateForm.DAY: ("starts_on",),
    DateForm.DAY_WITH_TIME: ("starts_on", "starts_at", "ends_at"),
    DateForm.SPAN: ("starts_on", "ends_on", "starts_at", "ends_at"),
    DateForm.WINDOW: ("starts_on", "ends_on"),
    DateForm.MONTH: ("month",),
}


def date_form_of(when):
    one_month = when.ends_on is not None and (when.starts_on.year, when.starts_on.month) == (
        when.ends_on.year,
        when.ends_on.month,
    )
    if when.form == dates.Form.WINDOW and when.is_whole_months and one_month:
        return DateForm.MONTH
    return when.form


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m"]


class DateFieldsMixin(forms.Form):
    """The date editor: a choice of form and the fields that hold it, checked by ``dates``."""

    # In this order wherever the editor stands in a form.
    DATE_EDITOR_FIELDS = ["date_form", "starts_on", "ends_on", "starts_at", "ends_at", "month"]

    date_form = forms.ChoiceField(
        label=_("How is the date known?"),
        choices=DateForm.CHOICES,
        widget=forms.RadioSelect,
        initial=DateForm.DAY,
    )
    starts_on = forms.DateField(
        label=_("Day / first day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For several days or a window: the first (earliest) day."),
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For several days or a window: the last (latest) day, inclusive."),
    )
    starts_at = forms.TimeField(
        label=_("Time / cut-off"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Local time. For a deadline, the cut-off."),
    )
    ends_at = forms.TimeField(
        label=_("End time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    month = MonthField(label=_("Month"), required=False, help_text=_("Format: 2024-09"))

    def date_initial(self, instance):
        if instance is None or instance.starts_on is None:
            return {}
        form = date_form_of(instance.when)
        initial = {name: getattr(instance, name) for name in dates_fields()}
        initial["date_form"] = form
        if form == DateForm.MONTH:
            initial["month"] = instance.starts_on
        return initial

    def _add_date_error(self, field, message, unreadable):
        if field not in unreadable:
            self.add_error(field, message)

    def is_deadline(self):
        return self.cleaned_data.get("kind") in DEADLINE_KINDS

    def clean(self):
        cleaned = super().clean()
        form = cleaned.get("date_form")
        if form is None:
            return cleaned
        used = FIELDS_OF_DATE_FORM[form]
        values = {name: cleaned.get(name) if name in used else None for name in dates_fields()}
        values["is_tentative"] = form in (DateForm.WINDOW, DateForm.MONTH)
        if form == DateForm.MONTH:
            month = cleaned.get("month")
            if month is None:
                if "month" not in self.errors:
                    self.add_error("month", _("Give the month."))
                return cleaned
            values["starts_on"], values["ends_on"] = dates.month_bounds(month.year, month.month)
        # A field whose input could not be read at all ("2024-02-31") says so and nothing
        # more: that it is missing, or what it would have had to be, would only confuse.
        unreadable = set(self.errors)
        if form == DateForm.DAY_WITH_TIME and values["starts_at"] is None:
            self._add_date_error("starts_at", _("Give the time, or choose “A day”."), unreadable)
        if form == DateForm.SPAN and values["ends_on"] is None:
            self._add_date_error("ends_on", _("Give the last day, or choose “A day”."), unreadable)
        if form == DateForm.SPAN and values["ends_on"] == values["starts_on"] is not None:
            self.add_error("ends_on", _("Several days end after the first; or choose “A day”."))
        errors = dates.validate(**values, is_deadline=self.is_deadline())
        for name, messages in errors.items():
            field = "month" if form == DateForm.MONTH else name
            for message in messages:
                if field not in self.errors or message not in self.errors[field]:
                    self._add_date_error(
                        field if field in self.fields else None, message, unreadable
                    )
        self.date_values = values
        return cleaned


def dates_fields():
    return ("starts_on", "ends_on", "starts_at", "ends_at")


def add_model_errors(form, error):
    """Put a model's ValidationError next to the form's fields where the form has them."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = name if name in form.fields else None
            if field in dates_fields() and form.cleaned_data.get("date_form") == DateForm.MONTH:
                field = "month"
            for message in messages:
                form.add_error(field, message)
    else:
        form.add_error(None, error)
