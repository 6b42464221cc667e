"""A programme's sign-in domains, kept by its officers: a person whose verified address at a
sign-in provider ends in ``@domain`` gets the role set here on their first sign-in."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from milestones.models.sso import SignInDomain
from milestones.views.programmes import ProgrammeFormMixin

logger = logging.getLogger(__name__)


class DomainField(forms.CharField):
    """A domain as people type it: any case, perhaps with the "@" or spaces around it."""

    def to_python(self, value):
        return super().to_python(value).strip().lower().removeprefix("@")


class SignInDomainForm(forms.ModelForm):
    domain = DomainField(
        label=gettext_lazy("Email domain"),
        max_length=253,
        help_text=gettext_lazy(
            "The part after “@”, e.g. “tu-dresden.de”; its subdomains are not included."
        ),
    )

    class Meta:
        model = SignInDomain
        fields = ["domain", "role", "cluster"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, instance=SignInDomain(programme=programme), **kwargs)
        self.fields["cluster"].queryset = programme.clusters.order_by("name", "pk")


class SignInDomainsView(ProgrammeFormMixin, FormView):
    """The programme's sign-in domains, and a form for one more."""

    template_name = "sso/sign_in_domains.html"
    form_class = SignInDomainForm

    def get_context_data(self, **kwargs):
        domains = self.programme.sign_in_domains.select_related("cluster").order_by("domain")
        return super().get_context_data(
            domains=domains, has_providers=bool(settings.SSO_APPS), **kwargs
        )

    def form_valid(self, form):
        domain = form.save()
        logger.info(
            "Sign-in domain @%s allowed as %s in %s by %s",
            domain.domain,
            domain.role,
            self.programme.slug,
            self.request.user.pk,
        )
        messages.success(
            self.request,
            _("People with a verified address at @%(domain)s can now sign in as %(role)s.")
            % {"domain": domain.domain, "role": domain.get_role_display()},
        )
        return redirect("milestones:sign_in_domains", slug=self.programme.slug)


class SignInDomainRemoveView(ProgrammeFormMixin, View):
    """Take a domain off the programme's list; people admitted through it keep their roles."""

    http_method_names = ["post"]

    def post(self, request, slug, pk):
        domain = get_object_or_404(SignInDomain, programme=self.programme, pk=pk)
        domain.delete()
        logger.info(
            "Sign-in domain @%s removed from %s by %s", domain.domain, slug, request.user.pk
        )
        messages.success(
            request,
            _("@%(domain)s no longer lets new people sign in.") % {"domain": domain.domain},
        )
        return redirect("milestones:sign_in_domains", slug=self.programme.slug)
