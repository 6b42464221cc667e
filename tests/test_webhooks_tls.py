"""Webhooks over HTTPS: the delivery goes to the address checked, and the certificate is checked
for the endpoint's host name (its own test file: the time is not frozen, as TLS checks the
certificates' validity against the real clock)."""

import ssl

import pytest
import trustme
from django.utils import timezone

from milestones.api.webhooks.endpoints import new_secret
from milestones.api.webhooks.sending import deliver_due_webhooks
from milestones.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.webhook_consumer import WebhookConsumer


@pytest.fixture
def authority(monkeypatch, tmp_path):
    """A certificate authority of the test's own that the worker's TLS trusts."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    return authority


def https_consumer(authority, name):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    return WebhookConsumer(new_secret(), tls=context)


@pytest.mark.parametrize(
    ("certified_for", "outcome"),
    [("localhost", ("delivered", 204, "")), ("tracker.test", ("pending", None, "SSLError"))],
)
def test_https_goes_to_the_checked_address_and_checks_the_hosts_certificate(
    authority, cluster, make_milestone, settings, certified_for, outcome
):
    settings.WEBHOOKS_ALLOW_HTTP = False
    consumer = https_consumer(authority, certified_for)
    try:
        WebhookEndpoint.objects.create(
            cluster=cluster,
            url=consumer.url,
            secret=consumer.secret,
            events=EventType.MILESTONE_CREATED,
        )
        make_milestone(title="Over TLS")
        deliver_due_webhooks(now=timezone.now())
    finally:
        consumer.stop()

    delivery = WebhookDelivery.objects.get()
    assert consumer.url.startswith("https://localhost:")
    assert (delivery.state, delivery.last_status_code, delivery.last_error[:8]) == outcome
    assert len(consumer.accepted) == (1 if certified_for == "localhost" else 0)
