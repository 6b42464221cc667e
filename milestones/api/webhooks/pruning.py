"""Forgetting deliveries that are done with: the ledger keeps a delivered row for
WEBHOOK_DELIVERIES_KEEP_DAYS, then a worker's round deletes it.

Only delivered rows go. A pending row, however old (its endpoint down or switched off), is
still to be sent and stays until it is delivered or its endpoint is removed.
"""

import datetime
import logging

from django.conf import settings

from milestones.models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)

# Rows deleted by one statement: short transactions, so that no worker waits long for them.
PRUNE_BATCH_SIZE = 1000


def prune_delivered_webhooks(*, now, batch_size=PRUNE_BATCH_SIZE):
    """Delete the deliveries delivered more than WEBHOOK_DELIVERIES_KEEP_DAYS before ``now``,
    a batch at a time; returns how many went."""
    kept_since = now - datetime.timedelta(days=settings.WEBHOOK_DELIVERIES_KEEP_DAYS)
    # A row is delivered at or after its last next_attempt_at, so the condition on
    # next_attempt_at adds no row and lets the database find them by the workers' index.
    finished = WebhookDelivery.objects.filter(
        state=DeliveryState.DELIVERED,
        next_attempt_at__lt=kept_since,
        delivered_at__lt=kept_since,
    )
    pruned = 0
    while True:
        batch = list(finished.order_by().values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        deleted, _by_model = finished.filter(pk__in=batch).delete()
        pruned += deleted
        if len(batch) < batch_size:
            break
    if pruned:
        logger.info(
            "pruned %s webhook deliveries delivered before %s", pruned, kept_since.isoformat()
        )
    return pruned
