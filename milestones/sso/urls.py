"""django-allauth's pages that the tracker uses, under /accounts/: a provider's sign-in, the
second factor, the list of sessions. Its sign-up, email and password pages are left out
(people are invited; the password pages are Django's), except where allauth itself links
to them by name."""

from allauth.account import views as account_views
from allauth.urls import build_provider_urlpatterns
from django.contrib.auth import views as auth_views
from django.urls import include, path

from milestones.sso import oidc
from milestones.sso.views import LoginView, PasswordChangeView, SessionEndView, SessionListView

urlpatterns = [
    # Names django-allauth redirects to, for the tracker's own pages.
    path("login/", LoginView.as_view(), name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password_change/", PasswordChangeView.as_view(), name="account_change_password"),
    # Shows that sign-up is closed (milestones.sso.adapters).
    path("signup/", account_views.signup, name="account_signup"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include("allauth.socialaccount.urls")),
    path("sessions/", SessionListView.as_view(), name="usersessions_list"),
    path("sessions/end-others/", SessionEndView.as_view(), name="sessions_end_others"),
    path("sessions/<int:pk>/end/", SessionEndView.as_view(), name="session_end"),
    # Before allauth's own: the same callback, with the ID token's signature checked.
    path(
        "oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_signed_callback",
    ),
    *build_provider_urlpatterns(),
]
