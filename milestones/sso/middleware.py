"""People who must have a second factor (MFA_REQUIRED_FOR) enrol one before anything else; a
session's last use, for the list of sessions."""

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones.models import ProgrammeOfficer

# What stays open before enrolment: the log-in and log-out, the second factor's own pages
# (under /accounts/), and the static files those pages use.
OPEN_PREFIXES = ("/accounts/", "/static/", "/accessibility/")


def must_have_second_factor(person):
    if settings.MFA_REQUIRED_FOR == "everyone":
        return True
    return ProgrammeOfficer.objects.filter(person=person).exists()


def has_second_factor(person):
    return Authenticator.objects.filter(
        user=person, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR != "none"
            and request.user.is_authenticated
            and not request.path_info.startswith(OPEN_PREFIXES)
            and must_have_second_factor(request.user)
            and not has_second_factor(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Your programme requires a second factor: set up an authenticator app or a "
                    "security key before you go on."
                ),
            )
            return redirect("mfa_index")
        return self.get_response(request)


# The session key in which the last recorded use of a session is kept (a POSIX time); set at
# log-in (adapters.AccountAdapter.login).
LAST_USE_KEY = "sso_last_use"
# A session's last use is written at most this often, not at every request.
LAST_USE_EVERY_SECONDS = 300


def note_session_use(request):
    request.session[LAST_USE_KEY] = timezone.now().timestamp()


class SessionLastUseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        noted = request.session.get(LAST_USE_KEY)
        now = timezone.now()
        if noted is not None and now.timestamp() - noted >= LAST_USE_EVERY_SECONDS:
            UserSession.objects.filter(session_key=request.session.session_key).update(
                last_seen_at=now
            )
            request.session[LAST_USE_KEY] = now.timestamp()
        return self.get_response(request)
