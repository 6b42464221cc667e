"""The webhook pages: who sees which endpoints, registering one, its deliveries and actions,
addresses refused outside development, and the pages' query counts."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from milestones.models import (
    DeliveryState,
    EventType,
    Programme,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.helpers import MARCH_21, field_errors, texts


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MARCH_21, tick=False) as traveller:
        yield traveller


def endpoint_of(url="https://hooks.example.org/c4f", **scope):
    return WebhookEndpoint.objects.create(
        url=url,
        secret="whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
        events="milestone.created",
        **scope,
    )


def add_deliveries(endpoint, count):
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_type=EventType.MILESTONE_CREATED,
            message_id=f"msg_{endpoint.pk}_{number}",
            payload="{}",
            next_attempt_at=MARCH_21,
            created_at=MARCH_21 - datetime.timedelta(minutes=number),
        )
        for number in range(count)
    )


def test_coordinator_registers_a_cluster_endpoint(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.post(
        reverse("milestones:webhooks"),
        {
            "scope": f"cluster-{cluster.pk}",
            "url": "https://93.184.216.34/hooks",
            "description": "Project tools",
            "events": ["milestone.date_changed", "milestone.created"],
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("milestones:webhook", args=[endpoint.pk])
    assert (endpoint.cluster, endpoint.programme, endpoint.url, endpoint.events) == (
        cluster,
        None,
        "https://93.184.216.34/hooks",
        "milestone.created,milestone.date_changed",
    )
    assert (endpoint.created_by, endpoint.secret[:6], len(endpoint.secret)) == (
        coordinator,
        "whsec_",
        50,
    )


def test_registration_offers_officers_their_programme_and_coordinators_their_cluster(
    client, officer, coordinator, programme, cluster, other_cluster
):
    Programme.objects.create(name="Another programme", slug="another")

    client.force_login(officer)
    officer_choices = texts(client.get(reverse("milestones:webhooks")), "#id_scope option")
    client.force_login(coordinator)
    coordinator_choices = texts(client.get(reverse("milestones:webhooks")), "#id_scope option")

    assert officer_choices == ["Programme Clusters4Future (all its clusters)"]
    assert coordinator_choices == ["Cluster SaxoCell"]


def test_registration_refuses_another_clusters_scope(client, coordinator, other_cluster):
    client.force_login(coordinator)

    response = client.post(
        reverse("milestones:webhooks"),
        {
            "scope": f"cluster-{other_cluster.pk}",
            "url": "https://93.184.216.34/hooks",
            "events": ["milestone.created"],
        },
    )

    assert response.status_code == 200
    assert field_errors(response)["scope"].startswith("Select a valid choice.")
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "https://127.0.0.1/hooks",
            "127.0.0.1 is a private, loopback or otherwise internal address: webhooks go to "
            "public addresses only.",
        ),
        (
            "https://localhost:8000/hooks",
            "localhost is a private, loopback or otherwise internal address: webhooks go to "
            "public addresses only.",
        ),
        (
            "https://10.1.2.3/hooks",
            "10.1.2.3 is a private, loopback or otherwise internal address: webhooks go to "
            "public addresses only.",
        ),
        (
            "https://169.254.169.254/latest/meta-data",
            "169.254.169.254 is a private, loopback or otherwise internal address: webhooks go "
            "to public addresses only.",
        ),
        (
            "https://[::1]/hooks",
            "::1 is a private, loopback or otherwise internal address: webhooks go to public "
            "addresses only.",
        ),
        (
            "https://[::ffff:192.168.0.1]/hooks",
            "::ffff:192.168.0.1 is a private, loopback or otherwise internal address: webhooks "
            "go to public addresses only.",
        ),
        ("http://93.184.216.34/hooks", "The address must start with https://."),
        (
            "https://user:secret@93.184.216.34/",
            "The address may not carry a user name or password.",
        ),
        ("ftp://93.184.216.34/hooks", "The address must start with https://."),
        (
            "https://no-such-host.invalid/hooks",
            "The host name no-such-host.invalid cannot be resolved.",
        ),
    ],
)
def test_registration_refuses_internal_addresses_in_production(
    client, coordinator, cluster, settings, url, error
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    client.force_login(coordinator)

    response = client.post(
        reverse("milestones:webhooks"),
        {"scope": f"cluster-{cluster.pk}", "url": url, "events": ["milestone.created"]},
    )

    assert response.status_code == 200
    assert field_errors(response) == {"url": error}
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"url": "not an address"}, {"url": "Enter a valid URL."}),
        (
            {"url": "https://93.184.216.34/" + "a" * 500},
            {"url": "Ensure this value has at most 500 characters (it has 522)."},
        ),
        (
            {"events": ["milestone.deleted"]},
            {
                "events": "Select a valid choice. milestone.deleted is not one of the available choices."
            },
        ),
        (
            {"scope": "programme-1"},
            {"scope": "Select a valid choice. programme-1 is not one of the available choices."},
        ),
    ],
)
def test_registration_refuses_bad_input_and_keeps_what_was_typed(
    client, coordinator, cluster, fields, errors
):
    client.force_login(coordinator)
    data = {
        "scope": f"cluster-{cluster.pk}",
        "url": "https://93.184.216.34/hooks",
        "description": "Project tools",
        "events": ["milestone.created"],
    } | fields

    response = client.post(reverse("milestones:webhooks"), data)

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert field_errors(response) == errors
    assert soup.select_one("#id_description")["value"] == "Project tools"
    assert WebhookEndpoint.objects.count() == 0


def test_registration_needs_an_event(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.post(
        reverse("milestones:webhooks"),
        {"scope": f"cluster-{cluster.pk}", "url": "https://93.184.216.34/hooks"},
    )

    assert field_errors(response) == {"events": "This field is required."}
    assert WebhookEndpoint.objects.count() == 0


def test_members_and_people_without_a_programme_get_404(client, member, other_coordinator):
    client.force_login(member)

    assert client.get(reverse("milestones:webhooks")).status_code == 404


def test_another_clusters_endpoint_is_404_for_every_action(
    client, coordinator, other_cluster, programme
):
    theirs = endpoint_of(cluster=other_cluster)
    programmes = endpoint_of(programme=programme)
    client.force_login(coordinator)

    answers = [
        client.get(reverse("milestones:webhook", args=[endpoint.pk])).status_code
        for endpoint in (theirs, programmes)
    ] + [
        client.post(reverse("milestones:webhook_action", args=[theirs.pk, action])).status_code
        for action in ("rotate", "switch-on", "remove")
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert WebhookEndpoint.objects.count() == 2


def test_officer_sees_the_programmes_and_its_clusters_endpoints_listed(
    client, officer, programme, cluster, other_cluster
):
    endpoint_of(url="https://a.example.org/", programme=programme)
    endpoint_of(url="https://b.example.org/", cluster=cluster)
    client.force_login(officer)

    rows = texts(client.get(reverse("milestones:webhooks")), "#endpoints tbody tr")

    assert rows == ["https://a.example.org/ Clusters4Future Milestone created active"]


def test_endpoint_page_shows_the_secret_and_recent_deliveries(client, coordinator, cluster):
    endpoint = endpoint_of(cluster=cluster)
    add_deliveries(endpoint, 2)
    WebhookDelivery.objects.filter(message_id__endswith="_1").update(
        state=DeliveryState.DELIVERED, attempts=1, last_status_code=204
    )
    WebhookDelivery.objects.filter(message_id__endswith="_0").update(
        attempts=2, last_status_code=500, last_error="busy"
    )
    client.force_login(coordinator)

    response = client.get(reverse("milestones:webhook", args=[endpoint.pk]))

    secret = BeautifulSoup(response.content, "html.parser").select_one("#webhook-secret")
    assert secret["value"] == "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"
    assert texts(response, "#deliveries tbody tr") == [
        f"Milestone created msg_{endpoint.pk}_0 21 March 2024, 09:00 Pending 2 500 busy "
        "21 March 2024, 09:00",
        f"Milestone created msg_{endpoint.pk}_1 21 March 2024, 08:59 Delivered 1 204 –",
    ]


def test_endpoint_settings_are_changed_on_its_page(client, coordinator, cluster):
    endpoint = endpoint_of(cluster=cluster)
    client.force_login(coordinator)
    page = client.get(reverse("milestones:webhook", args=[endpoint.pk]))

    response = client.post(
        reverse("milestones:webhook", args=[endpoint.pk]),
        {
            "url": "https://93.184.216.35/new",
            "description": "Reporting",
            "events": ["submission.received", "milestone.status_changed"],
        },
    )

    endpoint.refresh_from_db()
    checked = BeautifulSoup(page.content, "html.parser").select("input[name=events][checked]")
    assert [box["value"] for box in checked] == ["milestone.created"]
    assert response["Location"] == reverse("milestones:webhook", args=[endpoint.pk])
    assert (endpoint.url, endpoint.description, endpoint.events, endpoint.cluster) == (
        "https://93.184.216.35/new",
        "Reporting",
        "milestone.status_changed,submission.received",
        cluster,
    )


def test_endpoint_change_to_an_internal_address_is_refused(client, coordinator, cluster, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    endpoint = endpoint_of(cluster=cluster)
    client.force_login(coordinator)

    response = client.post(
        reverse("milestones:webhook", args=[endpoint.pk]),
        {"url": "https://192.168.1.10/hooks", "events": ["milestone.created"]},
    )

    endpoint.refresh_from_db()
    assert field_errors(response) == {
        "url": "192.168.1.10 is a private, loopback or otherwise internal address: webhooks go "
        "to public addresses only."
    }
    assert endpoint.url == "https://hooks.example.org/c4f"


def test_rotating_the_secret_replaces_it(client, coordinator, cluster):
    endpoint = endpoint_of(cluster=cluster)
    client.force_login(coordinator)

    client.post(reverse("milestones:webhook_action", args=[endpoint.pk, "rotate"]))

    old = endpoint.secret
    endpoint.refresh_from_db()
    assert (endpoint.secret != old, endpoint.secret[:6]) == (True, "whsec_")


def test_switched_off_endpoint_is_switched_on_from_its_page(client, coordinator, cluster):
    endpoint = endpoint_of(cluster=cluster)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_at=MARCH_21, failing_since=MARCH_21
    )
    client.force_login(coordinator)

    before = texts(client.get(reverse("milestones:webhook", args=[endpoint.pk])), "#endpoint dd")
    client.post(reverse("milestones:webhook_action", args=[endpoint.pk, "switch-on"]))
    after = texts(client.get(reverse("milestones:webhook", args=[endpoint.pk])), "#endpoint dd")

    assert before[2] == "switched off 21 March 2024, 09:00: it failed for too long"
    assert after[2] == "active"


def test_removing_an_endpoint_removes_its_deliveries(client, coordinator, cluster):
    endpoint = endpoint_of(cluster=cluster)
    add_deliveries(endpoint, 3)
    client.force_login(coordinator)

    response = client.post(reverse("milestones:webhook_action", args=[endpoint.pk, "remove"]))

    assert response["Location"] == reverse("milestones:webhooks")
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


@pytest.mark.parametrize("count", [1, 30])
def test_endpoint_list_queries_do_not_grow_with_endpoints(
    client, officer, programme, cluster, count, django_assert_num_queries
):
    for number in range(count):
        endpoint_of(url=f"https://{number}.example.org/", programme=programme)
    client.force_login(officer)

    # Session, person, programmes and clusters to choose from, the endpoints.
    with django_assert_num_queries(5):
        response = client.get(reverse("milestones:webhooks"))

    assert len(texts(response, "#endpoints tbody tr")) == count


@pytest.mark.parametrize("count", [1, 50])
def test_endpoint_page_queries_do_not_grow_with_deliveries(
    client, coordinator, cluster, count, django_assert_num_queries
):
    endpoint = endpoint_of(cluster=cluster)
    add_deliveries(endpoint, count)
    client.force_login(coordinator)

    # Session, person, the endpoint, its newest deliveries.
    with django_assert_num_queries(4):
        response = client.get(reverse("milestones:webhook", args=[endpoint.pk]))

    assert len(texts(response, "#deliveries tbody tr")) == min(count, 20)
