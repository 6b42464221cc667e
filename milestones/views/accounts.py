"""The person's own: password set from a link, invitations accepted, the account page,
reminder preferences and one-click unsubscribe."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_out
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.dispatch import receiver
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView, UpdateView

from milestones import people, services
from milestones.forms.accounts import AccountForm, ReminderPreferencesForm, login_name
from milestones.models import Cluster, Programme, ReminderMode
from milestones.reminders.messages import person_from_unsubscribe_token
from milestones.reminders.planning import lead_days_of_programme
from milestones.reminders.sending import leads_of_open_milestones
from milestones.sso.middleware import has_second_factor
from milestones.views.common import PersonMixin


@receiver(user_logged_out)
def _say_logged_out(sender, request, user, **kwargs):
    # The log-in page follows; it says why. The message outlives the session in its cookie.
    # Not for a log-out without the message middleware (the test client's own, a script's).
    # In the language of the log-in page that shows it: the browser's, no longer the account's.
    if request is not None:
        with translation.override(translation.get_language_from_request(request)):
            messages.info(request, _("You are logged out."), fail_silently=True)


class PasswordSetView(PasswordResetConfirmView):
    """A new password from an emailed link; it also ends a log-in pause of its person.

    The lockout page sends people here, and whoever holds the link has shown that the address
    is theirs: waiting out the rest of the 15 minutes would protect nobody.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=login_name(self.request, {"username": form.user.email}))
        return response


class InvitationAcceptView(PasswordSetView):
    """The link in an invitation: the person sets a password and is logged in."""

    template_name = "milestones/invitation_accept.html"
    reset_url_token = "set-password"  # noqa: S105 (a URL segment, not a password)
    post_reset_login = True
    # django-axes is the first backend but never logs anybody in: name the one that does.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("milestones:dashboard")

    def form_valid(self, form):
        # Somebody who already has a second factor (set up after signing in through their
        # organisation) is asked for it at the log-in: the link alone does not log them in.
        self.post_reset_login = not has_second_factor(form.user)
        # The account's language stays unchosen: the pages go on following the browser.
        response = super().form_valid(form)
        messages.success(self.request, _("Welcome! Your password is set."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["validlink"]:
            token = self.kwargs.get("token", "")
            if token == self.reset_url_token:
                # The link was opened before: its token waits in the session.
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, "")
            context["dead_link"] = people.why_link_is_dead(self.user, token)
        return context


class AccountView(PersonMixin, UpdateView):
    template_name = "milestones/account.html"
    form_class = AccountForm
    success_url = reverse_lazy("milestones:account")

    def get_object(self, queryset=None):
        return self.request.user

    def get_form_kwargs(self):
        browser_language = translation.get_language_from_request(self.request)
        return {**super().get_form_kwargs(), "browser_language": browser_language}

    def form_valid(self, form):
        response = super().form_valid(form)
        translation.activate(
            form.instance.language or translation.get_language_from_request(self.request)
        )
        messages.success(self.request, _("Your account is saved."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reminders_url"] = existing_path("/account/reminders/")
        return context


def existing_path(path):
    """The path of a page another part of the app may not have yet; None until it exists."""
    try:
        resolve(path)
    except Resolver404:
        return None
    return path


class ReminderPreferencesView(LoginRequiredMixin, UpdateView):
    """How a person is reminded; a lead who switches off is told that nobody else is."""

    form_class = ReminderPreferencesForm
    template_name = "milestones/reminder_preferences.html"
    success_url = reverse_lazy("milestones:reminder_preferences")

    def get_object(self, queryset=None):
        return self.request.user

    @cached_property
    def programmes(self):
        """The programmes of the person's clusters, whose lead times they choose from."""
        return list(
            Programme.objects.filter(clusters__in=Cluster.objects.joined_by(self.request.user))
            .distinct()
            .prefetch_related("reminder_schedules")
            .order_by("name", "pk")
        )

    def get_form_kwargs(self):
        offered = {
            days
            for programme in self.programmes
            for all_days in lead_days_of_programme(programme=programme).values()
            for days in all_days
        }
        return {**super().get_form_kwargs(), "lead_days": sorted(offered, reverse=True)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            led=leads_of_open_milestones(self.request.user).select_related("cluster"),
            send_time=settings.REMINDER_SEND_TIME,
            time_zones=sorted({programme.time_zone for programme in self.programmes}),
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.instance.reminder_mode == ReminderMode.OFF:
            # A lead is warned on the page itself, next to the milestones nobody else is
            # reminded of: the message only confirms.
            messages.success(self.request, _("Reminders are off."))
        else:
            messages.success(self.request, _("Saved."))
        return response


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TemplateView):
    """One click by POST (RFC 8058); a GET only asks, because mail scanners follow links.

    The signed token in the URL is the authority, so no session and no CSRF token: mail
    clients send the one-click POST without either.
    """

    template_name = "milestones/reminder_unsubscribe.html"

    def get_context_data(self, **kwargs):
        person = person_from_unsubscribe_token(self.kwargs["token"])
        led = []
        if person is not None:
            led = leads_of_open_milestones(person).select_related("cluster")
        return super().get_context_data(person=person, led=led, **kwargs)

    def post(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        person = context["person"]
        if person is None:
            return self.render_to_response(context, status=404)
        services.change_person(person=person, changes={"reminder_mode": ReminderMode.OFF})
        context["done"] = True
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if context["person"] else 404)
