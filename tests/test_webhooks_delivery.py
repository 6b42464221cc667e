"""Webhooks end to end: events recorded with the change, delivered signed to a real consumer on
loopback, retried through refusals and time-outs, an endpoint switched off after days."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from milestones import plan, services
from milestones.api.webhooks.endpoints import new_secret, switch_on
from milestones.api.webhooks.sending import deliver_due_webhooks
from milestones.models import (
    DeliveryState,
    EventType,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
)
from milestones.submissions import reviews
from milestones.submissions import services as submissions
from tests.helpers import MARCH_21
from tests.test_submissions_services import upload
from tests.webhook_consumer import WebhookConsumer, decoded

ALL_EVENTS = ",".join(EventType.values)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MARCH_21, tick=False) as traveller:
        yield traveller


@pytest.fixture
def consumer(settings):
    # Long enough for a loaded machine to answer, short for the one test that waits it out.
    settings.WEBHOOK_TIMEOUT = 2
    settings.WEBHOOK_RETRY_AFTER = 30
    settings.SITE_URL = "https://tracker.test"
    server = WebhookConsumer(new_secret())
    yield server
    server.stop()


def add_endpoint(consumer, *, events=ALL_EVENTS, **scope):
    return WebhookEndpoint.objects.create(
        url=consumer.url, secret=consumer.secret, events=events, **scope
    )


def test_date_change_is_delivered_signed_with_the_milestone(consumer, cluster, make_milestone):
    milestone = make_milestone(title="Cluster strategy")
    endpoint = add_endpoint(consumer, cluster=cluster, events=EventType.DATE_CHANGED)

    plan.change_milestone_date(
        milestone=milestone, by=None, reason="moved", starts_on=datetime.date(2024, 4, 9)
    )
    summary = deliver_due_webhooks(now=MARCH_21)

    delivery = WebhookDelivery.objects.get()
    assert summary.line() == "delivered 1, failed 0, endpoints switched off 0"
    assert consumer.payloads() == [
        {
            "type": "milestone.date_changed",
            "timestamp": "2024-03-21T08:00:00+00:00",
            "data": {
                "milestone": {
                    "id": milestone.pk,
                    "cluster": "saxocell",
                    "programme": "c4f",
                    "kind": "strategy-submission",
                    "title": "Cluster strategy",
                    "starts_on": "2024-04-09",
                    "ends_on": None,
                    "starts_at": None,
                    "ends_at": None,
                    "is_tentative": False,
                    "time_zone": "Europe/Berlin",
                    "status": "planned",
                    "url": f"https://tracker.test/milestones/{milestone.pk}/",
                }
            },
        }
    ]
    assert consumer.arrivals[0][0] == delivery.message_id
    assert (delivery.endpoint, delivery.state, delivery.attempts, delivery.last_status_code) == (
        endpoint,
        DeliveryState.DELIVERED,
        1,
        204,
    )
    assert consumer.forged == []


def test_each_event_type_is_recorded_by_its_change(
    consumer, cluster, make_milestone, member, officer, settings, tmp_path
):
    settings.SUBMISSIONS_ROOT = tmp_path
    add_endpoint(consumer, cluster=cluster)

    milestone = make_milestone(lead=member, asks_submission=True, starts_at=datetime.time(12))
    plan.confirm_day(milestone=milestone, day=datetime.date(2024, 4, 3), by=member)
    services.set_status(milestone=milestone, status=Status.IN_PROGRESS, by=member)
    submissions.add_to_draft(milestone=milestone, files=[upload("a.pdf")], by=member)
    submission = submissions.submit(milestone=milestone, by=member, expected_number=1)
    reviews.accept_submission(submission=submission, by=officer)
    deliver_due_webhooks(now=MARCH_21)

    assert [
        (body["type"], body["data"]["milestone"]["status"]) for body in consumer.payloads()
    ] == [
        ("milestone.created", "planned"),
        ("milestone.date_changed", "planned"),
        ("milestone.status_changed", "in-progress"),
        ("milestone.status_changed", "submitted"),
        ("submission.received", "submitted"),
        ("milestone.status_changed", "done"),
        ("submission.reviewed", "done"),
    ]
    assert consumer.payloads()[4]["data"]["submission"] == {
        "version": 1,
        "submitted_at": "2024-03-21T08:00:00+00:00",
        "is_late": False,
    }
    assert consumer.payloads()[6]["data"]["review"] == {
        "decision": "accepted",
        "reviewed_at": "2024-03-21T08:00:00+00:00",
        "revision_due_on": None,
        "revision_due_at": None,
    }


def test_cluster_endpoint_hears_only_its_cluster_and_programme_endpoint_all(
    consumer, programme, cluster, other_cluster, make_milestone
):
    ours = add_endpoint(consumer, cluster=cluster)
    theirs = add_endpoint(consumer, cluster=other_cluster)
    programme_wide = add_endpoint(consumer, programme=programme)

    make_milestone(title="Ours")
    make_milestone(title="Theirs", cluster=other_cluster)

    def titles(endpoint):
        return sorted(
            body["data"]["milestone"]["title"] for body in map(decoded, endpoint.deliveries.all())
        )

    assert (titles(ours), titles(theirs), titles(programme_wide)) == (
        ["Ours"],
        ["Theirs"],
        ["Ours", "Theirs"],
    )


def test_change_rolled_back_records_no_event(consumer, cluster, make_milestone):
    milestone = make_milestone()
    add_endpoint(consumer, cluster=cluster)
    WebhookDelivery.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.set_status(milestone=milestone, status=Status.DONE, by=None)
        raise RuntimeError("the request failed after the change")

    assert WebhookDelivery.objects.count() == 0


def test_only_the_chosen_events_are_recorded(consumer, cluster, make_milestone):
    add_endpoint(consumer, cluster=cluster, events=EventType.STATUS_CHANGED)

    milestone = make_milestone()
    plan.change_milestone_date(
        milestone=milestone, by=None, reason="", starts_on=datetime.date(2024, 4, 9)
    )
    services.set_status(milestone=milestone, status=Status.DONE, by=None)

    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == [
        "milestone.status_changed"
    ]


def test_refused_and_timed_out_deliveries_are_retried_and_each_accepted_once(
    consumer, cluster, make_milestone, frozen
):
    add_endpoint(consumer, cluster=cluster, events=EventType.MILESTONE_CREATED)
    for number in range(3):
        make_milestone(title=f"Deliverable {number}")
    consumer.script = ["refuse", "hang"]

    first = deliver_due_webhooks(now=MARCH_21)
    frozen.shift(datetime.timedelta(seconds=30))
    second = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(seconds=30))
    frozen.shift(datetime.timedelta(seconds=60))
    third = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(seconds=90))

    ledger = WebhookDelivery.objects.order_by("pk")
    assert [s.line() for s in (first, second, third)] == [
        "delivered 0, failed 1, endpoints switched off 0",
        "delivered 0, failed 1, endpoints switched off 0",
        "delivered 3, failed 0, endpoints switched off 0",
    ]
    assert sorted(consumer.accepted.values()) == [1, 1, 1]
    assert set(consumer.accepted) == {delivery.message_id for delivery in ledger}
    assert [body["data"]["milestone"]["title"] for body in consumer.payloads()] == [
        "Deliverable 0",
        "Deliverable 1",
        "Deliverable 2",
    ]
    # The first was refused, the second timed out (the first waited for its back-off), both
    # went at the next try, with the same id each time.
    arrived = [message_id for message_id, _body in consumer.arrivals]
    assert [arrived.count(delivery.message_id) for delivery in ledger] == [2, 2, 1]
    assert [(d.state, d.attempts, d.last_status_code) for d in ledger] == [
        ("delivered", 2, 204),
        ("delivered", 2, 204),
        ("delivered", 1, 204),
    ]
    assert consumer.forged == []


def test_retry_waits_for_its_back_off(consumer, cluster, make_milestone):
    add_endpoint(consumer, cluster=cluster, events=EventType.MILESTONE_CREATED)
    make_milestone()
    consumer.script = ["refuse", "refuse"]

    deliver_due_webhooks(now=MARCH_21)
    early = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(seconds=29))
    deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(seconds=30))

    delivery = WebhookDelivery.objects.get()
    assert early.line() == "delivered 0, failed 0, endpoints switched off 0"
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        2,
        500,
        "busy, try later",
    )
    assert delivery.next_attempt_at == MARCH_21 + datetime.timedelta(seconds=30 + 60)


def test_endpoint_failing_for_three_days_is_switched_off_and_its_owners_emailed(
    consumer, cluster, coordinator, make_milestone, frozen, settings
):
    settings.SITE_URL = "https://tracker.test"
    endpoint = add_endpoint(consumer, cluster=cluster, events=EventType.MILESTONE_CREATED)
    make_milestone()
    consumer.script = ["refuse"] * 100

    deliver_due_webhooks(now=MARCH_21)
    two_days = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(days=2, hours=23))
    three_days = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(days=3))
    while_off = deliver_due_webhooks(now=MARCH_21 + datetime.timedelta(days=4))

    endpoint.refresh_from_db()
    assert [s.line() for s in (two_days, three_days, while_off)] == [
        "delivered 0, failed 1, endpoints switched off 0",
        "delivered 0, failed 1, endpoints switched off 1",
        "delivered 0, failed 0, endpoints switched off 0",
    ]
    assert (endpoint.is_active, endpoint.disabled_at) == (
        False,
        MARCH_21 + datetime.timedelta(days=3),
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["coordinator@saxocell.test"], f"Webhook switched off: {consumer.url}")
    ]
    assert mail.outbox[0].body == (
        "Hello Carla Coordinator,\n\n"
        f"The webhook endpoint {consumer.url} has not accepted a delivery for 3 days, so it "
        "has been switched off. Its deliveries are kept: switch it on again on its page once "
        "it answers, and they are sent.\n\n"
        f"https://tracker.test/webhooks/{endpoint.pk}/\n\nC4F Tracker\n"
    )


def test_switched_on_again_the_waiting_deliveries_go(consumer, cluster, make_milestone):
    endpoint = add_endpoint(consumer, cluster=cluster, events=EventType.MILESTONE_CREATED)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=MARCH_21)
    make_milestone(title="While off")
    nothing = deliver_due_webhooks(now=MARCH_21)

    switch_on(endpoint=endpoint)
    after = deliver_due_webhooks(now=MARCH_21)

    assert (nothing.delivered, after.delivered) == (0, 1)
    assert [body["data"]["milestone"]["title"] for body in consumer.payloads()] == ["While off"]
    assert (endpoint.is_active, endpoint.disabled_at, endpoint.failing_since) == (True, None, None)


def test_delivery_refuses_a_name_that_now_resolves_to_loopback(
    consumer, cluster, make_milestone, settings
):
    # Registered while "localhost" was public, say (DNS rebinding): checked again at delivery.
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    endpoint = add_endpoint(consumer, cluster=cluster, events=EventType.MILESTONE_CREATED)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://localhost:{consumer.port}/hooks/c4f"
    )
    make_milestone()

    summary = deliver_due_webhooks(now=MARCH_21)

    delivery = WebhookDelivery.objects.get()
    assert summary.line() == "delivered 0, failed 1, endpoints switched off 0"
    assert consumer.arrivals == []
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "pending",
        1,
        None,
        "localhost is a private, loopback or otherwise internal address: webhooks go to public "
        "addresses only.",
    )
