"""Narrowing the dashboard: by cluster, kind, status, and to what the person is responsible for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from milestones.models import CLOSED_STATUSES, Kind, Status


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (a GET form); a value that is not valid filters nothing."""

    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
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

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [
            ("", _("Every cluster")),
            *((cluster.slug, cluster.name) for cluster in clusters),
        ]

    @property
    def filters(self):
        """The valid values asked for (field name to value); empty when nothing was asked."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
