"""Narrowing the dashboard: by cluster name, kind, status, and to what the person is responsible
for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from milestones.models import CLOSED_STATUSES, Cluster, Kind, Status


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (a GET form); a value that is not valid filters nothing."""

    # A part of the name, as the matrix finds clusters: the form costs the same for a member
    # of one cluster and an officer of a thousand.
    cluster = forms.CharField(
        label=_("Cluster name"),
        required=False,
        max_length=Cluster._meta.get_field("name").max_length,
        widget=forms.SearchInput,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *Kind.choices]
    )
    # The dashboard lists open milestones only: the statuses an open one can have.
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Every status")),
            *((value, label) for value, label in Status.choices if value not in CLOSED_STATUSES),
        ],
    )
    mine = forms.BooleanField(label=_("Only mine (lead or contributor)"), required=False)

    @property
    def filters(self):
        """The valid values asked for (field name to value); empty when nothing was asked."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
