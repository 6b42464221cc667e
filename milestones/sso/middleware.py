"""People who must have a second factor (MFA_REQUIRED_FOR) enrol one before anything else; a
session's last use, for the list of sessions."""

import logging
from urllib.error import URLError

import requests
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones.models import ProgrammeOfficer

logger = logging.getLogger(__name__)

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


# Sessions started through the log-in carry this mark (adapters.AccountAdapter.login); their
# last use is then written at most every LAST_USE_EVERY_SECONDS, remembered in the cache so
# that the session itself is not saved again (that would push its expiry back).
LAST_USE_KEY = "sso_last_use"
LAST_USE_EVERY_SECONDS = 300


def note_session_use(request):
    request.session[LAST_USE_KEY] = True
    cache.add(f"{LAST_USE_KEY}:{request.session.session_key}", True, LAST_USE_EVERY_SECONDS)


class SessionLastUseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only where the page read the session anyway (a feed or /healthz reads no more).
        if (
            session.accessed
            and session.get(LAST_USE_KEY)
            and cache.add(f"{LAST_USE_KEY}:{session.session_key}", True, LAST_USE_EVERY_SECONDS)
        ):
            UserSession.objects.filter(session_key=session.session_key).update(
                last_seen_at=timezone.now()
            )
        return response


class ProviderUnavailableMiddleware:
    """A sign-in provider that cannot be reached, or does not answer within SSO_TIMEOUT
    seconds, gets a page that says so instead of an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A SAML IdP's metadata is read with urllib (python3-saml), the rest with requests.
        if not isinstance(exception, requests.RequestException | URLError | TimeoutError):
            return None
        logger.warning("Sign-in provider unavailable at %s: %s", request.path, exception)
        slow = isinstance(exception, requests.Timeout | TimeoutError) or isinstance(
            getattr(exception, "reason", None), TimeoutError
        )
        return render(request, "sso/unavailable.html", {"slow": slow}, status=504 if slow else 502)
