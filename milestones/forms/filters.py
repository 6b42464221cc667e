"""Narrowing what a page lists: the programme page's filter of clusters by name and state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from milestones.matrix import CellState
from milestones.models import Cluster


class ClusterFilterForm(forms.Form):
    """The clusters whose name contains ``q``, ignoring case; empty: every cluster."""

    q = forms.CharField(
        label=_("Cluster name"),
        required=False,
        # Longer than any name: it could match nothing.
        max_length=Cluster._meta.get_field("name").max_length,
        widget=forms.SearchInput,
    )

    @property
    def name(self):
        """What the names must contain; empty when nothing, or nothing valid, was asked."""
        return self.cleaned_data["q"] if self.is_valid() else ""

    def filter(self, clusters):
        """``clusters`` narrowed to those whose name contains ``name``."""
        return clusters.filter(name__icontains=self.name) if self.name else clusters


class MatrixFilterForm(ClusterFilterForm):
    """The matrix's clusters by name and by the state of a cell: in one plan item's column
    (``item``) or in any. A value that is not on offer is ignored, not refused."""

    state = forms.ChoiceField(label=_("State of a cell"), required=False)
    item = forms.TypedChoiceField(
        label=_("in the column"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, plan_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("any state")), *CellState.choices]
        self.fields["item"].choices = [
            ("", _("any plan item")),
            *((item.pk, item.title) for item in plan_items),
        ]

    def value(self, name):
        """The field's valid value, or empty: one field's bad value leaves the others alone."""
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def name(self):
        return self.value("q") or ""
