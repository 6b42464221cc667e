"""Webhook endpoints that other systems register, and the ledger of deliveries to them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from milestones.models.programmes import (
    Cluster,
    Membership,
    Person,
    Programme,
    ProgrammeOfficer,
    Role,
)


class EventType(models.TextChoices):
    MILESTONE_CREATED = "milestone.created", _("Milestone created")
    DATE_CHANGED = "milestone.date_changed", _("Date changed")
    STATUS_CHANGED = "milestone.status_changed", _("Status changed")
    SUBMISSION_RECEIVED = "submission.received", _("Submission received")
    SUBMISSION_REVIEWED = "submission.reviewed", _("Submission reviewed")


class WebhookEndpointQuerySet(models.QuerySet):
    def managed_by(self, person):
        """The endpoints a person may see and change: their programmes' (as an officer) and
        their clusters' (as a coordinator)."""
        if not person.is_authenticated or not person.is_active:
            return self.none()
        overseen = ProgrammeOfficer.objects.filter(person=person).values("programme")
        coordinated = Membership.objects.filter(person=person, role=Role.COORDINATOR)
        return self.filter(Q(programme__in=overseen) | Q(cluster__in=coordinated.values("cluster")))


class WebhookEndpoint(models.Model):
    """An HTTPS address that is sent the events of one programme or one cluster it chose.

    A programme's endpoint hears of every cluster of the programme; a cluster's only of that
    cluster. ``secret`` signs every delivery (Standard Webhooks, "whsec_" and base64).
    """

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("programme"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("cluster"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The event types sent, separated by commas (EventType values).
    events = models.CharField(_("events"), max_length=200)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The first failure since the last delivery that went through: failing for
    # WEBHOOK_DISABLE_AFTER switches the endpoint off.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme__isnull=False, cluster__isnull=True)
                    | Q(programme__isnull=True, cluster__isnull=False)
                ),
                name="webhook_endpoint_programme_or_cluster",
            )
        ]

    def __str__(self):
        return self.url

    @property
    def event_types(self):
        return [event for event in self.events.split(",") if event]

    @property
    def event_labels(self):
        return [EventType(event).label for event in self.event_types]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")


class WebhookDelivery(models.Model):
    """The ledger: one row per event and endpoint, written in the transaction of the change.

    It stays pending until the endpoint answers 2xx, however long that takes; ``message_id``
    is the Standard Webhooks ``webhook-id``, the same at every attempt, so that a consumer
    can tell a repeat.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    message_id = models.CharField(_("webhook-id"), max_length=40, unique=True)
    # The body exactly as signed and sent at every attempt.
    payload = models.TextField()
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # What the workers claim: pending rows whose next attempt has come, in order.
            models.Index(fields=["state", "next_attempt_at", "id"], name="webhook_delivery_due"),
            # The registration page: an endpoint's newest deliveries.
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent"),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint} ({self.message_id})"
