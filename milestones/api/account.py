"""API tokens on the account page: a new one (its secret shown once) and revoking one."""

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from milestones import dates
from milestones.api.tokens import issue_api_token, revoke_api_token
from milestones.models import ApiToken, ApiTokenScope, Cluster, Programme
from milestones.views.calendars import save_once

# Days until a new token expires, as offered; 0 is never.
EXPIRY_CHOICES = [
    (30, gettext_lazy("in 30 days")),
    (90, gettext_lazy("in 90 days")),
    (365, gettext_lazy("in a year")),
    (0, gettext_lazy("never")),
]


class ApiTokenForm(forms.Form):
    """A new API token: what it is for, what it sees, whether it may change things, how long."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "What uses it, e.g. “reporting system”, so you can revoke it later."
        ),
    )
    scope = forms.ChoiceField(label=gettext_lazy("What it sees"))
    access = forms.ChoiceField(
        label=gettext_lazy("What it may do"),
        choices=[
            ("read", gettext_lazy("Read only")),
            ("write", gettext_lazy("Read, and change what I may change")),
        ],
        initial="read",
        widget=forms.RadioSelect,
    )
    expires_in = forms.TypedChoiceField(
        label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, coerce=int, initial=90
    )
    # A new key each time the form is shown: sent twice, it makes one token.
    form_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.targets = {ApiTokenScope.PERSON.value: (ApiTokenScope.PERSON, None, None)}
        choices = [(ApiTokenScope.PERSON.value, ApiTokenScope.PERSON.label)]
        for cluster in Cluster.objects.visible_to(person).order_by("name", "pk"):
            key = f"cluster:{cluster.slug}"
            self.targets[key] = (ApiTokenScope.CLUSTER, cluster, None)
            choices.append((key, _("Cluster %(name)s") % {"name": cluster.name}))
        for programme in Programme.objects.filter(officers__person=person).order_by("name", "pk"):
            key = f"programme:{programme.slug}"
            self.targets[key] = (ApiTokenScope.PROGRAMME, None, programme)
            choices.append((key, _("Programme %(name)s (all clusters)") % {"name": programme.name}))
        self.fields["scope"].choices = choices

    def clean_form_key(self):
        try:
            return uuid.UUID(self.cleaned_data["form_key"])
        except ValueError:
            return None

    def save(self, *, now=None):
        """Issue the token; returns it and its secret."""
        data = self.cleaned_data
        scope, cluster, programme = self.targets[data["scope"]]
        days = data["expires_in"]
        now = now or timezone.now()
        return issue_api_token(
            person=self.person,
            name=data["name"],
            scope=scope,
            cluster=cluster,
            programme=programme,
            can_write=data["access"] == "write",
            expires_at=now + datetime.timedelta(days=days) if days else None,
            form_key=data["form_key"],
        )


def tokens_of(person):
    """The person's tokens with their moments in words, newest first."""
    tokens = list(ApiToken.objects.filter(person=person).select_related("cluster", "programme"))
    now = timezone.now()
    for token in tokens:
        token.created_text = dates.format_moment(token.created_at)
        token.expires_text = dates.format_moment(token.expires_at)
        token.last_used_text = dates.format_moment(token.last_used_at)
        token.revoked_text = dates.format_moment(token.revoked_at)
        token.expired = token.expires_at is not None and token.expires_at <= now
    return tokens


@method_decorator(never_cache, name="dispatch")
class ApiTokenCreateView(LoginRequiredMixin, FormView):
    """A new token from the account page's form; the next page shows its secret once."""

    template_name = "milestones/api/token_new.html"
    form_class = ApiTokenForm
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return redirect("milestones:account")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.request.user}

    def form_valid(self, form):
        token, raw_token = save_once(form, ApiToken)
        if token is None:
            messages.warning(
                self.request,
                _(
                    "This form was sent before, and its token was created then. A token is "
                    "shown only once: if you did not copy it, revoke it and create a new one."
                ),
            )
            return redirect("milestones:account")
        # The secret is in this response only; it is stored nowhere but as a hash.
        response = self.render_to_response(
            self.get_context_data(new_token=token, raw_token=raw_token)
        )
        response["Referrer-Policy"] = "no-referrer"
        return response


class ApiTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, person=request.user, pk=pk)
        revoke_api_token(token=token)
        messages.success(
            request, _("The API token “%(name)s” no longer works.") % {"name": token.name}
        )
        return redirect("milestones:account")
