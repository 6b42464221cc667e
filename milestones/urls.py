from django.urls import path, re_path

from milestones import views

app_name = "milestones"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("clusters/<slug:slug>/", views.ClusterView.as_view(), name="cluster"),
    path(
        "clusters/<slug:slug>/milestones/new/",
        views.MilestoneCreateView.as_view(),
        name="milestone_new",
    ),
    path(
        "clusters/<slug:slug>/people/new/",
        views.InvitationCreateView.as_view(),
        name="invitation_new",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/role/",
        views.MembershipChangeView.as_view(action="role"),
        name="membership_role",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/remove/",
        views.MembershipChangeView.as_view(action="remove"),
        name="membership_remove",
    ),
    path("milestones/<int:pk>/", views.MilestoneView.as_view(), name="milestone"),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("milestones/<int:pk>/status/", views.StatusUpdateView.as_view(), name="status"),
    path("programmes/<slug:slug>/", views.ProgrammeView.as_view(), name="programme"),
    path(
        "programmes/<slug:slug>/matrix.csv",
        views.ProgrammeCsvView.as_view(),
        name="programme_csv",
    ),
    path(
        "programmes/<slug:slug>/plan/new/",
        views.PlanItemCreateView.as_view(),
        name="plan_item_new",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/edit/",
        views.PlanItemEditView.as_view(),
        name="plan_item_edit",
    ),
    path(
        "programmes/<slug:slug>/reminders/",
        views.ReminderScheduleView.as_view(),
        name="reminder_schedule",
    ),
    path("account/", views.AccountView.as_view(), name="account"),
    path(
        "invitations/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation",
    ),
    path("milestones/<int:pk>/event.ics", views.milestone_event, name="milestone_event"),
    path("calendar-feeds/", views.SubscriptionView.as_view(), name="subscriptions"),
    path(
        "calendar-feeds/<int:pk>/revoke/",
        views.RevokeFeedTokenView.as_view(),
        name="revoke_feed_token",
    ),
    # The token is the credential; logging masks this path (milestones.logfilters).
    re_path(r"^feeds/(?P<token>[A-Za-z0-9_-]+)\.ics$", views.feed, name="feed"),
    path(
        "account/reminders/",
        views.ReminderPreferencesView.as_view(),
        name="reminder_preferences",
    ),
    path(
        "reminders/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
