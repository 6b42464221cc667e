"""`make bench`, webhooks: deliveries per second of a worker round (claim, sign, POST, record)
against a bare ``http.client`` loop posting the same bodies to the same consumer, in the same
run.

    python -m benchmarks.webhooks           # alone

The consumer (benchmarks.webhook_sink) answers 204 in a process of its own. The deliveries
are written by ``record_event`` before the clock starts; the bare loop's bodies are built
beforehand too, and it neither signs nor records anything.
"""

import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import time

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()

from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from milestones.api.webhooks.endpoints import new_secret
from milestones.api.webhooks.events import record_event
from milestones.api.webhooks.sending import deliver_due_webhooks
from milestones.models import (
    Cluster,
    EventType,
    Kind,
    Milestone,
    Programme,
    WebhookDelivery,
    WebhookEndpoint,
)

DELIVERIES = int(os.environ.get("BENCH_WEBHOOKS", "1000"))
RUNS = int(os.environ.get("BENCH_WEBHOOK_RUNS", "3"))


def start_sink():
    sink = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.webhook_sink"], stdout=subprocess.PIPE, text=True
    )
    return sink, int(sink.stdout.readline())


def due_deliveries(port, count):
    """``count`` deliveries due now to one endpoint at the sink; their bodies."""
    programme, _ = Programme.objects.get_or_create(
        slug="webhook-bench", defaults={"name": "Webhook bench"}
    )
    cluster, _ = Cluster.objects.get_or_create(
        slug="webhook-bench", defaults={"name": "Webhook bench", "programme": programme}
    )
    WebhookEndpoint.objects.filter(cluster=cluster).delete()
    Milestone.objects.filter(cluster=cluster).delete()
    WebhookEndpoint.objects.create(
        cluster=cluster,
        url=f"http://127.0.0.1:{port}/hooks",
        secret=new_secret(),
        events=EventType.MILESTONE_CREATED,
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            cluster=cluster,
            kind=Kind.OTHER,
            title=f"Deliverable {number}",
            starts_on=datetime.date(2024, 4, 16),
        )
        for number in range(count)
    )
    for milestone in milestones:
        record_event(event_type=EventType.MILESTONE_CREATED, milestone=milestone)
    return list(WebhookDelivery.objects.filter(endpoint__cluster=cluster).values_list("payload"))


def bare_loop(bodies, port):
    """POST each body over one kept-alive connection and read the answer: the floor."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for (body,) in bodies:
        connection.request(
            "POST", "/hooks", body=body.encode(), headers={"content-type": "application/json"}
        )
        response = connection.getresponse()
        response.read()
        if response.status != 204:
            raise RuntimeError(response.status)
    connection.close()


def one_run(port):
    bodies = due_deliveries(port, DELIVERIES)
    started = time.perf_counter()
    bare_loop(bodies, port)
    bare = time.perf_counter() - started
    with override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True, WEBHOOKS_ALLOW_HTTP=True):
        started = time.perf_counter()
        summary = deliver_due_webhooks(now=timezone.now())
        ours = time.perf_counter() - started
    if summary.delivered != len(bodies):
        raise RuntimeError(f"delivered {summary.delivered} of {len(bodies)}")
    return len(bodies) / ours, len(bodies) / bare


def figures():
    sink, port = start_sink()
    try:
        runs = [one_run(port) for _ in range(RUNS)]
    finally:
        sink.terminate()
        sink.wait(10)
    return {
        "deliveries": DELIVERIES,
        "runs": RUNS,
        "worker per s": round(statistics.median(ours for ours, _bare in runs), 1),
        "bare http.client per s": round(statistics.median(bare for _ours, bare in runs), 1),
        "worker per s of the runs": [round(ours, 1) for ours, _bare in runs],
    }


def table(webhooks):
    return (
        f"6. {webhooks['deliveries']} webhook deliveries to an HTTP consumer on loopback: "
        f"{webhooks['worker per s']}/s through a deliver_webhooks round (claim, sign, POST, "
        f"record; the median of {webhooks['runs']} runs: "
        f"{', '.join(str(r) for r in webhooks['worker per s of the runs'])}); a bare "
        f"http.client loop, bodies built beforehand: {webhooks['bare http.client per s']}/s"
    )


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    results = figures()
    print(table(results))
    print(json.dumps(results))
