"""The filters of the API's lists, each a form: a value it cannot read is a 400 that says why.

A cluster or programme named that the token does not see gives an empty list, as one that does
not exist: the filter never tells them apart.
"""

from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from milestones.models import Kind, Status


def _choices(choices):
    return [("", ""), *choices]


class ClusterFilterForm(forms.Form):
    programme = forms.SlugField(required=False, help_text="A programme's slug.")

    @staticmethod
    def apply(clusters, filters):
        if "programme" in filters:
            clusters = clusters.filter(programme__slug=filters["programme"])
        return clusters


class PlanItemFilterForm(ClusterFilterForm):
    pass


class MilestoneFilterForm(forms.Form):
    cluster = forms.SlugField(required=False, help_text="A cluster's slug.")
    kind = forms.ChoiceField(required=False, choices=_choices(Kind.choices))
    status = forms.ChoiceField(required=False, choices=_choices(Status.choices))
    on_or_after = forms.DateField(
        required=False, help_text="Milestones whose last day is on or after this day."
    )
    on_or_before = forms.DateField(
        required=False, help_text="Milestones whose first day is on or before this day."
    )
    updated_since = forms.DateTimeField(
        required=False,
        help_text="Milestones changed at or after this moment (ISO 8601), for synchronisation.",
    )

    @staticmethod
    def apply(milestones, filters):
        if "cluster" in filters:
            milestones = milestones.filter(cluster__slug=filters["cluster"])
        if "kind" in filters:
            milestones = milestones.filter(kind=filters["kind"])
        if "status" in filters:
            milestones = milestones.filter(status=filters["status"])
        if "on_or_after" in filters:
            day = filters["on_or_after"]
            milestones = milestones.filter(
                Q(ends_on__gte=day) | Q(ends_on__isnull=True, starts_on__gte=day)
            )
        if "on_or_before" in filters:
            milestones = milestones.filter(starts_on__lte=filters["on_or_before"])
        if "updated_since" in filters:
            milestones = milestones.filter(updated_at__gte=filters["updated_since"])
        return milestones


class SubmissionFilterForm(forms.Form):
    cluster = forms.SlugField(required=False, help_text="A cluster's slug.")
    milestone = forms.IntegerField(required=False, min_value=1, help_text="A milestone's id.")
    submitted_since = forms.DateTimeField(
        required=False, help_text="Versions submitted at or after this moment (ISO 8601)."
    )

    @staticmethod
    def apply(submissions, filters):
        if "cluster" in filters:
            submissions = submissions.filter(milestone__cluster__slug=filters["cluster"])
        if "milestone" in filters:
            submissions = submissions.filter(milestone_id=filters["milestone"])
        if "submitted_since" in filters:
            submissions = submissions.filter(submitted_at__gte=filters["submitted_since"])
        return submissions


TYPES = {
    forms.DateTimeField: OpenApiTypes.DATETIME,
    forms.DateField: OpenApiTypes.DATE,
    forms.IntegerField: OpenApiTypes.INT,
}


def schema_parameters(form_class):
    """The form's fields as the OpenAPI document's query parameters."""
    parameters = []
    for name, field in form_class.base_fields.items():
        enum = None
        if isinstance(field, forms.ChoiceField):
            enum = [value for value, _label in field.choices if value]
        parameters.append(
            OpenApiParameter(
                name,
                TYPES.get(type(field), OpenApiTypes.STR),
                OpenApiParameter.QUERY,
                description=str(field.help_text),
                enum=enum,
            )
        )
    return parameters
