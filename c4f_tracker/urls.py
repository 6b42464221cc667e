from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from milestones.forms.accounts import InvitationAwarePasswordResetForm
from milestones.sso import views as sso_views
from milestones.views.accounts import PasswordSetView

# A database that goes away during a request gives a 503 page, not a traceback.
handler500 = "milestones.views.common.server_error"

# /healthz is answered by milestones.middleware.HealthCheckMiddleware, ahead of host checks.
urlpatterns = [
    # Before Django's own: a log-in name longer than any account's is refused by the form.
    path("accounts/login/", sso_views.LoginView.as_view(), name="login"),
    # Before Django's own: people invited but not yet logged in can ask for a fresh link too.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=InvitationAwarePasswordResetForm),
        name="password_reset",
    ),
    # Before Django's own: a new password also ends a log-in pause (django-axes).
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordSetView.as_view(),
        name="password_reset_confirm",
    ),
    # Before Django's own: a new password also ends the person's other sessions.
    path(
        "accounts/password_change/",
        sso_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on, second factors and sessions (django-allauth).
    path("accounts/", include("milestones.sso.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("milestones.api.urls")),
    path("", include("milestones.urls")),
]
