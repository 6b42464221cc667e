"""The API's views: lists and objects the person may see in the token's scope, and the three
writes the web UI offers (a milestone's status, its date, the day of its window)."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from milestones import people
from milestones.api import serializers, writes
from milestones.api.access import clusters_of, milestones_of, programmes_of, refuse_large_body
from milestones.api.filters import (
    ClusterFilterForm,
    MilestoneFilterForm,
    PlanItemFilterForm,
    SubmissionFilterForm,
    schema_parameters,
)
from milestones.forms.editing import ConfirmDayForm, StatusForm
from milestones.models import Membership, PlanItem, Submission, SubmissionFile
from milestones.permissions import Access
from milestones.submissions.serving import file_response
from milestones.views.common import with_people


class Pages(CursorPagination):
    """Stable pages however the data changes between them: a cursor, never a page number."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class ApiView:
    """What every API view does: a body too large is refused before it is read, the answer is
    in the person's language, and every GET has an ETag and answers If-None-Match with 304."""

    pagination_class = Pages
    filter_form = None

    def initial(self, request, *args, **kwargs):
        refuse_large_body(request)
        super().initial(request, *args, **kwargs)
        if getattr(request.user, "language", ""):
            translation.activate(request.user.language)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            patch_vary_headers(response, ["Authorization", "Cookie", "Accept-Language"])
            # Answers are the person's: no shared cache keeps them (a file says no-store).
            response.setdefault("Cache-Control", "private")
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if isinstance(response, Response):
                response.render()
                set_response_etag(response)
            if response.has_header("ETag"):
                return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def filters(self):
        """The query's filters, checked by their form; 400 with a message per parameter."""
        form = self.filter_form(self.request.query_params)
        writes.refuse_invalid(form)
        return {name: value for name, value in form.cleaned_data.items() if value}


class ListView(ApiView, generics.ListAPIView):
    def get_queryset(self):
        queryset = self.base_queryset()
        if self.filter_form is not None:
            queryset = self.filter_form.apply(queryset, self.filters())
        return queryset


def list_schema(filter_form=None):
    return extend_schema(parameters=schema_parameters(filter_form) if filter_form else [])


@list_schema()
class ProgrammeList(ListView):
    """The programmes of the clusters in the token's scope, and those the person oversees."""

    serializer_class = serializers.ProgrammeSerializer

    def base_queryset(self):
        return programmes_of(self.request)


class ProgrammeDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = serializers.ProgrammeSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return programmes_of(self.request)


@list_schema(PlanItemFilterForm)
class PlanItemList(ListView):
    serializer_class = serializers.PlanItemSerializer
    filter_form = PlanItemFilterForm

    def base_queryset(self):
        return PlanItem.objects.filter(
            programme__in=programmes_of(self.request).values("pk")
        ).select_related("programme")


class PlanItemDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = serializers.PlanItemSerializer

    def get_queryset(self):
        return PlanItem.objects.filter(
            programme__in=programmes_of(self.request).values("pk")
        ).select_related("programme")


@list_schema(ClusterFilterForm)
class ClusterList(ListView):
    serializer_class = serializers.ClusterSerializer
    filter_form = ClusterFilterForm

    def base_queryset(self):
        return clusters_of(self.request).select_related("programme")


class ClusterDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = serializers.ClusterSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return clusters_of(self.request).select_related("programme")


@list_schema()
class ClusterPeople(ListView):
    """The people of a cluster with their role."""

    serializer_class = serializers.ClusterPersonSerializer

    def base_queryset(self):
        cluster = get_object_or_404(clusters_of(self.request), slug=self.kwargs["slug"])
        return Membership.objects.filter(cluster=cluster).select_related("person")


def milestones_with_people(request):
    return with_people(milestones_of(request)).select_related("cluster__programme", "plan_item")


@list_schema(MilestoneFilterForm)
class MilestoneList(ListView):
    """Milestones, for synchronisation: ``updated_since`` the last run, a page at a time."""

    serializer_class = serializers.MilestoneSerializer
    filter_form = MilestoneFilterForm

    def base_queryset(self):
        return milestones_with_people(self.request)


class MilestoneDetail(ApiView, generics.RetrieveAPIView):
    """A milestone with its history: every change of its date, status and people."""

    serializer_class = serializers.MilestoneDetailSerializer

    def get_queryset(self):
        return milestones_with_people(self.request)


class MilestoneChange(ApiView, generics.GenericAPIView):
    """A write on one milestone, with the same rules, forms and services as the web UI."""

    serializer_class = serializers.MilestoneDetailSerializer
    fields = ()

    def get_queryset(self):
        return milestones_with_people(self.request)

    def post(self, request, *args, **kwargs):
        milestone = self.get_object()
        self.check_may_change(Access(request.user), milestone)
        data = writes.form_data(request, self.fields)
        self.change(milestone, data)
        return Response(self.get_serializer(self.get_object()).data)

    def check_may_change(self, access, milestone):
        if not access.can_edit_cluster(milestone.cluster):
            raise exceptions.PermissionDenied(people.who_may_edit(milestone.cluster))


@extend_schema(request=serializers.StatusInputSerializer)
class MilestoneStatus(MilestoneChange):
    """Set the status, with an optional note for the history (the lead, the people
    responsible and the coordinators)."""

    fields = writes.STATUS_FIELDS

    def check_may_change(self, access, milestone):
        if not access.can_update_status(milestone):
            raise exceptions.PermissionDenied(
                _(
                    "Only the people responsible for this milestone and the coordinators of its "
                    "cluster set its status."
                )
            )

    def change(self, milestone, data):
        form = StatusForm(data, current=milestone.status)
        writes.refuse_invalid(form)
        form.save(milestone=milestone, by=self.request.user)


@extend_schema(request=serializers.DateInputSerializer)
class MilestoneDate(MilestoneChange):
    """Change the date in any of its forms, with a reason for the history (coordinators)."""

    fields = writes.DATE_FIELDS

    def change(self, milestone, data):
        form = writes.MilestoneDateForm(data, milestone=milestone)
        writes.refuse_invalid(form)
        if form.save(by=self.request.user) is None:
            writes.refuse_invalid(form)


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


@extend_schema(request=serializers.ConfirmDayInputSerializer)
class MilestoneConfirmDay(MilestoneChange):
    """Fix the day of a window, inside it (coordinators)."""

    fields = writes.CONFIRM_DAY_FIELDS

    def change(self, milestone, data):
        if not milestone.is_tentative:
            raise Conflict(_("The day of this milestone is fixed already."))
        form = ConfirmDayForm(data, milestone=milestone)
        writes.refuse_invalid(form)
        if form.save(by=self.request.user) is None:
            writes.refuse_invalid(form)


def submissions_of(request):
    return (
        Submission.objects.filter(milestone__in=milestones_of(request).values("pk"))
        .select_related("milestone__cluster", "review")
        .prefetch_related("files")
    )


@list_schema(SubmissionFilterForm)
class SubmissionList(ListView):
    """The submitted versions (never drafts) with their files' metadata."""

    serializer_class = serializers.SubmissionSerializer
    filter_form = SubmissionFilterForm

    def base_queryset(self):
        return submissions_of(self.request)


class SubmissionDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = serializers.SubmissionSerializer

    def get_queryset(self):
        return submissions_of(self.request)


class SubmissionFileDownload(ApiView, generics.GenericAPIView):
    """A submitted file, as an attachment; its ETag is its SHA-256."""

    @extend_schema(
        parameters=[
            OpenApiParameter("pk", int, OpenApiParameter.PATH),
            OpenApiParameter("file_pk", int, OpenApiParameter.PATH),
        ],
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk, file_pk):
        row = get_object_or_404(
            SubmissionFile.objects.filter(
                submission__milestone__in=milestones_of(request).values("pk")
            ),
            submission_id=pk,
            pk=file_pk,
        )
        etag = quote_etag(row.sha256)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        response = file_response(row)
        response["ETag"] = etag
        return response


class ApiRoot(ApiView, generics.GenericAPIView):
    """/api/v1/: the addresses of the lists, the document and the docs; for anybody."""

    permission_classes = [AllowAny]
    ADDRESSES = [
        "programmes",
        "plan_items",
        "clusters",
        "milestones",
        "submissions",
        "schema",
        "docs",
    ]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in self.ADDRESSES}
        )


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404 like the API's own."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
