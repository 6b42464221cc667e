"""The log-in page with its providers' buttons, and the password change that ends the other
sessions. The second factor's and the sessions' pages are django-allauth's own."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from allauth.usersessions.internal.flows.sessions import end_other_sessions, end_sessions
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from milestones.forms.accounts import LoginForm


class LoginView(auth_views.LoginView):
    """Django's log-in form (django-axes counts its failures), then django-allauth's login
    stages: the second factor of those who have one."""

    form_class = LoginForm

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            self.http_method_names = ["get", "head", "options"]
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        person = form.get_user()
        # Recorded for django-allauth, which asks for the password again before a second
        # factor is added or removed, unless it was typed in the last few minutes: here.
        record_authentication(
            self.request, person, method="password", email=person.email, reauthenticated=True
        )
        return perform_login(self.request, person, redirect_url=self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = f"?{urlencode({'next': context['next']})}" if context.get("next") else ""
        context["password_login"] = settings.PASSWORD_LOGIN
        # The providers come from the environment only (milestones.sso.providers and .saml).
        context["sso_buttons"] = [
            (
                app["name"],
                reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]}) + query,
            )
            for app in settings.SSO_APPS
        ] + [
            (
                app["name"],
                reverse("saml_login", kwargs={"organization_slug": app["client_id"]}) + query,
            )
            for app in settings.SSO_SAML_APPS
        ]
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the person's other sessions end with the old password."""

    def form_valid(self, form):
        session_key = self.request.session.session_key
        end_other_sessions(self.request, self.request.user)
        response = super().form_valid(form)
        # Django gave this session a new key; its row in the list follows it.
        UserSession.objects.filter(session_key=session_key).update(
            session_key=self.request.session.session_key
        )
        return response


class SessionListView(LoginRequiredMixin, ListView):
    """The person's sessions: where and when they logged in, their browser, their last use."""

    template_name = "sso/sessions.html"
    context_object_name = "sessions"

    def get_queryset(self):
        return UserSession.objects.filter(user=self.request.user).order_by("-last_seen_at", "-pk")


class SessionEndView(LoginRequiredMixin, View):
    """Ends one of the person's sessions, or all but the current one."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        if pk is None:
            end_other_sessions(request, request.user)
            messages.success(request, _("Your other sessions have ended."))
            return redirect("usersessions_list")
        session = get_object_or_404(UserSession, pk=pk, user=request.user)
        end_sessions(request, [session])
        if not request.user.is_authenticated:
            return redirect("login")
        messages.success(request, _("That session has ended."))
        return redirect("usersessions_list")
