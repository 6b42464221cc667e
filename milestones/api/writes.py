"""The API's writes: a JSON body checked for its shape, then the same forms and services as the
web UI's (``StatusForm``, the date editor, ``ConfirmDayForm``), so that the history, reminders
and emails follow the same way."""

from django import forms
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from milestones import plan
from milestones.forms.dates import DateFieldsMixin, add_model_errors

STATUS_FIELDS = ("status", "note")
DATE_FIELDS = ("date_form", "starts_on", "ends_on", "starts_at", "ends_at", "month", "reason")
CONFIRM_DAY_FIELDS = ("starts_on", "starts_at", "reason")


def form_data(request, allowed):
    """The body as a form's data: a JSON object of known fields, each a string or null.

    Anything else is refused with a message per field (400), before a form sees it.
    """
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"detail": _("Send a JSON object.")})
    errors = {}
    for name, value in data.items():
        if name not in allowed:
            errors[name] = [
                _("Unknown field; this request takes: %(fields)s.") % {"fields": ", ".join(allowed)}
            ]
        elif value is not None and not isinstance(value, str):
            errors[name] = [_("Give a string (or null).")]
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in data.items() if value is not None}


def refuse_invalid(form):
    """Raise the form's errors as the API's 400 answer, by field ("detail": the form's own)."""
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise ValidationError(
            {
                ("detail" if name == "__all__" else name): [error["message"] for error in messages]
                for name, messages in errors.items()
            }
        )


class MilestoneDateForm(DateFieldsMixin):
    """A cluster's milestone date, as the web UI's date editor takes it, with a reason."""

    reason = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone

    def is_deadline(self):
        return self.milestone.is_deadline

    def save(self, *, by):
        """Move the milestone; None, with the errors beside their fields, if unsound."""
        try:
            return plan.change_milestone_date(
                milestone=self.milestone,
                by=by,
                reason=self.cleaned_data["reason"],
                **self.date_values,
            )
        except ModelValidationError as error:
            add_model_errors(self, error)
            return None
