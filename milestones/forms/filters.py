"""Narrowing what a page lists: the programme page's filter of clusters by name."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
