"""deliver_webhooks as processes: four workers at once on PostgreSQL deliver each webhook
exactly once, a worker killed mid-delivery repeats at most that one, and on SQLite two
workers take turns."""

import datetime
import os
import signal
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection

from milestones.api.webhooks.endpoints import new_secret
from milestones.api.webhooks.events import record_event
from milestones.api.webhooks.sending import WAITING_FOR_ANOTHER_ROUND
from milestones.models import (
    DeliveryState,
    EventType,
    Kind,
    Milestone,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.test_send_reminders_workers import Lines
from tests.webhook_consumer import WebhookConsumer


@pytest.fixture
def consumer():
    server = WebhookConsumer(new_secret())
    yield server
    server.stop()


def many_events(cluster, consumer, count):
    """``count`` milestone.created deliveries due now to the consumer."""
    WebhookEndpoint.objects.create(
        cluster=cluster,
        url=consumer.url,
        secret=consumer.secret,
        events=EventType.MILESTONE_CREATED,
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            cluster=cluster,
            kind=Kind.OTHER,
            title=f"Deliverable {n}",
            starts_on=datetime.date(2024, 4, 16),
        )
        for n in range(count)
    )
    for milestone in milestones:
        record_event(event_type=EventType.MILESTONE_CREATED, milestone=milestone)
    return set(WebhookDelivery.objects.values_list("message_id", flat=True))


def worker(*arguments, database_url=None, **variables):
    """A ``manage.py deliver_webhooks`` process against the test database (or another)."""
    database = connection.settings_dict
    url = database_url or (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "true",
        **variables,
    }
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "deliver_webhooks", *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.postgres_only
def test_four_workers_at_once_deliver_each_webhook_exactly_once(
    transactional_db, cluster, consumer
):
    expected = many_events(cluster, consumer, 200)

    workers = [worker() for _ in range(4)]
    outputs = [process.communicate(timeout=300) for process in workers]

    delivered = [int(out.split(",")[0].removeprefix("delivered ")) for out, _err in outputs]
    assert [process.returncode for process in workers] == [0, 0, 0, 0], outputs
    assert sum(delivered) == 200
    assert (set(consumer.accepted), sorted(set(consumer.accepted.values()))) == (expected, [1])
    assert len(consumer.arrivals) == 200
    assert consumer.forged == []
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 200


@pytest.mark.postgres_only
def test_worker_killed_mid_delivery_repeats_at_most_that_one(transactional_db, cluster, consumer):
    expected = many_events(cluster, consumer, 60)
    # The consumer holds the 30th request until the worker that sent it is dead.
    thirtieth, release = threading.Event(), threading.Event()
    original = consumer.note_arrival

    def hold_the_thirtieth(message_id, payload, headers):
        original(message_id, payload, headers)
        if len(consumer.arrivals) == 30:
            thirtieth.set()
            release.wait(60)

    consumer.note_arrival = hold_the_thirtieth
    doomed = worker()
    assert thirtieth.wait(120)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=60)
    release.set()
    rescue = worker()
    rescue.communicate(timeout=300)

    assert (doomed.returncode, rescue.returncode) == (-signal.SIGKILL, 0)
    assert set(consumer.accepted) == expected
    # The one in flight when the worker died went twice, with the same webhook-id; no other.
    assert sum(consumer.accepted.values()) - len(expected) <= 1
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 60


SQLITE_DATA = """
import datetime
from milestones import services
from milestones.models import Cluster, Milestone, Programme, WebhookEndpoint
programme = Programme.objects.create(name="Clusters4Future", slug="c4f")
cluster = Cluster.objects.create(programme=programme, name="SaxoCell", slug="saxocell")
WebhookEndpoint.objects.create(
    cluster=cluster, url={url!r}, secret={secret!r}, events="milestone.created"
)
for number in range(6):
    services.add_milestone(
        milestone=Milestone(
            cluster=cluster, title=f"Deliverable {{number}}", starts_on=datetime.date(2024, 4, 16)
        ),
        by=None,
    )
"""


def sqlite_database(path, consumer):
    """A SQLite file database of its own, migrated, with six webhooks due to the consumer."""
    url = f"sqlite:///{path}"
    environment = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "DEBUG": "true"}
    data = SQLITE_DATA.format(url=consumer.url, secret=consumer.secret)
    for command in (["migrate", "--verbosity", "0"], ["shell", "--command", data]):
        subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *command],
            env=environment,
            capture_output=True,
            check=True,
        )
    return url


def test_two_workers_at_once_on_sqlite_take_turns(tmp_path, consumer):
    # The first worker's first delivery is held at the consumer until the second worker has
    # started and said that it waits: each webhook is delivered once.
    url = sqlite_database(tmp_path / "db.sqlite3", consumer)
    first_arrived, release = threading.Event(), threading.Event()
    original = consumer.note_arrival

    def hold_the_first(message_id, payload, headers):
        original(message_id, payload, headers)
        if not first_arrived.is_set():
            first_arrived.set()
            release.wait(60)

    consumer.note_arrival = hold_the_first
    first = worker(database_url=url)
    assert first_arrived.wait(60)
    second = worker(database_url=url)
    second_err = second.stderr.readline()
    release.set()
    first_out, _ = first.communicate(timeout=60)
    second_out, _ = second.communicate(timeout=60)

    assert (first.returncode, second.returncode) == (0, 0)
    assert second_err.strip().endswith(WAITING_FOR_ANOTHER_ROUND)
    assert (first_out, second_out) == (
        "delivered 6, failed 0, endpoints switched off 0\n",
        "delivered 0, failed 0, endpoints switched off 0\n",
    )
    assert sorted(consumer.accepted.values()) == [1, 1, 1, 1, 1, 1]


def test_loop_retries_a_refusal_and_ends_after_its_round_on_sigterm(tmp_path, consumer):
    url = sqlite_database(tmp_path / "db.sqlite3", consumer)
    consumer.script = ["refuse"]

    looping = worker("--loop", "--interval", "0.2", database_url=url, WEBHOOK_RETRY_AFTER="0")
    out, err = Lines(looping.stdout), Lines(looping.stderr)
    out.wait_for("delivered 6, failed 0, endpoints switched off 0")
    looping.send_signal(signal.SIGTERM)
    looping.wait(30)

    assert looping.returncode == 0
    assert out.all() == [
        "delivered 0, failed 1, endpoints switched off 0",
        "delivered 6, failed 0, endpoints switched off 0",
    ]
    assert [line.split(" not delivered: ")[1] for line in err.all()] == ["busy, try later"]
    assert sorted(consumer.accepted.values()) == [1, 1, 1, 1, 1, 1]
