"""django-allauth's hooks: no sign-up, the provider's sign-in matched to a person, the
log-in lockout (django-axes) whatever the way in."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.shortcuts import render

from milestones.sso.admission import Refused, person_for_sign_in
from milestones.sso.middleware import note_session_use
from milestones.sso.saml import saml_claims

logger = logging.getLogger(__name__)

# A person's session is looked up by Django's own backend; django-axes' backend only refuses.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def provider_claims(sociallogin):
    """The claims of the user info, or of the ID token where there was no user info; for
    SAML, those read from the assertion."""
    if sociallogin.provider.id == SAMLProvider.id:
        return saml_claims(sociallogin)
    data = sociallogin.account.extra_data
    return data.get("userinfo") or data.get("id_token") or data


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_login(self, request, user, **kwargs):
        # A pause after five wrong passwords (or codes) holds for a provider's sign-in too.
        credentials = {"username": user.email}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, None, credentials)
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app, **kwargs):
        # Someone who signs in only through a provider has nothing to confirm their identity
        # with here (no password, no second factor yet): their sign-in has to do.
        person = context.request.user
        if (
            person.is_authenticated
            and not person.has_usable_password()
            and not Authenticator.objects.filter(user=person).exists()
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # The tracker's log-in never said "Successfully signed in"; the dashboard shows it.
        if message_template == "account/messages/logged_in.txt":
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def login(self, request, user):
        if not hasattr(user, "backend"):
            user.backend = SESSION_BACKEND
        super().login(request, user)
        note_session_use(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def populate_user(self, request, sociallogin, data):
        # The person's name, should admission make them (SAML sends given name and surname).
        user = super().populate_user(request, sociallogin, data)
        parts = (data.get("first_name"), data.get("last_name"))
        user.name = data.get("name") or " ".join(part for part in parts if part)
        return user

    def pre_social_login(self, request, sociallogin):
        """A first sign-in through a provider is linked to the person with that verified
        email address (or admitted by domain); afterwards the provider's subject finds
        them, even when their address there changes."""
        # A logged-in person linking a provider on their account page links it to themselves.
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        try:
            person = person_for_sign_in(claims=provider_claims(sociallogin))
        except Refused as refusal:
            logger.info(
                "Sign-in through %s refused: %s", sociallogin.account.provider, refusal.reason
            )
            raise ImmediateHttpResponse(
                render(request, "sso/refused.html", {"reason": refusal.reason}, status=403)
            ) from refusal
        sociallogin.connect(request, person)
