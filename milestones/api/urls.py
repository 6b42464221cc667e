"""/api/v1/: the API, its OpenAPI document (JSON) and the docs beside it."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from milestones.api import views

app_name = "api"

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="milestones/api/docs.html"
        ),
        name="docs",
    ),
    path("programmes/", views.ProgrammeList.as_view(), name="programmes"),
    path("programmes/<str:slug>/", views.ProgrammeDetail.as_view(), name="programme"),
    path("plan-items/", views.PlanItemList.as_view(), name="plan_items"),
    path("plan-items/<str:pk>/", views.PlanItemDetail.as_view(), name="plan_item"),
    path("clusters/", views.ClusterList.as_view(), name="clusters"),
    path("clusters/<str:slug>/", views.ClusterDetail.as_view(), name="cluster"),
    path("clusters/<str:slug>/people/", views.ClusterPeople.as_view(), name="cluster_people"),
    path("milestones/", views.MilestoneList.as_view(), name="milestones"),
    path("milestones/<str:pk>/", views.MilestoneDetail.as_view(), name="milestone"),
    path("milestones/<str:pk>/status/", views.MilestoneStatus.as_view(), name="milestone_status"),
    path("milestones/<str:pk>/date/", views.MilestoneDate.as_view(), name="milestone_date"),
    path(
        "milestones/<str:pk>/confirm-day/",
        views.MilestoneConfirmDay.as_view(),
        name="milestone_confirm_day",
    ),
    path("submissions/", views.SubmissionList.as_view(), name="submissions"),
    path("submissions/<str:pk>/", views.SubmissionDetail.as_view(), name="submission"),
    path(
        "submissions/<str:pk>/files/<str:file_pk>/",
        views.SubmissionFileDownload.as_view(),
        name="submission_file",
    ),
    # Anything else under /api/v1/ is answered in JSON too, not with the site's 404 page.
    re_path(r"", views.not_found),
]
