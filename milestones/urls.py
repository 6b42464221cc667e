from django.urls import path, re_path

from milestones.api import account as api_account
from milestones.api.webhooks import views as webhooks
from milestones.dayfinding import views as dayfinding
from milestones.jury import views as jury
from milestones.sso import domains as sign_in_domains
from milestones.views import (
    accessibility,
    accounts,
    calendars,
    editing,
    pages,
    programmes,
    reviews,
    submissions,
)

app_name = "milestones"

urlpatterns = [
    path("", pages.DashboardView.as_view(), name="dashboard"),
    path("my-milestones/", pages.MyMilestonesView.as_view(), name="my_milestones"),
    path("clusters/<slug:slug>/", pages.ClusterView.as_view(), name="cluster"),
    path(
        "clusters/<slug:slug>/milestones/new/",
        editing.MilestoneCreateView.as_view(),
        name="milestone_new",
    ),
    path(
        "clusters/<slug:slug>/people/new/",
        editing.InvitationCreateView.as_view(),
        name="invitation_new",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/role/",
        editing.MembershipChangeView.as_view(action="role"),
        name="membership_role",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/remove/",
        editing.MembershipChangeView.as_view(action="remove"),
        name="membership_remove",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/invitation/resend/",
        editing.InvitationChangeView.as_view(action="resend"),
        name="invitation_resend",
    ),
    path(
        "clusters/<slug:slug>/people/<int:pk>/invitation/withdraw/",
        editing.InvitationChangeView.as_view(action="withdraw"),
        name="invitation_withdraw",
    ),
    path("milestones/<int:pk>/", pages.MilestoneView.as_view(), name="milestone"),
    path("milestones/<int:pk>/edit/", editing.MilestoneEditView.as_view(), name="milestone_edit"),
    path(
        "milestones/<int:pk>/confirm-day/",
        editing.ConfirmDayView.as_view(),
        name="confirm_day",
    ),
    path("milestones/<int:pk>/status/", editing.StatusUpdateView.as_view(), name="status"),
    path(
        "milestones/<int:pk>/submission/files/",
        submissions.DraftUploadView.as_view(),
        name="submission_upload",
    ),
    path(
        "milestones/<int:pk>/submission/files/<int:file_pk>/",
        submissions.SubmissionFileView.as_view(),
        name="submission_file",
    ),
    path(
        "milestones/<int:pk>/submission/files/<int:file_pk>/remove/",
        submissions.DraftFileRemoveView.as_view(),
        name="submission_file_remove",
    ),
    path(
        "milestones/<int:pk>/submission/note/",
        submissions.DraftNoteView.as_view(),
        name="submission_note",
    ),
    path(
        "milestones/<int:pk>/submission/submit/",
        submissions.SubmitView.as_view(),
        name="submission_submit",
    ),
    path(
        "milestones/<int:pk>/extension/",
        reviews.ExtensionView.as_view(),
        name="milestone_extension",
    ),
    path(
        "milestones/<int:pk>/submissions/<int:number>/accept/",
        reviews.ReviewView.as_view(decision="accept"),
        name="submission_accept",
    ),
    path(
        "milestones/<int:pk>/submissions/<int:number>/revision/",
        reviews.ReviewView.as_view(decision="revision"),
        name="submission_revision",
    ),
    path("programmes/<slug:slug>/", programmes.ProgrammeView.as_view(), name="programme"),
    path(
        "programmes/<slug:slug>/matrix.csv",
        programmes.ProgrammeCsvView.as_view(),
        name="programme_csv",
    ),
    path(
        "programmes/<slug:slug>/matrix.xlsx",
        programmes.ProgrammeXlsxView.as_view(),
        name="programme_xlsx",
    ),
    path(
        "programmes/<slug:slug>/timeline/",
        programmes.ProgrammeTimelineView.as_view(),
        name="programme_timeline",
    ),
    path(
        "programmes/<slug:slug>/plan/new/",
        programmes.PlanItemCreateView.as_view(),
        name="plan_item_new",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/edit/",
        programmes.PlanItemEditView.as_view(),
        name="plan_item_edit",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/day-finding/",
        dayfinding.OverviewView.as_view(),
        name="dayfinding",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/day-finding/settings/",
        dayfinding.SettingsView.as_view(),
        name="dayfinding_settings",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/day-finding/proposal/",
        dayfinding.ProposalView.as_view(),
        name="dayfinding_proposal",
    ),
    path(
        "clusters/<slug:slug>/day-finding/<int:pk>/",
        dayfinding.AnswersView.as_view(),
        name="dayfinding_answers",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/submissions/",
        reviews.PlanItemSubmissionsView.as_view(),
        name="plan_item_submissions",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/submissions.zip",
        reviews.PlanItemArchiveView.as_view(),
        name="plan_item_archive",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/jury/", jury.RunningOrderView.as_view(), name="jury"
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/jury/layout/",
        jury.LayoutView.as_view(),
        name="jury_layout",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/jury/move/",
        jury.MoveView.as_view(),
        name="jury_move",
    ),
    path(
        "programmes/<slug:slug>/plan/<int:pk>/jury/running-order.ics",
        jury.RunningOrderCalendarView.as_view(),
        name="jury_calendar",
    ),
    path(
        "programmes/<slug:slug>/reminders/",
        programmes.ReminderScheduleView.as_view(),
        name="reminder_schedule",
    ),
    path("account/", accounts.AccountView.as_view(), name="account"),
    path("accessibility/", accessibility.StatementView.as_view(), name="accessibility"),
    path(
        "programmes/<slug:slug>/sign-in-domains/",
        sign_in_domains.SignInDomainsView.as_view(),
        name="sign_in_domains",
    ),
    path(
        "programmes/<slug:slug>/sign-in-domains/<int:pk>/remove/",
        sign_in_domains.SignInDomainRemoveView.as_view(),
        name="sign_in_domain_remove",
    ),
    path("account/api-tokens/", api_account.ApiTokenCreateView.as_view(), name="api_token_new"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        api_account.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path(
        "invitations/<uidb64>/<token>/",
        accounts.InvitationAcceptView.as_view(),
        name="invitation",
    ),
    path("milestones/<int:pk>/event.ics", calendars.milestone_event, name="milestone_event"),
    path("calendar-feeds/", calendars.SubscriptionView.as_view(), name="subscriptions"),
    path(
        "calendar-feeds/<int:pk>/revoke/",
        calendars.RevokeFeedTokenView.as_view(),
        name="revoke_feed_token",
    ),
    # The token is the credential; logging masks this path (milestones.logfilters).
    re_path(r"^feeds/(?P<token>[A-Za-z0-9_-]+)\.ics$", calendars.feed, name="feed"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.WebhookView.as_view(), name="webhook"),
    path(
        "webhooks/<int:pk>/<slug:action>/",
        webhooks.WebhookActionView.as_view(),
        name="webhook_action",
    ),
    path(
        "account/reminders/",
        accounts.ReminderPreferencesView.as_view(),
        name="reminder_preferences",
    ),
    path(
        "reminders/unsubscribe/<str:token>/",
        accounts.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
