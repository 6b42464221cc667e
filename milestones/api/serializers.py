"""What the API shows of each object, read-only: writes go through the forms and services
(``milestones.api.writes``)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from milestones import dates, history
from milestones.models import (
    Cluster,
    Membership,
    Milestone,
    PlanItem,
    Programme,
    Status,
    Submission,
    SubmissionFile,
)

# The forms of a date as docs/guide.md's table names them; a month is a window.
DATE_FORMS = ["day", "day-with-time", "deadline", "span", "window"]
TIME_FORMAT = "%H:%M"


def date_form(when):
    if when.form == dates.Form.DAY_WITH_TIME and when.is_deadline:
        return "deadline"
    return when.form


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "12:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day in the programme's time zone, as people write it: "12:00"."""

    def __init__(self, **kwargs):
        super().__init__(format=TIME_FORMAT, **kwargs)


class DateSerializer(serializers.Serializer):
    """A milestone's or plan item's date: its form, in words, and the fields that hold it."""

    form = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    starts_at = LocalTimeField(allow_null=True)
    ends_at = LocalTimeField(allow_null=True)
    is_tentative = serializers.BooleanField()
    time_zone = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=DATE_FORMS))
    def get_form(self, dated):
        return date_form(dated.when)

    def get_text(self, dated) -> str:
        return dates.describe(dated.when)

    def get_time_zone(self, dated) -> str:
        return dated.programme_of_date().time_zone


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["slug", "name", "funder", "time_zone"]


class PlanItemSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    date = DateSerializer(source="*", read_only=True)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "programme",
            "round",
            "kind",
            "title",
            "description",
            "location",
            "date",
            "asks_submission",
        ]


class ClusterSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Cluster
        fields = ["slug", "name", "programme", "round", "phase", "website", "updated_at"]


class ClusterPersonSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="person.id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    email = serializers.EmailField(source="person.email", read_only=True)
    organisation = serializers.CharField(source="person.organisation", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "email", "organisation", "role"]


class ResponsibleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField()


class MilestoneSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    date = DateSerializer(source="*", read_only=True)
    people = ResponsibleSerializer(source="responsibilities", many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "cluster",
            "plan_item",
            "kind",
            "title",
            "description",
            "location",
            "date",
            "status",
            "people",
            "created_at",
            "updated_at",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, milestone):
        return self.context["request"].build_absolute_uri(
            reverse("milestones:milestone", kwargs={"pk": milestone.pk})
        )


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    topic = serializers.ChoiceField(choices=["date", "status", "people"])
    what = serializers.CharField()
    why = serializers.CharField()

    def get_by(self, entry) -> str | None:
        return str(entry.by) if entry.by is not None else None


class MilestoneDetailSerializer(MilestoneSerializer):
    history = serializers.SerializerMethodField()

    class Meta(MilestoneSerializer.Meta):
        fields = [*MilestoneSerializer.Meta.fields, "history"]

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, milestone):
        return HistoryEntrySerializer(history.milestone_history(milestone), many=True).data


class SubmissionFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionFile
        fields = ["id", "name", "size", "sha256", "content_type", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, row):
        return self.context["request"].build_absolute_uri(
            reverse(
                "api:submission_file",
                kwargs={"pk": row.submission_id, "file_pk": row.pk},
            )
        )


class ReviewSerializer(serializers.Serializer):
    decision = serializers.CharField()
    note = serializers.CharField()
    reviewed_by = serializers.CharField(source="reviewed_by_name")
    reviewed_at = serializers.DateTimeField()


class SubmissionSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="milestone.cluster.slug", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by_name", read_only=True)
    files = SubmissionFileSerializer(many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "milestone",
            "cluster",
            "number",
            "note",
            "submitted_by",
            "submitted_at",
            "cut_off",
            "is_late",
            "files",
            "review",
        ]

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, submission):
        review = getattr(submission, "review", None)
        return ReviewSerializer(review).data if review is not None else None


class StatusInputSerializer(serializers.Serializer):
    """For the document only: the status form (``StatusForm``) checks the body."""

    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, max_length=500)


class DateInputSerializer(serializers.Serializer):
    """For the document only: the date editor's form (``DateFieldsMixin``) checks the body."""

    date_form = serializers.ChoiceField(choices=["day", "day-with-time", "span", "window", "month"])
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    starts_at = serializers.CharField(
        required=False, allow_null=True, help_text="Local time, HH:MM."
    )
    ends_at = serializers.CharField(required=False, allow_null=True, help_text="Local time, HH:MM.")
    month = serializers.CharField(required=False, allow_null=True, help_text="YYYY-MM.")
    reason = serializers.CharField(required=False, max_length=500)


class ConfirmDayInputSerializer(serializers.Serializer):
    """For the document only: the confirm-day form (``ConfirmDayForm``) checks the body."""

    starts_on = serializers.DateField()
    starts_at = serializers.CharField(
        required=False, allow_null=True, help_text="Local time, HH:MM."
    )
    reason = serializers.CharField(required=False, max_length=500)
