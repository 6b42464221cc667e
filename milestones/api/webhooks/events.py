"""Recording what happened to a milestone for the endpoints that want to hear of it.

The service functions that make a change call ``record_event`` inside their transaction (an
outbox): the ledger's rows are committed with the change or not at all, so no event is lost
and none is sent for a change that was rolled back. The workers deliver them later
(``milestones.api.webhooks.sending``).
"""

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from milestones.api.webhooks.payloads import event_payload
from milestones.models import WebhookDelivery, WebhookEndpoint


def new_message_id():
    """A Standard Webhooks ``webhook-id``: unique per delivery, kept through its retries."""
    return f"msg_{uuid.uuid4().hex}"


def endpoints_hearing_of(cluster):
    """The endpoints that hear of a cluster's events: the cluster's own and its programme's."""
    return WebhookEndpoint.objects.filter(
        Q(cluster_id=cluster.pk) | Q(programme_id=cluster.programme_id)
    )


def record_event(*, event_type, milestone, submission=None, review=None, now=None):
    """Write one pending delivery of the event for each endpoint of the milestone's cluster
    or programme that chose its type; returns them. Call it inside the change's transaction.

    Endpoints switched off get theirs too, sent once they are switched on again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        endpoints = [
            endpoint
            for endpoint in endpoints_hearing_of(milestone.cluster).only("pk", "events")
            if event_type in endpoint.event_types
        ]
        if not endpoints:
            return []
        payload = event_payload(
            event_type=event_type,
            milestone=milestone,
            timestamp=now,
            submission=submission,
            review=review,
        )
        return WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event_type=event_type,
                message_id=new_message_id(),
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        )
