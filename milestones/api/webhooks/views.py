"""The pages where officers and coordinators register webhook endpoints and watch their
deliveries. Only those who manage an endpoint see it; for anybody else it does not exist."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from milestones import dates
from milestones.api.webhooks import endpoints
from milestones.api.webhooks.forms import WebhookEndpointForm
from milestones.models import WebhookEndpoint
from milestones.views.common import PersonMixin

RECENT_DELIVERIES = 20


class EndpointMixin(PersonMixin):
    def get_queryset(self):
        return WebhookEndpoint.objects.managed_by(self.request.user).select_related(
            "programme", "cluster"
        )


@method_decorator(never_cache, name="dispatch")
class WebhookListView(EndpointMixin, FormView):
    """The endpoints a person manages, and the form to register another."""

    template_name = "milestones/webhooks.html"
    form_class = WebhookEndpointForm

    @cached_property
    def scopes(self):
        programmes, clusters = endpoints.scopes_of(self.request.user)
        if not programmes and not clusters:
            raise Http404
        return programmes, clusters

    def get_form_kwargs(self):
        programmes, clusters = self.scopes
        return {**super().get_form_kwargs(), "programmes": programmes, "clusters": clusters}

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoints=list(self.get_queryset()), **kwargs)

    def form_valid(self, form):
        endpoint = endpoints.register_endpoint(endpoint=form.instance, by=self.request.user)
        messages.success(self.request, _("The webhook endpoint is registered."))
        return redirect("milestones:webhook", endpoint.pk)


@method_decorator(never_cache, name="dispatch")
class WebhookView(EndpointMixin, SingleObjectMixin, FormView):
    """One endpoint: its secret, its recent deliveries with their state, and its settings."""

    template_name = "milestones/webhook.html"
    form_class = WebhookEndpointForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        deliveries = list(self.object.deliveries.order_by("-created_at", "-pk")[:RECENT_DELIVERIES])
        for delivery in deliveries:
            delivery.created_text = dates.format_moment(delivery.created_at)
            delivery.next_attempt_text = dates.format_moment(delivery.next_attempt_at)
        return super().get_context_data(
            endpoint=self.object,
            deliveries=deliveries,
            disabled_text=dates.format_moment(self.object.disabled_at),
            failing_text=dates.format_moment(self.object.failing_since),
            **kwargs,
        )

    def form_valid(self, form):
        endpoints.change_endpoint(endpoint=form.instance)
        messages.success(self.request, _("The webhook endpoint is saved."))
        return redirect("milestones:webhook", self.object.pk)


class WebhookActionView(EndpointMixin, SingleObjectMixin, View):
    """Rotate the secret, switch the endpoint on again, or remove it."""

    http_method_names = ["post"]

    def post(self, request, *args, action, **kwargs):
        if action not in ("rotate", "switch-on", "remove"):
            raise Http404
        endpoint = self.get_object()
        if action == "rotate":
            endpoints.rotate_secret(endpoint=endpoint)
            messages.success(request, _("A new secret signs the deliveries from now on."))
        elif action == "switch-on":
            endpoints.switch_on(endpoint=endpoint)
            messages.success(request, _("The endpoint is on again; its waiting deliveries go."))
        else:
            endpoints.remove_endpoint(endpoint=endpoint)
            messages.success(request, _("The webhook endpoint is removed."))
            return redirect("milestones:webhooks")
        return redirect("milestones:webhook", endpoint.pk)
