"""The programme officer's forms on a cluster's milestone: an extension, and the review of
its latest submission (accept, or a revision with a new due date)."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _day_field(label):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _time_field():
    return forms.TimeField(
        label=_("Cut-off time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Local time of the programme. Empty: the end of the day."),
    )


class DueFieldsMixin(forms.Form):
    """A new due day and its cut-off, the milestone's own time offered to begin with."""

    def __init__(self, *args, milestone, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_at", milestone.starts_at)
        super().__init__(*args, **kwargs)
        self.milestone = milestone


class ExtensionForm(DueFieldsMixin):
    due_on = _day_field(_("New day"))
    due_at = _time_field()
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The cluster sees it, and it is kept in the milestone's history."),
    )


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the cluster"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, kept in the history."),
    )


class RevisionForm(DueFieldsMixin):
    note = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The cluster sees it, and it is kept in the milestone's history."),
    )
    due_on = _day_field(_("New due date"))
    due_at = _time_field()
