"""The webhook ledger forgets what it delivered WEBHOOK_DELIVERIES_KEEP_DAYS ago, in the workers'
rounds, and never a delivery that is still to be sent."""

import datetime
import logging

import pytest
import time_machine
from django.core.management import call_command

from milestones.api.webhooks.endpoints import new_secret
from milestones.api.webhooks.events import new_message_id, record_event
from milestones.api.webhooks.pruning import prune_delivered_webhooks
from milestones.api.webhooks.sending import deliver_due_webhooks
from milestones.models import DeliveryState, EventType, WebhookDelivery, WebhookEndpoint
from tests.helpers import MARCH_21
from tests.webhook_consumer import WebhookConsumer

DAY = datetime.timedelta(days=1)


@pytest.fixture
def consumer(settings):
    settings.WEBHOOK_TIMEOUT = 2
    settings.WEBHOOK_RETRY_AFTER = 30
    server = WebhookConsumer(new_secret())
    yield server
    server.stop()


@pytest.fixture
def endpoint(cluster):
    # Nothing in these tests is due to it: its rows are delivered, or wait for later.
    return WebhookEndpoint.objects.create(
        cluster=cluster,
        url="https://hooks.example/c4f",
        secret=new_secret(),
        events=EventType.DATE_CHANGED,
    )


def delivery(endpoint, name, *, created, state, delivered=None, next_attempt=None, attempts=1):
    """A row of the ledger as a round leaves it, named in its payload."""
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=EventType.DATE_CHANGED,
        message_id=new_message_id(),
        payload=name,
        state=state,
        attempts=attempts,
        created_at=created,
        next_attempt_at=next_attempt or created,
        delivered_at=delivered,
    )


def left(endpoint=None):
    rows = WebhookDelivery.objects.all() if endpoint is None else endpoint.deliveries.all()
    return set(rows.values_list("payload", flat=True))


def test_round_deletes_only_deliveries_delivered_longer_ago_than_kept(endpoint, cluster, caplog):
    now = MARCH_21
    switched_off = WebhookEndpoint.objects.create(
        cluster=cluster,
        url="https://down.example/c4f",
        secret=new_secret(),
        events=EventType.DATE_CHANGED,
        is_active=False,
        disabled_at=now - 200 * DAY,
    )
    for name, age in [("delivered 91 days ago", 91), ("delivered 120 days ago", 120)]:
        delivery(
            endpoint,
            name,
            created=now - age * DAY,
            state=DeliveryState.DELIVERED,
            delivered=now - age * DAY,
        )
    delivery(
        endpoint,
        "delivered 90 days ago",
        created=now - 90 * DAY,
        state=DeliveryState.DELIVERED,
        delivered=now - 90 * DAY,
    )
    # Its endpoint was switched on again after months, which made it due from its creation.
    delivery(
        endpoint,
        "created 100 days ago, delivered 10 days ago",
        created=now - 100 * DAY,
        state=DeliveryState.DELIVERED,
        delivered=now - 10 * DAY,
        attempts=40,
    )
    delivery(
        endpoint,
        "pending for 200 days, being retried",
        created=now - 200 * DAY,
        next_attempt=now + datetime.timedelta(minutes=20),
        state=DeliveryState.PENDING,
        attempts=500,
    )
    delivery(
        switched_off,
        "pending for 200 days, its endpoint switched off",
        created=now - 200 * DAY,
        state=DeliveryState.PENDING,
    )
    caplog.set_level(logging.INFO, logger="milestones.api.webhooks.pruning")

    summary = deliver_due_webhooks(now=now)

    assert left() == {
        "delivered 90 days ago",
        "created 100 days ago, delivered 10 days ago",
        "pending for 200 days, being retried",
        "pending for 200 days, its endpoint switched off",
    }
    assert summary.line() == "delivered 0, failed 0, endpoints switched off 0"
    assert [record.getMessage() for record in caplog.records] == [
        "pruned 2 webhook deliveries delivered before 2023-12-22T09:00:00+01:00"
    ]


def test_delivery_is_kept_as_long_as_set_then_pruned(consumer, cluster, make_milestone, settings):
    settings.WEBHOOK_DELIVERIES_KEEP_DAYS = 7
    WebhookEndpoint.objects.create(
        cluster=cluster, url=consumer.url, secret=consumer.secret, events=EventType.DATE_CHANGED
    )
    milestone = make_milestone()

    def round_on(moment):
        # The consumer checks the signature's time against its clock: the same frozen one.
        traveller.move_to(moment)
        return deliver_due_webhooks(now=moment)

    with time_machine.travel(MARCH_21, tick=False) as traveller:
        record_event(event_type=EventType.DATE_CHANGED, milestone=milestone, now=MARCH_21)
        round_on(MARCH_21)
        record_event(event_type=EventType.DATE_CHANGED, milestone=milestone, now=MARCH_21 + 6 * DAY)
        consumer.script = ["refuse"]
        round_on(MARCH_21 + 6 * DAY)

        week_later = round_on(MARCH_21 + 7 * DAY)
        day_after = round_on(MARCH_21 + 8 * DAY)

    # The first, delivered on the 21st, is kept for 7 days and goes on the 8th; the second,
    # refused and delivered at its retry a day later, stays.
    assert (week_later.delivered, day_after.delivered) == (1, 0)
    assert list(
        WebhookDelivery.objects.values_list("state", "created_at", "delivered_at", "attempts")
    ) == [(DeliveryState.DELIVERED, MARCH_21 + 6 * DAY, MARCH_21 + 7 * DAY, 2)]
    assert sorted(consumer.accepted.values()) == [1, 1]


def test_pruning_deletes_in_batches_until_none_is_left(endpoint, django_assert_num_queries):
    for number in range(5):
        delivery(
            endpoint,
            f"old {number}",
            created=MARCH_21 - 100 * DAY,
            state=DeliveryState.DELIVERED,
            delivered=MARCH_21 - 100 * DAY,
        )
    delivery(endpoint, "waiting", created=MARCH_21 - 100 * DAY, state=DeliveryState.PENDING)

    # Three batches of at most two: each finds its rows, then deletes them.
    with django_assert_num_queries(6):
        pruned = prune_delivered_webhooks(now=MARCH_21, batch_size=2)

    assert (pruned, left()) == (5, {"waiting"})


def test_worker_command_prunes_in_its_round_and_logs_the_count(endpoint, caplog, capsys):
    delivery(
        endpoint,
        "delivered long ago",
        created=MARCH_21 - 365 * DAY,
        state=DeliveryState.DELIVERED,
        delivered=MARCH_21 - 365 * DAY,
    )
    delivery(
        endpoint,
        "delivered yesterday",
        created=MARCH_21 - DAY,
        state=DeliveryState.DELIVERED,
        delivered=MARCH_21 - DAY,
    )
    caplog.set_level(logging.INFO, logger="milestones.api.webhooks.pruning")

    with time_machine.travel(MARCH_21, tick=False):
        call_command("deliver_webhooks")

    assert left() == {"delivered yesterday"}
    assert capsys.readouterr().out == "delivered 0, failed 0, endpoints switched off 0\n"
    assert [record.getMessage() for record in caplog.records] == [
        "pruned 1 webhook deliveries delivered before 2023-12-22T08:00:00+00:00"
    ]
