"""The form to register or change a webhook endpoint."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from milestones.api.webhooks.addresses import AddressRefused, resolve
from milestones.models import EventType, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    """URL, description and events; on registration also what it hears of (``scopes``: the
    person's programmes and clusters)."""

    url = forms.URLField(label=_("Address (https://…)"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description"]

    def __init__(self, *args, programmes=(), clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {f"programme-{p.pk}": p for p in programmes} | {
            f"cluster-{c.pk}": c for c in clusters
        }
        if self.instance.pk is None:
            choices = [
                (f"programme-{p.pk}", _("Programme %(name)s (all its clusters)") % {"name": p})
                for p in programmes
            ] + [(f"cluster-{c.pk}", _("Cluster %(name)s") % {"name": c}) for c in clusters]
            self.fields["scope"] = forms.ChoiceField(label=_("Events of"), choices=choices)
            self.order_fields(["scope"])
        else:
            self.initial["events"] = self.instance.event_types

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            resolve(url)
        except AddressRefused as error:
            raise ValidationError(str(error)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        self.instance.events = ",".join(
            event for event in EventType.values if event in cleaned.get("events", ())
        )
        target = self.targets.get(cleaned.get("scope"))
        if target is not None:
            if target._meta.model_name == "programme":
                self.instance.programme = target
            else:
                self.instance.cluster = target
        return cleaned
