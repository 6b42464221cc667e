"""People who must have a second factor (MFA_REQUIRED_FOR) enrol one before anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
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
