from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from milestones.forms.accounts import InvitationAwarePasswordResetForm, LoginForm
from milestones.views.accounts import PasswordSetView

# A database that goes away during a request gives a 503 page, not a traceback.
handler500 = "milestones.views.common.server_error"

# /healthz is answered by milestones.middleware.HealthCheckMiddleware, ahead of host checks.
urlpatterns = [
    # Before Django's own: a log-in name longer than any account's is refused by the form.
    path("accounts/login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
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
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("milestones.api.urls")),
    path("", include("milestones.urls")),
]
