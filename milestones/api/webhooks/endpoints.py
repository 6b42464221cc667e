"""Registering, changing and removing webhook endpoints, and their signing secrets."""

import base64
import secrets

from django.db import transaction
from django.db.models import F

from milestones.models import Cluster, DeliveryState, Programme, Role, WebhookEndpoint


def new_secret():
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def scopes_of(person):
    """What a person may register endpoints for: their programmes as an officer, their
    clusters as a coordinator (as two lists)."""
    if not person.is_authenticated or not person.is_active:
        return [], []
    programmes = Programme.objects.filter(officers__person=person).order_by("name", "pk")
    clusters = Cluster.objects.filter(
        memberships__person=person, memberships__role=Role.COORDINATOR
    ).order_by("name", "pk")
    return list(programmes), list(clusters)


def register_endpoint(*, endpoint, by):
    """Save a new endpoint with a fresh secret; ``by`` registered it."""
    endpoint.secret = new_secret()
    endpoint.created_by = by
    endpoint.save()
    return endpoint


def change_endpoint(*, endpoint):
    """Save an endpoint's new address, description or events (its form set them)."""
    endpoint.save(update_fields=["url", "description", "events"])
    return endpoint


def rotate_secret(*, endpoint):
    """Give the endpoint a new secret at once: every delivery from now on, retries of earlier
    events too, is signed with it, and the old one stops verifying."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def remove_endpoint(*, endpoint):
    """Delete the endpoint with its deliveries: nothing more is sent to it."""
    endpoint.delete()


def switch_on(*, endpoint):
    """Switch an endpoint on again: its waiting deliveries are due at once."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            is_active=True, failing_since=None, disabled_at=None
        )
        endpoint.deliveries.filter(state=DeliveryState.PENDING).update(
            next_attempt_at=F("created_at")
        )
    endpoint.refresh_from_db()
    return endpoint
