"""The second-factor step of log-in, counted by django-axes like a wrong password.

django-allauth's forms check the code or the security key; these add the lockout in front (a
paused account cannot try codes) and report each failure to django-axes, so that five wrong
passwords or codes, in any mix, pause the account for that address.
"""

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm
from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CountedFailuresMixin:
    def full_clean(self):
        request = context.request
        credentials = {"username": self.user.email}
        if self.is_bound and not AxesProxyHandler.is_allowed(request, credentials):
            # The axes middleware answers with the lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            self._errors, self.cleaned_data = {}, {}
            self.add_error(None, ValidationError(_("Too many failed attempts.")))
            return
        super().full_clean()
        if self.is_bound and self._errors:
            AxesProxyHandler.user_login_failed(
                sender=type(self), credentials=credentials, request=request
            )


class SecondFactorForm(CountedFailuresMixin, AuthenticateForm):
    pass


class SecurityKeyForm(CountedFailuresMixin, AuthenticateWebAuthnForm):
    pass
