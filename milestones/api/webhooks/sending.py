"""Delivering the ledger's pending webhooks, each claimed, sent and recorded in one transaction.

As with reminders (``milestones.reminders.sending``): on PostgreSQL a worker claims a row with
``SELECT ... FOR UPDATE SKIP LOCKED`` and holds it while the request is under way, so that any
number of workers run side by side and each delivery goes out once; a crash between the send
and the commit leaves that one row pending, to be sent again with the same ``webhook-id``. On
SQLite one round runs at a time and the request goes out between the claim and the record.

Any answer but 2xx, and a time-out, is tried again later (doubling pauses). An endpoint that
fails for WEBHOOK_DISABLE_AFTER is switched off and its owners are emailed; its deliveries
wait, pending, until it is switched on again. Each round ends by deleting the deliveries
delivered longer ago than WEBHOOK_DELIVERIES_KEEP_DAYS (``milestones.api.webhooks.pruning``).
"""

import datetime
import logging
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from standardwebhooks import Webhook

from milestones.api.webhooks.addresses import AddressRefused, resolve
from milestones.api.webhooks.pruning import prune_delivered_webhooks
from milestones.models import (
    DeliveryState,
    Person,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
)
from milestones.rounds import one_round_at_a_time, waiting_message

logger = logging.getLogger(__name__)

BACKOFF_LONGEST = datetime.timedelta(hours=1)
# Enough of an answer's body to say what went wrong; the rest is not read.
ANSWER_KEPT = 500
WAITING_FOR_ANOTHER_ROUND = waiting_message("deliver_webhooks")


def backoff(attempts):
    """WEBHOOK_RETRY_AFTER after the first failure, doubling, at most an hour."""
    first = datetime.timedelta(seconds=settings.WEBHOOK_RETRY_AFTER)
    return min(first * 2 ** min(attempts - 1, 20), BACKOFF_LONGEST)


@dataclass
class Summary:
    delivered: int = 0
    failed: int = 0
    switched_off: int = 0

    def line(self):
        return (
            f"delivered {self.delivered}, failed {self.failed}, "
            f"endpoints switched off {self.switched_off}"
        )


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def delivered(self):
        return self.status_code is not None and 200 <= self.status_code < 300


class Connections:
    """Kept-alive HTTP connections of one round, one pool per checked address and host."""

    def __init__(self):
        self.pools = {}

    def pool(self, target):
        key = (target.scheme, target.address, target.port, target.host)
        if key not in self.pools:
            timeout = urllib3.Timeout(
                connect=settings.WEBHOOK_TIMEOUT, read=settings.WEBHOOK_TIMEOUT
            )
            options = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
            if target.scheme == "https":
                # Connected to the address checked; the certificate checked for the host name.
                self.pools[key] = urllib3.HTTPSConnectionPool(
                    target.address,
                    server_hostname=target.host,
                    assert_hostname=target.host,
                    cert_reqs="CERT_REQUIRED",
                    **options,
                )
            else:
                self.pools[key] = urllib3.HTTPConnectionPool(target.address, **options)
        return self.pools[key]

    def close(self):
        for pool in self.pools.values():
            pool.close()


def signed_headers(delivery, *, now):
    """The Standard Webhooks headers of one attempt: its id, the moment and the signature."""
    signature = Webhook(delivery.endpoint.secret).sign(
        msg_id=delivery.message_id, timestamp=now, data=delivery.payload
    )
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "C4F-Tracker-Webhooks",
    }


def post(delivery, *, now, connections):
    """Send one delivery to its endpoint and say how it went (the status code, or an error)."""
    try:
        target = resolve(delivery.endpoint.url)
    except AddressRefused as error:
        return Outcome(None, str(error))
    host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    headers = {**signed_headers(delivery, now=now), "host": host}
    try:
        response = connections.pool(target).urlopen(
            "POST",
            target.path,
            body=delivery.payload.encode(),
            headers=headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.HTTPError as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:2000])
    try:
        answer = response.read(ANSWER_KEPT, decode_content=False)
    except urllib3.exceptions.HTTPError as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:2000])
    finally:
        # A connection whose answer was read whole is kept for the next delivery.
        if response.length_remaining == 0:
            response.release_conn()
        else:
            response.close()
    error = "" if 200 <= response.status < 300 else answer.decode("utf-8", "replace")
    return Outcome(response.status, error)


def _claim(*, now, skipping):
    """Lock the next due delivery of an active endpoint that no other worker holds."""
    due = (
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .exclude(endpoint_id__in=skipping)
        .select_related("endpoint")
        .order_by("next_attempt_at", "pk")
    )
    return due.select_for_update(skip_locked=True, of=("self",)).first()


def _record(delivery, outcome, *, now, summary):
    """Write how the attempt went, in the transaction that claimed the row; True when it
    switched the endpoint off."""
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if outcome.delivered:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
        summary.delivered += 1
        delivery.save(
            update_fields=["state", "delivered_at", "attempts", "last_status_code", "last_error"]
        )
        endpoint.filter(failing_since__isnull=False).update(failing_since=None)
        return False
    delivery.next_attempt_at = now + backoff(delivery.attempts)
    summary.failed += 1
    delivery.save(update_fields=["next_attempt_at", "attempts", "last_status_code", "last_error"])
    endpoint.filter(failing_since__isnull=True).update(failing_since=now)
    # Failing since longer than allowed: switched off, by one worker only.
    switched_off = endpoint.filter(
        is_active=True, failing_since__lte=now - settings.WEBHOOK_DISABLE_AFTER
    ).update(is_active=False, disabled_at=now)
    summary.switched_off += switched_off
    return bool(switched_off)


def _deliver_next(*, now, connections, summary, skipping):
    """Claim the next due delivery, send it and record how it went; False when none is left.

    An endpoint that failed is not tried again in the same round (``skipping``): one that is
    down would otherwise make the round wait for each of its deliveries in turn.
    """
    send_inside = connection.vendor != "sqlite"
    with transaction.atomic():
        delivery = _claim(now=now, skipping=skipping)
        if delivery is None:
            return False
        if send_inside:
            outcome = post(delivery, now=now, connections=connections)
            switched_off = _record(delivery, outcome, now=now, summary=summary)
    if not send_inside:
        outcome = post(delivery, now=now, connections=connections)
        with transaction.atomic():
            switched_off = _record(delivery, outcome, now=now, summary=summary)
    if not outcome.delivered:
        skipping.add(delivery.endpoint_id)
        logger.warning("webhook %s not delivered: %s", delivery.message_id, outcome.error[:200])
    if switched_off:
        email_switched_off(endpoint=delivery.endpoint)
    return True


def deliver_due_webhooks(*, now, summary=None):
    """Send every pending delivery that is due at ``now``, then delete those delivered longer
    ago than they are kept; returns a Summary of the round (counted into ``summary`` when
    given)."""
    summary = summary or Summary()
    connections = Connections()
    skipping = set()
    try:
        with one_round_at_a_time("deliver_webhooks", logger=logger):
            while _deliver_next(
                now=now, connections=connections, summary=summary, skipping=skipping
            ):
                pass
            prune_delivered_webhooks(now=now)
    finally:
        connections.close()
    return summary


def owners(endpoint):
    """Who may manage the endpoint: its programme's officers, or its cluster's coordinators."""
    people = Person.objects.filter(is_active=True)
    if endpoint.programme_id is not None:
        return people.filter(programme_roles__programme_id=endpoint.programme_id).order_by("pk")
    return people.filter(
        memberships__cluster_id=endpoint.cluster_id, memberships__role=Role.COORDINATOR
    ).order_by("pk")


def email_switched_off(*, endpoint):
    """Tell the endpoint's owners, each in their language, that it was switched off."""
    link = settings.SITE_URL + reverse("milestones:webhook", args=[endpoint.pk])
    for person in owners(endpoint):
        with translation.override(person.message_language):
            context = {
                "person": person,
                "endpoint": endpoint,
                "days": settings.WEBHOOK_DISABLE_AFTER.days,
                "link": link,
            }
            subject = " ".join(
                render_to_string("milestones/email/webhook_off_subject.txt", context).split()
            )
            body = render_to_string("milestones/email/webhook_off.txt", context)
        EmailMessage(subject=subject, body=body, to=[person.email]).send()
